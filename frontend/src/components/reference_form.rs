//! The paste box: Enter opens the image view when the text reads as a reference, and
//! explains what is wrong when it does not (without asking the server). Pasted commands,
//! URLs and Docker Hub pages are understood (`lading_shared::reference::pasted`); what was
//! removed is handed to the image page, which shows it beside the normalisation notes.

use std::cell::RefCell;

use lading_shared::Reference;
use lading_shared::reference::pasted;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::links::image_input_href;

thread_local! {
    /// What the last submit removed from the pasted text, keyed by the reference it left.
    /// Not in the URL: whoever opens a shared link did not paste anything.
    static PASTE_NOTES: RefCell<Option<(String, Vec<String>)>> = const { RefCell::new(None) };
}

/// The notes of the paste that led to `input`, once (a later visit shows none).
pub fn take_paste_notes(input: &str) -> Vec<String> {
    PASTE_NOTES.with(|notes| match notes.borrow_mut().take() {
        Some((reference, notes)) if reference == input.trim() => notes,
        _ => Vec::new(),
    })
}

#[component]
pub fn ReferenceForm(
    /// The smaller box in the header bar.
    #[prop(optional)]
    compact: bool,
    /// `data-testid` of the input (the home page's is the stable `reference-input`).
    #[prop(default = "reference-input")]
    testid: &'static str,
    /// The text in the box, when the page fills it (home page examples).
    #[prop(optional)]
    value: Option<RwSignal<String>>,
    /// What is being viewed: the box shows it, and follows it as the view changes.
    #[prop(optional, into)]
    current: Option<Signal<String>>,
    /// Put the cursor in the box when it appears (the home page).
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let navigate = use_navigate();
    let text = value.unwrap_or_else(|| RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let field = NodeRef::<leptos::html::Input>::new();
    if let Some(current) = current {
        Effect::new(move |_| {
            text.set(current.get());
            error.set(None);
        });
    }
    if autofocus {
        Effect::new(move |_| {
            if let Some(input) = field.get() {
                let _ = input.focus();
            }
        });
    }
    let error_id = format!("{testid}-error");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let read = pasted(&text.get_untracked());
        match Reference::parse(&read.reference) {
            Ok(_) => {
                error.set(None);
                if !read.notes.is_empty() {
                    text.set(read.reference.clone());
                }
                PASTE_NOTES.with(|n| *n.borrow_mut() = Some((read.reference.clone(), read.notes)));
                navigate(&image_input_href(&read.reference), Default::default());
            }
            Err(e) => {
                let mut message = e.to_string();
                if !read.notes.is_empty() {
                    message = format!("{} Then: {message}", read.notes.join(" "));
                }
                error.set(Some(message));
            }
        }
    };
    view! {
        <form
            class="reference-form"
            class:compact=compact
            role="search"
            on:submit=submit
        >
            <label class="visually-hidden" for=testid>"Image reference"</label>
            <input
                id=testid
                data-testid=testid
                node_ref=field
                type="text"
                inputmode="url"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                placeholder=if compact { "Image reference…" } else { "alpine:3.9, docker pull …, https://ghcr.io/org/app:tag" }
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    error.set(None);
                }
            />
            <button type="submit" class="primary">{if compact { "Go" } else { "Inspect" }}</button>
            <p id=error_id class="input-error" role="alert" hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
        </form>
    }
}
