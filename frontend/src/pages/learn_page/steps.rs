//! The walk-throughs' steps, in the registry's own terms. Text between backticks is shown as
//! code; `<name>`, `<reference>`, `<digest>` are the spec's own placeholders.

use lading_shared::reproduce::Endpoint;

/// One step of a walk-through.
pub struct Step {
    pub title: &'static str,
    pub endpoints: &'static [Endpoint],
    pub text: &'static str,
    /// Live views that show the step (pulling) or what it leaves behind (pushing).
    pub live: &'static [Live],
}

/// A view of the example (or `ref=`) image that shows a step happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Live {
    /// The image view: its Requests panel holds the ping, token, HEAD, GET and config.
    Image,
    /// Its tag list.
    Tags,
    /// Its merged filesystem: every layer fetched (after choosing a platform of an index).
    Files,
}

impl Live {
    pub fn label(self) -> &'static str {
        match self {
            Live::Image => "the image, and its Requests panel",
            Live::Tags => "its tags",
            Live::Files => "its files (every layer fetched)",
        }
    }
}

pub const PULL: &[Step] = &[
    Step {
        title: "Ask for the API, meet the challenge",
        endpoints: &[Endpoint::Base],
        text: "`GET /v2/` tells whether the host speaks the registry API. Without credentials \
               most registries answer `401 Unauthorized` with a `WWW-Authenticate` header: the \
               challenge. `Basic realm=…` wants a username and password on every request; \
               `Bearer realm=…,service=…` names a token server to ask first. `200` means no \
               credentials are needed.",
        live: &[Live::Image],
    },
    Step {
        title: "Get a token for the scope",
        endpoints: &[Endpoint::Token],
        text: "A Bearer challenge sends the client to its realm: \
               `GET <realm>?service=<service>&scope=repository:<name>:pull`. The scope names \
               the repository and the actions wanted. With a username and password the token \
               request carries them as Basic credentials; without, it asks anonymously. The \
               JSON answer holds `token` (some servers say `access_token`), then sent as \
               `Authorization: Bearer …` to the registry, and only to it.",
        live: &[Live::Image],
    },
    Step {
        title: "Resolve the tag with HEAD",
        endpoints: &[Endpoint::Manifest],
        text: "`HEAD /v2/<name>/manifests/<reference>`, with an `Accept` list of every manifest \
               type the client understands (OCI index and image, Docker manifest list and \
               schema 2), answers the digest in `Docker-Content-Digest` and the type in \
               `Content-Type`, without a body. Docker Hub counts GETs of manifests against its \
               pull limit, not HEADs: a client that already has that digest stops here.",
        live: &[Live::Image],
    },
    Step {
        title: "Get the manifest",
        endpoints: &[Endpoint::Manifest],
        text: "`GET` of the same URL returns the manifest's bytes; their sha256 must equal the \
               digest (asked for, or the header's). Its `mediaType` says what it is: an image \
               manifest (a config and layers) or an index (one manifest per platform).",
        live: &[Live::Image],
    },
    Step {
        title: "From an index to one platform",
        endpoints: &[Endpoint::Manifest],
        text: "An index lists one manifest per platform (`os`, `architecture`, `variant`). The \
               client picks its own and gets that child by digest: \
               `GET /v2/<name>/manifests/sha256:…`. Pick a platform in the image's table to \
               see it.",
        live: &[Live::Image],
    },
    Step {
        title: "Config and layers, through the CDN",
        endpoints: &[Endpoint::Blob, Endpoint::Redirected],
        text: "`GET /v2/<name>/blobs/<digest>` fetches the config (JSON: environment, \
               entrypoint, history) and each layer (a tar, usually gzip-compressed). Many \
               registries answer `307` with a `Location` at a CDN or object store: the client \
               follows it without its Authorization header (the URL is signed for it). Every \
               blob's sha256 must equal its digest.",
        live: &[Live::Image, Live::Files],
    },
    Step {
        title: "List the tags, page by page",
        endpoints: &[Endpoint::Tags, Endpoint::TagsPaged],
        text: "`GET /v2/<name>/tags/list` answers `{\"name\": …, \"tags\": […]}`. Asked with \
               `?n=100`, a registry sends one page and a `Link: <…?n=100&last=…>; rel=\"next\"` \
               header to the next one; the client follows it until there is none.",
        live: &[Live::Tags],
    },
    Step {
        title: "Referrers: what points at a manifest",
        endpoints: &[Endpoint::Referrers, Endpoint::ReferrersFiltered],
        text: "`GET /v2/<name>/referrers/<digest>` lists, as an index, the artifacts \
               (signatures, SBOMs, attestations) whose `subject` is that manifest; \
               `?artifactType=` filters them. Lading does not ask for referrers yet: the \
               attestations it shows are those an index lists itself.",
        live: &[],
    },
];

