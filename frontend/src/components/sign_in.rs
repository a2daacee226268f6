//! Signing in to one registry: the form (shown when a registry says 401). The small control
//! beside a view's title that opens it in a popover is `auth_control.rs`.

use leptos::prelude::*;

use crate::credentials::{Account, Credentials};

/// The credentials form for `registry`. Submitting stores them for this tab; views that
/// depend on them refetch by themselves.
#[component]
pub fn SignInForm(
    #[prop(into)] registry: String,
    /// Called after a successful sign-in: to close a popover, or to reload a view whose
    /// data does not refetch by itself.
    #[prop(optional)]
    on_signed_in: Option<Callback<()>>,
    /// Put the cursor in the user name field when the form appears (in a popover).
    #[prop(optional)]
    autofocus: bool,
    /// Docker Hub's web API account (`registry` is then `docker.io`, for the text).
    #[prop(optional)]
    hub: bool,
) -> impl IntoView {
    let account = match hub {
        true => Account::HubApi,
        false => Account::registry(&registry),
    };
    let first_field = NodeRef::<leptos::html::Input>::new();
    if autofocus {
        Effect::new(move |_| {
            if let Some(input) = first_field.get() {
                let _ = input.focus();
            }
        });
    }
    let credentials = Credentials::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let refused = RwSignal::new(false);
    let title = format!("Sign in to {}", account.label());
    let scope = match hub {
        true => view! {
            " and sent only to Docker Hub's web API (" <code>"hub.docker.com"</code>
            ": namespaces, tag dates), never to the registry. Registry pulls use the registry \
             sign-in beside it. Use a personal access token where you can."
        }
        .into_any(),
        false => view! {
            " and sent only with requests for " <strong>{registry.clone()}</strong>
            ". Use a read-only access token where the registry offers one."
        }
        .into_any(),
    };
    let submit = {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let stored = credentials.sign_in(
                &account,
                &username.get_untracked(),
                &password.get_untracked(),
            );
            refused.set(!stored);
            password.set(String::new());
            if stored && let Some(done) = on_signed_in {
                done.run(());
            }
        }
    };
    view! {
        <form class="sign-in" data-testid=if hub { "hub-sign-in" } else { "sign-in" } on:submit=submit>
            <h3>{title}</h3>
            <p class="muted small">"Kept in this browser tab only (session storage)" {scope}</p>
            <div class="fields">
                <label>
                    "Username"
                    <input
                        type="text"
                        name="username"
                        node_ref=first_field
                        autocomplete="username"
                        required
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "Password or token"
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary">"Sign in"</button>
            </div>
            <Show when=move || refused.get()>
                <p class="warning" role="alert">
                    "This browser refused to store the credentials (session storage is disabled)."
                </p>
            </Show>
        </form>
    }
}
