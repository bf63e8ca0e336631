//! Pages for people with a browser: sign-in (`signin`) and the workspace of officers and
//! planners (`workspace`), driven over HTTP as a browser would.
//!
//! The client follows no redirects and keeps cookies by hand from `set-cookie` headers, as a
//! browser would.

mod follow_up;
mod signin;
mod workspace;

use std::collections::BTreeMap;

use reqwest::header::{ACCEPT, COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};

pub(crate) use super::*;

/// A browser-like client: no redirects followed, cookies kept from `set-cookie` headers.
struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new(app: &TestApp) -> Self {
        Browser {
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("a client"),
            base: app.address.clone(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &Response) {
        for line in set_cookies(response) {
            let pair = line.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || line.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }

    /// A page request, as a browser makes it (`Accept: text/html`).
    async fn get(&mut self, path: &str) -> Response {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET is answered");
        self.keep_cookies(&response);
        response
    }

    /// A form post.
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .expect("POST is answered");
        self.keep_cookies(&response);
        response
    }

    /// Opens the sign-in form and returns its CSRF token.
    async fn open_login(&mut self) -> String {
        let response = self.get("/login").await;
        assert_eq!(response.status(), StatusCode::OK);
        hidden(&response.text().await.expect("page"), "csrf")
    }

    /// Signs in through the form and returns the response.
    async fn sign_in(&mut self, username: &str, password: &str, next: &str) -> Response {
        let csrf = self.open_login().await;
        self.post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", next),
                ("csrf", &csrf),
            ],
        )
        .await
    }

    /// A GraphQL call with the browser's cookies and an optional `x-egov-csrf` header.
    async fn graphql(&self, query: &str, csrf: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .header("content-type", "application/json")
            .header(COOKIE, self.cookie_header())
            .body(json!({ "query": query }).to_string());
        if let Some(csrf) = csrf {
            request = request.header("x-egov-csrf", csrf);
        }
        let response = request.send().await.expect("GraphQL answers");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("JSON")
    }
}

fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect()
}

fn session_cookie(response: &Response) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|line| line.starts_with("egov_session=") && !line.starts_with("egov_session=;"))
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of a hidden input in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in {page}"))
        + marker.len();
    page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The session's CSRF token, read from the sign-out form on the login page.
async fn session_csrf(browser: &mut Browser) -> String {
    let page = browser.get("/login").await.text().await.expect("page");
    let start = page.find("action=\"/logout\"").expect("a sign-out form");
    hidden(&page[start..], "csrf")
}

impl Browser {
    /// A multipart form post (the report form), fields in the given order.
    async fn post_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> Response {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(ACCEPT, "text/html")
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .expect("POST is answered");
        self.keep_cookies(&response);
        response
    }

    /// Creates an account and signs it in through the form.
    async fn signed_in(app: &TestApp, username: &str, role: &str, agency: Option<&str>) -> Self {
        let password = app.add_user(username, role, agency).await;
        let mut browser = Browser::new(app);
        let response = browser.sign_in(username, &password, "/").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed in");
        browser
    }

    /// A page's body, checking its status.
    async fn page(&mut self, path: &str, status: StatusCode) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), status, "GET {path}");
        response.text().await.expect("page")
    }
}
