//! The whole route table × {anonymous, awaiting second factor, inspector, juridic, admin}:
//! nothing answers 2xx to someone it should not, and every page carries the security headers.

use std::collections::BTreeSet;

use isj_tracker::domain::staff::Role;

use super::helpers::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Pending,
    Inspector,
    Juridic,
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    Public,
    Staff,
    Editor,
    Admin,
}

/// (method, path as routed, path requested, who may use it).
const ROUTES: &[(&str, &str, &str, Access)] = &[
    ("GET", "/", "/", Access::Staff),
    ("GET", "/health", "/health", Access::Public),
    ("GET", "/ready", "/ready", Access::Public),
    // Open to this machine (the tests connect from loopback); closed through a proxy.
    ("GET", "/metrics", "/metrics", Access::Public),
    ("GET", "/static/app.css", "/static/app.css", Access::Public),
    ("GET", "/login", "/login", Access::Public),
    ("POST", "/login", "/login", Access::Public),
    ("GET", "/login/totp", "/login/totp", Access::Public),
    ("POST", "/login/totp", "/login/totp", Access::Public),
    ("POST", "/logout", "/logout", Access::Staff),
    ("GET", "/setup/{token}", "/setup/0000", Access::Public),
    ("POST", "/setup/{token}", "/setup/0000", Access::Public),
    ("GET", "/search", "/search?q=deva", Access::Staff),
    ("GET", "/schools", "/schools", Access::Staff),
    (
        "GET",
        "/schools/{code}",
        "/schools/2061103288",
        Access::Staff,
    ),
    (
        "POST",
        "/schools/{code}/step",
        "/schools/2061103288/step",
        Access::Editor,
    ),
    (
        "POST",
        "/schools/{code}/designee",
        "/schools/2061103288/designee",
        Access::Editor,
    ),
    (
        "POST",
        "/schools/{code}/extension",
        "/schools/2061103288/extension",
        Access::Editor,
    ),
    (
        "POST",
        "/schools/{code}/cazier",
        "/schools/2061103288/cazier",
        Access::Editor,
    ),
    ("GET", "/cases", "/cases", Access::Staff),
    ("GET", "/cases/new", "/cases/new", Access::Editor),
    ("POST", "/cases/new", "/cases/new", Access::Editor),
    (
        "GET",
        "/cases/suggestions",
        "/cases/suggestions",
        Access::Staff,
    ),
    (
        "POST",
        "/cases/suggestions/{id}/accept",
        "/cases/suggestions/1/accept",
        Access::Editor,
    ),
    (
        "POST",
        "/cases/suggestions/{id}/dismiss",
        "/cases/suggestions/1/dismiss",
        Access::Editor,
    ),
    ("GET", "/cases/{id}", "/cases/1", Access::Staff),
    ("POST", "/cases/{id}/edit", "/cases/1/edit", Access::Editor),
    (
        "POST",
        "/cases/{id}/status",
        "/cases/1/status",
        Access::Editor,
    ),
    (
        "POST",
        "/cases/{id}/hearings",
        "/cases/1/hearings",
        Access::Editor,
    ),
    (
        "POST",
        "/cases/{id}/access-refused",
        "/cases/1/access-refused",
        Access::Editor,
    ),
    ("GET", "/hearings", "/hearings", Access::Staff),
    (
        "POST",
        "/hearings/{id}/outcome",
        "/hearings/1/outcome",
        Access::Editor,
    ),
    ("GET", "/settings", "/settings", Access::Staff),
    (
        "POST",
        "/settings/reminders",
        "/settings/reminders",
        Access::Editor,
    ),
    (
        "POST",
        "/settings/test-mail",
        "/settings/test-mail",
        Access::Editor,
    ),
    (
        "POST",
        "/settings/weekly-report",
        "/settings/weekly-report",
        Access::Editor,
    ),
    ("GET", "/reports", "/reports", Access::Staff),
    (
        "GET",
        "/reports/{file}",
        "/reports/designees.xlsx",
        Access::Staff,
    ),
    ("GET", "/outbox", "/outbox", Access::Staff),
    (
        "POST",
        "/outbox/{id}/retry",
        "/outbox/1/retry",
        Access::Editor,
    ),
    ("GET", "/l/{token}", "/l/0000", Access::Public),
    (
        "GET",
        "/calendar/{file}",
        "/calendar/0000.ics",
        Access::Public,
    ),
    (
        "POST",
        "/account/calendar",
        "/account/calendar",
        Access::Staff,
    ),
    ("POST", "/l/{token}", "/l/0000", Access::Public),
    (
        "POST",
        "/settings/campaign",
        "/settings/campaign",
        Access::Editor,
    ),
    (
        "POST",
        "/settings/portal",
        "/settings/portal",
        Access::Editor,
    ),
    ("GET", "/imports", "/imports", Access::Staff),
    ("POST", "/imports", "/imports", Access::Editor),
    (
        "POST",
        "/imports/{upload_id}/apply",
        "/imports/x/apply",
        Access::Editor,
    ),
    (
        "GET",
        "/imports/batch/{id}",
        "/imports/batch/1",
        Access::Staff,
    ),
    (
        "GET",
        "/imports/template/{kind}",
        "/imports/template/dosare",
        Access::Staff,
    ),
    ("GET", "/users", "/users", Access::Admin),
    ("POST", "/users", "/users", Access::Admin),
    (
        "POST",
        "/users/{id}/disable",
        "/users/1/disable",
        Access::Admin,
    ),
    (
        "POST",
        "/users/{id}/enable",
        "/users/1/enable",
        Access::Admin,
    ),
    (
        "POST",
        "/users/{id}/reset-2fa",
        "/users/1/reset-2fa",
        Access::Admin,
    ),
    (
        "GET",
        "/account/security",
        "/account/security",
        Access::Staff,
    ),
    (
        "POST",
        "/account/password",
        "/account/password",
        Access::Staff,
    ),
    ("POST", "/account/totp", "/account/totp", Access::Staff),
    (
        "POST",
        "/account/recovery",
        "/account/recovery",
        Access::Staff,
    ),
    ("GET", "/audit", "/audit", Access::Editor),
    ("GET", "/audit.xlsx", "/audit.xlsx", Access::Editor),
    (
        "POST",
        "/hearings/{id}/correct",
        "/hearings/1/correct",
        Access::Editor,
    ),
    (
        "POST",
        "/hearings/{id}/delete",
        "/hearings/1/delete",
        Access::Editor,
    ),
    (
        "POST",
        "/cases/{id}/schools",
        "/cases/1/schools",
        Access::Editor,
    ),
    (
        "POST",
        "/cases/{id}/schools/{code}/role",
        "/cases/1/schools/2061103288/role",
        Access::Editor,
    ),
    (
        "POST",
        "/cases/{id}/schools/{code}/remove",
        "/cases/1/schools/2061103288/remove",
        Access::Editor,
    ),
    (
        "POST",
        "/schools/{code}/extension/withdraw",
        "/schools/2061103288/extension/withdraw",
        Access::Editor,
    ),
    ("POST", "/users/{id}/role", "/users/1/role", Access::Admin),
    (
        "GET",
        "/confidentialitate",
        "/confidentialitate",
        Access::Public,
    ),
    (
        "POST",
        "/settings/privacy",
        "/settings/privacy",
        Access::Admin,
    ),
    ("GET", "/privacy", "/privacy", Access::Admin),
    ("POST", "/privacy", "/privacy", Access::Admin),
    ("POST", "/privacy/export", "/privacy/export", Access::Admin),
    ("POST", "/privacy/erase", "/privacy/erase", Access::Admin),
];

