//! No credential in any artefact: every view of the htpasswd, token and redirecting stands,
//! made with a known password (and, on the token stand, for which the registry issued real
//! tokens), turned into every artefact (sh, Python, the tool commands, HAR, Postman,
//! Mermaid); none may hold the password, `user:password` in base64, a token the token server
//! issues for that scope, or the CDN's URL signature; no script may copy a `<redacted…>`
//! value from the trace. Artefacts must be real (non-trivial, naming the registry, the
//! scripts reading `REGISTRY_PASSWORD`), so an empty generator cannot pass vacuously.

use base64::Engine as _;
use lading_shared::reproduce::{Flow, PASSWORD_VAR, har, mermaid, postman, reproductions};
use serde_json::Value;

use super::stand::{Access, PASSWORD, REPO, Stand, USER, block_on};

/// One generated text, named for the failure message.
struct Artefact {
    name: String,
    text: String,
    /// A script or command (must not copy redacted values).
    runnable: bool,
}

fn artefacts(flow: &Flow) -> Vec<Artefact> {
    let mut all: Vec<Artefact> = reproductions(flow)
        .into_iter()
        .filter_map(|r| {
            r.text.ok().map(|text| Artefact {
                name: r.kind.as_str().to_string(),
                text,
                runnable: true,
            })
        })
        .collect();
    for (name, text) in [
        ("har", har::har(flow)),
        ("postman", postman::collection(flow)),
        ("mermaid", mermaid::diagram(flow)),
    ] {
        all.push(Artefact {
            name: name.to_string(),
            text,
            runnable: false,
        });
    }
    all
}

/// Every spelling of a secret that could end up in a text.
fn spellings(secret: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    vec![
        secret.to_string(),
        b64.encode(secret),
        form.clone(),
        form.replace('+', "%20"),
        serde_json::to_string(secret)
            .expect("json")
            .trim_matches('"')
            .to_string(),
    ]
}

/// Checks every artefact of every view of `stand` against `secrets` (plain texts whose every
/// spelling is forbidden), `fragments` (exact substrings forbidden) and `script_fragments`
/// (forbidden in scripts and commands only: the exports show the redacted trace as is).
fn check_stand(stand: &Stand, secrets: &[String], fragments: &[String], script_fragments: &[&str]) {
    let mut forbidden: Vec<String> = secrets.iter().flat_map(|s| spellings(s)).collect();
    forbidden.extend(fragments.iter().cloned());
    forbidden.retain(|f| f.len() >= 8);
    let mut problems = Vec::new();
    for subject in stand.fixtures().subjects() {
        let (flow, _) = stand.view(&subject);
        let registry = subject.registry().to_string();
        for artefact in artefacts(&flow) {
            let what = format!("{} of {}", artefact.name, subject.describe());
            for secret in &forbidden {
                if artefact.text.contains(secret.as_str()) {
                    problems.push(format!("{what}: contains a secret ({secret:.12}…)"));
                }
            }
            if artefact.runnable {
                for fragment in ["<redacted"].iter().chain(script_fragments) {
                    if artefact.text.contains(fragment) {
                        problems.push(format!("{what}: copies {fragment:?} from the trace"));
                    }
                }
            }
            check_real(&artefact, &flow, &registry, &what, &mut problems);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The artefact is a real one for this view, not a placeholder.
fn check_real(
    artefact: &Artefact,
    flow: &Flow,
    registry: &str,
    what: &str,
    problems: &mut Vec<String>,
) {
    let text = &artefact.text;
    let min = if artefact.runnable { 40 } else { 200 };
    if text.trim().len() < min {
        problems.push(format!("{what}: only {} bytes", text.trim().len()));
    }
    let host = flow
        .base_url
        .split_once("://")
        .map_or(registry, |(_, host)| host);
    // A diagram's lanes are roles (Registry, Token server), not host names.
    if artefact.name != "mermaid" && !text.contains(host) && !text.contains(registry) {
        problems.push(format!("{what}: never names the registry {host}"));
    }
    let script = matches!(artefact.name.as_str(), "sh" | "python");
    if script && flow.credentials && !text.contains(PASSWORD_VAR) {
        problems.push(format!(
            "{what}: the view used credentials but the script never reads {PASSWORD_VAR}"
        ));
    }
    match artefact.name.as_str() {
        "har" | "postman" if serde_json::from_str::<Value>(text).is_err() => {
            problems.push(format!("{what}: not JSON"));
        }
        "mermaid" if !text.contains("sequenceDiagram") => {
            problems.push(format!("{what}: not a Mermaid sequence diagram"));
        }
        _ => {}
    }
}

/// A token for `scope` from the stand's token server, asked for as a registry client does
/// (Basic credentials, service and scope): what a script or export must never hold.
fn real_token(stand: &Stand, scope: &str) -> String {
    let tokens = stand.token_server().expect("a token stand");
    let url = format!(
        "{}?service={}&scope={}",
        tokens.realm(),
        tokens.service(),
        url::form_urlencoded::byte_serialize(scope.as_bytes()).collect::<String>()
    );
    block_on(async move {
        let answer: Value = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client")
            .get(&url)
            .basic_auth(USER, Some(PASSWORD))
            .send()
            .await
            .expect("token server answers")
            .json()
            .await
            .expect("token JSON");
        answer["token"].as_str().expect("a token").to_string()
    })
}

fn user_password() -> String {
    format!("{USER}:{PASSWORD}")
}

#[test]
fn htpasswd_stand_artefacts_hold_no_password() {
    let stand = Stand::start(Access::Htpasswd);
    check_stand(&stand, &[PASSWORD.to_string(), user_password()], &[], &[]);
}

#[test]
fn token_stand_artefacts_hold_no_password_and_no_token() {
    let stand = Stand::start(Access::Token);
    let token = real_token(&stand, &format!("repository:{REPO}:pull"));
    let catalog_token = real_token(&stand, "registry:catalog:*");
    // A JWT's first segment is the same for every token the server signs: finding it means
    // some token was copied, whichever one.
    let header = token.split('.').next().unwrap_or_default().to_string();
    assert!(header.len() >= 16, "a JWT: {token}");
    check_stand(
        &stand,
        &[PASSWORD.to_string(), user_password()],
        &[token, catalog_token, header],
        &[],
    );
}

#[test]
fn redirecting_stand_artefacts_hold_no_cdn_signature() {
    let stand = Stand::redirecting();
    let (user, password) = stand.script_credentials();
    // The World's CDN URLs carry `sig=…`: a signed URL must never be copied into a script.
    check_stand(
        &stand,
        &[password.to_string(), format!("{user}:{password}")],
        &["Wm9vYmFyU2lnbmF0dXJlMTIzNDU2Nzg5MA".to_string()],
        &["sig=", "se=2026"],
    );
}
