//! The rows of the reference table and the helpers that write them: shared by the
//! `Reference` and `Repository` tables, split by valid and invalid input.

pub mod invalid;
pub mod valid;

use lading_shared::ReferenceError;
use lading_shared::digest::DigestError;

/// A digest that only needs to be well formed.
pub const D1: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
pub const D2: &str = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
/// 64 lowercase hex characters: what `docker images --no-trunc` prints as an image ID.
pub const HEX64: &str = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

/// What a valid input parses to.
pub struct Want {
    pub registry: &'static str,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// `Display`, when the row checks it.
    pub display: Option<String>,
    /// `familiar()`, when the row checks it.
    pub familiar: Option<String>,
}

pub struct Case {
    pub input: String,
    pub want: Result<Want, ReferenceError>,
}

pub fn ok(input: impl Into<String>, registry: &'static str, repository: impl Into<String>) -> Case {
    Case {
        input: input.into(),
        want: Ok(Want {
            registry,
            repository: repository.into(),
            tag: Some("latest".into()),
            digest: None,
            display: None,
            familiar: None,
        }),
    }
}

pub fn err(input: impl Into<String>, error: ReferenceError) -> Case {
    Case {
        input: input.into(),
        want: Err(error),
    }
}

impl Case {
    pub fn want(&mut self) -> &mut Want {
        self.want
            .as_mut()
            .expect("only valid rows have fields to set")
    }
    pub fn tag(mut self, tag: impl Into<String>) -> Case {
        self.want().tag = Some(tag.into());
        self
    }
    /// Digest only: no tag, not even the default.
    pub fn digest(mut self, digest: impl Into<String>) -> Case {
        let want = self.want();
        want.tag = None;
        want.digest = Some(digest.into());
        self
    }
    /// `name:tag@digest`: both kept, the digest wins when fetching.
    pub fn tag_and_digest(mut self, tag: &str, digest: &str) -> Case {
        let want = self.want();
        want.tag = Some(tag.into());
        want.digest = Some(digest.into());
        self
    }
    pub fn display(mut self, display: impl Into<String>) -> Case {
        self.want().display = Some(display.into());
        self
    }
    pub fn familiar(mut self, familiar: impl Into<String>) -> Case {
        self.want().familiar = Some(familiar.into());
        self
    }
}

pub fn bad_hex(found: &str) -> ReferenceError {
    ReferenceError::InvalidDigest(DigestError::BadHex {
        algorithm: "sha256",
        expected: 64,
        found: found.into(),
    })
}

pub fn component(component: &str) -> ReferenceError {
    ReferenceError::InvalidComponent {
        component: component.into(),
    }
}

pub fn port(registry: &str, port: &str) -> ReferenceError {
    ReferenceError::InvalidPort {
        registry: registry.into(),
        port: port.into(),
    }
}

pub fn registry(host: &str) -> ReferenceError {
    ReferenceError::InvalidRegistry(host.into())
}

pub fn uppercase(component: &str) -> ReferenceError {
    ReferenceError::Uppercase(component.into())
}
