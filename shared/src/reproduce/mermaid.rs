//! The trace as a Mermaid sequence diagram (lanes: browser, Lading, registry, token server,
//! CDN), drawn from the same [`diagram::messages`] the page's SVG uses.
//!
//! Requests are solid arrows (`->>`), answers dashed (`-->>`); each request names its
//! Requests-panel row (`[3]`) and the spec's endpoint id (`end-3`). Notes explain the steps
//! people find hardest: the challenge, the token request, the redirect to a CDN.
//!
//! Every text that comes from the trace or the view is [`escape`]d: Mermaid reads `;` and
//! `#` as syntax in a message, `%%` starts a comment, a newline ends a statement, and `<`/`>`
//! /`&` would reach its HTML labels. They become Mermaid's entity codes (`#59;`), which it
//! draws as the character itself.

use super::diagram::{self, Message};
use super::{Endpoint, Flow, Lane};
use crate::api::Exchange;

/// The diagram's Mermaid source.
pub fn diagram(flow: &Flow) -> String {
    let messages = diagram::messages(flow);
    let mut out = String::from("sequenceDiagram\n");
    out.push_str(&format!(
        "    title {}\n",
        escape(&format!("Lading: {}", flow.subject.describe()))
    ));
    for lane in diagram::lanes(&messages) {
        out.push_str(&format!(
            "    participant {} as {}\n",
            alias(lane),
            participant_label(flow, lane)
        ));
    }
    for message in &messages {
        let exchange = message
            .request
            .and_then(|row| flow.trace.get(row.wrapping_sub(1)));
        if !message.reply
            && let Some(exchange) = exchange
        {
            out.push_str(&note_before(message, exchange));
        }
        out.push_str(&arrow(message, exchange));
        if message.reply
            && let Some(exchange) = exchange
        {
            out.push_str(&note_after(message, exchange));
        }
    }
    out
}

/// The short id a lane has in the source.
fn alias(lane: Lane) -> &'static str {
    match lane {
        Lane::Browser => "B",
        Lane::Lading => "L",
        Lane::Registry => "R",
        Lane::TokenServer => "T",
        Lane::Cdn => "C",
        Lane::WebApi => "W",
    }
}

/// `Registry<br/>host` for the lanes the trace names hosts for.
fn participant_label(flow: &Flow, lane: Lane) -> String {
    let mut hosts: Vec<&str> = Vec::new();
    for exchange in flow.trace.iter().filter(|e| Lane::of(e) == lane) {
        if let Some(host) = host_of(&exchange.url)
            && !hosts.contains(&host)
        {
            hosts.push(host);
        }
    }
    let mut label = escape_label(lane.label());
    if !hosts.is_empty() {
        label.push_str("<br/>");
        label.push_str(&escape_label(&hosts.join(", ")));
    }
    label
}

fn arrow(message: &Message, exchange: Option<&Exchange>) -> String {
    let kind = if message.reply { "-->>" } else { "->>" };
    let mut text = String::new();
    if let (Some(row), false) = (message.request, message.reply) {
        text.push_str(&format!("[{row}] "));
        if let Some(id) = exchange.and_then(Endpoint::of).and_then(Endpoint::id) {
            text.push_str(id);
            text.push(' ');
        }
    }
    text.push_str(&message.label);
    format!(
        "    {}{kind}{}: {}\n",
        alias(message.from),
        alias(message.to),
        escape(&text)
    )
}

/// A note before a token request or a request to the CDN: why it happens.
fn note_before(message: &Message, exchange: &Exchange) -> String {
    let text = match Endpoint::of(exchange) {
        Some(Endpoint::Token) => {
            "Token request to the challenge's realm for the exact scope (Basic credentials \
             only when the view used them)"
        }
        Some(Endpoint::Redirected) => {
            "The blob where the registry redirected: no Authorization to another host"
        }
        _ => return String::new(),
    };
    note(message.from, message.to, text)
}

/// A note after a challenge or a redirect: what the answer asks for next.
fn note_after(message: &Message, exchange: &Exchange) -> String {
    let id = Endpoint::of(exchange)
        .and_then(Endpoint::id)
        .map(|id| format!("{id} "))
        .unwrap_or_default();
    let text = match (message.from, exchange.status) {
        (Lane::Registry, Some(401)) => format!(
            "{id}401: WWW-Authenticate names the scheme (Basic, or Bearer with a token realm)"
        ),
        (Lane::Registry, Some(status @ 300..=399)) => {
            format!("{id}{status}: Location names where the blob really is")
        }
        _ => return String::new(),
    };
    note(message.from, message.to, &text)
}

fn note(from: Lane, to: Lane, text: &str) -> String {
    format!(
        "    Note over {},{}: {}\n",
        alias(from),
        alias(to),
        escape(text)
    )
}

/// `host[:port]` of an absolute URL.
fn host_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    (!host.is_empty()).then_some(host)
}

/// Text for a message or a note: Mermaid's syntax characters as entity codes, control
/// characters (a newline would end the statement) as `?`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' | ';' | '<' | '>' | '%' | '&' | '"' | '{' | '}' | '\\' => {
                out.push_str(&format!("#{};", u32::from(c)));
            }
            c if c.is_control() => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Text for a participant's label: also `:` as an entity code (Mermaid's actor syntax
/// reads it).
fn escape_label(text: &str) -> String {
    escape(text).replace(':', "#58;")
}

#[cfg(test)]
mod tests;
