//! The URL as the one store of view state. Views read the typed [`ViewQuery`] and write
//! changes back with [`ViewState::update`]: a *replace* (typing in a filter must not add a
//! history entry per key), without scrolling, keeping the entry's saved scroll position. Real
//! navigation (links) pushes. It also remembers the page before this one, so "Back to the
//! listing" can be a real Back when that is where the person came from.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::location::State;

use crate::links::view_href;
use crate::view_query::{Page, ViewQuery};

#[derive(Debug, Clone, Copy)]
pub struct ViewState {
    pub query: Memo<ViewQuery>,
    replace: Callback<String>,
    /// The query of the page before this one (replaces do not count).
    previous: StoredValue<Option<ViewQuery>>,
    current: StoredValue<Option<ViewQuery>>,
    /// This page was reached by Back or Forward, so the entry before it is unknown.
    arrived_by_pop: StoredValue<bool>,
    popped: StoredValue<bool>,
    replacing: StoredValue<bool>,
}

impl ViewState {
    /// Call once inside the `<Router>`.
    pub fn provide() {
        let params = use_query_map();
        let query = Memo::new(move |_| {
            params.with(|map| ViewQuery::from_pairs(map.into_iter().map(|(k, v)| (k.as_ref(), v))))
        });
        let navigate = use_navigate();
        let replace = Callback::new(move |href: String| {
            let state = web_sys::window()
                .and_then(|w| w.history().ok())
                .and_then(|h| h.state().ok());
            let options = NavigateOptions {
                replace: true,
                scroll: false,
                state: State::new(state),
                ..NavigateOptions::default()
            };
            navigate(&href, options);
        });
        let view = ViewState {
            query,
            replace,
            previous: StoredValue::new(None),
            current: StoredValue::new(None),
            arrived_by_pop: StoredValue::new(false),
            popped: StoredValue::new(false),
            replacing: StoredValue::new(false),
        };
        // The router updates the location inside its own popstate listener, registered
        // before this one; effects run after both, so the flag is set when they look.
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            view.popped.set_value(true);
        });
        on_cleanup(move || handle.remove());
        Effect::new(move |_| {
            let now = query.get();
            if view.replacing.try_update_value(std::mem::take) == Some(true) {
                view.current.set_value(Some(now));
                return;
            }
            let before = view.current.try_update_value(|c| c.replace(now)).flatten();
            view.previous.set_value(before);
            let popped = view.popped.try_update_value(std::mem::take) == Some(true);
            view.arrived_by_pop.set_value(popped);
        });
        provide_context(view);
    }

    pub fn get() -> ViewState {
        expect_context::<ViewState>()
    }

    /// Changes the view's set-up in place: the URL is replaced, nothing is pushed.
    pub fn update(&self, change: impl FnOnce(&mut ViewQuery)) {
        let mut query = self.query.get_untracked();
        let before = query.clone();
        change(&mut query);
        if query == before {
            return;
        }
        self.replacing.set_value(true);
        self.replace.run(view_href(&query));
    }

    /// Whether Back would land on `target` (with whatever set-up it was left in).
    pub fn came_from(&self, target: &Page) -> bool {
        !self.arrived_by_pop.get_value()
            && self
                .previous
                .with_value(|p| p.as_ref().is_some_and(|p| Page::parse(p) == *target))
    }
}

/// `history.back()`: returns to the previous entry with its URL (and so its state).
pub fn go_back() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.back();
    }
}
