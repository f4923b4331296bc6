//! Registration, login, lockout, tokens and API keys over real HTTP, on SQLite and PostgreSQL.

use std::time::Instant;

use crate::common::{error_of, TestApp, STRONG_PASSWORD, TEST_JWT_SECRET};
use investment_system::server::auth::jwt::JwtKeys;
use investment_system::server::clock::{now_unix, now_unix_ms};
use serde_json::{json, Value};

on_both_backends!(
    register_normalises_the_email_and_starts_on_free,
    duplicate_email_is_a_conflict,
    weak_password_lists_every_failed_rule,
    invalid_email_is_rejected,
    login_issues_bearer_tokens_that_open_me,
    unknown_email_and_wrong_password_look_the_same,
    five_failed_logins_lock_the_account,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_revokes_the_refresh_token,
    access_tokens_are_checked,
    api_keys_are_shown_once_and_work_until_revoked,
    users_only_see_their_own_keys_and_events,
    audit_log_records_security_events,
    password_change_needs_the_current_one_and_ends_sessions,
    admins_change_tiers_and_disable_accounts,
    me_reports_limits_and_usage,
);

async fn me_reports_limits_and_usage(app: &TestApp) {
    let (_, token) = app.signed_in_user("usage@example.com").await;
    let first: Value = app
        .get_with_token("/api/v1/me", &token)
        .await
        .json()
        .await
        .unwrap();
    let second: Value = app
        .get_with_token("/api/v1/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["limits"]["requests_per_minute"], 10);
    assert_eq!(first["limits"]["signals_per_day"], 10);
    // Each answer counts the request that asked.
    let minute = |me: &Value| me["usage"]["requests_this_minute"].as_u64().unwrap();
    let today = |me: &Value| me["usage"]["requests_today"].as_u64().unwrap();
    assert_eq!((minute(&first), minute(&second)), (1, 2));
    assert_eq!(today(&second), today(&first) + 1);
}

async fn register_normalises_the_email_and_starts_on_free(app: &TestApp) {
    let first = app.register("owner@example.com", STRONG_PASSWORD).await;
    assert_eq!(
        first["role"], "admin",
        "the first account administers the installation"
    );
    let user = app.register("  Ada@Example.COM ", STRONG_PASSWORD).await;
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["tier"], "free");
    assert_eq!(user["role"], "user");
    assert_eq!(user["is_active"], true);
    assert!(uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok());
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
}

async fn duplicate_email_is_a_conflict(app: &TestApp) {
    app.register("dup@example.com", STRONG_PASSWORD).await;
    let again = app
        .post_json(
            "/api/v1/auth/register",
            json!({ "email": "DUP@example.com", "password": STRONG_PASSWORD }),
        )
        .await;
    let (status, code, _) = error_of(again).await;
    assert_eq!((status, code.as_str()), (409, "EMAIL_ALREADY_EXISTS"));
}

async fn weak_password_lists_every_failed_rule(app: &TestApp) {
    let response = app
        .post_json(
            "/api/v1/auth/register",
            json!({ "email": "grace@example.com", "password": "grace" }),
        )
        .await;
    let (status, code, details) = error_of(response).await;
    assert_eq!((status, code.as_str()), (422, "WEAK_PASSWORD"));
    let rules: Vec<&str> = details["failed_rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "min_length",
            "uppercase",
            "digit",
            "special",
            "not_email_local_part"
        ]
    );
    assert!(details["failed_rules"][0]["message"].is_string());
}

async fn invalid_email_is_rejected(app: &TestApp) {
    let response = app
        .post_json(
            "/api/v1/auth/register",
            json!({ "email": "not-an-email", "password": STRONG_PASSWORD }),
        )
        .await;
    let (status, code, details) = error_of(response).await;
    assert_eq!((status, code.as_str()), (422, "INVALID_EMAIL"));
    assert!(details["fields"]["email"].is_string());
}

