//! Signing in and out with a browser: `GET /login` (the form), `POST /login` and `POST /logout`.
//!
//! Sign-in goes through [`Sessions::login`], so a browser meets the same accounts, throttling and
//! Argon2id as the `login` mutation. The session lives in an `HttpOnly`, `SameSite=Lax` cookie
//! holding the session's refresh token, which the browser never spends. The sign-in form is
//! guarded by a double-submit cookie; signed-in forms by the session's own anti-forgery token
//! ([`Sessions::csrf_token`]).

use std::sync::Arc;

use askama::Template;
use poem::http::{header, StatusCode};
use poem::web::Data;
use poem::{handler, Body, Request, Response};
use sea_orm::DatabaseConnection;

use cookie::SameSite;

use super::{
    cookie, field, form_fields, html, page_lang, safe_next, see_other, Chrome, Lang, Site,
    CSRF_COOKIE, SESSION_COOKIE,
};
use crate::services::sessions::{self, BrowserSession, Sessions};

/// A failed sign-in, as shown above the form.
fn failure_message(lang: Lang, err: &crate::Error) -> &'static str {
    match (lang, err) {
        (Lang::Vi, crate::Error::TooManyRequests) => {
            "Đăng nhập sai quá nhiều lần. Hãy thử lại sau 15 phút."
        }
        (Lang::En, crate::Error::TooManyRequests) => {
            "Too many failed sign-ins. Try again in 15 minutes."
        }
        (Lang::Vi, crate::Error::InvalidCredentials) => "Tên đăng nhập hoặc mật khẩu không đúng.",
        (Lang::En, crate::Error::InvalidCredentials) => "The username or password is wrong.",
        (Lang::Vi, _) => "Không đăng nhập được do lỗi hệ thống. Hãy thử lại sau.",
        (Lang::En, _) => "Signing in failed because of an internal error. Try again later.",
    }
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: Chrome,
    next: &'a str,
    csrf: &'a str,
    username: &'a str,
    error: Option<&'a str>,
}

/// The page answering a form post without a valid anti-forgery token.
#[derive(Template)]
#[template(path = "forbidden.html")]
struct ForbiddenPage {
    chrome: Chrome,
}

/// The 403 page for a form post whose anti-forgery token is missing or wrong.
pub fn forbidden(lang: Lang) -> Response {
    let page = ForbiddenPage {
        chrome: Chrome::new(lang, None, "/login", ""),
    };
    html(StatusCode::FORBIDDEN, page.render())
}

/// A `Set-Cookie` value.
fn set_cookie(name: &str, value: &str, max_age: u64, same_site: SameSite, site: Site) -> String {
    let max_age = i64::try_from(max_age).unwrap_or(i64::MAX);
    cookie::Cookie::build((name, value))
        .max_age(cookie::time::Duration::seconds(max_age))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(site.secure_cookies)
        .build()
        .to_string()
}

/// The browser session of a request's cookie, `None` without a live one.
pub async fn session_of(
    request: &Request,
    db: &DatabaseConnection,
    sessions: &Sessions,
) -> crate::error::Result<Option<BrowserSession>> {
    let Some(token) = cookie(request, SESSION_COOKIE) else {
        return Ok(None);
    };
    match sessions.browser_session(db, token).await {
        Ok(session) => Ok(Some(session)),
        Err(crate::Error::Internal(err)) => Err(crate::Error::Internal(err)),
        Err(_) => Ok(None),
    }
}

