//! Accounts and sign-in: tokens, refresh rotation, throttling, disabled accounts, user management.

use super::*;

const LOGIN: &str = "mutation($u: String!, $p: String!) {
    login(username: $u, password: $p) { token expiresAt refreshToken user { username role agency disabled } }
}";
const REFRESH: &str = "mutation($r: String!) {
    refresh(refreshToken: $r) { token expiresAt refreshToken user { username role agency } }
}";
const LOGOUT: &str = "mutation($r: String!) { logout(refreshToken: $r) }";
const ME: &str = "{ me { username role agency disabled } }";
const USERS: &str = "{ users { username role agency disabled } }";
const CREATE_USER: &str = "mutation($input: CreateUserInput!) {
    createUser(input: $input) { username role agency disabled agencyDetail { code } }
}";
const DISABLE_USER: &str =
    "mutation($u: String!) { disableUser(username: $u) { username disabled } }";
const RESET_PASSWORD: &str = "mutation($u: String!, $p: String!) {
    resetUserPassword(username: $u, password: $p) { username disabled }
}";

/// The answer an invalid token gets: HTTP 401 with one `UNAUTHENTICATED` error.
fn assert_refused_with_401(status: u16, body: &Value, what: &str) {
    assert_eq!(status, 401, "{what}: {body}");
    assert_eq!(
        codes(
            body["errors"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
        ),
        ["UNAUTHENTICATED"],
        "{what}: {body}"
    );
    assert!(
        body.get("data").is_none(),
        "{what}: nothing is answered: {body}"
    );
}

/// Posts `{ me { username } }` with a raw `Authorization` header value.
async fn me_with_header(app: &TestApp, authorization: &str) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .header("authorization", authorization)
        .body(json!({ "query": ME }).to_string())
        .send()
        .await
        .expect("request is sent");
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.expect("a JSON answer");
    (status, body)
}

/// Posts an operation with a bearer token; the HTTP status and the JSON answer.
async fn post_with_token(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    app.post_as(
        Some(token),
        json!({ "query": query, "variables": variables }).to_string(),
    )
    .await
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url (RFC 4648 §5), as JWTs use it.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// Decodes unpadded base64url.
fn base64url_decode(text: &str) -> Vec<u8> {
    let sextets: Vec<u32> = text
        .bytes()
        .map(|c| {
            BASE64URL
                .iter()
                .position(|x| *x == c)
                .unwrap_or_else(|| panic!("{c} is a base64url character")) as u32
        })
        .collect();
    let mut out = Vec::new();
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, s)| n | (s << (18 - 6 * i)));
        for i in 0..chunk.len().saturating_sub(1) {
            out.push(((n >> (16 - 8 * i)) & 255) as u8);
        }
    }
    out
}

/// The three parts of a JWT with header and payload decoded.
fn jwt_parts(token: &str) -> (Value, Value, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts: {token}");
    let header = serde_json::from_slice(&base64url_decode(parts[0])).expect("JSON header");
    let payload = serde_json::from_slice(&base64url_decode(parts[1])).expect("JSON payload");
    (header, payload, parts[2].to_owned())
}

fn jwt_segment(value: &Value) -> String {
    base64url_encode(value.to_string().as_bytes())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Claims as the service issues them, for `username`, valid for another ten minutes.
pub(crate) fn claims_for(username: &str, role: &str, agency: Option<&str>) -> api::auth::Claims {
    let now = unix_now();
    api::auth::Claims {
        sub: username.to_owned(),
        role: role.to_owned(),
        agency: agency.map(str::to_owned),
        iat: now,
        exp: now + 600,
        iss: api::auth::ISSUER.to_owned(),
        aud: api::auth::AUDIENCE.to_owned(),
        typ: api::auth::ACCESS_TYPE.to_owned(),
        sid: "no-such-session".to_owned(),
    }
}

/// Signs claims with the service's own secret (read from its data directory).
pub(crate) fn sign_with_service_key(app: &TestApp, claims: &api::auth::Claims) -> String {
    let secret = api::auth::load_secret(&app.config).expect("the service's secret");
    api::auth::Keys::new(&secret)
        .expect("keys")
        .sign(claims)
        .expect("a signed token")
}

#[test]
fn the_local_base64url_coder_round_trips() {
    for text in [
        "",
        "f",
        "fo",
        "foo",
        "foob",
        "fooba",
        "foobar",
        "{\"alg\":\"none\"}",
    ] {
        assert_eq!(
            base64url_decode(&base64url_encode(text.as_bytes())),
            text.as_bytes()
        );
    }
    assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64url_encode(b"fo"), "Zm8");
    assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
}

