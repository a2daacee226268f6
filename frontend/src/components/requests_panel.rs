//! The "Requests" panel: every HTTP exchange the proxy made for this view, in order, so a
//! person can watch the registry protocol (ping, 401 challenge, token, manifest, blobs).
//! Each row is labelled by the step the proxy says it was (`Exchange.purpose`), never by
//! guessing from the note, names the distribution-spec endpoint it used (linked to the
//! spec), and a failed exchange shows what the registry answered. The sequence diagram
//! points at rows through [`Highlight`]: the panel opens and the row is marked. Under
//! 640 px the rows stack into cards (see `style.css`).

use lading_shared::api::{Exchange, ExchangePurpose, Header};
use lading_shared::reproduce::Endpoint;
use leptos::prelude::*;

use crate::components::flow_panels::Highlight;
use crate::format::{human_duration_ms, split_url, status_class, trace_summary};

#[component]
pub fn RequestsPanel(trace: Vec<Exchange>) -> impl IntoView {
    let summary = trace_summary(&trace);
    let highlight = Highlight::get().0;
    let details = NodeRef::<leptos::html::Details>::new();
    // The diagram pointed at a row: open the panel so it can be seen. Scrolling is left to
    // a click on the arrow (the diagram does it), so hovering never moves the page.
    Effect::new(move |_| {
        if highlight.get().is_some()
            && let Some(panel) = details.get()
        {
            panel.set_open(true);
        }
    });
    // No exchange at all: everything came from Lading's cache (the registry notes say what).
    let none = trace.is_empty().then(|| {
        view! {
            <p class="muted" data-testid="no-requests">
                "No request: Lading answered this view from its own cache."
            </p>
        }
    });
    let rows = trace
        .into_iter()
        .enumerate()
        .map(|(i, exchange)| view! { <ExchangeRows number=i + 1 exchange highlight /> })
        .collect_view();
    view! {
        <details class="panel requests" data-testid="requests-panel" node_ref=details>
            <summary>
                <span class="panel-title">"Requests"</span>
                <span class="muted">{summary}</span>
            </summary>
            <p class="muted small">
                "The HTTP exchanges Lading made with the registry (and its token server or CDN) \
                 to build this view, each with the distribution-spec endpoint it used. \
                 Credentials and tokens are redacted."
            </p>
            {none}
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

/// The row's element id, which the diagram and links (`#request-3`) point at.
fn row_id(number: usize) -> String {
    format!("request-{number}")
}

/// One exchange: a summary row, the registry's error body when it failed, and its headers
/// on demand.
#[component]
fn ExchangeRows(
    number: usize,
    exchange: Exchange,
    highlight: RwSignal<Option<usize>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let endpoint = Endpoint::of(&exchange);
    let token = exchange.purpose.is_token();
    let status = match exchange.status {
        Some(code) => code.to_string(),
        None => "no response".to_string(),
    };
    let failed = exchange.status.is_none_or(|code| code >= 400);
    let headers_id = format!("exchange-{number}-headers");
    let Exchange {
        method,
        url,
        duration_ms,
        request_headers,
        response_headers,
        note,
        error_body,
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
    let error_body = error_body.filter(|body| failed && !body.trim().is_empty());
    let marked = move || highlight.get() == Some(number);
    view! {
        <tbody class="exchange" class:highlighted=marked data-purpose=purpose_name(purpose)>
            <tr
                data-testid="request-row"
                id=row_id(number)
                data-request=number.to_string()
                class:highlighted=marked
            >
                <td class="num muted" data-label="#">{number}</td>
                <td data-label="Step">
                    <span class="step-cell">
                        <span class=step_class>{purpose.label()}</span>
                        {endpoint.map(|endpoint| view! { <EndpointLink endpoint /> })}
                    </span>
                </td>
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
            {error_body.map(|body| view! { <ErrorBodyRow body /> })}
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

/// The spec's id and title for the endpoint, linked to where the spec describes it.
#[component]
fn EndpointLink(endpoint: Endpoint) -> impl IntoView {
    let id = endpoint.id();
    view! {
        <a
            class="endpoint small"
            href=endpoint.spec_link()
            target="_blank"
            rel="noopener noreferrer"
            title=endpoint.route()
            data-endpoint=id.unwrap_or("none")
        >
            {id.map(|id| view! { <code class="endpoint-id">{id}</code> " " })}
            {endpoint.title()}
        </a>
    }
}

/// What the registry said when the exchange failed, as text (a text node: nothing in it is
/// markup), in a box that wraps and scrolls rather than stretching the table.
#[component]
fn ErrorBodyRow(body: String) -> impl IntoView {
    view! {
        <tr class="exchange-error">
            <td class="spacer"></td>
            <td colspan="7" class="error-body-cell">
                <span class="muted small">"The registry answered:"</span>
                <pre class="error-body" data-testid="error-body">{body}</pre>
            </td>
        </tr>
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