/// A well-formed double-submit token from the `egov_csrf` cookie.
fn form_cookie_token(request: &Request) -> Option<&str> {
    cookie(request, CSRF_COOKIE).filter(|token| {
        (16..=128).contains(&token.len())
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Renders the sign-in form with its status, refreshing the double-submit cookie when needed.
#[allow(clippy::too_many_arguments)]
async fn login_form(
    request: &Request,
    db: &DatabaseConnection,
    sessions: &Sessions,
    site: Site,
    status: StatusCode,
    lang: Lang,
    next: &str,
    username: &str,
    error: Option<&str>,
) -> Response {
    let (csrf, fresh) = match form_cookie_token(request) {
        Some(token) => (token.to_owned(), false),
        None => (sessions::new_form_token(), true),
    };
    let session = match session_of(request, db, sessions).await {
        Ok(session) => session,
        Err(err) => {
            tracing::error!(error = ?err, "checking a browser session failed");
            None
        }
    };
    let query = format!("next={}", super::encode_query_value(next));
    let page = LoginPage {
        chrome: Chrome::new(lang, session.as_ref(), "/login", &query),
        next,
        csrf: &csrf,
        username,
        error,
    };
    let mut response = html(status, page.render());
    if fresh {
        let value = set_cookie(CSRF_COOKIE, &csrf, 2 * 3600, SameSite::Strict, site);
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// `GET /login`: the sign-in form (`?next=` where to go afterwards, `?lang=en` in English).
#[handler]
pub async fn login_page(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(site): Data<&Site>,
) -> Response {
    let pairs: Vec<(String, String)> = request.params().unwrap_or_default();
    let lang = page_lang(field(&pairs, "lang"));
    let next = safe_next(field(&pairs, "next"));
    login_form(
        request,
        db,
        sessions,
        *site,
        StatusCode::OK,
        lang,
        &next,
        "",
        None,
    )
    .await
}

/// `POST /login`: signs in with the form's username and password; on success sets the session
/// cookie and sends the browser on to `next` (303), otherwise shows the form again (401, or 429
/// when throttled) with the username kept. Without a matching anti-forgery token: 403.
#[handler]
pub async fn login(
    request: &Request,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(site): Data<&Site>,
) -> Response {
    let query: Vec<(String, String)> = request.params().unwrap_or_default();
    let Some(fields) = form_fields(body).await else {
        return forbidden(page_lang(field(&query, "lang")));
    };
    let lang = page_lang(field(&fields, "lang").or(field(&query, "lang")));
    let expected = form_cookie_token(request).unwrap_or_default();
    if !sessions::csrf_matches(expected, field(&fields, "csrf").unwrap_or_default()) {
        return forbidden(lang);
    }
    let next = safe_next(field(&fields, "next"));
    let username = field(&fields, "username").unwrap_or_default().trim();
    let password = field(&fields, "password").unwrap_or_default().to_owned();
    let client = request
        .remote_addr()
        .as_socket_addr()
        .map(|addr| addr.ip().to_string());
    match sessions
        .login(db, username, password, client.as_deref())
        .await
    {
        Ok(issued) => {
            let mut response = see_other(&next);
            let max_age = sessions.session_ttl.as_secs();
            let cookie = set_cookie(
                SESSION_COOKIE,
                &issued.refresh_token,
                max_age,
                SameSite::Lax,
                *site,
            );
            match header::HeaderValue::from_str(&cookie) {
                Ok(value) => {
                    response.headers_mut().append(header::SET_COOKIE, value);
                    response
                }
                Err(err) => {
                    tracing::error!(error = %err, "a session cookie could not be written");
                    html(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        Ok("internal error".into()),
                    )
                }
            }
        }
        Err(err) => {
            let status = match err {
                crate::Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
                crate::Error::InvalidCredentials | crate::Error::Unauthenticated => {
                    StatusCode::UNAUTHORIZED
                }
                crate::Error::Internal(ref cause) => {
                    tracing::error!(error = ?cause, "a browser sign-in failed");
                    StatusCode::INTERNAL_SERVER_ERROR
                }
                _ => StatusCode::BAD_REQUEST,
            };
            let message = failure_message(lang, &err);
            login_form(
                request,
                db,
                sessions,
                *site,
                status,
                lang,
                &next,
                username,
                Some(message),
            )
            .await
        }
    }
}

/// `POST /logout`: ends the browser's session at once (the whole session, as the `logout`
/// mutation does), clears the cookie and goes to `/`. A live session's form must carry its
/// anti-forgery token (403 otherwise); without a live session there is nothing to end.
#[handler]
pub async fn logout(
    request: &Request,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(site): Data<&Site>,
) -> Response {
    let fields = form_fields(body).await.unwrap_or_default();
    let lang = page_lang(field(&fields, "lang"));
    let session = match session_of(request, db, sessions).await {
        Ok(session) => session,
        Err(err) => {
            tracing::error!(error = ?err, "checking a browser session failed");
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                Ok("internal error".into()),
            );
        }
    };
    if let (Some(session), Some(token)) = (session, cookie(request, SESSION_COOKIE)) {
        if !sessions::csrf_matches(
            &session.csrf_token,
            field(&fields, "csrf").unwrap_or_default(),
        ) {
            return forbidden(lang);
        }
        if let Err(err) = sessions.logout(db, token).await {
            tracing::error!(error = ?err, "ending a browser session failed");
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                Ok("internal error".into()),
            );
        }
    }
    let mut response = see_other("/");
    let cleared = set_cookie(SESSION_COOKIE, "", 0, SameSite::Lax, *site);
    if let Ok(value) = header::HeaderValue::from_str(&cleared) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
