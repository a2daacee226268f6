//! Clients under test, run in the World's mount namespace: lading (trusting the CA or not)
//! and skopeo (the real client that proves the fakes faithful).

use std::path::Path;
use std::process::{Command, Output};

use super::World;
use crate::LadingProcess;

/// skopeo gives up after this (a fake that hangs must fail the test, not stall it).
const SKOPEO_TIMEOUT_SECS: &str = "120";

impl World {
    /// `--allow-host` for every host, then `extra`.
    fn allow_args(&self, extra: &[&str]) -> Vec<String> {
        let mut args = Vec::new();
        for host in self.hosts() {
            args.push("--allow-host".to_owned());
            args.push(host);
        }
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    }

    /// lading in the namespace, `--ca-cert CA.pem`, `--allow-host` each host, then `extra`.
    pub fn lading(&self, bin: &Path, extra: &[&str]) -> LadingProcess {
        let ca = self.ca_pem().to_string_lossy().into_owned();
        let mut args = vec!["--ca-cert".to_owned(), ca];
        args.extend(self.allow_args(extra));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        LadingProcess::spawn_wrapped(&self.namespace_prefix(), bin, &args, &[])
    }

    /// lading in the namespace, every host allow-listed, but NOT trusting the World's CA.
    pub fn lading_untrusted(&self, bin: &Path, extra: &[&str]) -> LadingProcess {
        let args = self.allow_args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        LadingProcess::spawn_wrapped(&self.namespace_prefix(), bin, &args, &[])
    }

    /// skopeo in the namespace trusting the CA: `args[0]` is the subcommand (`inspect`,
    /// `list-tags`, `copy`); the cert-dir flags and `--retry-times 0` are inserted after it.
    /// No auth file from the machine is read (`REGISTRY_AUTH_FILE` points into the World).
    pub fn skopeo(&self, args: &[&str]) -> Output {
        let (subcommand, rest) = args.split_first().expect("skopeo needs a subcommand");
        let cert_dir = self.cert_dir().to_string_lossy().into_owned();
        let mut command = Command::new("timeout");
        command
            .args(["-k", "5", SKOPEO_TIMEOUT_SECS])
            .args(self.namespace_prefix())
            .arg("skopeo")
            .arg(subcommand);
        match *subcommand {
            "copy" | "sync" => {
                command.args(["--src-cert-dir", &cert_dir, "--dest-cert-dir", &cert_dir])
            }
            _ => command.args(["--cert-dir", &cert_dir]),
        };
        if matches!(*subcommand, "copy" | "inspect" | "list-tags") {
            command.args(["--retry-times", "0"]);
        }
        command
            .args(rest)
            .env("REGISTRY_AUTH_FILE", self.dir().join("auth.json"))
            .env("HOME", self.dir())
            .output()
            .expect("run skopeo (is it installed?)")
    }

    /// Like [`World::skopeo`], panicking with its output unless it succeeded; returns stdout.
    pub fn skopeo_ok(&self, args: &[&str]) -> String {
        let output = self.skopeo(args);
        assert!(
            output.status.success(),
            "skopeo {args:?} failed ({}):\nstdout: {}\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl World {
    /// An HTTP client that resolves every World host to its address and trusts the World's
    /// CA (nothing else): for tests that talk to the fakes directly.
    pub fn client(&self) -> reqwest::Client {
        let ca = reqwest::Certificate::from_pem(self.ca_pem_text().as_bytes()).expect("CA PEM");
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca)
            .redirect(reqwest::redirect::Policy::none());
        for host in self.hosts() {
            if let Some(addr) = self.addr_of(&host) {
                builder = builder.resolve(&host, addr);
            }
        }
        builder.build().expect("World HTTP client")
    }

    fn ca_pem_text(&self) -> String {
        std::fs::read_to_string(self.ca_pem()).expect("read the World's CA")
    }
}
