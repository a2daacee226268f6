//! ACR fake: skopeo cross-check (admin user, and the null-GUID refresh token from
//! `/oauth2/exchange`), relative Link with an empty `orderby=`, `_catalog`.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header, inspect_digest, lexical};

const ACR: &str = "lading.azurecr.io";
const AAD_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.lading-testkit-aad-token.c2ln";

#[test]
fn skopeo_reads_the_acr_fake() {
    let world = World::start(Vendor::Acr);
    let check = Check {
        creds_for_public: true,
        expected_tags: lexical(&world),
        no_auth_hosts: &["lading.eastus.data.azurecr.io"],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn acr_oauth2_exchange_link_and_catalog() {
    let world = World::start(Vendor::Acr);
    let f = world.fixtures();
    let (_, headers, _) = get(&world, &format!("https://{ACR}/v2/"), &[]).await;
    assert_eq!(
        header(&headers, "www-authenticate"),
        format!("Bearer realm=\"https://{ACR}/oauth2/token\",service=\"{ACR}\"")
    );
    let form = format!("grant_type=access_token&service={ACR}&access_token={AAD_TOKEN}");
    let exchanged = world
        .client()
        .post(format!("https://{ACR}/oauth2/exchange"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(exchanged.status(), 200);
    let body: Value = exchanged.json().await.unwrap();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let form = format!(
        "grant_type=refresh_token&service={ACR}&scope=repository:{}:pull&refresh_token={refresh}",
        f.public_repo
    );
    let token: Value = world
        .client()
        .post(format!("https://{ACR}/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let url = format!("https://{ACR}/v2/{}/tags/list?n=2", f.public_repo);
    let (status, headers, body) = get(&world, &url, &[("authorization", &bearer)]).await;
    assert_eq!(status, 200, "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    let last = page["tags"][1].as_str().unwrap();
    assert_eq!(
        header(&headers, "link"),
        format!(
            "</v2/{}/tags/list?last={last}&n=2&orderby=>; rel=\"next\"",
            f.public_repo
        )
    );
    // The null GUID signs skopeo in with the refresh token.
    let creds = format!("00000000-0000-0000-0000-000000000000:{refresh}");
    let reference = format!("docker://{ACR}/{}:latest", f.public_repo);
    assert_eq!(
        inspect_digest(&world, &reference, &["--creds", &creds]),
        f.image.manifest.digest
    );
    // Catalog with a catalog-scoped token from Basic credentials.
    let (user, password) = f.credentials.clone().unwrap();
    let token: Value = world
        .client()
        .get(format!(
            "https://{ACR}/oauth2/token?service={ACR}&scope=registry:catalog:*"
        ))
        .basic_auth(user, Some(password))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        token.as_object().unwrap().len(),
        1,
        "only access_token: {token}"
    );
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let (status, _, body) = get(
        &world,
        &format!("https://{ACR}/v2/_catalog"),
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(status, 200);
    let catalog: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(catalog["repositories"], serde_json::json!(f.repositories));
}
