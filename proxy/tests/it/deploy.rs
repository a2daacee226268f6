//! Two `lading` instances behind Debian's nginx, configured by scripts/deploy (README:
//! "Running past one machine"): what nginx keeps, what it never keeps, and where it sends a
//! layer's requests. Each test starts a docker-registry, two instances and nginx on
//! loopback, and checks every claim from both sides: nginx's access log (cache status, which
//! instance) and the instances' own request logs.

mod stack;

use axum::http::StatusCode;
use base64::Engine as _;
use lading_shared::api::{
    CREDENTIALS_FIELD, CREDENTIALS_HEADER, Exchange, ExchangePurpose, HUB_CREDENTIALS_HEADER,
};
use lading_shared::layer::FilePreview;
use lading_testkit::fixtures::{self, PushedImage};

use crate::support::{Listing, RawAnswer, encode};
use stack::{AccessLine, Reply, Stack};

/// Compressed bytes a read of the big layer's last file may fetch when it starts at the
/// nearest checkpoint (as in layer_files); the layer is over 64 MiB.
const CHECKPOINTED_READ_MAX: u64 = 8 << 20;

async fn small_image(stack: &Stack, repo: &str) -> PushedImage {
    let layers = vec![fixtures::entry_zoo().build()];
    fixtures::push_layers(&stack.registry.pusher(), repo, "v1", layers).await
}

/// `/api/image?ref=HOST/REPO@sha256:…`: a view that can never change.
fn view_by_digest(stack: &Stack, image: &PushedImage) -> String {
    let reference = format!(
        "{}/{}@{}",
        stack.registry.host(),
        image.repo,
        image.manifest.digest
    );
    format!("/api/image?ref={}", encode(&reference))
}

