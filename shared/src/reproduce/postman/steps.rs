//! Which requests the collection holds, in the order the view made them: the same plan as
//! the scripts (ping, token, manifest, config, blobs, list pages), each with a description
//! in the registry's own terms and a test script that checks the answer.

use super::blobs::{self, blob};
use super::lists::{hub_repositories, pages};
use super::target::{Base, Target, component, segments};
use super::tests_js;
use crate::api::ExchangePurpose;
use crate::digest::Digest;
use crate::reproduce::{Auth, Flow, ImageTarget, Lane, Subject};

/// How one request authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StepAuth {
    None,
    /// `{{REGISTRY_USER}}` / `{{REGISTRY_PASSWORD}}` as Basic credentials.
    Basic,
    /// Basic credentials only when `REGISTRY_USER` is set (added by a pre-request script).
    BasicIfSet,
    /// `Authorization: Bearer {{token}}`.
    Bearer,
}

/// One request of the collection.
#[derive(Debug, Clone)]
pub(super) struct Step {
    pub name: String,
    pub description: String,
    pub method: &'static str,
    pub target: Target,
    pub headers: Vec<(String, String)>,
    pub auth: StepAuth,
    pub prerequest: Option<String>,
    pub test: Option<String>,
    /// What Postman does with a redirect.
    pub redirects: Redirects,
    /// A blob at the registry: what its sha256 must be. [`blobs::follow_ups`] adds the
    /// item fetching a redirect's `Location` and writes both test scripts.
    pub blob: Option<Blob>,
}

/// How one request treats a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Redirects {
    /// Postman's default (follow).
    Default,
    /// Not followed: the test script reads `Location` (a blob at the registry).
    Manual,
    /// Followed, never with Authorization (a request carrying no credentials anyway).
    WithoutAuthorization,
}

/// A blob's expected digest (`None`: the config digest variable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Blob {
    pub digest: Option<String>,
}

impl Step {
    pub(super) fn new(
        name: &str,
        method: &'static str,
        target: Target,
        description: String,
    ) -> Step {
        Step {
            name: name.to_string(),
            description,
            method,
            target,
            headers: Vec::new(),
            auth: StepAuth::None,
            prerequest: None,
            test: None,
            redirects: Redirects::Default,
            blob: None,
        }
    }
}

/// Every request, in order.
pub(super) fn steps(flow: &Flow) -> Vec<Step> {
    let registry_auth = match flow.auth {
        Auth::Anonymous => StepAuth::None,
        Auth::Basic => StepAuth::Basic,
        Auth::Bearer { .. } => StepAuth::Bearer,
    };
    let hub_namespace = matches!(
        &flow.subject,
        Subject::Catalog {
            namespace: Some(_),
            ..
        }
    );
    let mut steps = Vec::new();
    if !hub_namespace {
        steps.push(ping());
        steps.extend(token(flow));
    }
    let mut subject_steps = match &flow.subject {
        Subject::Manifest(image) => manifest(flow, image),
        Subject::Export { image } => {
            let mut list = manifest(flow, image);
            list.extend(layers(flow, image));
            list
        }
        Subject::Tags { repository } => {
            let path = format!("/v2/{}/tags/list", segments(&repository.repository));
            pages(flow, "tags", path, "the repository's tags", "tags")
        }
        Subject::Catalog {
            namespace: None, ..
        } => pages(
            flow,
            "catalog",
            "/v2/_catalog".to_string(),
            "the registry's repositories (distribution's catalog API; not every registry offers it)",
            "repositories",
        ),
        Subject::Catalog {
            namespace: Some(ns),
            ..
        } => hub_repositories(flow, ns),
        Subject::Layer { image, layer } | Subject::File { image, layer, .. } => {
            vec![blob(image, layer, "layer", None)]
        }
        Subject::Blob { image, digest } => vec![blob(image, digest, "blob", None)],
    };
    if !hub_namespace {
        for step in subject_steps
            .iter_mut()
            .filter(|s| s.auth == StepAuth::None)
        {
            step.auth = registry_auth;
        }
    }
    if let Subject::File { path, .. } = &flow.subject
        && let Some(last) = subject_steps.last_mut()
    {
        last.description.push_str(&format!(
            "\n\nThe file `{path}` is inside this layer. Postman cannot unpack a tar: save the \
             response (Send and Download) and list it with `tar -tzf`."
        ));
    }
    steps.extend(subject_steps);
    blobs::follow_ups(steps)
}

fn ping() -> Step {
    let mut step = Step::new(
        "ping (end-1)",
        "GET",
        Target::registry("/v2/".to_string(), Vec::new()),
        "end-1 `GET /v2/`: does the registry speak the v2 API, and how does it want to be \
         authenticated? 200 means no authentication; 401 carries the challenge in \
         `WWW-Authenticate`: `Basic` (user and password on every request) or `Bearer \
         realm=…,service=…` (ask the realm for a token first)."
            .to_string(),
    );
    step.test = Some(tests_js::ping());
    step
}

