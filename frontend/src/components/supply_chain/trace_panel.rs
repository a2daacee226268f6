//! The exchanges behind the Supply chain section: a compact Requests panel of its own. The
//! view's main Requests panel (and its sequence diagram) number their rows `request-N` and
//! must stay one per page, so this one has its own ids and test ids.

use lading_shared::api::Exchange;
use leptos::prelude::*;

use crate::format::{human_duration_ms, split_url, status_class, trace_summary};

#[component]
pub fn TracePanel(trace: Vec<Exchange>) -> impl IntoView {
    let summary = trace_summary(&trace);
    let none = trace.is_empty().then(|| {
        view! { <p class="muted small">"No request: Lading answered from its own cache."</p> }
    });
    let rows = trace
        .into_iter()
        .enumerate()
        .map(|(i, exchange)| view! { <TraceRow number=i + 1 exchange /> })
        .collect_view();
    view! {
        <details class="panel referrer-trace" data-testid="referrers-requests">
            <summary>
                <span class="panel-title">"Requests for the supply chain"</span>
                " " <span class="muted">{summary}</span>
            </summary>
            {none}
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">"Step"</th>
                            <th scope="col">"Method"</th>
                            <th scope="col">"URL"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="num">"Time"</th>
                            <th scope="col">"Note"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

#[component]
fn TraceRow(number: usize, exchange: Exchange) -> impl IntoView {
    let status = exchange
        .status
        .map_or_else(|| "no response".to_owned(), |s| s.to_string());
    let (origin, path) = split_url(&exchange.url);
    let (origin, path) = (origin.to_owned(), path.to_owned());
    view! {
        <tr data-testid="referrers-request">
            <td class="num muted" data-label="#">{number}</td>
            <td data-label="Step"><span class="badge badge-quiet">{exchange.purpose.label()}</span></td>
            <td data-label="Method"><code>{exchange.method}</code></td>
            <td class="url" data-label="URL"><code class="wrap"><span class="origin">{origin}</span>{path}</code></td>
            <td data-label="Status"><span class=status_class(exchange.status)>{status}</span></td>
            <td class="num" data-label="Time">{human_duration_ms(exchange.duration_ms)}</td>
            <td class="note" data-label="Note">{exchange.note.unwrap_or_default()}</td>
        </tr>
    }
}
