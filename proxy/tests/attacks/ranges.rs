//! Finding 7: range arithmetic. `Range: bytes=0-18446744073709551615` answered 206 with a
//! bogus `Content-Range` and an empty body (`last + 1` wrapped to 0; a debug build panics
//! there instead). Replayed against the real binary with the numbers an attacker tries,
//! checked against RFC 9110 §14: an end past the blob is clamped (206, exact bytes), a
//! start past it is 416 with `Content-Range: bytes */SIZE`, anything the grammar does not
//! allow is ignored (200, the whole blob). A registry's own absurd `Content-Range` on a 206
//! is refused, not passed on.

use lading_testkit::fixtures::media_types::OCI_LAYER_GZIP;
use lading_testkit::fixtures::{layer_descriptor, noise, script_image};
use lading_testkit::{Canned, LadingProcess, ScriptedRegistry, TagScript};

use crate::support::encode;

const REPO: &str = "team/app";
const SIZE: u64 = 1000;
const MAX: &str = "18446744073709551615"; // u64::MAX
const PAST: &str = "18446744073709551616"; // u64::MAX + 1
const HUGE: &str = "340282366920938463463374607431768211456"; // 2^128

/// What lading must answer to one `Range` header.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// 206 with exactly bytes `start..end`.
    Part(u64, u64),
    /// 416 with `Content-Range: bytes */SIZE`.
    Unsatisfiable,
    /// 200 with the whole blob.
    Whole,
}

fn cases() -> Vec<(String, Want)> {
    use Want::{Part, Unsatisfiable, Whole};
    let last = SIZE - 1;
    [
        // The finding, and the same overflow spelled every way.
        (format!("bytes=0-{MAX}"), Part(0, SIZE)),
        (format!("bytes=0-{PAST}"), Part(0, SIZE)),
        (format!("bytes=0-{HUGE}"), Part(0, SIZE)),
        (format!("bytes=990-{MAX}"), Part(990, SIZE)),
        (format!("bytes={last}-{MAX}"), Part(last, SIZE)),
        (format!("bytes=-{MAX}"), Part(0, SIZE)),
        (format!("bytes=-{HUGE}"), Part(0, SIZE)),
        (format!("bytes={MAX}-"), Unsatisfiable),
        (format!("bytes={MAX}-{MAX}"), Unsatisfiable),
        (format!("bytes={PAST}-"), Unsatisfiable),
        (format!("bytes={HUGE}-{HUGE}"), Unsatisfiable),
        // Edges of the blob.
        (format!("bytes={SIZE}-"), Unsatisfiable),
        (format!("bytes={SIZE}-{MAX}"), Unsatisfiable),
        ("bytes=-0".into(), Unsatisfiable),
        ("bytes=0-0".into(), Part(0, 1)),
        (format!("bytes={last}-{last}"), Part(last, SIZE)),
        (format!("bytes=10-{SIZE}"), Part(10, SIZE)),
        ("bytes=-10".into(), Part(990, SIZE)),
        ("bytes=10-19".into(), Part(10, 20)),
        // What the grammar allows: any case of the unit, empty list elements.
        ("Bytes=10-19".into(), Part(10, 20)),
        ("bytes=,10-19".into(), Part(10, 20)),
        ("bytes=10-19, ".into(), Part(10, 20)),
        // Ignored: invalid, or several ranges (no multipart/byteranges).
        ("bytes=19-10".into(), Whole),
        (format!("bytes={MAX}-0"), Whole),
        ("bytes=+10-19".into(), Whole),
        ("bytes=10-+19".into(), Whole),
        ("bytes=10 - 19".into(), Whole),
        ("bytes=0x10-0x20".into(), Whole),
        ("bytes=--5".into(), Whole),
        ("bytes=-".into(), Whole),
        ("bytes=".into(), Whole),
        ("bytes=0-1,5-6".into(), Whole),
        (format!("bytes=0-{MAX},{MAX}-"), Whole),
        ("items=0-9".into(), Whole),
        ("bytes 0-9".into(), Whole),
        ("junk".into(), Whole),
    ]
    .into_iter()
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn absurd_ranges_answer_416_and_clamped_ends_the_exact_bytes() {
    let blob = noise(7, SIZE as usize);
    let descriptor = layer_descriptor(OCI_LAYER_GZIP, &blob);
    let digest = descriptor["digest"].as_str().unwrap().to_string();
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 1));
    script_image(&registry, REPO, "v1", vec![descriptor]);
    // The registry ignores Range (200, whole): lading cuts the range out itself.
    registry.respond(
        &format!("/v2/{REPO}/blobs/{digest}"),
        Canned::new(200, "application/octet-stream", blob.clone()),
    );
    let lading = LadingProcess::spawn(
        std::path::Path::new(env!("CARGO_BIN_EXE_lading")),
        &["--allow-host", &registry.host()],
    );
    let url = format!(
        "{}/api/blob?ref={}&digest={digest}",
        lading.base_url(),
        encode(&format!("{}/{REPO}:v1", registry.host()))
    );
    let client = reqwest::Client::new();
    let mut wrong = Vec::new();
    for (range, want) in cases() {
        let answer = client.get(&url).header("range", &range).send().await;
        let Ok(response) = answer else {
            wrong.push(format!("{range}: no answer ({answer:?})"));
            continue;
        };
        let status = response.status().as_u16();
        let content_range = response
            .headers()
            .get("content-range")
            .map(|v| v.to_str().unwrap_or("<not text>").to_string());
        let body = response.bytes().await.map(|b| b.to_vec());
        let got = format!(
            "{status} {content_range:?} {} bytes",
            body.as_ref().map_or(0, Vec::len)
        );
        let ok = match (want, &body) {
            (Want::Part(start, end), Ok(body)) => {
                let expected = format!("bytes {start}-{}/{SIZE}", end - 1);
                status == 206
                    && content_range.as_deref() == Some(expected.as_str())
                    && body[..] == blob[start as usize..end as usize]
            }
            (Want::Unsatisfiable, Ok(_)) => {
                status == 416
                    && content_range.as_deref() == Some(format!("bytes */{SIZE}").as_str())
            }
            (Want::Whole, Ok(body)) => status == 200 && content_range.is_none() && *body == blob,
            (_, Err(_)) => false,
        };
        if !ok {
            wrong.push(format!("{range}: want {want:?}, got {got}"));
        }
    }
    assert!(wrong.is_empty(), "wrong answers:\n{}", wrong.join("\n"));
    assert_alive(&lading).await;
}