pub const PUSH: &[Step] = &[
    Step {
        title: "Ask for the API, meet the challenge",
        endpoints: &[Endpoint::Base],
        text: "As for a pull: `GET /v2/`, and a `401` with the `WWW-Authenticate` challenge.",
        live: &[Live::Image],
    },
    Step {
        title: "Get a token that may push",
        endpoints: &[Endpoint::Token],
        text: "The same token request with the scope \
               `repository:<name>:pull,push` (plus `repository:<other>:pull` to mount from \
               another repository). Anonymous tokens never get `push`: a push needs \
               credentials.",
        live: &[],
    },
    Step {
        title: "Skip what is already there",
        endpoints: &[Endpoint::Blob],
        text: "`HEAD /v2/<name>/blobs/<digest>` for the config and each layer: `200` means \
               the registry has that blob already and nothing needs uploading.",
        live: &[Live::Image],
    },
    Step {
        title: "Mount a blob from another repository",
        endpoints: &[Endpoint::Mount],
        text: "`POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other_name>`: `201 \
               Created` when the registry linked the blob it holds elsewhere, `202 Accepted` \
               with an upload `Location` when it did not (then upload it as below).",
        live: &[],
    },
    Step {
        title: "Start an upload",
        endpoints: &[Endpoint::UploadStart],
        text: "`POST /v2/<name>/blobs/uploads/` answers `202 Accepted` and a `Location`: the \
               upload session's URL (maybe relative to the registry).",
        live: &[],
    },
    Step {
        title: "Send the chunks",
        endpoints: &[Endpoint::UploadChunk],
        text: "`PATCH <location>` with `Content-Type: application/octet-stream` and \
               `Content-Range: <start>-<end>`; each `202` answer carries the next `Location` \
               and the `Range` received so far.",
        live: &[],
    },
    Step {
        title: "Finish the upload",
        endpoints: &[Endpoint::UploadClose],
        text: "`PUT <location>?digest=<digest>` (with the last chunk, or no body) answers `201 \
               Created`: the registry checked that the bytes have that digest.",
        live: &[],
    },
    Step {
        title: "Or upload in one request",
        endpoints: &[Endpoint::UploadMonolithic],
        text: "`POST /v2/<name>/blobs/uploads/?digest=<digest>` with the whole blob as the \
               body: one round trip for a small blob (registries may still answer `202` and \
               want the chunked way).",
        live: &[],
    },
    Step {
        title: "Ask where an upload stands",
        endpoints: &[Endpoint::UploadStatus],
        text: "`GET <location>` answers `204 No Content` with `Range: 0-<offset>`, so an \
               interrupted upload resumes from there instead of starting over.",
        live: &[],
    },
    Step {
        title: "Push the manifest",
        endpoints: &[Endpoint::ManifestPut],
        text: "Once its config and layers are there (an index: once its children are), \
               `PUT /v2/<name>/manifests/<reference>` with the manifest's own `Content-Type` \
               answers `201 Created` and its `Docker-Content-Digest`. A tag as the reference \
               also points the tag at it.",
        live: &[Live::Image, Live::Tags],
    },
    Step {
        title: "Delete",
        endpoints: &[Endpoint::ManifestDelete, Endpoint::BlobDelete],
        text: "`DELETE /v2/<name>/manifests/<digest>` and `DELETE /v2/<name>/blobs/<digest>` \
               answer `202 Accepted` where deleting is enabled; many registries refuse \
               (`405`, `UNSUPPORTED`). Space comes back only at the registry's garbage \
               collection.",
        live: &[],
    },
];
