//! Registry credentials, kept per registry in `sessionStorage` only: they die with the tab,
//! never enter a URL (links are shared) and never reach `localStorage` (which outlives the
//! session). They are sent, as the proxy's credentials header, only on calls for their
//! registry. Docker Hub's web API is a sign-in of its own ([`Account::HubApi`]): its
//! credentials live under their own key and travel in their own header, never as registry
//! credentials.

use lading_shared::api::BasicCredentials;
use lading_shared::reference::{DOCKER_HUB, normalize_registry_host};
use leptos::prelude::*;

const KEY_PREFIX: &str = "lading.credentials:";
/// Not a `KEY_PREFIX` key: no registry name can collide with it.
const HUB_KEY: &str = "lading.hub-credentials";

/// Who the credentials are for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// A registry (`docker.io`, `ghcr.io`, `localhost:5000`): the registry protocol.
    Registry(String),
    /// Docker Hub's web API (`hub.docker.com`): namespaces and tag details.
    HubApi,
}

impl Account {
    pub fn registry(registry: &str) -> Account {
        Account::Registry(registry.to_owned())
    }

    fn key(&self) -> String {
        match self {
            Account::Registry(registry) => format!("{KEY_PREFIX}{registry}"),
            Account::HubApi => HUB_KEY.to_owned(),
        }
    }

    /// What the sign-in form is for: "docker.io", "Docker Hub account (web API)".
    pub fn label(&self) -> String {
        match self {
            Account::Registry(registry) => registry.clone(),
            Account::HubApi => "Docker Hub account (web API)".to_owned(),
        }
    }
}

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
        self.header(&Account::registry(registry))
    }

    /// The Docker Hub web API header value, sent only on calls about `docker.io` that
    /// use the Hub API (tags, namespaces); `None` elsewhere.
    pub fn hub_header_for(&self, registry: &str) -> Option<String> {
        (normalize_registry_host(registry) == DOCKER_HUB)
            .then(|| self.header(&Account::HubApi))
            .flatten()
    }

    /// Both headers a tags or catalog call about `registry` carries.
    pub fn auth_for(&self, registry: &str) -> crate::api::Auth {
        crate::api::Auth {
            registry: self.header_for(registry),
            hub: self.hub_header_for(registry),
        }
    }

    fn header(&self, account: &Account) -> Option<String> {
        self.version.track();
        storage()?.get_item(&account.key()).ok().flatten()
    }

    /// Who is signed in to `account`, if anyone.
    pub fn username(&self, account: &Account) -> Option<String> {
        let encoded = self.header(account)?;
        BasicCredentials::decode(&encoded).ok().map(|c| c.username)
    }

    /// Stores credentials for `account`; `false` if the browser refused (storage disabled).
    pub fn sign_in(&self, account: &Account, username: &str, password: &str) -> bool {
        let value = BasicCredentials::new(username, password).encode();
        let stored = storage().is_some_and(|s| s.set_item(&account.key(), &value).is_ok());
        self.version.update(|v| *v += 1);
        stored
    }

    pub fn sign_out(&self, account: &Account) {
        if let Some(storage) = storage() {
            let _ = storage.remove_item(&account.key());
        }
        self.version.update(|v| *v += 1);
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