async fn login_issues_bearer_tokens_that_open_me(app: &TestApp) {
    app.register("lin@example.com", STRONG_PASSWORD).await;
    let tokens = app.login("LIN@example.com", STRONG_PASSWORD).await;
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["expires_in"], 1800);
    assert!(tokens["refresh_token"].as_str().unwrap().starts_with("rt_"));

    let claims = JwtKeys::new(TEST_JWT_SECRET.as_bytes())
        .verify(tokens["access_token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.tier, "free");
    assert_eq!(claims.exp - claims.iat, 1800);

    let me: Value = app
        .get_with_token("/api/v1/me", tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "lin@example.com");
    assert_eq!(me["id"], claims.sub);
    assert_eq!(me["limits"]["requests_per_minute"], 10);
    assert_eq!(me["limits"]["requests_per_day"], 500);
    assert_eq!(me["limits"]["watchlist_symbols"], 10);
}

async fn unknown_email_and_wrong_password_look_the_same(app: &TestApp) {
    app.register("known@example.com", STRONG_PASSWORD).await;
    let attempt = |email: &'static str| async move {
        let started = Instant::now();
        let response = app
            .post_json(
                "/api/v1/auth/login",
                json!({ "email": email, "password": "Wrong-Pass-1!" }),
            )
            .await;
        let elapsed = started.elapsed();
        let (status, code, _) = error_of(response).await;
        (status, code, elapsed)
    };
    let (known_status, known_code, known_time) = attempt("known@example.com").await;
    let (unknown_status, unknown_code, unknown_time) = attempt("nobody@example.com").await;
    assert_eq!(
        (known_status, known_code.as_str()),
        (401, "INVALID_CREDENTIALS")
    );
    assert_eq!((unknown_status, unknown_code), (known_status, known_code));
    // Without the dummy hash the unknown email would answer in about a millisecond.
    assert!(
        unknown_time * 3 > known_time,
        "unknown email {unknown_time:?} vs wrong password {known_time:?}"
    );
}