app_test!(
    async fn signing_in_returns_a_short_lived_token_a_refresh_token_and_the_account(app) {
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        let login = app
            .data(LOGIN, json!({ "u": "syt.officer", "p": password }))
            .await["login"]
            .clone();
        assert_eq!(
            login["user"],
            json!({ "username": "syt.officer", "role": "AGENCY", "agency": "SYT", "disabled": false })
        );
        let token = login["token"].as_str().expect("a token");
        let refresh = login["refreshToken"].as_str().expect("a refresh token");
        assert!(refresh.len() >= 32 && !refresh.contains('.'), "the refresh token is opaque, not a JWT");
        assert!(login["expiresAt"].as_str().is_some_and(|t| t.len() >= 20), "{}", login["expiresAt"]);

        let (header, claims, signature) = jwt_parts(token);
        assert_eq!(header["alg"], "HS256");
        assert!(!signature.is_empty());
        assert_eq!(claims["sub"], "syt.officer");
        assert_eq!(claims["role"], "AGENCY");
        assert_eq!(claims["agency"], "SYT");
        assert_eq!(claims["iss"], "egov-tracker");
        assert_eq!(claims["aud"], "egov-tracker-api");
        assert_eq!(claims["typ"], "access");
        let (iat, exp) = (claims["iat"].as_i64().unwrap_or_default(), claims["exp"].as_i64().unwrap_or_default());
        assert_eq!(exp - iat, 30 * 60, "access tokens last 30 minutes");
        assert!((iat - unix_now()).abs() < 60);

        let me = app.data_as(Some(token), ME, json!({})).await;
        assert_eq!(
            me["me"],
            json!({ "username": "syt.officer", "role": "AGENCY", "agency": "SYT", "disabled": false })
        );
        let anonymous = app.data(ME, json!({})).await;
        assert!(anonymous["me"].is_null(), "anonymous readers are nobody: {anonymous}");

        let leader = app.add_user("ubnd.leader", "leader", None).await;
        let login = app.data(LOGIN, json!({ "u": " UBND.Leader ", "p": leader })).await;
        assert_eq!(
            login["login"]["user"],
            json!({ "username": "ubnd.leader", "role": "LEADER", "agency": null, "disabled": false }),
            "usernames are matched without regard to case or surrounding spaces"
        );
    }
);

