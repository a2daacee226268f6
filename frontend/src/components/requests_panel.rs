//! The "Requests" panel: every HTTP exchange the proxy made for this view, in order, so a
//! person can watch the registry protocol (ping, 401 challenge, token, manifest, blobs).

use lading_shared::api::{Exchange, Header};
use leptos::prelude::*;

use crate::format::{human_duration_ms, is_token_exchange, split_url, status_class, trace_summary};

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
                <table class="requests-table">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
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
    let token = is_token_exchange(&exchange);
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
    view! {
        <tbody class="exchange">
            <tr data-testid="request-row">
                <td class="num muted">{number}</td>
                <td><code>{method}</code></td>
                <td class="url">
                    <code><span class="origin">{origin}</span>{path}</code>
                </td>
                <td><span class=status_class(exchange.status)>{status}</span></td>
                <td class="num">{human_duration_ms(duration_ms)}</td>
                <td>
                    {token.then(|| view! { <span class="badge badge-token">"token"</span> " " })}
                    {note}
                </td>
                <td>
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
                <td></td>
                <td colspan="6">
                    <div class="header-columns">
                        <HeaderList title="Request headers" headers=request_headers />
                        <HeaderList title="Response headers" headers=response_headers />
                    </div>
                </td>
            </tr>
        </tbody>
    }
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