/// The token request, when the registry's challenge was `Bearer`.
fn token(flow: &Flow) -> Option<Step> {
    let Auth::Bearer { realm, service, .. } = &flow.auth else {
        return None;
    };
    let mut target = Target::absolute(realm)?;
    let target_scheme = match &target.base {
        Base::Origin { scheme, .. } => Some(scheme.clone()),
        _ => None,
    };
    if let Some(service) = service {
        target.query.push(("service".into(), component(service)));
    }
    let scope = flow.scope();
    if let Some(scope) = &scope {
        target.query.push(("scope".into(), component(scope)));
    }
    let mut step = Step::new(
        "token",
        "GET",
        target,
        format!(
            "The token request (token authentication spec): the challenge named this realm \
             and service. The scope says what the token is for: `{}` — the token is good \
             for exactly that. Credentials go to the realm as Basic authentication; the \
             test script stores the answer's `token` (or `access_token`: some servers send \
             only that) in the `token` variable.",
            scope.as_deref().unwrap_or("(none)")
        ),
    );
    let cleartext = matches!(&target_scheme, Some(s) if s == "http")
        && !flow.base_url.to_ascii_lowercase().starts_with("http://");
    if cleartext {
        // Lading itself refuses plain http but for allow-listed loopback: a realm on http
        // behind an https registry would see the password in the clear.
        step.auth = StepAuth::None;
        step.description.push_str(
            "\n\nNO CREDENTIALS are sent here: this realm is plain `http:` while the registry \
             is not, so Basic credentials would cross the network in the clear. The request \
             asks anonymously (enough for a public repository; a private one gets 401). To \
             send credentials, change the realm to `https:` if the token server offers it.",
        );
        step.test = Some(format!(
            "console.log(\"credentials withheld: the realm is plain http, the registry is not\");\n{}",
            tests_js::token()
        ));
        return Some(step);
    }
    if flow.credentials {
        step.auth = StepAuth::Basic;
    } else {
        step.auth = StepAuth::BasicIfSet;
        step.prerequest = Some(tests_js::basic_if_set());
    }
    step.test = Some(tests_js::token());
    Some(step)
}

fn manifest_target(image: &ImageTarget, identifier: &str) -> Target {
    let path = format!(
        "/v2/{}/manifests/{}",
        segments(&image.reference.repository),
        segments(identifier)
    );
    Target::registry(path, Vec::new())
}

fn manifest(flow: &Flow, image: &ImageTarget) -> Vec<Step> {
    let accept = flow.accept.join(", ");
    let identifier = image.reference.identifier();
    let asked = image.reference.digest.as_ref().map(Digest::to_string);
    let mut list = Vec::new();
    if flow.head_first {
        let mut head = Step::new(
            "manifest HEAD (end-3)",
            "HEAD",
            manifest_target(image, &identifier),
            format!(
                "end-3 `HEAD /v2/<name>/manifests/{identifier}`: the manifest's digest \
                 (`Docker-Content-Digest`) and media type without its body — on Docker Hub \
                 a HEAD is not counted as a pull. `Accept` lists every manifest type the \
                 client understands, most specific first; the registry picks one."
            ),
        );
        head.headers.push(("Accept".into(), accept.clone()));
        head.test = Some(tests_js::manifest_head(asked.as_deref()));
        list.push(head);
    }
    let child = image.platform.as_ref().map(Digest::to_string);
    let mut get = Step::new(
        "manifest GET (end-3)",
        "GET",
        manifest_target(image, &identifier),
        format!(
            "end-3 `GET /v2/<name>/manifests/{identifier}`: the manifest itself, with the same \
             `Accept` list. Its sha256 must equal the digest asked for (or \
             `Docker-Content-Digest`); the test script checks it{}.",
            if child.is_some() {
                " and that the index lists the platform"
            } else {
                " and keeps the config digest for the next request"
            }
        ),
    );
    get.headers.push(("Accept".into(), accept.clone()));
    get.test = Some(tests_js::manifest_get(asked.as_deref(), child.as_deref()));
    list.push(get);
    if let Some(child) = &child {
        let mut platform = Step::new(
            "platform manifest GET (end-3)",
            "GET",
            manifest_target(image, child),
            format!(
                "end-3 `GET /v2/<name>/manifests/{child}`: the platform's image manifest, by \
                 the digest the index gave for it."
            ),
        );
        platform.headers.push(("Accept".into(), accept));
        platform.test = Some(tests_js::manifest_get(Some(child), None));
        list.push(platform);
    }
    let had_config = flow
        .trace
        .iter()
        .any(|e| e.purpose == ExchangePurpose::Config);
    if had_config || matches!(flow.subject, Subject::Export { .. }) {
        let path = format!(
            "/v2/{}/blobs/{{{{config_digest}}}}",
            segments(&image.reference.repository)
        );
        let mut config = Step::new(
            "config (end-2)",
            "GET",
            Target::registry(path, Vec::new()),
            "end-2 `GET /v2/<name>/blobs/<digest>`: the image's config blob (platform, \
             history, environment), by the digest the manifest gave. A blob's sha256 is its \
             name; the test script checks it."
                .to_string(),
        );
        config.redirects = Redirects::Manual;
        config.blob = Some(Blob { digest: None });
        list.push(config);
    }
    list
}

/// An export's layers: the blobs the view fetched, in its order.
fn layers(flow: &Flow, image: &ImageTarget) -> Vec<Step> {
    let mut seen: Vec<Digest> = Vec::new();
    for e in flow
        .trace
        .iter()
        .filter(|e| e.purpose == ExchangePurpose::Blob && Lane::of(e) == Lane::Registry)
    {
        let digest = e
            .url
            .split(['?', '#'])
            .next()
            .and_then(|path| path.rsplit_once("/blobs/"))
            .and_then(|(_, d)| Digest::parse(d).ok());
        if let Some(digest) = digest
            && !seen.contains(&digest)
        {
            seen.push(digest);
        }
    }
    seen.iter()
        .enumerate()
        .map(|(i, d)| blob(image, d, &format!("layer {}", i + 1), Some(i + 1)))
        .collect()
}
