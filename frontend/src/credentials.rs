//! Registry credentials, kept per registry in `sessionStorage` only: they die with the tab,
//! never enter a URL (links are shared) and never reach `localStorage` (which outlives the
//! session). They are sent, as the proxy's credentials header, only on calls for their
//! registry.

use lading_shared::api::BasicCredentials;
use leptos::prelude::*;

const KEY_PREFIX: &str = "lading.credentials:";

/// The app-wide handle. Reading through it subscribes to sign-in and sign-out, so resources
/// that send credentials refetch when they change.
#[derive(Debug, Clone, Copy)]
pub struct Credentials {
    version: RwSignal<u32>,
}

impl Credentials {
    pub fn provide() {
        provide_context(Credentials {
            version: RwSignal::new(0),
        });
    }

    pub fn get() -> Credentials {
        expect_context::<Credentials>()
    }

    /// The header value for `registry`: `base64(username:password)`.
    pub fn header_for(&self, registry: &str) -> Option<String> {
        self.version.track();
        storage()?.get_item(&key(registry)).ok().flatten()
    }

    /// Who is signed in to `registry`, if anyone.
    pub fn username(&self, registry: &str) -> Option<String> {
        let encoded = self.header_for(registry)?;
        BasicCredentials::decode(&encoded).ok().map(|c| c.username)
    }

    /// Stores credentials for `registry`; `false` if the browser refused (storage disabled).
    pub fn sign_in(&self, registry: &str, username: &str, password: &str) -> bool {
        let value = BasicCredentials::new(username, password).encode();
        let stored = storage().is_some_and(|s| s.set_item(&key(registry), &value).is_ok());
        self.version.update(|v| *v += 1);
        stored
    }

    pub fn sign_out(&self, registry: &str) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&key(registry));
        }
        self.version.update(|v| *v += 1);
    }
}

fn key(registry: &str) -> String {
    format!("{KEY_PREFIX}{registry}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