async fn five_failed_logins_lock_the_account(app: &TestApp) {
    app.register("lock@example.com", STRONG_PASSWORD).await;
    let wrong = json!({ "email": "lock@example.com", "password": "Wrong-Pass-1!" });
    for _ in 0..4 {
        let (status, code, _) =
            error_of(app.post_json("/api/v1/auth/login", wrong.clone()).await).await;
        assert_eq!((status, code.as_str()), (401, "INVALID_CREDENTIALS"));
    }
    let (status, code, details) =
        error_of(app.post_json("/api/v1/auth/login", wrong.clone()).await).await;
    assert_eq!((status, code.as_str()), (423, "ACCOUNT_LOCKED"));
    let until =
        chrono::DateTime::parse_from_rfc3339(details["locked_until"].as_str().unwrap()).unwrap();
    let minutes = (until.timestamp() - now_unix()) as f64 / 60.0;
    assert!((14.0..=15.0).contains(&minutes), "{minutes} minutes");

    let right = json!({ "email": "lock@example.com", "password": STRONG_PASSWORD });
    let (status, code, _) = error_of(app.post_json("/api/v1/auth/login", right).await).await;
    assert_eq!(
        (status, code.as_str()),
        (423, "ACCOUNT_LOCKED"),
        "even the right password waits"
    );
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: &TestApp) {
    app.register("rot@example.com", STRONG_PASSWORD).await;
    let first = app.login("rot@example.com", STRONG_PASSWORD).await;
    let refresh =
        |token: Value| app.post_json("/api/v1/auth/refresh", json!({ "refresh_token": token }));

    let second_response = refresh(first["refresh_token"].clone()).await;
    assert_eq!(second_response.status(), 200);
    let second: Value = second_response.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        app.get_with_token("/api/v1/me", second["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );

    let (status, code, _) = error_of(refresh(first["refresh_token"].clone()).await).await;
    assert_eq!((status, code.as_str()), (401, "REFRESH_TOKEN_REUSED"));
    // The whole family is gone, including the token the thief or the user holds now.
    let (status, code, _) = error_of(refresh(second["refresh_token"].clone()).await).await;
    assert_eq!((status, code.as_str()), (401, "REFRESH_TOKEN_INVALID"));

    let (status, code, _) = error_of(refresh(json!("rt_unknown")).await).await;
    assert_eq!((status, code.as_str()), (401, "REFRESH_TOKEN_INVALID"));
}

async fn logout_revokes_the_refresh_token(app: &TestApp) {
    app.register("out@example.com", STRONG_PASSWORD).await;
    let tokens = app.login("out@example.com", STRONG_PASSWORD).await;
    let body = json!({ "refresh_token": tokens["refresh_token"] });
    assert_eq!(
        app.post_json("/api/v1/auth/logout", body.clone())
            .await
            .status(),
        204
    );
    let (status, code, _) =
        error_of(app.post_json("/api/v1/auth/refresh", body.clone()).await).await;
    assert_eq!((status, code.as_str()), (401, "REFRESH_TOKEN_INVALID"));
    assert_eq!(
        app.post_json("/api/v1/auth/logout", body).await.status(),
        204,
        "idempotent"
    );
}

async fn access_tokens_are_checked(app: &TestApp) {
    let (_, token) = app.signed_in_user("tok@example.com").await;
    let keys = JwtKeys::new(TEST_JWT_SECRET.as_bytes());
    let claims = keys.verify(&token).unwrap();

    let expired = keys
        .issue(&claims.sub, "free", now_unix_ms() - 3_600_000)
        .unwrap();
    let (status, code, _) = error_of(app.get_with_token("/api/v1/me", &expired).await).await;
    assert_eq!((status, code.as_str()), (401, "TOKEN_EXPIRED"));

    let forged = JwtKeys::new(b"someone-elses-secret-of-32-characters!!")
        .issue(&claims.sub, "enterprise", now_unix_ms())
        .unwrap();
    let (status, code, _) = error_of(app.get_with_token("/api/v1/me", &forged).await).await;
    assert_eq!((status, code.as_str()), (401, "TOKEN_INVALID"));

    let anonymous = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let (status, code, _) = error_of(anonymous).await;
    assert_eq!((status, code.as_str()), (401, "AUTHENTICATION_REQUIRED"));
}

async fn api_keys_are_shown_once_and_work_until_revoked(app: &TestApp) {
    let (_, token) = app.signed_in_user("keys@example.com").await;
    let created = app.create_api_key(&token, "  trading bot ").await;
    let key = created["key"].as_str().unwrap().to_string();
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["name"], "trading bot");
    assert!(key.starts_with(&format!("ik_{id}:sk_")), "{key}");

    let list: Value = app
        .get_with_token("/api/v1/api-keys", &token)
        .await
        .json()
        .await
        .unwrap();
    let listed = &list["api_keys"][0];
    assert_eq!(listed["prefix"], format!("ik_{id}"));
    assert!(listed["last_used_at"].is_null());
    assert!(
        !list.to_string().contains(key.split(":sk_").nth(1).unwrap()),
        "secret never listed"
    );

    let with_key = |key: String| {
        app.client
            .get(app.url("/api/v1/me"))
            .header("x-api-key", key)
            .send()
    };
    let me = with_key(key.clone()).await.unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(
        me.json::<Value>().await.unwrap()["email"],
        "keys@example.com"
    );
    let list: Value = app
        .get_with_token("/api/v1/api-keys", &token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["api_keys"][0]["last_used_at"].is_string(),
        "use is recorded"
    );

    // The secret with its last character changed (to one it is not).
    let last = if key.ends_with('0') { '1' } else { '0' };
    let wrong_secret = format!("{}{last}", &key[..key.len() - 1]);
    let (status, code, _) = error_of(with_key(wrong_secret).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (401, "API_KEY_INVALID"));

    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let (status, code, _) = error_of(with_key(key).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (401, "API_KEY_INVALID"));

    let (status, code, details) = error_of(app.post_api_key(&token, " ").await).await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(details["fields"]["name"].is_string());
}

async fn users_only_see_their_own_keys_and_events(app: &TestApp) {
    let (_, alice) = app.signed_in_user("alice@example.com").await;
    let (_, bob) = app.signed_in_user("bob@example.com").await;
    let created = app.create_api_key(&alice, "alice key").await;
    let alice_key = created["id"].as_str().unwrap();

    let stolen = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{alice_key}")))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(stolen).await;
    assert_eq!((status, code.as_str()), (404, "API_KEY_NOT_FOUND"));

    let bob_keys: Value = app
        .get_with_token("/api/v1/api-keys", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bob_keys["api_keys"], json!([]));
    let alice_keys: Value = app
        .get_with_token("/api/v1/api-keys", &alice)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        alice_keys["api_keys"].as_array().unwrap().len(),
        1,
        "Alice's key survived Bob's attempt"
    );

    let bob_audit: Value = app
        .get_with_token("/api/v1/me/audit", &bob)
        .await
        .json()
        .await
        .unwrap();
    assert!(!bob_audit.to_string().contains(alice_key));
    assert!(bob_audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["event"] != "api_key_created"));
}

