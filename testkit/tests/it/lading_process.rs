//! `LadingProcess` against a stand-in binary (the real server is another crate's job).

use std::path::Path;

use lading_testkit::LadingProcess;

const STAND_IN: &str = env!("CARGO_BIN_EXE_lading-stand-in");

#[tokio::test]
async fn waits_for_health_and_captures_output() {
    let lading =
        LadingProcess::spawn_with_env(Path::new(STAND_IN), &[], &[("STAND_IN_MARK", "42")]);
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let health = http
        .get(format!("{}/api/health", lading.base_url()))
        .send()
        .await
        .expect("GET");
    assert_eq!(health.status(), 200);
    // Output is read by background threads; give them a moment.
    let listening = format!("listening on {}", lading.addr());
    for _ in 0..50 {
        let output = lading.output();
        if output.contains("STAND_IN_MARK=42") && output.contains(&listening) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let output = lading.output();
    assert!(
        output.contains(&format!("listening on {}", lading.addr())),
        "{output}"
    );
    assert!(output.contains("STAND_IN_MARK=42"), "{output}");
}

#[test]
#[should_panic(expected = "refusing to start")]
fn start_up_failure_panics_with_the_output() {
    LadingProcess::spawn(Path::new(STAND_IN), &["--exit-early"]);
}
