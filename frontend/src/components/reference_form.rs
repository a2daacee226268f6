//! The paste box: Enter opens the image view when the text parses as a reference, and
//! explains what is wrong when it does not (without asking the server).

use lading_shared::Reference;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::format::image_input_href;

#[component]
pub fn ReferenceForm(
    /// The smaller box in the header bar.
    #[prop(optional)]
    compact: bool,
    /// `data-testid` of the input (the home page's is the stable `reference-input`).
    #[prop(default = "reference-input")]
    testid: &'static str,
) -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let error_id = format!("{testid}-error");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = text.get_untracked();
        match Reference::parse(&input) {
            Ok(_) => {
                error.set(None);
                navigate(&image_input_href(&input), Default::default());
            }
            Err(e) => error.set(Some(e.to_string())),
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
                type="text"
                inputmode="url"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                placeholder=if compact { "Image reference…" } else { "alpine:3.9, ghcr.io/org/app@sha256:…, localhost:5000/team/api:v2" }
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
