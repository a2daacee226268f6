//! Finding 7: range arithmetic. `Range: bytes=0-18446744073709551615` answered 206 with a
//! bogus `Content-Range` and an empty body (`last + 1` wrapped to 0; a debug build panics
//! there instead). Replayed against the real binary with the numbers an attacker tries,
//! checked against RFC 9110 §14: an end past the blob is clamped (206, exact bytes), a
//! start past it is 416 with `Content-Range: bytes */SIZE`, anything the grammar does not
//! allow is ignored (200, the whole blob). A registry's own absurd `Content-Range` on a 206
//! is refused, not passed on.
//!
//! The same arithmetic on a registry's numbers: descriptor sizes of `2^64 - 1` or `2^63` made
//! `/api/export` send a wrapped `Content-Length` (7168 for two 2^63 blobs) and abort (a
//! debug build panicked in the sum or in the tar padding), and the merged view's and an
//! index's totals wrapped. Now an export refuses them before a byte, totals saturate.

use lading_testkit::fixtures::media_types::{OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST};
use lading_testkit::fixtures::{layer_descriptor, noise, script_image, sha256_digest};
use lading_testkit::{Canned, LadingProcess, ScriptedRegistry, TagScript};
use serde_json::{Value, json};

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
    let (lading, url) = blob_url(&registry, &digest);
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
    let (lading, url) = blob_url(&registry, &digest);
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

