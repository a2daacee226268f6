//! "Verify with a public key" for one signature: the pasted PEM key is posted to
//! `/api/verify` (the proxy fetches the signature's payload itself and checks it), and the
//! outcome is said in words: verified or not, why, and what was and was not checked.

use lading_shared::api::{ApiError, VerifyQuery, VerifyResponse};
use lading_shared::{Digest, Reference};
use leptos::prelude::*;

use crate::api::verify_signature;
use crate::credentials::Credentials;

#[component]
pub fn VerifyControl(
    /// The image, pinned: the signature must sign this digest.
    reference: Reference,
    /// The signature manifest.
    signature: Digest,
) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<VerifyResponse, ApiError>>);
    let busy = RwSignal::new(false);
    let query = VerifyQuery {
        reference: reference.to_string(),
        signature,
    };
    let registry = reference.registry.clone();
    let verify = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (query, pem) = (query.clone(), key.get_untracked());
        let header = Credentials::get().header_for(&registry);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = verify_signature(&query, pem, header).await;
            outcome.set(Some(answer));
            busy.set(false);
        });
    };
    view! {
        <details class="verify" data-testid="verify">
            <summary>"Verify with a public key"</summary>
            <form class="verify-form" on:submit=verify>
                <label class="small">
                    "Public key (PEM: ECDSA P-256, RSA or Ed25519)"
                    <textarea name="public-key" rows="4" spellcheck="false"
                        placeholder="-----BEGIN PUBLIC KEY-----"
                        prop:value=move || key.get()
                        on:input=move |ev| key.set(event_target_value(&ev))></textarea>
                </label>
                <button type="submit" class="button" disabled=move || busy.get()>"Verify"</button>
            </form>
            <div data-testid="verify-outcome" aria-live="polite">
                {move || outcome.get().map(|answer| match answer {
                    Ok(response) => view! { <Outcome response /> }.into_any(),
                    Err(error) => view! {
                        <p class="warn-text" data-testid="verify-error">
                            "not verified: " {error.message}
                        </p>
                    }
                    .into_any(),
                })}
            </div>
        </details>
    }
}

#[component]
fn Outcome(response: VerifyResponse) -> impl IntoView {
    let headline = match response.verified {
        true => format!(
            "verified: signed with this {} key ({})",
            response.key.algorithm, response.key.fingerprint
        ),
        false => format!(
            "not verified with this {} key ({})",
            response.key.algorithm, response.key.fingerprint
        ),
    };
    let class = if response.verified {
        "ok-text"
    } else {
        "warn-text"
    };
    let checks = response
        .signatures
        .into_iter()
        .map(|check| {
            view! {
                <li data-testid="verify-check" data-outcome=check.outcome.clone()>
                    <span class="small muted">{check.kind} " · " <code>{check.layer.short()}</code></span>
                    " " {check.why}
                </li>
            }
        })
        .collect_view();
    let list = |items: Vec<String>| {
        items
            .into_iter()
            .map(|item| view! { <li>{item}</li> })
            .collect_view()
    };
    view! {
        <p class=class data-testid="verify-headline">
            <strong>{headline}</strong>
        </p>
        <ul class="verify-checks">{checks}</ul>
        <p class="small">"Checked:"</p>
        <ul class="small">{list(response.checked)}</ul>
        <p class="small">"Not checked:"</p>
        <ul class="small muted" data-testid="verify-not-checked">{list(response.not_checked)}</ul>
    }
}