async fn audit_log_records_security_events(app: &TestApp) {
    app.register("audit@example.com", STRONG_PASSWORD).await;
    app.post_json(
        "/api/v1/auth/login",
        json!({ "email": "audit@example.com", "password": "Wrong-Pass-1!" }),
    )
    .await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("user-agent", "audit-test/1.0")
        .header("x-correlation-id", "audit-corr-1")
        .json(&json!({ "email": "audit@example.com", "password": STRONG_PASSWORD }))
        .send()
        .await
        .unwrap();
    let token: Value = response.json().await.unwrap();
    let audit: Value = app
        .get_with_token("/api/v1/me/audit", token["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["login_success", "login_failure", "registered"]);
    let success = &audit["events"][0];
    assert_eq!(success["ip"], "127.0.0.1");
    assert_eq!(success["user_agent"], "audit-test/1.0");
    assert_eq!(success["correlation_id"], "audit-corr-1");
}

async fn password_change_needs_the_current_one_and_ends_sessions(app: &TestApp) {
    app.register("pw@example.com", STRONG_PASSWORD).await;
    let tokens = app.login("pw@example.com", STRONG_PASSWORD).await;
    let token = tokens["access_token"].as_str().unwrap();
    let change = |current: &str, new: &str| {
        app.client
            .post(app.url("/api/v1/me/password"))
            .bearer_auth(token)
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    let (status, code, _) =
        error_of(change("Wrong-Pass-1!", "Brand-New-Pass-2?").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "WRONG_CURRENT_PASSWORD"));
    let (status, code, details) = error_of(change(STRONG_PASSWORD, "short").await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "WEAK_PASSWORD"));
    assert!(details["failed_rules"].as_array().unwrap().len() >= 3);
    let (status, code, _) = error_of(change(STRONG_PASSWORD, STRONG_PASSWORD).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (422, "PASSWORD_UNCHANGED"));

    assert_eq!(
        change(STRONG_PASSWORD, "Brand-New-Pass-2?")
            .await
            .unwrap()
            .status(),
        204
    );
    let refresh = app
        .post_json(
            "/api/v1/auth/refresh",
            json!({ "refresh_token": tokens["refresh_token"] }),
        )
        .await;
    let (status, code, _) = error_of(refresh).await;
    assert_eq!(
        (status, code.as_str()),
        (401, "REFRESH_TOKEN_INVALID"),
        "sessions ended"
    );
    let old = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "pw@example.com", "password": STRONG_PASSWORD }),
        )
        .await;
    assert_eq!(old.status(), 401);
    let fresh = app.login("pw@example.com", "Brand-New-Pass-2?").await;
    let audit: Value = app
        .get_with_token("/api/v1/me/audit", fresh["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "password_changed"));
}

async fn admins_change_tiers_and_disable_accounts(app: &TestApp) {
    let (_, admin) = app.signed_in_user("root@example.com").await;
    let (_, member) = app.signed_in_user("member@example.com").await;
    let admin_id = app
        .get_with_token("/api/v1/me", &admin)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let member_id = app
        .get_with_token("/api/v1/me", &member)
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let patch = |token: &str, id: &str, body: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/admin/users/{id}")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    let (status, code, _) = error_of(
        patch(&member, &member_id, json!({ "tier": "enterprise" }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (403, "ADMIN_REQUIRED"),
        "members cannot promote themselves"
    );
    let (status, code, _) =
        error_of(app.get_with_token("/api/v1/admin/audit", &member).await).await;
    assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"));

    // root registered first, so it is the administrator; enterprise, for the calls ahead.
    let own = patch(&admin, &admin_id, json!({ "tier": "enterprise" }))
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    // Nobody could undo an administrator locking themself out.
    let (status, code, details) = error_of(
        patch(&admin, &admin_id, json!({ "is_active": false }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));
    assert!(details["fields"]["is_active"].is_string(), "{details}");
    let listed: Value = app
        .get_with_token("/api/v1/admin/users?query=MEMB", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["users"][0]["email"], "member@example.com");
    let everyone: Value = app
        .get_with_token("/api/v1/admin/users", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(everyone["total"], 2);
    let wildcard: Value = app
        .get_with_token("/api/v1/admin/users?query=%25", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        wildcard["total"], 0,
        "a % in the query matches itself, not everything"
    );
    let (status, code, _) =
        error_of(app.get_with_token("/api/v1/admin/users", &member).await).await;
    assert_eq!((status, code.as_str()), (403, "ADMIN_REQUIRED"));
    let (status, code, _) = error_of(
        app.get_with_token("/api/v1/admin/users?limit=abc", &admin)
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "VALIDATION_ERROR"));

    let upgraded: Value = patch(&admin, &member_id, json!({ "tier": "pro" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(upgraded["tier"], "pro");
    let me: Value = app
        .get_with_token("/api/v1/me", &member)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["limits"]["requests_per_minute"], 300);
    assert_eq!(me["is_active"], true);

    let (status, code, _) = error_of(
        patch(&admin, &member_id, json!({ "tier": "platinum" }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "INVALID_TIER"));
    let (status, code, _) = error_of(
        patch(&admin, "no-such-user", json!({ "tier": "pro" }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "USER_NOT_FOUND"));

    let (status, code, _) = error_of(
        patch(&admin, &member_id, json!({ "disabled": true }))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (422, "VALIDATION_ERROR"),
        "unknown fields are refused, not ignored"
    );
    let disabled: Value = patch(&admin, &member_id, json!({ "is_active": false }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(disabled["is_active"], false);
    let (status, code, _) = error_of(app.get_with_token("/api/v1/me", &member).await).await;
    assert_eq!((status, code.as_str()), (403, "ACCOUNT_DISABLED"));
    let login = app
        .post_json(
            "/api/v1/auth/login",
            json!({ "email": "member@example.com", "password": STRONG_PASSWORD }),
        )
        .await;
    let (status, code, _) = error_of(login).await;
    assert_eq!((status, code.as_str()), (403, "ACCOUNT_DISABLED"));

    let enabled: Value = patch(&admin, &member_id, json!({ "is_active": true }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(enabled["is_active"], true);
    app.login("member@example.com", STRONG_PASSWORD).await;

    let audit: Value = app
        .get_with_token("/api/v1/admin/audit", &admin)
        .await
        .json()
        .await
        .unwrap();
    let changed = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "tier_changed")
        .expect("tier change audited");
    assert_eq!(changed["user_id"], member_id.as_str());
    assert_eq!(changed["details"]["from"], "free");
    assert_eq!(changed["details"]["to"], "pro");
    assert!(audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "account_disabled"));
}
