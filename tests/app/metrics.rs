//! `/metrics` read by Prometheus's own Python parser: the outbox gauges move with the
//! mail, requests are counted by route, and a forwarded request is refused.

use std::collections::HashMap;

use super::helpers::*;

fn parser_present() -> bool {
    let present = std::process::Command::new("/usr/bin/python3")
        .args(["-c", "import prometheus_client.parser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !present && std::env::var("ISJ_REQUIRE_PROMETHEUS").is_ok_and(|v| v == "1") {
        panic!(
            "python3-prometheus-client is required (ISJ_REQUIRE_PROMETHEUS=1) but not installed"
        );
    }
    present
}

/// Every sample as the parser reads it: `name{label=value,…}` (labels sorted) → value.
fn samples(text: &str, dir: &std::path::Path) -> HashMap<String, f64> {
    let file = dir.join("metrics.txt");
    std::fs::write(&file, text).expect("write");
    let script = "import json, sys\n\
        from prometheus_client.parser import text_string_to_metric_families\n\
        out = {}\n\
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):\n\
        \x20   for s in family.samples:\n\
        \x20       labels = ','.join(f'{k}={v}' for k, v in sorted(s.labels.items()))\n\
        \x20       out[f'{s.name}{{{labels}}}'] = s.value\n\
        print(json.dumps(out))\n";
    python_json(script, &file)
}

async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let response = app
        .anonymous
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("type")
        .to_string();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    samples(&response.text().await.expect("body"), app.db.dir.path())
}

#[tokio::test]
async fn metrics_parse_and_the_outbox_gauges_move() {
    if !parser_present() {
        eprintln!("python3-prometheus-client missing: skipped");
        return;
    }
    let app = spawn_app().await;
    let before = scrape(&app).await;
    assert_eq!(before["isj_outbox_mails{kind=test,status=pending}"], 0.0);
    assert_eq!(before["isj_outbox_mails{kind=test,status=dead}"], 0.0);
    assert_eq!(before["isj_outbox_oldest_pending_age_seconds{}"], 0.0);
    let overview = |m: &HashMap<String, f64>| {
        m.get("isj_http_requests_total{method=GET,route=/,status=200}")
            .copied()
            .unwrap_or(0.0)
    };

    // A test mail through Setări waits in the outbox (no heartbeat runs in this server).
    let csrf = app.csrf_of(&app.client).await;
    let queued = app
        .client
        .post(app.url("/settings/test-mail"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("test mail");
    assert_eq!(queued.status(), 303);
    assert_eq!(app.get_text("/").await.0, 200);
    let waiting = scrape(&app).await;
    assert_eq!(waiting["isj_outbox_mails{kind=test,status=pending}"], 1.0);
    assert_eq!(overview(&waiting), overview(&before) + 1.0);
    assert!(waiting["isj_http_request_duration_seconds_count{route=/}"] >= 1.0);

    // Given up: it moves from pending to dead.
    let conn = app.db.connect().await;
    sea_orm::ConnectionTrait::execute_unprepared(
        &conn,
        "UPDATE outbox SET status = 'dead' WHERE kind = 'test'",
    )
    .await
    .expect("update");
    let dead = scrape(&app).await;
    assert_eq!(dead["isj_outbox_mails{kind=test,status=pending}"], 0.0);
    assert_eq!(dead["isj_outbox_mails{kind=test,status=dead}"], 1.0);
    assert_eq!(dead["isj_portal_last_sync_timestamp_seconds{}"], 0.0);

    // Through a proxy (even one on this machine) the page is closed.
    let forwarded = app
        .anonymous
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("scrape");
    assert_eq!(forwarded.status(), 403);
}