fn body(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_digest_addressed_view_never_reaches_an_instance() {
    let stack = Stack::start();
    let image = small_image(&stack, "deploy/view").await;
    let path = view_by_digest(&stack, &image);

    let first = stack.get(&path, &[]).await;
    assert_eq!((first.status, first.cache_status()), (200, "MISS"));
    let cache_control = first.header("cache-control");
    assert!(cache_control.contains("immutable"), "{cache_control:?}");
    for _ in 0..3 {
        let again = stack.get(&path, &[]).await;
        assert_eq!((again.status, again.cache_status()), (200, "HIT"));
        assert_eq!(body(&again), body(&first), "the kept answer is the answer");
    }

    let lines = stack.access(&path, 4);
    assert_eq!(statuses(&lines), ["HIT", "HIT", "HIT", "MISS"]);
    assert_upstreams(&stack, &lines);
    let seen = stack.requests_seen().await;
    let views: Vec<&String> = seen.iter().flatten().collect();
    assert_eq!(
        views,
        [&path],
        "the instances, together, made the view once"
    );
}

/// Tag-addressed answers may change at any push: nginx leaves them to browsers (their
/// short max-age) and every one reaches the instance the reference hashes to.
#[tokio::test(flavor = "multi_thread")]
async fn a_tag_addressed_view_is_not_kept_by_nginx() {
    let stack = Stack::start();
    let image = small_image(&stack, "deploy/tag").await;
    let reference = format!("{}/{}:v1", stack.registry.host(), image.repo);
    let path = format!("/api/image?ref={}", encode(&reference));
    for _ in 0..2 {
        let reply = stack.get(&path, &[]).await;
        assert_eq!((reply.status, reply.cache_status()), (200, "MISS"));
    }
    let lines = stack.access(&path, 2);
    assert_eq!(
        lines[0].upstream, lines[1].upstream,
        "one reference, one instance"
    );
    let seen = stack.requests_seen().await;
    let holder = stack.instance_at(&lines[0].upstream);
    assert_eq!(seen[holder], [path.clone(), path]);
    assert!(seen[1 - holder].is_empty(), "{:?}", seen[1 - holder]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_read_after_a_listing_lands_on_the_instance_holding_its_checkpoints() {
    let stack = Stack::start();
    let layer = fixtures::big_gzip_layer().clone();
    let image =
        fixtures::push_layers(&stack.registry.pusher(), "deploy/big", "v1", vec![layer]).await;
    let size = image.layers[0].size;
    let reference = encode(&format!("{}/{}:v1", stack.registry.host(), image.repo));
    let digest = encode(&image.layers[0].digest);

    let listing_path = format!("/api/layer?ref={reference}&digest={digest}");
    let listing = listing(&stack.get(&listing_path, &[]).await);
    assert!(listing.done().verified);
    let last = format!("/{}", fixtures::BIG_LAYER_LAST_PATH);
    assert_eq!(
        listing.entries.last().map(|e| e.path.as_str()),
        Some(&*last)
    );

    let file_path = format!(
        "/api/file?ref={reference}&path={}&digest={digest}&preview=4096",
        encode(&last)
    );
    let file: FilePreview = stack.get(&file_path, &[]).await.json();
    assert_eq!(content(&file), fixtures::BIG_LAYER_LAST_TEXT.as_bytes());
    // Ranged reads from the checkpoint before the file, and no listing again.
    let reads = blob_reads(&file);
    let from_checkpoint = |&(status, ranged): &(Option<u16>, bool)| ranged && status == Some(206);
    assert!(
        !reads.is_empty() && reads.iter().all(from_checkpoint),
        "{:#?}",
        file.trace
    );
    assert!(
        file.fetched_bytes < CHECKPOINTED_READ_MAX,
        "read {} bytes of a {size}-byte layer for one small file",
        file.fetched_bytes
    );

    let listed = stack.access(&listing_path, 1).remove(0);
    let read = stack.access(&file_path, 1).remove(0);
    assert_eq!(
        listed.upstream, read.upstream,
        "nginx sent both to one instance"
    );
    let holder = stack.instance_at(&listed.upstream);
    let seen = stack.requests_seen().await;
    assert_eq!(seen[holder], [listing_path, file_path.clone()]);
    assert!(seen[1 - holder].is_empty(), "{:?}", seen[1 - holder]);

    // The other instance holds no checkpoints of this layer: asked directly, it first lists
    // the whole layer again (a GET of all of it), then reads. Landing on the holder is what
    // spared that.
    let elsewhere: FilePreview = stack.get_direct(1 - holder, &file_path).await.json();
    assert_eq!(content(&elsewhere), content(&file));
    let reads = blob_reads(&elsewhere);
    assert!(
        reads.contains(&(Some(200), false)),
        "{:#?}",
        elsewhere.trace
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credentialed_requests_never_come_from_nginx_cache() {
    let stack = Stack::start();
    let kept = view_by_digest(&stack, &small_image(&stack, "deploy/kept").await);
    let fresh = view_by_digest(&stack, &small_image(&stack, "deploy/fresh").await);
    let credentials = base64::engine::general_purpose::STANDARD.encode("someone:secret");
    let signed_in = [(CREDENTIALS_HEADER, credentials.as_str())];
    let hub_signed_in = [(HUB_CREDENTIALS_HEADER, credentials.as_str())];

    // nginx holds the anonymous answer for `kept`…
    assert_eq!(stack.get(&kept, &[]).await.cache_status(), "MISS");
    assert_eq!(stack.get(&kept, &[]).await.cache_status(), "HIT");
    // …and still asks an instance for every credentialed request of the same URL.
    for headers in [&signed_in, &signed_in, &hub_signed_in] {
        let reply = stack.get(&kept, headers).await;
        assert_eq!((reply.status, reply.cache_status()), (200, "BYPASS"));
    }
    // A credentialed answer is not stored: the first anonymous request after it misses.
    assert_eq!(stack.get(&fresh, &signed_in).await.cache_status(), "BYPASS");
    assert_eq!(stack.get(&fresh, &[]).await.cache_status(), "MISS");
    // Posted downloads (the form carries the credentials) always reach an instance.
    let reference = format!("{}/deploy/kept:v1", stack.registry.host());
    let form = [
        ("ref", reference.as_str()),
        ("path", "/etc/hostname"),
        (CREDENTIALS_FIELD, credentials.as_str()),
    ];
    for _ in 0..2 {
        let download = stack
            .post_form(lading_shared::layer::FILE_PATH, &form)
            .await;
        assert_eq!(download.status, 200, "{}", body(&download));
        assert_eq!(download.body, fixtures::ZOO_HOSTNAME.as_bytes());
    }

    let kept_lines = stack.access(&kept, 5);
    assert_eq!(
        statuses(&kept_lines),
        ["BYPASS", "BYPASS", "BYPASS", "HIT", "MISS"]
    );
    let fresh_lines = stack.access(&fresh, 2);
    let posted = stack.access(lading_shared::layer::FILE_PATH, 2);
    for lines in [&kept_lines, &fresh_lines, &posted] {
        assert_upstreams(&stack, lines);
    }
    // Not even looked up: the download location has no cache ("-": no status at all).
    assert!(posted.iter().all(|l| l.method == "POST" && l.cache == "-"));
    let seen = stack.requests_seen().await;
    let count = |uri: &str| seen.iter().flatten().filter(|u| *u == uri).count();
    assert_eq!(count(&kept), 4, "every request but the one HIT: {seen:?}");
    assert_eq!(count(&fresh), 2, "{seen:?}");
    assert_eq!(count(lading_shared::layer::FILE_PATH), 2, "{seen:?}");
}

/// A HIT was answered by nginx alone; anything else by one of the instances.
fn assert_upstreams(stack: &Stack, lines: &[AccessLine]) {
    for line in lines {
        match line.cache.as_str() {
            "HIT" => assert_eq!(line.upstream, "-", "{line:?}"),
            _ => drop(stack.instance_at(&line.upstream)),
        }
    }
}

/// The cache statuses of `lines`, sorted: two workers may log in either order.
fn statuses(lines: &[AccessLine]) -> Vec<&str> {
    let mut statuses: Vec<&str> = lines.iter().map(|l| l.cache.as_str()).collect();
    statuses.sort_unstable();
    statuses
}

fn listing(reply: &Reply) -> Listing {
    Listing::parse(&RawAnswer {
        status: StatusCode::from_u16(reply.status).expect("status"),
        headers: reply.headers.clone(),
        body: reply.body.clone(),
    })
}

/// The layer reads an answer's trace shows: (status, whether it was a `Range` request).
fn blob_reads(preview: &FilePreview) -> Vec<(Option<u16>, bool)> {
    let ranged = |e: &Exchange| {
        e.request_headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("range"))
    };
    preview
        .trace
        .iter()
        .filter(|e| e.purpose == ExchangePurpose::Blob)
        .map(|e| (e.status, ranged(e)))
        .collect()
}

fn content(preview: &FilePreview) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(&preview.content_base64)
        .expect("base64 content")
}
