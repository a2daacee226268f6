//! Blob requests. Registries often answer a blob `GET` with a redirect to a CDN or object
//! store; Postman's `followAuthorizationHeader: false` drops Authorization only when the
//! host NAME changes, so a redirect to the same host on another port or scheme would still
//! carry the registry's credentials. So the collection never lets Postman follow a blob
//! redirect: the blob's test script keeps the `Location` (resolved against the request URL)
//! in `blob_location`, and the item after it fetches that URL with no authentication at
//! all. Without a redirect the blob is checked where it is and that item is skipped.

use super::steps::{Blob, Redirects, Step, StepAuth};
use super::target::{Base, Target, segments};
use super::tests_js;
use crate::digest::Digest;
use crate::reproduce::ImageTarget;

/// The variable a blob's test script puts a redirect's `Location` in.
pub(super) const BLOB_LOCATION: &str = "blob_location";

/// A blob of the image at the registry (`index`: an export's n-th layer).
pub(super) fn blob(image: &ImageTarget, digest: &Digest, what: &str, index: Option<usize>) -> Step {
    let path = format!(
        "/v2/{}/blobs/{}",
        segments(&image.reference.repository),
        segments(&digest.to_string())
    );
    let name = match index {
        Some(i) => format!("layer {i} (end-2)"),
        None => format!("{what} (end-2)"),
    };
    let mut step = Step::new(
        &name,
        "GET",
        Target::registry(path, Vec::new()),
        format!("end-2 `GET /v2/<name>/blobs/{digest}`: the {what}."),
    );
    step.redirects = Redirects::Manual;
    step.blob = Some(Blob {
        digest: Some(digest.to_string()),
    });
    step
}

/// The name of the item fetching `blob`'s redirect.
fn follow_up_name(blob: &str) -> String {
    format!("{blob}: redirect")
}

/// `steps` with, after each blob at the registry, the item fetching its redirect, and both
/// items' test scripts (the blob's skips past its follow-up when there is no redirect).
pub(super) fn follow_ups(steps: Vec<Step>) -> Vec<Step> {
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        let follow = step.blob.as_ref().map(|blob| follow_up(&step, blob));
        out.push(step);
        out.extend(follow);
    }
    let names: Vec<String> = out.iter().map(|s| s.name.clone()).collect();
    for (i, step) in out.iter_mut().enumerate() {
        let Some(blob) = &step.blob else { continue };
        let follow = follow_up_name(&step.name);
        let skip = names.get(i + 2).map(String::as_str);
        step.test = Some(tests_js::blob(blob.digest.as_deref(), &follow, skip));
        step.description.push_str(&format!(
            " Registries often answer 307 with `Location` on a CDN or object store. This \
             request does NOT follow it (Postman would keep Authorization on a redirect to \
             the same host name on another port or scheme): the test script keeps the \
             `Location`, resolved against this URL, in `{BLOB_LOCATION}`, and the next item \
             \"{follow}\" fetches it with no authentication at all (the signed URL is the \
             permission) and checks the sha256 there. Without a redirect the test script \
             checks the sha256 here (a blob's sha256 is its name) and skips \"{follow}\"."
        ));
    }
    out
}

/// The item fetching a blob's redirect target: no credentials, whatever the host.
fn follow_up(step: &Step, blob: &Blob) -> Step {
    let name = follow_up_name(&step.name);
    let mut follow = Step::new(
        &name,
        "GET",
        Target {
            base: Base::Whole(BLOB_LOCATION),
            path: String::new(),
            query: Vec::new(),
        },
        format!(
            "The blob of \"{}\" where the registry's redirect sent it (`{{{{{BLOB_LOCATION}}}}}`, \
             set by that item's test script; skipped when there was no redirect). Sent with NO \
             authentication, whatever its host, port or scheme — even when it is the registry \
             itself; further redirects are followed, also without Authorization. The test \
             script checks the blob's sha256 against its digest.",
            step.name
        ),
    );
    follow.auth = StepAuth::None;
    follow.redirects = Redirects::WithoutAuthorization;
    follow.test = Some(tests_js::blob_at_location(blob.digest.as_deref()));
    follow
}
