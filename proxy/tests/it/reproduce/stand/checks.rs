//! The stand itself checked: the API answers every view, the comparator agrees with the
//! fixtures as the testkit computed them (not as lading says), and scripts run where they
//! should — credentials only from the environment, inside the World with its CA.

use lading_shared::reproduce::{Auth, Kind};

use super::{
    Access, Creds, FILE_CONTENT, OTHER_REPO, PASSWORD, REPO, Stand, USER, WRONG_PASSWORD,
    expected_output,
};

fn lines(lines: &[String]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect()
}

/// Every view of a docker-registry stand answers, and `expected_output` says what the
/// fixtures say.
fn every_view_matches_the_fixtures(access: Access) {
    let stand = Stand::start(access);
    let fixtures = stand.fixtures();
    let content = fixtures.content();
    for subject in fixtures.subjects() {
        let (flow, api) = stand.view(&subject);
        assert!(!flow.trace.is_empty(), "{subject:?}: no trace");
        assert!(
            !expected_output(&subject, &api).is_empty(),
            "{subject:?}: nothing expected"
        );
        match (&flow.auth, access) {
            (Auth::Anonymous, Access::Plain) => assert!(!flow.credentials),
            (Auth::Basic, Access::Htpasswd) => assert!(flow.credentials, "{subject:?}"),
            (Auth::Bearer { scopes, .. }, Access::Token) => {
                assert!(!scopes.is_empty(), "{subject:?}: a token was asked for");
                assert!(flow.credentials, "{subject:?}");
            }
            (auth, access) => panic!("{subject:?}: {auth:?} on a {access:?} stand"),
        }
    }

    let image = &content.image;
    let mut want = vec![
        format!("digest {}", image.digest),
        "mediaType application/vnd.oci.image.manifest.v1+json".to_string(),
        format!("config {}", image.config),
    ];
    want.extend(image.layers.iter().map(|(d, s)| format!("layer {d} {s}")));
    let (_, api) = stand.view(&fixtures.image());
    assert_eq!(
        String::from_utf8(expected_output(&fixtures.image(), &api)).unwrap(),
        String::from_utf8(lines(&want)).unwrap()
    );

    let mut want = vec![
        format!("digest {}", content.index_digest),
        "mediaType application/vnd.oci.image.index.v1+json".to_string(),
    ];
    want.extend(
        content
            .platforms
            .iter()
            .map(|p| format!("platform {} {}", p.digest, p.platform)),
    );
    let (_, api) = stand.view(&fixtures.index());
    assert_eq!(
        String::from_utf8(expected_output(&fixtures.index(), &api)).unwrap(),
        String::from_utf8(lines(&want)).unwrap()
    );

    let arm = &content.platforms[1];
    let (_, api) = stand.view(&fixtures.platform(1));
    let printed = String::from_utf8(expected_output(&fixtures.platform(1), &api)).unwrap();
    assert!(
        printed.starts_with(&format!("digest {}\n", arm.digest)),
        "{printed}"
    );

    let (_, api) = stand.view(&fixtures.tags());
    let printed = String::from_utf8(expected_output(&fixtures.tags(), &api)).unwrap();
    let mut listed: Vec<String> = printed.lines().map(String::from).collect();
    listed.sort();
    assert_eq!(listed, fixtures.tags, "{printed}");
    let catalog = fixtures.catalog().expect("docker-registry has a catalog");
    let (_, api) = stand.view(&catalog);
    assert_eq!(
        expected_output(&catalog, &api),
        lines(&[OTHER_REPO.to_string(), REPO.to_string()])
    );

    let (_, api) = stand.view(&fixtures.layer());
    let listing = [
        "etc",
        "etc/lading.txt",
        "etc/lading-link.txt",
        "etc/os-release",
        "usr",
        "usr/bin",
    ];
    assert_eq!(
        String::from_utf8(expected_output(&fixtures.layer(), &api)).unwrap(),
        String::from_utf8(lines(&listing.map(String::from))).unwrap()
    );

    let (_, api) = stand.view(&fixtures.file());
    assert_eq!(
        expected_output(&fixtures.file(), &api),
        FILE_CONTENT.as_bytes()
    );

    let (digest, size) = &image.layers[1];
    let (_, api) = stand.view(&fixtures.blob());
    assert_eq!(
        expected_output(&fixtures.blob(), &api),
        format!("{digest} {size}\n").into_bytes()
    );
    assert_eq!(api["bytes_sha256"], digest.to_string());

    let (_, api) = stand.view(&fixtures.export());
    let printed = String::from_utf8(expected_output(&fixtures.export(), &api)).unwrap();
    assert_eq!(
        printed,
        format!(
            "digest {}\narchive lading-{}-{}-stand-latest-export.tar\n",
            image.digest,
            fixtures.registry.replace(':', "-"),
            REPO.split('/').next().unwrap()
        )
    );
}

