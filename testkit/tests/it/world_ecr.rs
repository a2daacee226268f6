//! ECR and ECR Public fakes: skopeo cross-check, Basic-only challenge, `n` limits.

use lading_testkit::{Vendor, World};
use serde_json::Value;

use super::world_common::{Check, cross_check, get, header, lexical};

const ECR: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

#[test]
fn skopeo_reads_the_ecr_fake() {
    let world = World::start(Vendor::Ecr);
    assert_eq!(world.registry(), ECR);
    let check = Check {
        creds_for_public: true,
        expected_tags: lexical(&world),
        no_auth_hosts: &["prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn ecr_quirks_are_on_the_wire() {
    let world = World::start(Vendor::Ecr);
    let f = world.fixtures();
    let (status, headers, body) = get(&world, &format!("https://{ECR}/v2/"), &[]).await;
    assert_eq!(status, 401);
    assert_eq!(body.trim(), "Not Authorized");
    assert!(header(&headers, "content-type").starts_with("text/plain"));
    assert_eq!(
        header(&headers, "www-authenticate"),
        format!("Basic realm=\"https://{ECR}/\",service=\"ecr.amazonaws.com\"")
    );
    let (user, password) = f.credentials.clone().unwrap();
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{user}:{password}")
        )
    );
    let tags = format!("https://{ECR}/v2/{}/tags/list", f.public_repo);
    let (status, _, body) = get(
        &world,
        &format!("{tags}?n=1001"),
        &[("authorization", &basic)],
    )
    .await;
    assert_eq!(status, 405);
    assert!(
        body.contains("Member must have value less than or equal to 1000"),
        "{body}"
    );
    let (status, headers, body) = get(
        &world,
        &format!("{tags}?n=1000"),
        &[("authorization", &basic)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(headers.get("link").is_none());
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["tags"].as_array().unwrap().len(), f.tags.len());
    let (_, headers, _) = get(
        &world,
        &format!("{tags}?n=100"),
        &[("authorization", &basic)],
    )
    .await;
    assert!(
        header(&headers, "link").starts_with(&format!("</v2/{}/tags/list?last=", f.public_repo))
    );
}

#[test]
fn skopeo_reads_the_public_ecr_fake() {
    let world = World::start(Vendor::PublicEcr);
    let check = Check {
        creds_for_public: false,
        expected_tags: lexical(&world),
        no_auth_hosts: &["d2glxqk2uabbnd.cloudfront.net"],
    };
    cross_check(&world, check);
}

#[tokio::test]
async fn public_ecr_scope_is_aws() {
    let world = World::start(Vendor::PublicEcr);
    let f = world.fixtures();
    let (_, headers, _) = get(&world, "https://public.ecr.aws/v2/", &[]).await;
    assert_eq!(
        header(&headers, "www-authenticate"),
        "Bearer realm=\"https://public.ecr.aws/token/\",service=\"public.ecr.aws\",scope=\"aws\""
    );
    let (status, _, body) = get(
        &world,
        "https://public.ecr.aws/token/?service=public.ecr.aws&scope=aws",
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let token: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(token.as_object().unwrap().len(), 1, "only `token`: {token}");
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let url = format!(
        "https://public.ecr.aws/v2/{}/tags/list?n=5000",
        f.public_repo
    );
    let (status, _, _) = get(&world, &url, &[("authorization", &bearer)]).await;
    assert_eq!(status, 200, "n above 1000 is capped, not refused");
}