/// Status, `Content-Length` and the body; no status when the connection broke (a panicking
/// handler).
async fn fetch(client: &reqwest::Client, url: &str) -> (Option<u16>, Option<String>, String) {
    let Ok(response) = client.get(url).send().await else {
        return (None, None, "no answer".into());
    };
    let status = response.status().as_u16();
    let length = response
        .headers()
        .get("content-length")
        .map(|v| v.to_str().unwrap_or_default().to_string());
    let body = response.bytes().await.unwrap_or_default();
    (
        Some(status),
        length,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

fn short(text: &str) -> String {
    text.chars().take(400).collect()
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

/// Descriptor sizes a hostile manifest may name: each is a valid JSON `u64`.
const SIZE_MAX: u64 = u64::MAX;
const SIZE_2_63: u64 = 1 << 63;
/// The length of `script_image`'s config.
const SCRIPTED_CONFIG_BYTES: usize =
    br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.len();

/// A layer descriptor with a claimed `size` (its bytes are never served).
fn sized_layer(seed: u64, size: u64) -> Value {
    let digest = sha256_digest(&noise(seed, 64));
    json!({ "mediaType": OCI_LAYER_GZIP, "digest": digest, "size": size })
}

/// Manifests whose descriptor sizes overflow the archive arithmetic (sums and tar padding)
/// or exceed any archive Lading will promise: `/api/export` must refuse each before a byte
/// (a clear 502 naming the blob, never a wrapped `Content-Length`), `/api/merged` must
/// report a saturated total, an index's summaries saturated sizes, and nothing may panic.
#[tokio::test(flavor = "multi_thread")]
async fn absurd_descriptor_sizes_never_wrap_a_length() {
    let registry = ScriptedRegistry::start(TagScript::new(REPO, 1));
    // tag → layers; `padded(2^64-1)` wraps alone, two 2^63 wrap the sum, one 2^63 fits
    // 64 bits but no registry can serve it.
    let images: [(&str, Vec<Value>); 4] = [
        ("max", vec![sized_layer(1, SIZE_MAX)]),
        (
            "sum",
            vec![sized_layer(2, SIZE_2_63), sized_layer(3, SIZE_2_63)],
        ),
        ("huge", vec![sized_layer(4, SIZE_2_63)]),
        (
            "near",
            vec![sized_layer(5, SIZE_MAX - 1000), sized_layer(6, 2000)],
        ),
    ];
    let mut children = Vec::new();
    for (tag, layers) in &images {
        let image = script_image(&registry, REPO, tag, layers.clone());
        // Also as a child of an index, by digest, for the children's summaries.
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": { "mediaType": OCI_CONFIG,
                "digest": image.config_digest, "size": SCRIPTED_CONFIG_BYTES },
            "layers": layers,
        })
        .to_string();
        let digest = sha256_digest(manifest.as_bytes());
        registry.respond(
            &format!("/v2/{REPO}/manifests/{digest}"),
            Canned::new(200, OCI_MANIFEST, manifest.clone()),
        );
        children.push(json!({
            "mediaType": OCI_MANIFEST,
            "digest": digest, "size": manifest.len(),
            "platform": { "architecture": "amd64", "os": "linux" },
        }));
    }
    let index = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": children,
    });
    registry.respond(
        &format!("/v2/{REPO}/manifests/index"),
        Canned::new(200, OCI_INDEX, index.to_string()),
    );
    let lading = LadingProcess::spawn(&crate::lading_bin(), &["--allow-host", &registry.host()]);
    let base = lading.base_url();
    let reference = |tag: &str| encode(&format!("{}/{REPO}:{tag}", registry.host()));
    let client = reqwest::Client::new();
    let mut wrong = Vec::new();

    for (tag, layers) in &images {
        let (status, length, text) = fetch(
            &client,
            &format!("{base}/api/export?ref={}", reference(tag)),
        )
        .await;
        let named = layers
            .iter()
            .any(|l| text.contains(l["digest"].as_str().unwrap()));
        let clean = text.contains("\"too_large\"") || text.contains("\"bad_upstream\"");
        if status != Some(502) || !clean || !named {
            wrong.push(format!(
                "export {tag}: {status:?}, Content-Length {length:?}, {}",
                short(&text)
            ));
        }

        let (_, _, text) = fetch(
            &client,
            &format!("{base}/api/merged?ref={}", reference(tag)),
        )
        .await;
        let start: Option<Value> = text
            .lines()
            .next()
            .and_then(|l| serde_json::from_str(l).ok());
        let total = start.as_ref().and_then(|s| s["total_bytes"].as_u64());
        let want = layers
            .iter()
            .try_fold(0u64, |sum, l| sum.checked_add(l["size"].as_u64().unwrap()))
            .unwrap_or(u64::MAX);
        if total != Some(want) || !text.contains("\"error\"") {
            wrong.push(format!(
                "merged {tag}: total {total:?}, want {want}: {}",
                short(&text)
            ));
        }
    }

    let (status, _, text) = fetch(
        &client,
        &format!("{base}/api/image?ref={}", reference("index")),
    )
    .await;
    let answer: Value = serde_json::from_str(&text).unwrap_or_default();
    let sizes: Vec<Option<u64>> = answer["children"]
        .as_array()
        .map(|c| c.iter().map(|c| c["layers_size"].as_u64()).collect())
        .unwrap_or_default();
    // In the order of `images`: saturated where the sum does not fit 64 bits.
    let want = vec![
        Some(SIZE_MAX),
        Some(SIZE_MAX),
        Some(SIZE_2_63),
        Some(SIZE_MAX),
    ];
    if status != Some(200) || sizes != want {
        wrong.push(format!(
            "image index: {status:?}, sizes {sizes:?}, want {want:?}: {}",
            short(&text)
        ));
    }
    assert!(wrong.is_empty(), "wrong answers:\n{}", wrong.join("\n"));
    assert_alive(&lading).await;
}

/// A `lading` that may reach `registry`, and the `/api/blob` URL of `digest` in `REPO:v1`.
fn blob_url(registry: &ScriptedRegistry, digest: &str) -> (LadingProcess, String) {
    let lading = LadingProcess::spawn(&crate::lading_bin(), &["--allow-host", &registry.host()]);
    let url = format!(
        "{}/api/blob?ref={}&digest={digest}",
        lading.base_url(),
        encode(&format!("{}/{REPO}:v1", registry.host()))
    );
    (lading, url)
}
