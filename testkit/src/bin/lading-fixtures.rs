//! Starts real `docker-registry` instances on loopback filled with every fixture the tests
//! use, and keeps them up until Ctrl-C, so a person can look at them through `lading`.
//!
//!     cargo run -p lading-testkit --bin lading-fixtures
//!
//! It prints the `lading` command line that allows those registries and references to try.

use lading_testkit::Registry;
use lading_testkit::fixtures::{self, push_many_tags, push_oci_image};

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let public = Registry::plain();
    let private = Registry::htpasswd("reader", "secret");
    let pusher = public.pusher();
    fixtures::push_oci_index_with_attestation(&pusher, "team/multi", "v1").await;
    let image = push_oci_image(&pusher, "team/api", "v2").await;
    fixtures::push_docker_manifest_list(&pusher, "team/list", "v1").await;
    fixtures::push_nested_index(&pusher, "team/nested", "v1").await;
    fixtures::push_docker_image(&pusher, "team/docker", "v1").await;
    fixtures::push_schema1_image(&pusher, "team/legacy", "v1").await;
    fixtures::push_artifacts(&pusher, "team/artifacts", Some(&image.manifest)).await;
    push_many_tags(&pusher, "team/huge", 10_000).await;
    push_oci_image(&private.pusher(), "team/private", "v1").await;

    let (host, private_host) = (public.host(), private.host());
    println!("registries are up; run lading with:");
    println!("  target/release/lading --allow-host {host} --allow-host {private_host}");
    println!("then open http://127.0.0.1:8080 and try:");
    for repo in [
        "team/multi:v1",
        "team/api:v2",
        "team/list:v1",
        "team/nested:v1",
        "team/docker:v1",
        "team/legacy:v1",
    ] {
        println!("  {host}/{repo}");
    }
    println!("  {host}/team/huge (tag list: /?repo={host}/team/huge)");
    println!("  {private_host}/team/private:v1 (sign in as reader / secret)");
    println!("Ctrl-C stops the registries.");
    tokio::signal::ctrl_c().await.expect("wait for Ctrl-C");
}
