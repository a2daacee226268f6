//! What the diagram draws, as plain data: its columns (lanes, with the host each stands
//! for), its arrows (with the status tone and the spec's endpoint id) and where each goes.
//! Pure functions, so the geometry and the label caps are unit-tested natively.

use lading_shared::api::Exchange;
use lading_shared::reproduce::diagram::{Message, lanes, messages};
use lading_shared::reproduce::{Endpoint, Flow, Lane};

use crate::format::status_class;

/// Space between two lifelines: room for a 31-character label between neighbours.
pub const LANE_GAP: f64 = 250.0;
/// Left margin, where a request's row number stands.
pub const MARGIN: f64 = 36.0;
/// The lane headers' height (title and host).
pub const HEAD_HEIGHT: f64 = 56.0;
/// One arrow and its label.
pub const ROW: f64 = 30.0;
/// Space above the first arrow and below the last.
pub const PAD: f64 = 10.0;
/// Width of one character of the 12 px monospace labels (a little generous).
const CHAR_WIDTH: f64 = 7.4;
/// A host in a lane header: the header box is this many characters wide.
pub const HOST_CHARS: usize = 24;
/// No label is cut shorter than this, even between neighbours.
const MIN_LABEL_CHARS: usize = 12;

/// One lane of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub lane: Lane,
    pub title: String,
    /// The host this lane stands for (`registry-1.docker.io`), `+N` when it was several.
    pub host: Option<String>,
}

/// One arrow: the shared model's message, how to colour it, and the endpoint it used.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    pub message: Message,
    /// A CSS class: `seq-request`, `seq-local`, or the Requests panel's status class.
    pub tone: &'static str,
    /// The spec's id (`end-3`), on request arrows.
    pub endpoint: Option<&'static str>,
}

impl Arrow {
    /// An arrow for `message`; `status` colours an answer, `endpoint` labels a request.
    pub fn new(message: Message, status: Option<Option<u16>>, endpoint: Option<Endpoint>) -> Arrow {
        let tone = match (message.reply, status) {
            (true, Some(status)) => tone_of(status),
            (false, Some(_)) => "seq-request",
            (_, None) => "seq-local",
        };
        let endpoint = endpoint.filter(|_| !message.reply).and_then(Endpoint::id);
        Arrow {
            message,
            tone,
            endpoint,
        }
    }
}

/// The Requests panel's colour for a status (`status-ok`, …), without its badge class.
fn tone_of(status: Option<u16>) -> &'static str {
    let class = status_class(status);
    class.strip_prefix("status ").unwrap_or(class)
}

/// The arrows of `flow`, from the shared model, with each exchange's status and endpoint.
pub fn arrows(flow: &Flow) -> Vec<Arrow> {
    messages(flow)
        .into_iter()
        .map(|message| {
            let exchange = message
                .request
                .and_then(|n| flow.trace.get(n.wrapping_sub(1)));
            Arrow::new(
                message,
                exchange.map(|e| e.status),
                exchange.and_then(Endpoint::of),
            )
        })
        .collect()
}

/// The lanes `arrows` use, each with the host(s) of its exchanges in the trace.
pub fn columns(flow: &Flow, arrows: &[Arrow]) -> Vec<Column> {
    let used: Vec<Message> = arrows.iter().map(|a| a.message.clone()).collect();
    lanes(&used)
        .into_iter()
        .map(|lane| Column {
            lane,
            title: lane.label().to_string(),
            host: lane_host(&flow.trace, lane),
        })
        .collect()
}

/// The hosts a lane's exchanges went to: the first, and `+N` for the others.
fn lane_host(trace: &[Exchange], lane: Lane) -> Option<String> {
    if matches!(lane, Lane::Browser | Lane::Lading) {
        return None;
    }
    let mut hosts: Vec<&str> = Vec::new();
    for exchange in trace.iter().filter(|e| Lane::of(e) == lane) {
        if let Some(host) = host_of(&exchange.url)
            && !hosts.contains(&host)
        {
            hosts.push(host);
        }
    }
    let first = hosts.first()?;
    Some(match hosts.len() {
        1 => first.to_string(),
        n => format!("{first} +{}", n - 1),
    })
}

/// `host[:port]` of an absolute URL, without any user-info.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!host.is_empty()).then_some(host)
}

