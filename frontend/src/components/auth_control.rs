//! "Sign in" / "Signed in as … · Sign out" for one registry, beside a view's title. The form
//! opens in a popover that takes focus, and closes on Esc (focus back on the button), on a
//! click outside it, and after signing in. With `hub`, the same for Docker Hub's web API
//! (a separate account: its own stored credentials and header).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::sign_in::SignInForm;
use crate::credentials::{Account, Credentials};

#[component]
pub fn AuthControl(
    #[prop(into)] registry: String,
    /// Called after a successful sign-in (a view that does not refetch by itself reloads).
    #[prop(optional)]
    on_signed_in: Option<Callback<()>>,
    /// Docker Hub's web API account rather than the registry's credentials.
    #[prop(optional)]
    hub: bool,
    /// The button's text instead of "Sign in" (beside the Hub control: "Registry sign-in").
    #[prop(default = "Sign in")]
    label: &'static str,
) -> impl IntoView {
    let credentials = Credentials::get();
    let account = match hub {
        true => Account::HubApi,
        false => Account::registry(&registry),
    };
    let testid = move |name: &'static str| match hub {
        true => name.replacen("sign-in", "hub-sign-in", 1),
        false => name.to_owned(),
    };
    let (button_text, who) = match hub {
        true => ("Docker Hub account (web API)", "Hub API as "),
        false => (label, "Signed in as "),
    };
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    let user = {
        let account = account.clone();
        Memo::new(move |_| credentials.username(&account))
    };
    let sign_out = {
        let account = account.clone();
        move |_| credentials.sign_out(&account)
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus && let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let outside = window_event_listener(ev::mousedown, move |event| {
        if !open.get_untracked() {
            return;
        }
        let inside = root.get_untracked().is_some_and(|root| {
            let target = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            root.contains(target.as_ref())
        });
        if !inside {
            close(false);
        }
    });
    on_cleanup(move || outside.remove());
    let signed_in = Callback::new(move |()| {
        open.set(false);
        if let Some(callback) = on_signed_in {
            callback.run(());
        }
    });
    view! {
        <div
            class="auth-control"
            class:hub-control=hub
            node_ref=root
            on:keydown=move |event: ev::KeyboardEvent| {
                if event.key() == "Escape" && open.get_untracked() {
                    event.prevent_default();
                    close(true);
                }
            }
        >
            {move || match user.get() {
                Some(name) => view! {
                    <span class="muted small" data-testid=testid("signed-in-as")>{who} <strong>{name}</strong> " "</span>
                    <button type="button" class="link-button" on:click=sign_out.clone()>
                        "Sign out"
                    </button>
                }
                .into_any(),
                None => view! {
                    <button
                        type="button"
                        class="link-button"
                        data-testid=testid("sign-in-button")
                        node_ref=button
                        aria-expanded=move || open.get().to_string()
                        aria-haspopup="dialog"
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {button_text}
                    </button>
                }
                .into_any(),
            }}
            <Show when=move || open.get() && user.get().is_none()>
                <div class="popover" role="dialog" aria-label=button_text data-testid=testid("sign-in-popover")>
                    <SignInForm registry=registry.clone() on_signed_in=signed_in autofocus=true hub />
                </div>
            </Show>
        </div>
    }
}
