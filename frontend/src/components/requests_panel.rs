//! The "Requests" panel: every HTTP exchange the proxy made for this view, in order, so a
//! person can watch the registry protocol (ping, 401 challenge, token, manifest, blobs).
//! Each row is labelled by the step the proxy says it was (`Exchange.purpose`), never by
//! guessing from the note. Under 640 px the rows stack into cards (see `style.css`).

use lading_shared::api::{Exchange, ExchangePurpose, Header};
use leptos::prelude::*;

use crate::format::{human_duration_ms, split_url, status_class, trace_summary};

#[component]
pub fn RequestsPanel(trace: Vec<Exchange>) -> impl IntoView {
    let summary = trace_summary(&trace);
    let rows = trace
        .into_iter()
        .enumerate()
        .map(|(i, exchange)| view! { <ExchangeRows number=i + 1 exchange /> })
        .collect_view();
    view! {
        <details class="panel requests" data-testid="requests-panel">
            <summary>
                <span class="panel-title">"Requests"</span>
                <span class="muted">{summary}</span>
            </summary>
            <p class="muted small">
                "The HTTP exchanges Lading made with the registry (and its token server or CDN) \
                 to build this view. Credentials and tokens are redacted."
            </p>
            <div class="table-wrap">
                <table class="requests-table stack">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">"Step"</th>
                            <th scope="col">"Method"</th>
                            <th scope="col">"URL"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="num">"Time"</th>
                            <th scope="col">"Note"</th>
                            <th scope="col"><span class="visually-hidden">"Headers"</span></th>
                        </tr>
                    </thead>
                    {rows}
                </table>
            </div>
        </details>
    }
}

/// One exchange: a summary row, and its headers on demand.
#[component]
fn ExchangeRows(number: usize, exchange: Exchange) -> impl IntoView {
    let open = RwSignal::new(false);
    let token = exchange.purpose.is_token();
    let status = match exchange.status {
        Some(code) => code.to_string(),
        None => "no response".to_string(),
    };
    let headers_id = format!("exchange-{number}-headers");
    let Exchange {
        method,
        url,
        duration_ms,
        request_headers,
        response_headers,
        note,
        ..
    } = exchange;
    let (origin, path) = split_url(&url);
    let (origin, path) = (origin.to_string(), path.to_string());
    let purpose = exchange.purpose;
    let step_class = if token {
        "badge badge-token"
    } else {
        "badge badge-quiet"
    };
    view! {
        <tbody class="exchange" data-purpose=purpose_name(purpose)>
            <tr data-testid="request-row">
                <td class="num muted" data-label="#">{number}</td>
                <td data-label="Step"><span class=step_class>{purpose.label()}</span></td>
                <td data-label="Method"><code>{method}</code></td>
                <td class="url" data-label="URL">
                    <code><span class="origin">{origin}</span>{path}</code>
                </td>
                <td data-label="Status"><span class=status_class(exchange.status)>{status}</span></td>
                <td class="num" data-label="Time">{human_duration_ms(duration_ms)}</td>
                <td class="note" data-label="Note">{note}</td>
                <td class="headers-toggle">
                    <button
                        type="button"
                        class="link-button"
                        aria-expanded=move || open.get().to_string()
                        aria-controls=headers_id.clone()
                        on:click=move |_| open.update(|o| *o = !*o)
                    >
                        {move || if open.get() { "Hide headers" } else { "Headers" }}
                    </button>
                </td>
            </tr>
            <tr class="exchange-headers" id=headers_id.clone() hidden=move || !open.get()>
                <td class="spacer"></td>
                <td colspan="7" class="headers-cell">
                    <div class="header-columns">
                        <HeaderList title="Request headers" headers=request_headers />
                        <HeaderList title="Response headers" headers=response_headers />
                    </div>
                </td>
            </tr>
        </tbody>
    }
}

/// The purpose as the contract spells it (`token`, `manifest_get`, …), for tests and CSS.
fn purpose_name(purpose: ExchangePurpose) -> String {
    serde_json::to_value(purpose)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

#[component]
fn HeaderList(title: &'static str, headers: Vec<Header>) -> impl IntoView {
    let empty = headers.is_empty();
    view! {
        <div>
            <h4>{title}</h4>
            {empty.then(|| view! { <p class="muted small">"none recorded"</p> })}
            <dl class="headers">
                {headers
                    .into_iter()
                    .map(|h| view! { <dt>{h.name}</dt><dd>{h.value}</dd> })
                    .collect_view()}
            </dl>
        </div>
    }
}