app_test!(
    async fn a_wrong_password_and_an_unknown_user_get_the_same_refusal(app) {
        let password = app.add_user("dic.planner", "planner", None).await;
        let wrong = app
            .graphql(LOGIN, json!({ "u": "dic.planner", "p": "not-the-password-at-all" }))
            .await;
        let unknown = app
            .graphql(LOGIN, json!({ "u": "nobody.here", "p": password }))
            .await;
        for response in [&wrong, &unknown] {
            assert!(response["data"].is_null(), "no tokens: {response}");
            let errors = response["errors"].as_array().cloned().unwrap_or_default();
            assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        }
        assert_eq!(
            wrong["errors"][0]["message"], unknown["errors"][0]["message"],
            "the refusal never says whether the account exists"
        );
        let message = wrong["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
        assert!(!message.contains("not found") && !message.contains("exist"), "{message}");
        assert_eq!(app.login("dic.planner", &password).await.0.split('.').count(), 3);
    }
);

app_test!(
    async fn after_ten_failed_sign_ins_even_the_right_password_is_refused_for_a_while(app) {
        let password = app.add_user("sxd.officer", "agency", Some("SXD")).await;
        let other = app.add_user("syt.officer", "agency", Some("SYT")).await;
        for attempt in 1..=10 {
            let errors = app
                .errors(LOGIN, json!({ "u": "sxd.officer", "p": format!("wrong-password-{attempt:02}") }))
                .await;
            assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "attempt {attempt}");
        }
        let errors = app.errors(LOGIN, json!({ "u": "sxd.officer", "p": password })).await;
        assert_eq!(codes(&errors), ["TOO_MANY_REQUESTS"], "the 11th attempt is throttled even with the right password");
        let errors = app.errors(LOGIN, json!({ "u": "SXD.Officer", "p": password })).await;
        assert_eq!(codes(&errors), ["TOO_MANY_REQUESTS"], "changing the case of the username does not help");
        let errors = app.errors(LOGIN, json!({ "u": "syt.officer", "p": other })).await;
        assert_eq!(codes(&errors), ["TOO_MANY_REQUESTS"], "the same client is throttled for other accounts too");
        let unknown = app.errors(LOGIN, json!({ "u": "nobody.here", "p": "whatever-password" })).await;
        assert_eq!(codes(&unknown), ["TOO_MANY_REQUESTS"]);
        assert_eq!(errors[0]["message"], unknown[0]["message"], "throttling does not reveal which accounts exist");
    }
);