/// Where the lifeline of column `index` stands.
pub fn lane_x(index: usize) -> f64 {
    MARGIN + LANE_GAP / 2.0 + LANE_GAP * index as f64
}

/// The width of a diagram of `lanes` lanes.
pub fn width(lanes: usize) -> f64 {
    MARGIN + LANE_GAP * lanes.max(1) as f64
}

/// The height of the arrows' part of a diagram.
pub fn body_height(arrows: usize) -> f64 {
    PAD * 2.0 + ROW * arrows as f64
}

/// The baseline of arrow `index`'s line (its label sits above it).
pub fn arrow_y(index: usize) -> f64 {
    PAD + ROW * index as f64 + ROW - 7.0
}

/// How many label characters fit between two lifelines `span` pixels apart.
pub fn label_chars(span: f64) -> usize {
    let fits = ((span - 16.0) / CHAR_WIDTH).floor();
    (fits.max(0.0) as usize).max(MIN_LABEL_CHARS)
}

/// `text` cut to `max` characters, the last one an ellipsis when it was longer.
pub fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lading_shared::api::ExchangePurpose;
    use lading_shared::reproduce::{ImageTarget, Subject};

    fn exchange(method: &str, url: &str, status: u16, purpose: ExchangePurpose) -> Exchange {
        Exchange {
            method: method.to_string(),
            url: url.to_string(),
            status: Some(status),
            purpose,
            ..Exchange::default()
        }
    }

    fn flow(trace: Vec<Exchange>) -> Flow {
        let reference =
            lading_shared::Reference::parse("r.example/team/api:v1").expect("reference");
        let subject = Subject::Manifest(ImageTarget {
            reference,
            platform: None,
        });
        Flow::new(subject, &trace)
    }

    #[test]
    fn every_exchange_is_a_request_and_an_answer_with_its_endpoint_and_tone() {
        let flow = flow(vec![
            exchange("GET", "https://r.example/v2/", 401, ExchangePurpose::Ping),
            exchange(
                "GET",
                "https://auth.example/token?scope=x",
                200,
                ExchangePurpose::Token,
            ),
            exchange(
                "GET",
                "https://r.example/v2/team/api/blobs/sha256:ab",
                307,
                ExchangePurpose::Blob,
            ),
            exchange(
                "GET",
                "https://user@cdn-1.example/x?sig=1",
                200,
                ExchangePurpose::Redirect,
            ),
            exchange(
                "GET",
                "https://cdn-2.example/y",
                500,
                ExchangePurpose::Redirect,
            ),
        ]);
        let arrows = arrows(&flow);
        assert_eq!(arrows.len(), flow.trace.len() * 2 + 2);
        assert_eq!(arrows[1].endpoint, Some("end-1"));
        assert_eq!(arrows[2].tone, "status-client");
        assert_eq!(
            arrows[3].endpoint, None,
            "a token request is not a spec endpoint"
        );
        assert_eq!(arrows[5].endpoint, Some("end-2"));
        assert_eq!(arrows[6].tone, "status-redirect");
        assert_eq!(arrows[10].tone, "status-fail");
        assert_eq!(arrows[0].tone, "seq-local");
        let columns = columns(&flow, &arrows);
        let hosts: Vec<(Lane, Option<&str>)> = columns
            .iter()
            .map(|c| (c.lane, c.host.as_deref()))
            .collect();
        assert_eq!(
            hosts,
            [
                (Lane::Browser, None),
                (Lane::Lading, None),
                (Lane::Registry, Some("r.example")),
                (Lane::TokenServer, Some("auth.example")),
                (Lane::Cdn, Some("cdn-1.example +1")),
            ]
        );
    }

    #[test]
    fn labels_are_capped_with_an_ellipsis() {
        assert_eq!(fit("GET /v2/", 20), "GET /v2/");
        assert_eq!(fit("abcdefghij", 5), "abcd…");
        assert_eq!(fit("ééééé", 5), "ééééé");
        assert!(label_chars(LANE_GAP) >= 24);
        assert_eq!(label_chars(0.0), MIN_LABEL_CHARS);
        assert!(arrow_y(1) - arrow_y(0) == ROW);
        assert_eq!(host_of("http://localhost:5000/v2/"), Some("localhost:5000"));
        assert_eq!(host_of("not a url"), None);
    }
}
