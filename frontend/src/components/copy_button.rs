//! A button that copies a reference or digest to the clipboard and says honestly whether it
//! did. `navigator.clipboard` exists only in secure contexts (https, localhost), and many
//! Lading deployments are plain HTTP on a LAN: there the button copies through a selected
//! textarea and `document.execCommand("copy")`, and when even that is refused it shows the
//! text selected in a field, saying "select and copy".

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// How long "Copied" stays before the button reads "Copy" again.
const FEEDBACK_MS: u64 = 1500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Copied,
    /// Nothing could write the clipboard: the text is shown selected for the person to copy.
    Manual,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::Copied => "copied",
            State::Manual => "manual",
        }
    }
}

#[component]
pub fn CopyButton(
    /// The exact text to copy.
    #[prop(into)]
    text: String,
    /// What is being copied, for screen readers ("Copy digest").
    #[prop(optional, into)]
    what: Option<String>,
    /// Visible label instead of "Copy" (e.g. "Copy docker pull").
    #[prop(optional, into)]
    label: Option<String>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let (state, copy) = copier(text.clone());
    let title = format!("Copy {}", what.as_deref().unwrap_or("to clipboard"));
    let idle = label.unwrap_or_else(|| "Copy".to_string());
    view! {
        <span class="copy-wrap">
            <button
                type="button"
                class="copy"
                class:copied=move || state.get() == State::Copied
                title=title.clone()
                aria-label=title
                data-testid=testid
                data-state=move || state.get().name()
                on:click=move |_| copy()
            >
                {move || match state.get() {
                    State::Idle => idle.clone(),
                    State::Copied => "Copied".to_string(),
                    State::Manual => "Select and copy".to_string(),
                }}
            </button>
            <Show when=move || state.get() == State::Manual>
                <ManualCopy text=text.clone() on_close=Callback::new(move |()| state.set(State::Idle)) />
            </Show>
        </span>
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
            data-state=move || state.get().name()
            title=move || match state.get() {
                State::Copied => "Copied",
                State::Manual => "Could not copy: select the text and copy it",
                State::Idle => "Copy",
            }
            on:click=move |_| copy()
        >
            {text}
        </button>
    }
}

/// The text in a read-only field, selected, for when no clipboard API would take it.
#[component]
fn ManualCopy(text: String, on_close: Callback<()>) -> impl IntoView {
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = field.get() {
            let _ = input.focus();
            input.select();
        }
    });
    view! {
        <span class="manual-copy" role="note">
            <input
                type="text"
                readonly
                node_ref=field
                aria-label="Select and copy this text"
                prop:value=text
                on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }
                on:blur=move |_| on_close.run(())
            />
        </span>
    }
}

fn copier(text: String) -> (RwSignal<State>, impl Fn() + Clone + Send + Sync + 'static) {
    let state = RwSignal::new(State::Idle);
    let copy = move || {
        let text = text.clone();
        // execCommand needs the click's user activation: try it before any await.
        if clipboard_api_missing() {
            finish(state, copy_through_selection(&text));
            return;
        }
        spawn_local(async move {
            let copied = write_clipboard(&text).await || copy_through_selection(&text);
            finish(state, copied);
        });
    };
    (state, copy)
}

fn finish(state: RwSignal<State>, copied: bool) {
    if copied {
        state.set(State::Copied);
        set_timeout(
            move || state.set(State::Idle),
            std::time::Duration::from_millis(FEEDBACK_MS),
        );
    } else {
        state.set(State::Manual);
    }
}

fn clipboard_api_missing() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().clipboard().is_undefined())
}

/// Check before use: calling a method on `undefined` would throw through the wasm stack.
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

/// The pre-clipboard-API way, which works off secure contexts: select the text in a
/// temporary off-screen textarea and ask the document to copy the selection.
fn copy_through_selection(text: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(body) = document.body() else {
        return false;
    };
    let Some(area) = document
        .create_element("textarea")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("readonly", "");
    let _ = area.set_attribute("class", "copy-scratch");
    let active = document.active_element();
    if body.append_child(&area).is_err() {
        return false;
    }
    area.select();
    let copied = document
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    let _ = body.remove_child(&area);
    // Give focus back to the button that was clicked.
    if let Some(element) = active.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
    copied
}
