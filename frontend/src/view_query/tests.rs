use super::*;

const LAYER_DIGEST: &str =
    "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn parse(pairs: &[(&str, &str)]) -> (ViewQuery, Page) {
    let query = ViewQuery::from_pairs(pairs.iter().copied());
    let page = Page::parse(&query);
    (query, page)
}

#[test]
fn pages_by_their_query() {
    assert_eq!(parse(&[]).1, Page::Home);
    let (_, learn) = parse(&[("learn", "push"), ("ref", "alpine:3.9"), ("image", "x")]);
    assert!(
        matches!(learn, Page::Learn { topic: Topic::Push, reference: Some(r) } if r == "alpine:3.9")
    );
    assert!(matches!(parse(&[("repo", "alpine")]).1, Page::Tags { .. }));
    assert_eq!(
        parse(&[("registry", "docker.io"), ("namespace", " bitnami/ ")]).1,
        Page::Catalog {
            registry: "docker.io".to_owned(),
            namespace: Some("bitnami".to_owned())
        }
    );
    assert_eq!(
        parse(&[("registry", "r.example:5000"), ("namespace", "")]).1,
        Page::Catalog {
            registry: "r.example:5000".to_owned(),
            namespace: None
        }
    );
    assert!(matches!(
        parse(&[("image", "alpine")]).1,
        Page::Image { .. }
    ));
    let (_, page) = parse(&[("image", "alpine"), ("layer", LAYER_DIGEST)]);
    let Page::Listing(subject) = page else {
        panic!("a listing: {page:?}")
    };
    assert_eq!(
        subject.reference.to_string(),
        "docker.io/library/alpine:latest"
    );
    assert!(matches!(subject.source, Source::Layer(_)));
    let (_, page) = parse(&[("image", "alpine"), ("fs", "merged"), ("path", "etc//x/")]);
    assert!(matches!(page, Page::File { path, .. } if path == "/etc/x"));
}

#[test]
fn bad_subjects_say_what_is_wrong() {
    for pairs in [
        &[("image", "alpine"), ("layer", "sha256:nope")][..],
        &[("image", "alpine"), ("fs", "lower")],
        &[("image", "UPPER"), ("fs", "merged")],
        &[("image", "alpine"), ("fs", "merged"), ("platform", "x")],
        &[("learn", "fetch"), ("image", "alpine")],
    ] {
        let (_, page) = parse(pairs);
        assert!(matches!(page, Page::Invalid { .. }), "{pairs:?}: {page:?}");
    }
}

#[test]
fn view_state_round_trips() {
    let pairs = [
        ("image", "alpine"),
        ("fs", "merged"),
        ("q", "*.so"),
        ("sort", "size"),
        ("hidden", "1"),
        ("open", "/etc"),
        ("open", "/usr/lib"),
    ];
    let (query, _) = parse(&pairs);
    assert!(query.listing.by_size && query.listing.show_hidden);
    assert!(query.listing.is_open("/usr/lib") && !query.listing.is_open("/usr"));
    let written: Vec<(&str, String)> = query.pairs();
    let again = ViewQuery::from_pairs(written.iter().map(|(n, v)| (*n, v.as_str())));
    assert_eq!(again, query);
}

#[test]
fn folders_open_and_close_with_or_without_expand_all() {
    let mut state = ListingState::default();
    state.toggle("/etc");
    assert!(state.is_open("/etc"));
    state.toggle("/etc");
    assert!(!state.is_open("/etc"));
    state.expand_all();
    assert!(state.is_open("/anything"));
    state.toggle("/usr");
    assert!(!state.is_open("/usr") && state.is_open("/etc"));
    assert_eq!(state.shut, ["/usr"]);
    state.collapse_all();
    assert_eq!(state, ListingState::default());
}
