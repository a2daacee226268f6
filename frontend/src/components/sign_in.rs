//! Signing in to one registry: the form (shown when a registry says 401) and the small
//! control beside a view's title that opens it or signs out.

use leptos::prelude::*;

use crate::credentials::Credentials;

/// The credentials form for `registry`. Submitting stores them for this tab; views that
/// depend on them refetch by themselves.
#[component]
pub fn SignInForm(
    #[prop(into)] registry: String,
    /// Called after a successful sign-in (e.g. to close a popover).
    #[prop(optional)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let credentials = Credentials::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let refused = RwSignal::new(false);
    let title = format!("Sign in to {registry}");
    let submit = {
        let registry = registry.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let stored = credentials.sign_in(
                &registry,
                &username.get_untracked(),
                &password.get_untracked(),
            );
            refused.set(!stored);
            password.set(String::new());
            if stored && let Some(done) = on_done {
                done.run(());
            }
        }
    };
    view! {
        <form class="sign-in" data-testid="sign-in" on:submit=submit>
            <h3>{title}</h3>
            <p class="muted small">
                "Kept in this browser tab only (session storage) and sent only with requests \
                 for " <strong>{registry.clone()}</strong> ". Use a read-only access token \
                 where the registry offers one."
            </p>
            <div class="fields">
                <label>
                    "Username"
                    <input
                        type="text"
                        name="username"
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

/// "Sign in" / "Signed in as … · Sign out" for `registry`.
#[component]
pub fn AuthControl(#[prop(into)] registry: String) -> impl IntoView {
    let credentials = Credentials::get();
    let open = RwSignal::new(false);
    let user = {
        let registry = registry.clone();
        Memo::new(move |_| credentials.username(&registry))
    };
    let sign_out = {
        let registry = registry.clone();
        move |_| credentials.sign_out(&registry)
    };
    view! {
        <div class="auth-control">
            {move || match user.get() {
                Some(name) => view! {
                    <span class="muted small">"Signed in as " <strong>{name}</strong> " "</span>
                    <button type="button" class="link-button" on:click=sign_out.clone()>
                        "Sign out"
                    </button>
                }
                .into_any(),
                None => view! {
                    <button
                        type="button"
                        class="link-button"
                        aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        "Sign in"
                    </button>
                }
                .into_any(),
            }}
            <Show when=move || open.get() && user.get().is_none()>
                <div class="popover">
                    <SignInForm registry=registry.clone() on_done=Callback::new(move |()| open.set(false)) />
                </div>
            </Show>
        </div>
    }
}
