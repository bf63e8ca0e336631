//! Signing in with a browser: the `/login` form, the session cookie, CSRF tokens, `next`
//! redirects, sign-out, and how the cookie counts for reads and for GraphQL.
//!
//! The client follows no redirects and keeps cookies by hand from `set-cookie` headers, as a
//! browser would.

use reqwest::StatusCode;

use super::*;

app_test!(
    async fn the_login_page_speaks_vietnamese_by_default_and_english_on_request(app) {
        let mut browser = Browser::new(&app);
        let response = browser.get("/login").await;
        assert_eq!(response.status(), StatusCode::OK);
        let csrf_cookie = set_cookies(&response)
            .into_iter()
            .find(|line| line.starts_with("egov_csrf="))
            .expect("a CSRF cookie");
        assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Strict"));
        let page = response.text().await.expect("page");
        assert!(page.contains("<html lang=\"vi\">"));
        assert!(page.contains("<label for=\"username\">Tên đăng nhập</label>"));
        assert!(page.contains("<label for=\"password\">Mật khẩu</label>"));
        assert!(page.contains("name=\"viewport\""));
        assert_eq!(hidden(&page, "next"), "/");

        let page = browser
            .get("/login?lang=en&next=%2Freports%2Ftasks.csv")
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("<label for=\"username\">Username</label>"));
        assert!(page.contains("<label for=\"password\">Password</label>"));
        assert_eq!(hidden(&page, "next"), "/reports/tasks.csv");
    }
);

app_test!(
    async fn a_good_sign_in_sets_a_strict_session_cookie_and_goes_to_next(app) {
        let password = app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        let response = browser
            .sign_in("stp.officer", &password, "/reports/tasks.csv?lang=en")
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/reports/tasks.csv?lang=en");
        let cookie = session_cookie(&response).expect("a session cookie");
        for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=28800"] {
            assert!(cookie.contains(attribute), "{attribute} in {cookie}");
        }
        assert!(!cookie.contains("Secure"), "no Secure over http: {cookie}");
    }
);

app_test!(
    async fn behind_an_https_public_url_the_cookies_are_secure(
        app,
        |config| config.public_url = Some("https://egov.haiduong.gov.vn".into())
    ) {
        let password = app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        let response = browser.get("/login").await;
        assert!(set_cookies(&response)
            .iter()
            .any(|line| line.starts_with("egov_csrf=") && line.contains("; Secure")));
        browser.cookies.clear();
        let response = browser.sign_in("stp.officer", &password, "/").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = session_cookie(&response).expect("a session cookie");
        assert!(cookie.contains("; Secure"), "{cookie}");
    }
);

