use super::*;
use crate::api::{ExchangePurpose, Header};
use crate::reference::Reference;
use crate::reproduce::{ImageTarget, Subject};

fn exchange(method: &str, url: &str, status: u16, purpose: ExchangePurpose) -> Exchange {
    Exchange {
        method: method.to_string(),
        url: url.to_string(),
        status: Some(status),
        purpose,
        ..Exchange::default()
    }
}

fn subject(reference: &str) -> Subject {
    Subject::Blob {
        image: ImageTarget {
            reference: Reference::parse(reference).unwrap(),
            platform: None,
        },
        digest: crate::digest::Digest::sha256(b"x"),
    }
}

/// A Docker Hub blob download: ping, challenge, token, blob, redirect to the CDN.
fn hub_blob_trace() -> Vec<Exchange> {
    let mut ping = exchange(
        "GET",
        "https://registry-1.docker.io/v2/",
        401,
        ExchangePurpose::Ping,
    );
    ping.response_headers.push(Header {
        name: "www-authenticate".to_string(),
        value: r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#
            .to_string(),
    });
    vec![
        ping,
        exchange(
            "GET",
            "https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull",
            200,
            ExchangePurpose::Token,
        ),
        exchange(
            "GET",
            "https://registry-1.docker.io/v2/library/alpine/blobs/sha256:00",
            307,
            ExchangePurpose::Blob,
        ),
        exchange(
            "GET",
            "https://production.cloudflare.docker.com/registry-v2/x",
            200,
            ExchangePurpose::Redirect,
        ),
    ]
}

#[test]
fn a_token_and_redirect_flow_draws_every_lane_arrow_and_note() {
    let flow = Flow::new(subject("alpine:3.9"), &hub_blob_trace());
    let text = diagram(&flow);
    let expected = "sequenceDiagram
    title Lading: blob sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 of docker.io/library/alpine:3.9
    participant B as Browser
    participant L as Lading
    participant R as Registry<br/>registry-1.docker.io
    participant T as Token server<br/>auth.docker.io
    participant C as CDN<br/>production.cloudflare.docker.com
";
    assert!(text.starts_with(expected), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    for want in [
        "    L->>R: [1] end-1 GET /v2/",
        "    R-->>L: 401 challenge",
        "    Note over R,L: end-1 401: WWW-Authenticate names the scheme (Basic, or Bearer \
         with a token realm)",
        "    L->>T: [2] GET /token?scope=repository#37;3Alibrary#37;2Falpine#37;3Apull",
        "    L->>R: [3] end-2 GET /v2/library/alpine/blobs/sha256:00",
        "    R-->>L: 307 redirect",
        "    L->>C: [4] GET /registry-v2/x",
        "    L-->>B: the view#39;s answer",
    ] {
        let want = want.replace("#39;", "'");
        assert!(lines.contains(&want.as_str()), "{want}\n{text}");
    }
    assert!(
        text.contains("Note over L,T: Token request"),
        "a note before the token request\n{text}"
    );
    assert!(text.contains("Note over L,C: The blob where the registry redirected"));
    assert!(
        text.contains("Note over R,L: end-2 307: Location"),
        "{text}"
    );
    assert_eq!(text.matches("->>").count(), 10, "{text}"); // 5 requests, 5 answers
    assert_eq!(text.matches("-->>").count(), 5, "{text}");
}

#[test]
fn a_plain_flow_has_only_the_lanes_it_used() {
    let trace = [exchange(
        "GET",
        "http://localhost:5000/v2/",
        200,
        ExchangePurpose::Ping,
    )];
    let flow = Flow::new(subject("localhost:5000/a:1"), &trace);
    let text = diagram(&flow);
    assert!(text.contains("participant R as Registry<br/>localhost#58;5000\n"));
    assert!(!text.contains("participant T"), "{text}");
    assert!(!text.contains("participant C"), "{text}");
    assert!(!text.contains("Note"), "{text}");
}

#[test]
fn escape_turns_mermaid_syntax_into_entity_codes() {
    assert_eq!(escape("a;b#c"), "a#59;b#35;c");
    assert_eq!(escape("<script>"), "#60;script#62;");
    assert_eq!(escape("%%{init}%%"), "#37;#37;#123;init#125;#37;#37;");
    assert_eq!(escape("a\nb\r\tc"), "a?b??c");
    assert_eq!(escape("&amp; \"x\""), "#38;amp#59; #34;x#34;");
    assert_eq!(escape_label("host:5000"), "host#58;5000");
}

/// Hostile URLs and names: every statement stays on its own line, starts with a keyword or
/// an arrow between known aliases, and no raw syntax character survives in a text.
#[test]
fn hostile_urls_stay_inside_their_labels() {
    let hostile = [
        "http://evil.io:5000/v2/a;b/manifests/x#frag",
        "http://evil.io/v2/x\nparticipant X as pwned\nL->>X: hi",
        "http://evil.io/v2/%%{init: {'theme':'dark'}}%%",
        "http://<img src=x onerror=alert(1)>/v2/",
        "http://evil.io/v2/\"; rm -rf ~; \"/$(touch /tmp/x)",
        "http://a:b@host:1/v2/end",
    ];
    let trace: Vec<Exchange> = hostile
        .iter()
        .map(|url| exchange("GET", url, 401, ExchangePurpose::ManifestGet))
        .collect();
    let mut target = subject("localhost:5000/a:1");
    if let Subject::Blob { image, .. } = &mut target {
        image.reference.repository = "a;b\n%%{init}%%<x>".to_string();
    }
    let flow = Flow::new(target, &trace);
    let text = diagram(&flow);
    let aliases = ["B", "L", "R", "T", "C", "W"];
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            assert_eq!(line, "sequenceDiagram");
            continue;
        }
        let line = line.strip_prefix("    ").expect("indented statement");
        let (head, body) = if let Some(rest) = line.strip_prefix("title ") {
            ("title", rest)
        } else if let Some(rest) = line.strip_prefix("participant ") {
            let (alias, label) = rest.split_once(" as ").expect("participant X as label");
            assert!(aliases.contains(&alias), "{line}");
            assert!(!label.contains(':'), "{line}");
            ("participant", label)
        } else {
            let (head, body) = line.split_once(": ").expect("statement: text");
            let arrow_ok = aliases.iter().any(|from| {
                aliases.iter().any(|to| {
                    head == format!("{from}->>{to}")
                        || head == format!("{from}-->>{to}")
                        || head == format!("Note over {from},{to}")
                })
            });
            assert!(arrow_ok, "{line}");
            ("statement", body)
        };
        let body = without_entities(&body.replace("<br/>", ""), line);
        for raw in [';', '<', '>', '%', '"', '{', '}', '#'] {
            assert!(!body.contains(raw), "{head}: raw {raw:?} in {line}");
        }
    }
}

/// `text` with every `#NN;` entity code removed, panicking on a `#` that starts none.
fn without_entities(text: &str, line: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let code = &rest[at + 1..];
        let digits = code.chars().take_while(char::is_ascii_digit).count();
        assert!(digits > 0 && code[digits..].starts_with(';'), "{line}");
        rest = &code[digits + 1..];
    }
    out.push_str(rest);
    out
}
