//! The view's conversation as messages between lanes: one model for the page's SVG sequence
//! diagram and the Mermaid export, so both draw the same thing.

use super::{Flow, Lane};
use crate::api::Exchange;

/// One arrow of a sequence diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub from: Lane,
    pub to: Lane,
    /// Short text for the arrow (`GET /v2/library/alpine/manifests/3.9`, `401 challenge`).
    pub label: String,
    /// The Requests panel row (1-based) this arrow belongs to; `None` for the browser's own
    /// call to Lading and its answer.
    pub request: Option<usize>,
    /// An answer (drawn dashed), not a request.
    pub reply: bool,
}

/// The messages of `flow`: the browser's call, each upstream exchange and its answer, and
/// Lading's answer to the browser.
pub fn messages(flow: &Flow) -> Vec<Message> {
    let mut out = vec![Message {
        from: Lane::Browser,
        to: Lane::Lading,
        label: flow.subject.api_call(),
        request: None,
        reply: false,
    }];
    for (i, exchange) in flow.trace.iter().enumerate() {
        let lane = Lane::of(exchange);
        out.push(Message {
            from: Lane::Lading,
            to: lane,
            label: format!("{} {}", exchange.method, path_of(&exchange.url)),
            request: Some(i + 1),
            reply: false,
        });
        out.push(Message {
            from: lane,
            to: Lane::Lading,
            label: answer(exchange),
            request: Some(i + 1),
            reply: true,
        });
    }
    out.push(Message {
        from: Lane::Lading,
        to: Lane::Browser,
        label: "the view's answer".to_string(),
        request: None,
        reply: true,
    });
    out
}

/// The lanes `messages` uses, in [`Lane::ALL`] order.
pub fn lanes(messages: &[Message]) -> Vec<Lane> {
    Lane::ALL
        .into_iter()
        .filter(|lane| messages.iter().any(|m| m.from == *lane || m.to == *lane))
        .collect()
}

/// What came back, in a few words.
fn answer(exchange: &Exchange) -> String {
    match exchange.status {
        None => "no response".to_string(),
        Some(401) => "401 challenge".to_string(),
        Some(status @ 300..=399) => format!("{status} redirect"),
        Some(status) => status.to_string(),
    }
}

/// Path and query of a URL (the host is the lane).
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |at| &rest[at..])
}
