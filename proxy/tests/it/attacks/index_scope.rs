//! The path index (which paths an image holds, and where) is scoped like the listings it
//! indexes: an index built for one person or repository is never served to another.
//!
//! Replayed in-process against a real `docker-registry` so the engine's cache can be read:
//! the same image, in two repositories, is opened by an anonymous visitor and by two
//! signed-in people. Each of the four scopes must build its own index (a shared one would
//! tell anyone which images and paths another person looked at, and would be used with
//! listings it was not built from); asking again in the same scope must reuse it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use base64::Engine as _;
use lading::layers::Engine;
use lading::{AppState, Settings, app};
use lading_shared::api::CREDENTIALS_HEADER;
use lading_testkit::Registry;
use lading_testkit::fixtures;
use tower::ServiceExt;

use crate::support::encode;

struct Stand {
    router: axum::Router,
    engine: Arc<Engine>,
    registry: Registry,
}

impl Stand {
    async fn start() -> Stand {
        let registry = Registry::plain();
        for repo in ["team/a", "team/b"] {
            let layers = fixtures::path_stack().iter().map(|l| l.build()).collect();
            fixtures::push_layers(&registry.pusher(), repo, "v1", layers).await;
        }
        let state = AppState::new(Settings {
            allow_hosts: vec![registry.host().parse().unwrap()],
            ..Settings::default()
        })
        .expect("state");
        Stand {
            engine: state.engine.clone(),
            router: app(state),
            registry,
        }
    }

    /// `/etc/hostname` from the merged filesystem of `repo`, as `who` (`None`: anonymous).
    async fn open_file(&self, repo: &str, who: Option<&str>) -> serde_json::Value {
        let reference = encode(&format!("{}/{repo}:v1", self.registry.host()));
        let uri = format!("/api/file?ref={reference}&path=/etc/hostname&preview=64");
        let mut request = Request::get(uri);
        if let Some(user) = who {
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:pw-{user}"));
            request = request.header(CREDENTIALS_HEADER, pair);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{repo} as {who:?}");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&body).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_path_index_is_never_served_to_another_identity_or_repository() {
    let stand = Stand::start().await;
    let visits = [
        ("team/a", None, 1),
        // The same scope again: the index is reused, not built a second time.
        ("team/a", None, 1),
        ("team/a", Some("alice"), 2),
        ("team/a", Some("bob"), 3),
        ("team/a", Some("alice"), 3),
        ("team/b", None, 4),
    ];
    for (repo, who, held) in visits {
        let preview = stand.open_file(repo, who).await;
        assert_eq!(
            preview["entry"]["path"], "/etc/hostname",
            "{repo} as {who:?}"
        );
        assert_eq!(
            stand.engine.indexes.held().await,
            held,
            "indexes held after {repo} as {who:?}"
        );
    }
}
