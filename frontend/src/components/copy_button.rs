//! A button that copies a reference or digest to the clipboard and says so.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// How long "Copied" stays before the button reads "Copy" again.
const FEEDBACK_MS: u64 = 1500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Copied,
    Failed,
}

#[component]
pub fn CopyButton(
    /// The exact text to copy.
    #[prop(into)]
    text: String,
    /// What is being copied, for screen readers ("Copy digest").
    #[prop(optional, into)]
    what: Option<String>,
) -> impl IntoView {
    let (state, copy) = copier(text);
    let label = format!("Copy {}", what.as_deref().unwrap_or("to clipboard"));
    view! {
        <button
            type="button"
            class="copy"
            class:copied=move || state.get() == State::Copied
            title=label.clone()
            aria-label=label
            on:click=move |_| copy()
        >
            {move || match state.get() {
                State::Idle => "Copy",
                State::Copied => "Copied",
                State::Failed => "Copy failed",
            }}
        </button>
    }
}

/// Text that copies itself when clicked (digests inside JSON, where a separate "Copy"
/// button would end up in selections of the document).
#[component]
pub fn CopyText(#[prop(into)] text: String) -> impl IntoView {
    let (state, copy) = copier(text.clone());
    view! {
        <button
            type="button"
            class="copy-text"
            class:copied=move || state.get() == State::Copied
            title=move || match state.get() {
                State::Copied => "Copied",
                State::Failed => "Copy failed",
                State::Idle => "Copy",
            }
            on:click=move |_| copy()
        >
            {text}
        </button>
    }
}

fn copier(text: String) -> (RwSignal<State>, impl Fn() + Clone + Send + Sync + 'static) {
    let state = RwSignal::new(State::Idle);
    let copy = move || {
        let text = text.clone();
        spawn_local(async move {
            let copied = write_clipboard(&text).await;
            state.set(if copied { State::Copied } else { State::Failed });
            set_timeout(
                move || state.set(State::Idle),
                std::time::Duration::from_millis(FEEDBACK_MS),
            );
        });
    };
    (state, copy)
}

/// `navigator.clipboard` exists only in secure contexts (https, localhost): check before use,
/// since calling a method on `undefined` would throw through the wasm stack.
async fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    if clipboard.is_undefined() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