#[test]
fn plain_stand_views_match_the_fixtures() {
    every_view_matches_the_fixtures(Access::Plain);
}

#[test]
fn htpasswd_stand_views_match_the_fixtures() {
    every_view_matches_the_fixtures(Access::Htpasswd);
}

#[test]
fn token_stand_views_match_the_fixtures() {
    every_view_matches_the_fixtures(Access::Token);
}

#[test]
fn paged_tags_take_several_pages() {
    let stand = Stand::paged_tags();
    let subject = stand.fixtures().tags();
    let (flow, api) = stand.view(&subject);
    assert!(flow.pages >= 3, "{} pages", flow.pages);
    assert_eq!(
        expected_output(&subject, &api),
        lines(&stand.fixtures().tags)
    );
}

#[test]
fn scripts_get_credentials_only_from_the_environment() {
    let stand = Stand::start(Access::Plain);
    let script = "printf '%s|%s|%s|%s\\n' \"${REGISTRY_USER-unset}\" \"${REGISTRY_PASSWORD-unset}\" \
                  \"${http_proxy-}${https_proxy-}${HTTPS_PROXY-}${ALL_PROXY-}\" \"$PWD\"\n\
                  echo progress >&2\n";
    let good = stand.run(Kind::Sh, script, Creds::Good);
    good.assert_success();
    let cwd = good.cwd.canonicalize().unwrap();
    assert_eq!(
        good.stdout_text(),
        format!("{USER}|{PASSWORD}||{}\n", cwd.display())
    );
    assert_eq!(good.stderr, "progress\n");
    let wrong = stand.run(Kind::Sh, script, Creds::Wrong);
    assert!(
        wrong
            .stdout_text()
            .starts_with(&format!("{USER}|{WRONG_PASSWORD}|"))
    );
    let none = stand.run(Kind::Sh, script, Creds::None);
    assert!(none.stdout_text().starts_with("unset|unset||"));

    let python = "import os, sys\nprint(os.environ.get('REGISTRY_USER'))\nsys.exit(3)\n";
    let run = stand.run(Kind::Python, python, Creds::Good);
    assert_eq!(run.status.code(), Some(3));
    assert_eq!(run.stdout_text(), format!("{USER}\n"));
}

#[test]
fn scripts_in_the_world_reach_the_registry_and_the_cdn_by_name_with_its_ca() {
    let stand = Stand::redirecting();
    let fixtures = stand.fixtures();
    let layer = &fixtures.content().image.layers[1].0;
    // GHCR answers /v2/ with a challenge; a blob with an anonymous token is a 307 to the
    // CDN. Both over TLS under the real names: resolved in the namespace, verified with the CA.
    let script = format!(
        "set -eu\n\
         curl -sS -o /dev/null -w '%{{http_code}}\\n' https://ghcr.io/v2/\n\
         token=$(curl -sS 'https://ghcr.io/token?scope=repository:{REPO}:pull&service=ghcr.io' | jq -r .token)\n\
         curl -sS -o /dev/null -w '%{{http_code}} %{{redirect_url}}\\n' -H \"Authorization: Bearer $token\" \
         https://ghcr.io/v2/{REPO}/blobs/{layer}\n"
    );
    let run = stand.run(Kind::Sh, &script, Creds::None);
    run.assert_success();
    let out = run.stdout_text();
    let mut printed = out.lines();
    assert_eq!(printed.next(), Some("401"), "{out}");
    let redirect = printed.next().unwrap_or_default();
    assert!(
        redirect.starts_with("307 https://pkg-containers.githubusercontent.com/"),
        "{out}\n{}",
        run.stderr
    );

    let python = "import urllib.request, urllib.error\n\
                  try:\n    urllib.request.urlopen('https://ghcr.io/v2/')\n\
                  except urllib.error.HTTPError as e:\n    print(e.code)\n";
    let run = stand.run(Kind::Python, python, Creds::None);
    run.assert_success();
    assert_eq!(run.stdout_text(), "401\n");

    // And lading's view of a layer went through the CDN.
    let (flow, _) = stand.view(&fixtures.layer());
    assert_eq!(
        flow.redirect_hosts,
        ["pkg-containers.githubusercontent.com"],
        "{:#?}",
        flow.trace
    );
}