app_test!(
    async fn a_wrong_password_shows_the_form_again_with_401_and_no_session(app) {
        app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        let response = browser
            .sign_in("stp.officer", "not-the-password", "/")
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(session_cookie(&response).is_none());
        let page = response.text().await.expect("page");
        assert!(page.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
        assert!(page.contains("value=\"stp.officer\""), "the username is kept");
        assert!(!page.contains("not-the-password"), "the password is not");
    }
);

app_test!(
    async fn a_sign_in_without_the_right_csrf_token_is_refused_and_signs_nobody_in(app) {
        let password = app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        browser.open_login().await;
        for csrf in [None, Some("wrong-token-wrong-token")] {
            let mut form = vec![
                ("username", "stp.officer"),
                ("password", password.as_str()),
                ("next", "/"),
            ];
            if let Some(csrf) = csrf {
                form.push(("csrf", csrf));
            }
            let response = browser.post("/login", &form).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{csrf:?}");
            assert!(session_cookie(&response).is_none());
            assert!(response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html")));
        }
        // Without the cookie, the form's token alone is not enough either.
        let csrf = browser.open_login().await;
        browser.cookies.clear();
        let response = browser
            .post(
                "/login",
                &[("username", "stp.officer"), ("password", &password), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(session_cookie(&response).is_none());
    }
);

app_test!(
    async fn next_outside_this_site_lands_on_the_home_page(app) {
        let password = app.add_user("stp.officer", "agency", Some("STP")).await;
        for next in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
            let mut browser = Browser::new(&app);
            let response = browser.sign_in("stp.officer", &password, next).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next}");
            assert_eq!(location(&response), "/", "{next}");
        }
    }
);

app_test!(
    async fn with_sign_in_required_browsers_are_sent_to_sign_in_and_come_back(app, |config| config.require_sign_in = true) {
        let mut browser = Browser::new(&app);
        let response = browser.get("/").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/login?next=%2F");
        let response = browser.get("/reports/tasks.csv?lang=en").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&response),
            "/login?next=%2Freports%2Ftasks.csv%3Flang%3Den"
        );
        let response = browser.get("/graphql").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/login?next=%2Fgraphql");

        let api = app
            .client
            .get(format!("{}/", app.address))
            .send()
            .await
            .expect("answered");
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        let body: Value = api.json().await.expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        let password = app.add_user("a.leader", "leader", None).await;
        let page = browser
            .get("/login?next=%2Freports%2Ftasks.csv")
            .await
            .text()
            .await
            .expect("page");
        let (csrf, next) = (hidden(&page, "csrf"), hidden(&page, "next"));
        let response = browser
            .post(
                "/login",
                &[
                    ("username", "a.leader"),
                    ("password", &password),
                    ("next", &next),
                    ("csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/reports/tasks.csv");
        assert_eq!(browser.get("/").await.status(), StatusCode::OK);
        let download = browser.get("/reports/tasks.csv").await;
        assert_eq!(download.status(), StatusCode::OK);
        assert!(download
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/csv")));
        let graphiql = browser.get("/graphql").await;
        assert_eq!(graphiql.status(), StatusCode::OK);
        let csrf = session_csrf(&mut browser).await;
        assert!(graphiql.text().await.expect("page").contains(&csrf));
    }
);

app_test!(
    async fn signing_out_ends_the_session_at_once(app, |config| config.require_sign_in = true) {
        let password = app.add_user("a.leader", "leader", None).await;
        let mut browser = Browser::new(&app);
        browser.sign_in("a.leader", &password, "/").await;
        assert_eq!(browser.get("/").await.status(), StatusCode::OK);
        let kept = browser.cookies.clone();
        let csrf = session_csrf(&mut browser).await;

        let refused = browser.post("/logout", &[("csrf", "not-the-token")]).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(browser.get("/").await.status(), StatusCode::OK, "still signed in");

        let response = browser.post("/logout", &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/");
        assert!(set_cookies(&response)
            .iter()
            .any(|line| line.starts_with("egov_session=;") && line.contains("Max-Age=0")));
        browser.cookies = kept;
        assert_eq!(browser.get("/").await.status(), StatusCode::SEE_OTHER);
    }
);

app_test!(
    async fn disabling_the_account_ends_its_browser_session(app, |config| config.require_sign_in = true) {
        let password = app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        browser.sign_in("stp.officer", &password, "/").await;
        assert_eq!(browser.get("/").await.status(), StatusCode::OK);
        let planner = app.signed_in("dic.planner", "planner", None).await;
        app.data_as(
            Some(&planner),
            "mutation { disableUser(username: \"stp.officer\") { disabled } }",
            json!({}),
        )
        .await;
        assert_eq!(browser.get("/").await.status(), StatusCode::SEE_OTHER);
    }
);

app_test!(
    async fn resetting_the_password_ends_its_browser_session(app, |config| config.require_sign_in = true) {
        let password = app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        browser.sign_in("stp.officer", &password, "/").await;
        assert_eq!(browser.get("/").await.status(), StatusCode::OK);
        api::services::users::reset_password(&app.db, "stp.officer", "a-new-pass-phrase-456".into())
            .await
            .expect("reset");
        assert_eq!(browser.get("/").await.status(), StatusCode::SEE_OTHER);
    }
);

app_test!(
    async fn graphql_counts_the_cookie_only_with_the_csrf_header(app) {
        let password = app.add_user("a.leader", "leader", None).await;
        let mut browser = Browser::new(&app);
        browser.sign_in("a.leader", &password, "/").await;
        let csrf = session_csrf(&mut browser).await;

        let anonymous = browser.graphql("{ me { username } }", None).await;
        assert_eq!(anonymous["data"]["me"], Value::Null, "{anonymous}");
        let wrong = browser
            .graphql("{ me { username } }", Some("0123456789abcdef"))
            .await;
        assert_eq!(wrong["data"]["me"], Value::Null, "{wrong}");
        let refused = browser
            .graphql(
                "mutation { disableUser(username: \"a.leader\") { disabled } }",
                None,
            )
            .await;
        assert_eq!(codes(refused["errors"].as_array().expect("errors")), ["UNAUTHENTICATED"]);

        let signed_in = browser.graphql("{ me { username } }", Some(&csrf)).await;
        assert_eq!(signed_in["data"]["me"]["username"], "a.leader", "{signed_in}");
    }
);

app_test!(
    async fn eleven_failed_sign_ins_through_the_form_are_throttled(app) {
        app.add_user("stp.officer", "agency", Some("STP")).await;
        let mut browser = Browser::new(&app);
        for attempt in 1..=10 {
            let response = browser.sign_in("stp.officer", "wrong-password", "/").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
        }
        let response = browser.sign_in("stp.officer", "wrong-password", "/").await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let page = response.text().await.expect("page");
        assert!(page.contains("Đăng nhập sai quá nhiều lần"));
        assert!(page.contains("value=\"stp.officer\""));
    }
);
