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
    for kind in ["staff_added", "staff_disabled", "staff_second_factor_reset"] {
        assert_eq!(
            app.db
                .scalar(&format!(
                    "SELECT COUNT(*) FROM change_log WHERE kind = '{kind}'"
                ))
                .await,
            1,
            "{kind}"
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

    let without_code = post_form(
        &me,
        app.url("/account/recovery"),
        &[("csrf", &csrf), ("password", "o parolă nouă")],
    )
    .await;
    assert_eq!(
        without_code.status(),
        303,
        "new recovery codes need a current code"
    );
    let regenerated = post_form(
        &me,
        app.url("/account/recovery"),
        &[
            ("csrf", &csrf),
            ("password", "o parolă nouă"),
            // Both codes of this minute went to the two sign-ins: an unused recovery code.
            ("code", &user.recovery_codes[1]),
        ],
    )
    .await;
    let body = regenerated.text().await.expect("body");
    assert_eq!(body.matches("<li><code>").count(), 10);
    let new_recovery = body
        .split("<li><code>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a new recovery code")
        .to_string();
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
    let new_code = current_code(&new_secret);
    let without_old = [
        ("csrf", csrf.as_str()),
        ("sealed_secret", sealed.as_str()),
        ("password", "o parolă nouă"),
        ("code", new_code.as_str()),
    ];
    post_form(&me, app.url("/account/totp"), &without_old).await;
    let unchanged = "SELECT COUNT(*) FROM audit_log WHERE action = 'autentificator înlocuit'";
    assert_eq!(
        app.db.scalar(unchanged).await,
        0,
        "refused without a code of the old one"
    );
    let form = [
        ("csrf", csrf.as_str()),
        ("sealed_secret", sealed.as_str()),
        ("password", "o parolă nouă"),
        ("current_code", new_recovery.as_str()),
        ("code", new_code.as_str()),
    ];
    assert_eq!(
        post_form(&me, app.url("/account/totp"), &form)
            .await
            .status(),
        303
    );
    assert_eq!(app.db.scalar(unchanged).await, 1);
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

/// The body of a refused sign-in, without its fresh CSRF token.
async fn refusal(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    let token = hidden_value(&body, "csrf");
    (status, body.replace(&token, ""))
}

#[tokio::test]
async fn wrong_passwords_close_one_address_not_the_account() {
    let app = spawn_app().await;
    let user = app.create_user("tinta@isj.test", Role::Juridic).await;
    let limit = isj_tracker::auth::throttle::PASSWORDS_PER_ADDRESS_AND_ACCOUNT;
    let attacker = cookie_client();
    let mut wrong = (0, String::new());
    for _ in 0..limit {
        wrong = refusal(
            app.post_password(&attacker, &user.email, "ghicit-greșit")
                .await,
        )
        .await;
    }
    // A new process on the same database: the address is still refused, even with the
    // right password, and the answer is the one a wrong password or an unknown account gets.
    let restarted = spawn_app_on(&app).await;
    let locked = refusal(
        restarted
            .post_password(&attacker, &user.email, &user.password)
            .await,
    )
    .await;
    let unknown = refusal(
        restarted
            .post_password(&attacker, "nimeni@isj.test", "orice-altceva")
            .await,
    )
    .await;
    assert_eq!(locked, wrong, "locked and wrong answer alike");
    assert_eq!(unknown, wrong, "unknown and wrong answer alike");
    assert_eq!(wrong.0, 401);
    assert!(!wrong.1.contains("blocat"), "the page does not tell");

    // The holder, from another network, signs in with the password and a code.
    let holder = cookie_client_from("127.0.0.2");
    let response = restarted
        .post_password(&holder, &user.email, &user.password)
        .await;
    assert_eq!(response.status(), 303, "the holder gets in from address B");
    let response = restarted
        .post_code(&holder, &current_code(&user.secret))
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'security' AND recipient = 'tinta@isj.test'")
            .await,
        1,
        "the holder is told by mail, once"
    );
    assert!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'autentificare refuzată'")
            .await
            >= 1
    );
    // A full sign-in clears the account's counters.
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM auth_throttle WHERE key = 'pw:account:tinta@isj.test'")
            .await,
        0
    );
}