#[test]
fn the_table_lists_every_route_of_the_router() {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs"))
        .expect("router source");
    let routed: BTreeSet<&str> = source
        .split(".route(")
        .skip(1)
        .filter_map(|s| s.trim_start().strip_prefix('"'))
        .filter_map(|s| s.split('"').next())
        .collect();
    let listed: BTreeSet<&str> = ROUTES.iter().map(|r| r.1).collect();
    assert_eq!(routed, listed);
}

fn allowed(access: Access, who: Who) -> bool {
    match access {
        Access::Public => true,
        Access::Staff => matches!(who, Who::Inspector | Who::Juridic | Who::Admin),
        Access::Editor => matches!(who, Who::Juridic | Who::Admin),
        Access::Admin => who == Who::Admin,
    }
}

async fn client_for(app: &TestApp, who: Who) -> reqwest::Client {
    let role = match who {
        Who::Anonymous => return cookie_client(),
        Who::Pending => {
            let user = app.create_user("pending@isj.test", Role::Admin).await;
            let client = cookie_client();
            assert_eq!(
                app.post_password(&client, &user.email, &user.password)
                    .await
                    .status(),
                303
            );
            return client;
        }
        Who::Inspector => Role::Inspector,
        Who::Juridic => Role::Juridic,
        Who::Admin => Role::Admin,
    };
    let user = app
        .create_user(&format!("matrix-{role:?}@isj.test").to_lowercase(), role)
        .await;
    app.signed_in(&user).await
}

#[tokio::test]
async fn route_by_role_matrix() {
    let app = spawn_app().await;
    assert_eq!(app.db.import(&hd_csv(), &[]).status, 0);
    let mut mismatches = Vec::new();
    for who in [
        Who::Anonymous,
        Who::Pending,
        Who::Inspector,
        Who::Juridic,
        Who::Admin,
    ] {
        let client = client_for(&app, who).await;
        for (method, _, path, access) in ROUTES {
            if *path == "/logout" && allowed(*access, who) {
                continue; // a valid logout would end the session the rest of the walk needs
            }
            let request = match *method {
                "GET" => client.get(app.url(path)),
                _ => client
                    .post(app.url(path))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("x=1"),
            };
            let status = request.send().await.expect("request").status().as_u16();
            let ok = if allowed(*access, who) {
                // Allowed: a page, or a refusal of the empty form, never a server error.
                status < 500
                    && (*method == "GET"
                        || !(200..300).contains(&status)
                        || *access == Access::Public)
            } else if matches!(who, Who::Anonymous | Who::Pending) {
                status == 303
            } else {
                status == 403
            };
            if !ok {
                mismatches.push(format!("{who:?} {method} {path} → {status}"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "unexpected statuses:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn every_get_route_sends_the_security_headers() {
    let app = spawn_app().await;
    let admin = client_for(&app, Who::Admin).await;
    for (method, _, path, _) in ROUTES.iter().filter(|r| r.0 == "GET") {
        let response = admin.get(app.url(path)).send().await.expect("GET");
        let headers = response.headers();
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let context = format!("{method} {path} ({})", response.status());
        assert!(
            get("content-security-policy").contains(
                "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
            ),
            "{context}"
        );
        assert_eq!(get("x-content-type-options"), "nosniff", "{context}");
        assert!(!get("referrer-policy").is_empty(), "{context}");
        if path.ends_with(".xlsx") {
            assert!(
                get("content-type").starts_with("application/vnd.openxmlformats"),
                "{context}"
            );
        } else if !response.status().is_redirection() {
            assert!(get("content-type").contains("charset=utf-8"), "{context}");
        }
        if !path.starts_with("/static") {
            assert_eq!(get("cache-control"), "no-store", "{context}");
        }
    }
}
