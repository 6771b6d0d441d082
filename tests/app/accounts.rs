//! Account management over HTTP: administrators add, disable and reset; people change their
//! password, authenticator and recovery codes; counters survive a restart.

use isj_tracker::domain::staff::Role;

use super::helpers::*;

async fn post_form(
    client: &reqwest::Client,
    url: String,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(url).form(form).send().await.expect("POST")
}

#[tokio::test]
async fn an_admin_adds_disables_and_resets_accounts() {
    let app = spawn_app().await;
    let admin_user = app.create_user("sef@isj.test", Role::Admin).await;
    let admin = app.signed_in(&admin_user).await;
    let page = admin
        .get(app.url("/users"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&page, "csrf");

    let added = post_form(
        &admin,
        app.url("/users"),
        &[
            ("csrf", &csrf),
            ("email", "Nou@ISJ.test"),
            ("name", "Om Nou"),
            ("role", "inspector"),
        ],
    )
    .await;
    assert_eq!(added.status(), 200);
    assert!(
        added.text().await.expect("body").contains("/setup/"),
        "the enrolment link is shown"
    );
    assert_eq!(app.db.scalar("SELECT COUNT(*) FROM staff_user WHERE email = 'nou@isj.test' AND role = 'inspector'").await, 1);

    // Disabling ends the person's sessions at once.
    let juridic_id = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'juridic@isj.test'")
        .await;
    assert_eq!(
        app.client
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200
    );
    let disabled = post_form(
        &admin,
        app.url(&format!("/users/{juridic_id}/disable")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(disabled.status(), 303);
    assert_eq!(
        app.client
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        303
    );
    let own_id = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'sef@isj.test'")
        .await;
    post_form(
        &admin,
        app.url(&format!("/users/{own_id}/disable")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(
        app.db
            .scalar(
                "SELECT COUNT(*) FROM staff_user WHERE email = 'sef@isj.test' AND disabled = false"
            )
            .await,
        1,
        "not oneself"
    );

    // A reset needs the administrator's password and a fresh code.
    let target = app.create_user("uitat@isj.test", Role::Juridic).await;
    let target_client = app.signed_in(&target).await;
    let target_id = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'uitat@isj.test'")
        .await;
    let url = app.url(&format!("/users/{target_id}/reset-2fa"));
    let refused = post_form(
        &admin,
        url.clone(),
        &[
            ("csrf", &csrf),
            ("password", "greșită-greșită"),
            ("code", "000000"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(
        target_client
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200,
        "nothing changed"
    );
    let reset = post_form(
        &admin,
        url,
        &[
            ("csrf", &csrf),
            ("password", &admin_user.password),
            ("code", &next_code(&admin_user.secret)),
        ],
    )
    .await;
    assert_eq!(reset.status(), 200);
    assert!(reset.text().await.expect("body").contains("/setup/"));
    assert_eq!(
        target_client
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        303,
        "the person's sessions ended"
    );
    assert_eq!(
        app.db
            .scalar(&format!(
                "SELECT COUNT(*) FROM staff_user WHERE id = {target_id} AND totp_secret IS NULL"
            ))
            .await,
        1
    );
    for action in [
        "cont creat",
        "cont dezactivat",
        "autentificare în doi pași resetată",
    ] {
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM audit_log WHERE action = '{action}'"
                ))
                .await,
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn people_change_their_password_authenticator_and_codes() {
    let app = spawn_app().await;
    let user = app.create_user("eu@isj.test", Role::Inspector).await;
    let me = app.signed_in(&user).await;
    let elsewhere = app.signed_in_later(&user).await;
    let page = me
        .get(app.url("/account/security"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&page, "csrf");

    let wrong = post_form(
        &me,
        app.url("/account/password"),
        &[
            ("csrf", &csrf),
            ("current", "nu"),
            ("new", "o parolă nouă"),
            ("again", "o parolă nouă"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 303);
    assert_eq!(
        elsewhere
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200,
        "a refused change ends nothing"
    );
    let changed = post_form(
        &me,
        app.url("/account/password"),
        &[
            ("csrf", &csrf),
            ("current", &user.password),
            ("new", "o parolă nouă"),
            ("again", "o parolă nouă"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        me.get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        200,
        "this session stays"
    );
    assert_eq!(
        elsewhere
            .get(app.url("/schools"))
            .send()
            .await
            .expect("GET")
            .status(),
        303,
        "other sessions end"
    );

    let regenerated = post_form(
        &me,
        app.url("/account/recovery"),
        &[("csrf", &csrf), ("password", "o parolă nouă")],
    )
    .await;
    let body = regenerated.text().await.expect("body");
    assert_eq!(body.matches("<li><code>").count(), 10);
    let client = cookie_client();
    app.post_password(&client, &user.email, "o parolă nouă")
        .await;
    assert_eq!(
        app.post_code(&client, &user.recovery_codes[0])
            .await
            .status(),
        401,
        "old codes stop working"
    );

    let security = me
        .get(app.url("/account/security"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    let (_, new_secret) = shown_secret(&security);
    let sealed = hidden_value(&security, "sealed_secret");
    let form = [
        ("csrf", csrf.as_str()),
        ("sealed_secret", sealed.as_str()),
        ("password", "o parolă nouă"),
        ("code", &current_code(&new_secret)),
    ];
    assert_eq!(
        post_form(&me, app.url("/account/totp"), &form)
            .await
            .status(),
        303
    );
    let fresh = cookie_client();
    app.post_password(&fresh, &user.email, "o parolă nouă")
        .await;
    assert_eq!(
        app.post_code(&fresh, &next_code(&new_secret))
            .await
            .status(),
        303,
        "the new authenticator works"
    );
}

#[tokio::test]
async fn failure_counters_and_locks_survive_a_restart() {
    let app = spawn_app().await;
    let user = app.create_user("tinta@isj.test", Role::Juridic).await;
    for _ in 0..isj_tracker::auth::login::MAX_PASSWORD_FAILURES {
        app.post_password(&cookie_client(), &user.email, "ghicit-greșit")
            .await;
    }
    // A new process on the same database: the lock is still there.
    let restarted = spawn_app_on(&app).await;
    let locked = restarted
        .post_password(&cookie_client(), &user.email, &user.password)
        .await;
    assert_eq!(locked.status(), 401, "locked even with the right password");
    assert!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'cont blocat'")
            .await
            >= 1
    );

    // Wrong codes: at most 20 a day, counted in the database.
    let victim = app.create_user("coduri@isj.test", Role::Juridic).await;
    let connection = app.db.connect().await;
    let account = isj_tracker::db::staff::find_by_email(&connection, &victim.email)
        .await
        .expect("db")
        .expect("account");
    let now = chrono::Utc::now();
    let mut outcomes = Vec::new();
    for _ in 0..25 {
        let cookie = isj_tracker::auth::tokens::new_token();
        let hash = isj_tracker::auth::tokens::token_hash(&cookie);
        isj_tracker::db::staff::create_session(&connection, &hash, account.id, false, "csrf", now)
            .await
            .expect("session");
        let pending = isj_tracker::db::staff::find_session(&connection, &hash)
            .await
            .expect("db")
            .expect("session");
        let fresh = isj_tracker::db::staff::find(&connection, account.id)
            .await
            .expect("db")
            .expect("account");
        let outcome = isj_tracker::auth::login::check_code(
            &connection,
            &app.key,
            &pending,
            &fresh,
            "000000",
            now,
        )
        .await
        .expect("check");
        outcomes.push(format!("{outcome:?}"));
    }
    let wrong = outcomes.iter().filter(|o| o.starts_with("Wrong")).count();
    assert_eq!(wrong, 19, "{outcomes:?}");
    assert!(
        outcomes[19..].iter().all(|o| o.starts_with("Locked")),
        "{outcomes:?}"
    );
}

#[tokio::test]
async fn the_audit_trail_is_for_editors_and_filters() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(app.url("/audit?action=autentificare%20reu%C8%99it%C4%83"))
        .send()
        .await
        .expect("GET");
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("body");
    assert!(body.contains("juridic@isj.test"));
    assert!(!body.contains("parolă corectă"), "filtered by action");
}