#[tokio::test]
async fn forty_parallel_codes_evaluate_at_most_the_limits() {
    let app = spawn_app().await;
    let victim = app.create_user("coduri@isj.test", Role::Juridic).await;
    // One pending sign-in: 40 parallel wrong codes, at most 5 evaluated (audited as wrong).
    let client = cookie_client_from("127.0.0.3");
    assert_eq!(
        app.post_password(&client, &victim.email, &victim.password)
            .await
            .status(),
        303
    );
    let page = client
        .get(app.url("/login/totp"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body");
    let csrf = hidden_value(&page, "csrf");
    let tries = (0..40).map(|_| {
        client
            .post(app.url("/login/totp"))
            .form(&[("csrf", csrf.as_str()), ("code", "000000")])
            .send()
    });
    futures_join_all(tries).await;
    let evaluated = "SELECT COUNT(*) FROM audit_log WHERE action = 'al doilea factor greșit'";
    let per_session = app.db.scalar(evaluated).await;
    assert!(
        per_session <= 5,
        "{per_session} codes evaluated on one pending sign-in"
    );

    // Many pending sign-ins, from many addresses: at most the daily limit per account.
    let mut sessions = Vec::new();
    for i in 0..8 {
        let client = cookie_client_from(&format!("127.0.1.{}", i + 1));
        assert_eq!(
            app.post_password(&client, &victim.email, &victim.password)
                .await
                .status(),
            303
        );
        let page = client
            .get(app.url("/login/totp"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        sessions.push((client, hidden_value(&page, "csrf")));
    }
    let url = app.url("/login/totp");
    let tries = sessions.iter().flat_map(|(client, csrf)| {
        let url = url.clone();
        (0..5).map(move |_| {
            client
                .post(url.clone())
                .form(&[("csrf", csrf.as_str()), ("code", "000000")])
                .send()
        })
    });
    futures_join_all(tries).await;
    let total = app.db.scalar(evaluated).await;
    let daily = isj_tracker::auth::throttle::CODES_PER_ACCOUNT_A_DAY;
    assert!(
        total <= daily,
        "{total} codes evaluated on the account in a day"
    );
    assert!(total > per_session, "the other sign-ins were evaluated too");
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'al doilea factor blocat' AND details LIKE '%24 de ore%'")
            .await,
        1,
        "the day's limit is audited once"
    );
}

/// Runs the requests together (no extra dependency for a join).
async fn futures_join_all<F>(requests: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = requests.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("task"));
    }
    outputs
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

#[tokio::test]
async fn thirty_wrong_reauthentications_evaluate_at_most_the_limit() {
    let app = spawn_app().await;
    let user = app.create_user("sesiune@isj.test", Role::Juridic).await;
    let stolen = app.signed_in(&user).await;
    let csrf = app.csrf_of(&stolen).await;
    let url = app.url("/account/password");
    let guesses = (0..30).map(|i| {
        let form = vec![
            ("csrf".to_string(), csrf.clone()),
            ("current".to_string(), format!("ghicitoare-{i}")),
            ("new".to_string(), "tramvaiul albastru zboară".to_string()),
            ("again".to_string(), "tramvaiul albastru zboară".to_string()),
        ];
        stolen.post(url.clone()).form(&form).send()
    });
    futures_join_all(guesses).await;
    let evaluated = app
        .db
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 're-autentificare eșuată'")
        .await;
    let limit = isj_tracker::auth::throttle::REAUTH_PER_ACCOUNT;
    assert!(
        evaluated >= 1 && evaluated <= limit,
        "{evaluated} guesses evaluated"
    );
    assert!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 're-autentificare refuzată'")
            .await
            >= 30 - limit
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'security' AND recipient = 'sesiune@isj.test'")
            .await,
        1,
        "the holder is told once"
    );
    // Even the right password is refused now: the limit holds for 15 minutes.
    let right = [
        ("csrf", csrf.as_str()),
        ("current", user.password.as_str()),
        ("new", "tramvaiul albastru zboară"),
        ("again", "tramvaiul albastru zboară"),
    ];
    post_form(&stolen, url, &right).await;
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'parolă schimbată'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_admin_reset_mails_the_holder_and_never_applies_to_oneself() {
    let app = spawn_app().await;
    let admin_user = app.create_user("sef2@isj.test", Role::Admin).await;
    let admin = app.signed_in(&admin_user).await;
    let csrf = app.csrf_of(&admin).await;
    let own = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'sef2@isj.test'")
        .await;
    let form = [
        ("csrf", csrf.as_str()),
        ("password", admin_user.password.as_str()),
        ("code", &next_code(&admin_user.secret)),
    ];
    post_form(&admin, app.url(&format!("/users/{own}/reset-2fa")), &form).await;
    let resets = "SELECT COUNT(*) FROM change_log WHERE kind = 'staff_second_factor_reset'";
    assert_eq!(app.db.scalar(resets).await, 0, "not one's own");

    let holder = app.create_user("titular@isj.test", Role::Juridic).await;
    let target = app
        .db
        .scalar("SELECT id FROM staff_user WHERE email = 'titular@isj.test'")
        .await;
    let url = app.url(&format!("/users/{target}/reset-2fa"));
    let first = post_form(&admin, url.clone(), &form).await;
    let first_page = first.text().await.expect("page");
    assert!(
        first_page.contains("/setup/"),
        "the link is shown to the admin"
    );
    assert_eq!(app.db.scalar(resets).await, 1);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'security' AND recipient = 'titular@isj.test'")
            .await,
        1,
        "the holder is mailed at once"
    );
    let _ = holder;
    // A newer link revokes the older one.
    let older = first_page
        .split("/setup/")
        .nth(1)
        .and_then(|rest| rest.split(['<', '"', ' ']).next())
        .expect("token")
        .to_string();
    let second_code = [
        ("csrf", csrf.as_str()),
        ("password", admin_user.password.as_str()),
        ("code", &admin_user.recovery_codes[0]),
    ];
    let second = post_form(&admin, url, &second_code).await;
    assert!(second.text().await.expect("page").contains("/setup/"));
    let old_page = app
        .anonymous
        .get(app.url(&format!("/setup/{older}")))
        .send()
        .await
        .expect("GET");
    let old_body = old_page.text().await.expect("body");
    assert!(
        !old_body.contains("sealed_secret"),
        "the older link no longer works"
    );
    // Disabling an account that does not exist: 404, nothing audited.
    let missing = post_form(
        &admin,
        app.url("/users/999999/disable"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM change_log WHERE kind = 'staff_disabled'")
            .await,
        0
    );
}

/// Two servers on one database, as two replicas behind a proxy: right after A disables an
/// account, B refuses its writes (B's session cache serves reads only). Enabled again, the
/// account gets a new calendar address; the old one stays dead.
#[tokio::test]
async fn a_disabled_account_cannot_write_on_another_replica() {
    let a = spawn_app().await;
    let b = spawn_app_on(&a).await;
    assert_eq!(a.db.import(&hd_csv(), &[]).status, 0);
    let cases = "Cod SIIIR;Nr. dosar;Instanța\r\n2061100733;10/97/2026;Tribunalul Hunedoara\r\n";
    let file = write_file(&a.db, "c.csv", cases.as_bytes());
    assert_eq!(
        a.db.cli(&["import", "cases", &file.to_string_lossy()])
            .status,
        0
    );
    let case = a.db.scalar("SELECT id FROM court_case").await;
    let admin_user = a.create_user("sef@isj.test", Role::Admin).await;
    let admin = a.signed_in(&admin_user).await;
    let person = a.create_user("ion@isj.test", Role::Juridic).await;
    let client = a.signed_in(&person).await;
    let person_id =
        a.db.scalar("SELECT id FROM staff_user WHERE email = 'ion@isj.test'")
            .await;
    let security = text_of(client.get(a.url("/account/security"))).await;
    let old_calendar = calendar_path(&security);
    assert_eq!(feed_status(&a, &old_calendar).await, 200);

    // B has just checked the session (a page read), then A disables the account.
    let csrf = b.csrf_of(&client).await;
    let admin_csrf = a.csrf_of(&admin).await;
    let disabled = post_form(
        &admin,
        a.url(&format!("/users/{person_id}/disable")),
        &[("csrf", &admin_csrf)],
    )
    .await;
    assert_eq!(disabled.status(), 303);
    let edit = post_form(
        &client,
        b.url(&format!("/cases/{case}/edit")),
        &[("csrf", &csrf), ("stage", "Apel")],
    )
    .await;
    assert_eq!(
        edit.headers().get("location").and_then(|l| l.to_str().ok()),
        Some("/login"),
        "the write on B is refused"
    );
    assert_eq!(
        a.db.scalar("SELECT COUNT(*) FROM court_case WHERE stage = 'Apel'")
            .await,
        0
    );
    assert_eq!(feed_status(&b, &old_calendar).await, 404);

    let enabled = post_form(
        &admin,
        a.url(&format!("/users/{person_id}/enable")),
        &[("csrf", &admin_csrf)],
    )
    .await;
    assert_eq!(enabled.status(), 303);
    assert_eq!(
        feed_status(&b, &old_calendar).await,
        404,
        "the old calendar address does not come back"
    );
    let again = b.signed_in_later(&person).await;
    let new_calendar = calendar_path(&text_of(again.get(b.url("/account/security"))).await);
    assert_ne!(new_calendar, old_calendar);
    assert_eq!(feed_status(&a, &new_calendar).await, 200);
}

async fn text_of(request: reqwest::RequestBuilder) -> String {
    request
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body")
}

fn calendar_path(security_page: &str) -> String {
    security_page
        .split("<code class=\"wrap\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|url| url.split_once("/calendar/"))
        .map(|(_, token)| format!("/calendar/{token}"))
        .expect("calendar address")
}

async fn feed_status(app: &TestApp, path: &str) -> u16 {
    app.anonymous
        .get(app.url(path))
        .send()
        .await
        .expect("GET")
        .status()
        .as_u16()
}