/// A registry that honours Range with absurd `Content-Range` numbers: each is refused with a
/// clear error before any byte is sent, never passed on as a bogus header.
#[tokio::test(flavor = "multi_thread")]
async fn an_absurd_upstream_content_range_is_refused() {
    let blob = noise(8, SIZE as usize);
    let descriptor = layer_descriptor(OCI_LAYER_GZIP, &blob);
    let digest = descriptor["digest"].as_str().unwrap().to_string();
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 1));
    script_image(&registry, REPO, "v1", vec![descriptor]);
    let lading = LadingProcess::spawn(
        std::path::Path::new(env!("CARGO_BIN_EXE_lading")),
        &["--allow-host", &registry.host()],
    );
    let url = format!(
        "{}/api/blob?ref={}&digest={digest}",
        lading.base_url(),
        encode(&format!("{}/{REPO}:v1", registry.host()))
    );
    let client = reqwest::Client::new();
    let mut wrong = Vec::new();
    // Asked: bytes=10-19 of a 1000-byte blob.
    for upstream in [
        format!("bytes 10-19/{MAX}"),
        format!("bytes 10-19/{PAST}"),
        format!("bytes 10-{MAX}/{SIZE}"),
        format!("bytes {MAX}-{MAX}/*"),
        "bytes 10-19/15".into(),
        "bytes 10-19/5".into(),
        "bytes 10-19/+1000".into(),
        "bytes 10-14/1000".into(),
        "bytes 10-19/-1".into(),
    ] {
        let body = blob[10..20].to_vec();
        registry.respond(
            &format!("/v2/{REPO}/blobs/{digest}"),
            Canned::new(206, "application/octet-stream", body).header("content-range", &upstream),
        );
        let response = client
            .get(&url)
            .header("range", "bytes=10-19")
            .send()
            .await
            .expect("lading answers");
        let status = response.status().as_u16();
        let content_range = response.headers().get("content-range").cloned();
        let text =
            String::from_utf8_lossy(&response.bytes().await.unwrap_or_default()).into_owned();
        let refused = text.contains("\"bad_upstream\"") || text.contains("\"integrity\"");
        if status != 502 || !refused {
            wrong.push(format!(
                "{upstream}: {status}, Content-Range {content_range:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "passed on:\n{}", wrong.join("\n"));
    assert_alive(&lading).await;
}

async fn assert_alive(lading: &LadingProcess) {
    let health = reqwest::get(format!("{}/api/health", lading.base_url())).await;
    assert!(
        health.is_ok_and(|h| h.status() == 200),
        "lading is down: {}",
        lading.output()
    );
    assert!(!lading.output().contains("panicked"), "{}", lading.output());
}