app_test!(
    async fn refreshing_rotates_the_tokens_and_reusing_a_spent_refresh_token_ends_the_session(app) {
        let password = app.add_user("stttt.officer", "agency", Some("STTTT")).await;
        let (_, first_refresh) = app.login("stttt.officer", &password).await;

        let refreshed = app.data(REFRESH, json!({ "r": first_refresh })).await["refresh"].clone();
        assert_eq!(
            refreshed["user"],
            json!({ "username": "stttt.officer", "role": "AGENCY", "agency": "STTTT" })
        );
        let second_token = refreshed["token"].as_str().expect("a new token").to_owned();
        let second_refresh = refreshed["refreshToken"].as_str().expect("a new refresh token").to_owned();
        assert_ne!(second_refresh, first_refresh, "the refresh token rotates");
        assert!(refreshed["expiresAt"].is_string());
        let me = app.data_as(Some(&second_token), ME, json!({})).await;
        assert_eq!(me["me"]["username"], "stttt.officer", "the new access token works");

        let errors = app.errors(REFRESH, json!({ "r": first_refresh })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "a refresh token works once");
        let errors = app.errors(REFRESH, json!({ "r": second_refresh })).await;
        assert_eq!(
            codes(&errors),
            ["UNAUTHENTICATED"],
            "presenting a spent refresh token revokes the whole session, including its newest refresh token"
        );

        let (_, other_session) = app.login("stttt.officer", &password).await;
        let refreshed = app.data(REFRESH, json!({ "r": other_session })).await;
        assert!(refreshed["refresh"]["token"].is_string(), "another sign-in is a separate session");

        let errors = app.errors(REFRESH, json!({ "r": "not-a-refresh-token" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        let (status, body) = post_with_token(&app, &first_refresh, ME, json!({})).await;
        assert_refused_with_401(status, &body, "a refresh token is not an access token");
    }
);

app_test!(
    async fn logging_out_ends_the_session(app) {
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        let (first_access, refresh) = app.login("syt.officer", &password).await;
        let (other_access, other_refresh) = app.login("syt.officer", &password).await;
        let refreshed = app.data(REFRESH, json!({ "r": refresh })).await;
        let rotated = refreshed["refresh"]["refreshToken"].as_str().expect("a new refresh token").to_owned();
        let rotated_access = refreshed["refresh"]["token"].as_str().expect("a new access token").to_owned();

        let out = app.data(LOGOUT, json!({ "r": rotated })).await;
        assert_eq!(out["logout"], true);
        let errors = app.errors(REFRESH, json!({ "r": rotated })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "the session's refresh token no longer works");
        for access in [&first_access, &rotated_access] {
            let (status, body) = post_with_token(&app, access, ME, json!({})).await;
            assert_refused_with_401(status, &body, "an access token of the ended session");
        }
        assert_eq!(app.data_as(Some(&other_access), ME, json!({})).await["me"]["username"], "syt.officer");
        let out = app.data(LOGOUT, json!({ "r": "no-such-refresh-token" })).await;
        assert_eq!(out["logout"], false, "an unknown refresh token ends nothing");

        let refreshed = app.data(REFRESH, json!({ "r": other_refresh })).await;
        assert!(refreshed["refresh"]["token"].is_string(), "logging out ends only that session");
    }
);

app_test!(
    async fn a_disabled_account_is_refused_at_once_and_cannot_sign_in(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        let (token, refresh) = app.login("syt.officer", &password).await;
        assert_eq!(app.data_as(Some(&token), ME, json!({})).await["me"]["username"], "syt.officer");

        let disabled = app.data_as(Some(&planner), DISABLE_USER, json!({ "u": "syt.officer" })).await;
        assert_eq!(disabled["disableUser"], json!({ "username": "syt.officer", "disabled": true }));

        let (status, body) = post_with_token(&app, &token, ME, json!({})).await;
        assert_refused_with_401(status, &body, "the disabled account's existing token");
        let (status, body) = post_with_token(
            &app,
            &token,
            "mutation { updateTaskStatus(input: { taskNumber: 24, progress: 10 }) { version } }",
            json!({}),
        )
        .await;
        assert_refused_with_401(status, &body, "the disabled account cannot report");
        let task = app.data("{ task(number: 24) { version history { progress } } }", json!({})).await;
        assert_eq!(task["task"], json!({ "version": 1, "history": [] }));

        let errors = app.errors(REFRESH, json!({ "r": refresh })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "its session cannot be refreshed");
        let errors = app.errors(LOGIN, json!({ "u": "syt.officer", "p": password })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "it cannot sign in with the right password");

        let users = app.data_as(Some(&planner), USERS, json!({})).await;
        let listed = users["users"].as_array().cloned().unwrap_or_default();
        assert!(listed.contains(&json!({ "username": "syt.officer", "role": "AGENCY", "agency": "SYT", "disabled": true })));
        let errors = app.errors_as(Some(&planner), DISABLE_USER, json!({ "u": "nobody.here" })).await;
        assert_eq!(codes(&errors), ["NOT_FOUND"]);
    }
);

app_test!(
    async fn resetting_a_password_ends_the_sessions_and_only_the_new_password_works(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let password = app.add_user("sxd.officer", "agency", Some("SXD")).await;
        let (_, refresh) = app.login("sxd.officer", &password).await;

        let errors = app
            .errors_as(Some(&planner), RESET_PASSWORD, json!({ "u": "sxd.officer", "p": "short" }))
            .await;
        assert_eq!(codes(&errors), ["BAD_INPUT"], "the new password needs 12 characters");
        let refreshed = app.data(REFRESH, json!({ "r": refresh })).await;
        let refresh = refreshed["refresh"]["refreshToken"].as_str().expect("still a session").to_owned();

        let reset = app
            .data_as(Some(&planner), RESET_PASSWORD, json!({ "u": "sxd.officer", "p": "a-brand-new-passphrase" }))
            .await;
        assert_eq!(reset["resetUserPassword"], json!({ "username": "sxd.officer", "disabled": false }));
        let errors = app.errors(REFRESH, json!({ "r": refresh })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "the old session is over");
        let errors = app.errors(LOGIN, json!({ "u": "sxd.officer", "p": password })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "the old password no longer works");
        let (token, _) = app.login("sxd.officer", "a-brand-new-passphrase").await;
        assert_eq!(app.data_as(Some(&token), ME, json!({})).await["me"]["username"], "sxd.officer");
        let errors = app
            .errors_as(Some(&planner), RESET_PASSWORD, json!({ "u": "nobody.here", "p": "a-brand-new-passphrase" }))
            .await;
        assert_eq!(codes(&errors), ["NOT_FOUND"]);
    }
);

app_test!(
    async fn an_access_token_issued_before_a_password_reset_stops_working(app) {
        // `resetUserPassword` "sets a new password and ends the account's sessions"; a password is
        // reset because it leaked, so a token obtained with the old one must not keep working.
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let password = app.add_user("sxd.officer", "agency", Some("SXD")).await;
        let (token, _) = app.login("sxd.officer", &password).await;
        app.data_as(Some(&planner), RESET_PASSWORD, json!({ "u": "sxd.officer", "p": "a-brand-new-passphrase" }))
            .await;
        let (status, body) = post_with_token(&app, &token, ME, json!({})).await;
        assert_refused_with_401(status, &body, "an access token from before the reset");
    }
);

app_test!(
    async fn only_planners_manage_accounts(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let agency = app.signed_in("syt.officer", "agency", Some("SYT")).await;
        let leader = app.signed_in("ubnd.leader", "leader", None).await;
        let new_account = json!({ "input": {
            "username": "stttt.officer", "password": "a-long-enough-passphrase", "role": "AGENCY", "agencyCode": "STTTT"
        } });

        for (who, token) in [("agency", &agency), ("leader", &leader)] {
            let errors = app.errors_as(Some(token), CREATE_USER, new_account.clone()).await;
            assert_eq!(codes(&errors), ["FORBIDDEN"], "{who} createUser");
            let errors = app.errors_as(Some(token), USERS, json!({})).await;
            assert_eq!(codes(&errors), ["FORBIDDEN"], "{who} users");
            let errors = app.errors_as(Some(token), DISABLE_USER, json!({ "u": "dic.planner" })).await;
            assert_eq!(codes(&errors), ["FORBIDDEN"], "{who} disableUser");
            let errors = app
                .errors_as(Some(token), RESET_PASSWORD, json!({ "u": "dic.planner", "p": "taken-over-passphrase" }))
                .await;
            assert_eq!(codes(&errors), ["FORBIDDEN"], "{who} resetUserPassword");
        }
        let errors = app.errors(CREATE_USER, new_account.clone()).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        let errors = app.errors(USERS, json!({})).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        let errors = app.errors(DISABLE_USER, json!({ "u": "dic.planner" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);
        let errors = app
            .errors(RESET_PASSWORD, json!({ "u": "dic.planner", "p": "taken-over-passphrase" }))
            .await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"]);

        let users = app.data_as(Some(&planner), USERS, json!({})).await;
        assert_eq!(
            users["users"],
            json!([
                { "username": "dic.planner", "role": "PLANNER", "agency": null, "disabled": false },
                { "username": "syt.officer", "role": "AGENCY", "agency": "SYT", "disabled": false },
                { "username": "ubnd.leader", "role": "LEADER", "agency": null, "disabled": false },
            ]),
            "the refused calls created, disabled and reset nothing"
        );
        let planner_again = app.login("dic.planner", "dic.planner-pass-phrase-123").await.0;
        assert_eq!(app.data_as(Some(&planner_again), ME, json!({})).await["me"]["disabled"], false);

        let created = app.data_as(Some(&planner), CREATE_USER, new_account).await;
        assert_eq!(
            created["createUser"],
            json!({ "username": "stttt.officer", "role": "AGENCY", "agency": "STTTT", "disabled": false, "agencyDetail": { "code": "STTTT" } })
        );
        let (token, _) = app.login("stttt.officer", "a-long-enough-passphrase").await;
        assert_eq!(app.data_as(Some(&token), ME, json!({})).await["me"]["agency"], "STTTT");
    }
);

app_test!(
    async fn new_accounts_are_checked_before_they_are_created(app) {
        let planner = app.signed_in("dic.planner", "planner", None).await;
        let attempt = |username: &str, password: &str, role: &str, agency: Option<&str>| {
            json!({ "input": { "username": username, "password": password, "role": role, "agencyCode": agency } })
        };
        let refused = [
            (attempt("no.agency", "a-long-enough-passphrase", "AGENCY", None), "BAD_INPUT", "an agency account needs an agency"),
            (attempt("blank.agency", "a-long-enough-passphrase", "AGENCY", Some("  ")), "BAD_INPUT", "a blank agency code is none"),
            (attempt("bad.agency", "a-long-enough-passphrase", "AGENCY", Some("NO_SUCH")), "BAD_INPUT", "the agency must exist"),
            (attempt("leader.agency", "a-long-enough-passphrase", "LEADER", Some("SYT")), "BAD_INPUT", "only agency accounts have an agency"),
            (attempt("short.pass", "elevenchars", "PLANNER", None), "BAD_INPUT", "passwords need 12 characters"),
            (attempt("long.pass", &"p".repeat(129), "PLANNER", None), "BAD_INPUT", "passwords have at most 128 characters"),
            (attempt("Có Dấu", "a-long-enough-passphrase", "PLANNER", None), "BAD_INPUT", "usernames are plain"),
            (attempt("dic.planner", "a-long-enough-passphrase", "PLANNER", None), "CONFLICT", "the username is taken"),
            (attempt(" DIC.Planner ", "a-long-enough-passphrase", "LEADER", None), "CONFLICT", "usernames ignore case"),
        ];
        for (input, code, why) in refused {
            let errors = app.errors_as(Some(&planner), CREATE_USER, input.clone()).await;
            assert_eq!(codes(&errors), [code], "{why}: {input}");
        }
        let users = app.data_as(Some(&planner), USERS, json!({})).await;
        assert_eq!(codes_of_users(&users["users"]), ["dic.planner"], "nothing was created");

        let created = app
            .data_as(Some(&planner), CREATE_USER, attempt("twelve.chars", "exactly12chr", "LEADER", None))
            .await;
        assert_eq!(created["createUser"]["username"], "twelve.chars", "12 characters are enough");
        let created = app
            .data_as(Some(&planner), CREATE_USER, attempt(" New.Planner ", "mật-khẩu-đủ-dài", "PLANNER", None))
            .await;
        assert_eq!(created["createUser"]["username"], "new.planner", "usernames are stored in lower case");
        let (token, _) = app.login("new.planner", "mật-khẩu-đủ-dài").await;
        assert_eq!(app.data_as(Some(&token), ME, json!({})).await["me"]["role"], "PLANNER");
    }
);

fn codes_of_users(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|users| {
            users
                .iter()
                .map(|u| u["username"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

app_test!(
    async fn forged_and_malformed_tokens_are_refused_with_401(app) {
        let password = app.add_user("syt.officer", "agency", Some("SYT")).await;
        app.add_user("dic.planner", "planner", None).await;
        let (token, refresh) = app.login("syt.officer", &password).await;
        let (header, claims, signature) = jwt_parts(&token);
        let create = json!({ "input": {
            "username": "intruder", "password": "a-long-enough-passphrase", "role": "PLANNER"
        } });
        let create_user = "mutation($input: CreateUserInput!) { createUser(input: $input) { username } }";

        let none_header = jwt_segment(&json!({ "alg": "none", "typ": "JWT" }));
        let mut as_planner = claims.clone();
        as_planner["role"] = json!("PLANNER");
        as_planner["agency"] = Value::Null;
        let mut as_other_user = claims.clone();
        as_other_user["sub"] = json!("dic.planner");
        let mut longer = claims.clone();
        longer["exp"] = json!(claims["exp"].as_i64().unwrap_or_default() + 365 * 24 * 3600);
        let mut hs512 = header.clone();
        hs512["alg"] = json!("HS512");
        let payload = jwt_segment(&claims);
        let forged = [
            ("alg none without a signature", format!("{none_header}.{}.", jwt_segment(&as_planner))),
            ("alg none, two parts", format!("{none_header}.{}", jwt_segment(&as_planner))),
            ("alg none keeping the real signature", format!("{none_header}.{payload}.{signature}")),
            ("role changed in the payload", format!("{}.{}.{signature}", jwt_segment(&header), jwt_segment(&as_planner))),
            ("sub changed in the payload", format!("{}.{}.{signature}", jwt_segment(&header), jwt_segment(&as_other_user))),
            ("expiry pushed back", format!("{}.{}.{signature}", jwt_segment(&header), jwt_segment(&longer))),
            ("algorithm changed in the header", format!("{}.{payload}.{signature}", jwt_segment(&hs512))),
            ("signature removed", format!("{}.{payload}.", jwt_segment(&header))),
            ("garbage", "not-a-token".to_owned()),
            ("garbage in three parts", "aaa.bbb.ccc".to_owned()),
            ("the refresh token", refresh.clone()),
        ];
        for (what, forged) in &forged {
            let (status, body) = post_with_token(&app, forged, ME, json!({})).await;
            assert_refused_with_401(status, &body, what);
            let (status, body) = post_with_token(&app, forged, create_user, create.clone()).await;
            assert_refused_with_401(status, &body, what);
        }

        // Tokens signed with the right algorithm whose claims are wrong, or with another key.
        let wrong_key = api::auth::Keys::new(b"another-secret-another-secret-another")
            .expect("keys")
            .sign(&claims_for("dic.planner", "PLANNER", None))
            .expect("a token");
        let mut expired = claims_for("syt.officer", "AGENCY", Some("SYT"));
        expired.iat -= 3600;
        expired.exp = unix_now() - 120;
        let mut wrong_type = claims_for("syt.officer", "AGENCY", Some("SYT"));
        wrong_type.typ = "refresh".to_owned();
        let mut wrong_audience = claims_for("syt.officer", "AGENCY", Some("SYT"));
        wrong_audience.aud = "some-other-api".to_owned();
        let mut wrong_issuer = claims_for("syt.officer", "AGENCY", Some("SYT"));
        wrong_issuer.iss = "someone-else".to_owned();
        let signed = [
            ("signed with another key", wrong_key),
            ("expired", sign_with_service_key(&app, &expired)),
            ("not an access token", sign_with_service_key(&app, &wrong_type)),
            ("for another audience", sign_with_service_key(&app, &wrong_audience)),
            ("from another issuer", sign_with_service_key(&app, &wrong_issuer)),
            ("for an account that does not exist", sign_with_service_key(&app, &claims_for("ghost", "PLANNER", None))),
        ];
        for (what, forged) in &signed {
            let (status, body) = post_with_token(&app, forged, ME, json!({})).await;
            assert_refused_with_401(status, &body, what);
            let (status, body) = post_with_token(&app, forged, create_user, create.clone()).await;
            assert_refused_with_401(status, &body, what);
        }

        for (what, header) in [
            ("no Bearer scheme", token.clone()),
            ("another scheme", format!("Basic {token}")),
            ("Bearer with no token", "Bearer ".to_owned()),
            ("Bearer alone", "Bearer".to_owned()),
        ] {
            let (status, body) = me_with_header(&app, &header).await;
            assert_refused_with_401(status, &body, what);
        }
        let (status, body) = me_with_header(&app, &format!("bearer {token}")).await;
        assert_eq!(status, 200, "the scheme is case-insensitive: {body}");
        assert_eq!(body["data"]["me"]["username"], "syt.officer");

        // A genuine token that claims more than the account has: the database decides.
        let mut claims = claims_for("syt.officer", "PLANNER", None);
        claims.sid = jwt_parts(&token).1["sid"].as_str().expect("a session id").to_owned();
        let overreaching = sign_with_service_key(&app, &claims);
        let (status, body) = post_with_token(&app, &overreaching, create_user, create.clone()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(codes(body["errors"].as_array().map(Vec::as_slice).unwrap_or_default()), ["FORBIDDEN"]);
        let me = app.data_as(Some(&overreaching), ME, json!({})).await;
        assert_eq!(me["me"]["role"], "AGENCY", "the account's stored role counts, not the token's claim");

        let errors = app.errors(LOGIN, json!({ "u": "intruder", "p": "a-long-enough-passphrase" })).await;
        assert_eq!(codes(&errors), ["UNAUTHENTICATED"], "no forged request created an account");
        let me = app.data_as(Some(&token), ME, json!({})).await;
        assert_eq!(me["me"]["username"], "syt.officer", "the genuine token still works");
    }
);
