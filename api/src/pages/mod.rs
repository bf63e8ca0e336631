//! Server-rendered pages for people using a browser, and the browser-facing pieces every route
//! shares: the session cookie, the language of a page, and the `next` address a sign-in returns
//! to.
//!
//! Pages are askama templates under `api/templates/` (checked at compile time, HTML-escaped
//! automatically). They work without JavaScript, in Vietnamese by default and in English with
//! `?lang=en`. Handlers stay thin: the rules live in `crate::services`.

pub mod explanations;
pub mod rounds;
pub mod signin;
pub mod workspace;

use askama::Template;
use entities::UserRole;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use poem::http::{header, StatusCode};
use poem::{Request, Response};

use crate::services::sessions::BrowserSession;

/// Name of the cookie holding a browser's session token.
pub const SESSION_COOKIE: &str = "egov_session";
/// Name of the double-submit cookie that guards the sign-in form.
pub const CSRF_COOKIE: &str = "egov_csrf";
/// Header a signed-in browser's GraphQL calls carry with the session's anti-forgery token; a
/// cross-site form cannot send it.
pub const CSRF_HEADER: &str = "x-egov-csrf";

/// How this site is reached by browsers, for the attributes of its cookies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Site {
    /// Whether cookies are marked `Secure` (the configured public URL is https).
    pub secure_cookies: bool,
}

pub use reports::model::Lang;

/// The language a page asks for with `lang`: English for `en`, Vietnamese otherwise.
pub fn page_lang(value: Option<&str>) -> Lang {
    value.and_then(Lang::parse).unwrap_or_default()
}

/// The signed-in account as the header of every page shows it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub username: String,
    /// The session's anti-forgery token, for the sign-out form and every other form.
    pub csrf: String,
    pub role: UserRole,
}

impl SignedIn {
    /// Whether the account belongs to an agency (and has a `/my` page).
    pub fn is_agency(&self) -> bool {
        self.role == UserRole::Agency
    }

    /// Whether the account is a DIC planner (and has the `/plan` page).
    pub fn is_planner(&self) -> bool {
        self.role == UserRole::Planner
    }
}

impl From<&BrowserSession> for SignedIn {
    fn from(session: &BrowserSession) -> Self {
        Self {
            username: session.viewer.username.clone(),
            csrf: session.csrf_token.clone(),
            role: session.viewer.role,
        }
    }
}

/// What the frame of every page (`base.html`) needs: the language, the signed-in account and
/// the address of the same page in the other language.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub signed_in: Option<SignedIn>,
    /// The same page in the other language.
    pub switch_href: String,
    /// The path of the page, for the sign-in link's `next`.
    pub here: String,
}

impl Chrome {
    /// The frame of the page at `path` (with `query`, without `lang`) for `session`.
    pub fn new(lang: Lang, session: Option<&BrowserSession>, path: &str, query: &str) -> Self {
        let other = match lang {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        };
        let separator = if query.is_empty() { "" } else { "&" };
        let here = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        Self {
            lang,
            signed_in: session.map(SignedIn::from),
            switch_href: format!("{path}?{query}{separator}lang={}", other.code()),
            here,
        }
    }

    /// The other language's code (`en` or `vi`).
    pub fn other_lang(&self) -> &'static str {
        self.lang.pick("en", "vi")
    }

    /// The other language's name, written in that language.
    pub fn other_lang_name(&self) -> &'static str {
        self.lang.pick("English", "Tiếng Việt")
    }

    /// The sign-in page, coming back here afterwards.
    pub fn sign_in_href(&self) -> String {
        format!(
            "/login?lang={}&next={}",
            self.lang.code(),
            encode_query_value(&self.here)
        )
    }

    /// `path` with this page's language.
    pub fn link(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!("{path}{separator}lang={}", self.lang.code())
    }
}

/// An HTML response that no cache keeps and no frame shows, or a plain 500 when the template
/// fails.
pub fn html(status: StatusCode, page: askama::Result<String>) -> Response {
    match page {
        Ok(body) => Response::builder()
            .status(status)
            .content_type("text/html; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-store")
            .header("x-content-type-options", "nosniff")
            .header("x-frame-options", "DENY")
            .header(
                "content-security-policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                 script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            )
            .body(body),
        Err(err) => {
            tracing::error!(error = %err, "rendering a page failed");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .content_type("text/plain; charset=utf-8")
                .body("internal error")
        }
    }
}

/// A page saying why a request could not be served.
#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    chrome: &'a Chrome,
    title: &'a str,
    detail: &'a str,
}

/// The HTTP status of a service error.
pub fn status_of(err: &crate::Error) -> StatusCode {
    match err {
        crate::Error::BadInput(_) => StatusCode::BAD_REQUEST,
        crate::Error::NotFound(_) => StatusCode::NOT_FOUND,
        crate::Error::Unauthenticated | crate::Error::InvalidCredentials => {
            StatusCode::UNAUTHORIZED
        }
        crate::Error::Forbidden(_) => StatusCode::FORBIDDEN,
        crate::Error::Conflict(_) => StatusCode::CONFLICT,
        crate::Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        crate::Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        crate::Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What went wrong, in the page's language: a heading by the error's kind and the service's
/// own message (internal causes are logged, never shown).
pub fn error_words(lang: Lang, err: &crate::Error) -> (&'static str, String) {
    let title = match err {
        crate::Error::BadInput(_) => lang.pick("Dữ liệu chưa hợp lệ", "The input is not valid"),
        crate::Error::NotFound(_) => lang.pick("Không tìm thấy", "Not found"),
        crate::Error::Unauthenticated | crate::Error::InvalidCredentials => {
            lang.pick("Cần đăng nhập", "Sign-in required")
        }
        crate::Error::Forbidden(_) => lang.pick("Không có quyền", "Not allowed"),
        crate::Error::Conflict(_) => lang.pick("Đã có cập nhật mới hơn", "Changed meanwhile"),
        crate::Error::TooManyRequests | crate::Error::Busy(_) => lang.pick(
            "Hệ thống đang bận, hãy thử lại sau",
            "Busy; try again shortly",
        ),
        crate::Error::Internal(_) => lang.pick("Lỗi hệ thống", "Internal error"),
    };
    let detail = match err {
        crate::Error::Internal(cause) => {
            tracing::error!(error = ?cause, "a page failed");
            lang.pick(
                "Yêu cầu không thực hiện được. Hãy thử lại sau.",
                "The request could not be completed. Try again later.",
            )
            .to_owned()
        }
        other => other.to_string(),
    };
    (title, detail)
}

/// The page for a service error, with its status.
pub fn error_page(chrome: &Chrome, err: &crate::Error) -> Response {
    let (title, detail) = error_words(chrome.lang, err);
    let page = MessagePage {
        chrome,
        title,
        detail: &detail,
    };
    html(status_of(err), page.render())
}

/// Largest url-encoded form accepted, in bytes.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// The decoded fields of a url-encoded form body; `None` when it is too large or cannot be
/// read.
pub async fn form_fields(body: poem::Body) -> Option<Vec<(String, String)>> {
    let bytes = body.into_bytes_limit(MAX_FORM_BYTES).await.ok()?;
    Some(
        form_urlencoded::parse(&bytes)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect(),
    )
}

/// When something was recorded, in Vietnam's time, as readers write it.
pub fn local_time(at: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    reports::format::date_time(
        at.with_timezone(&crate::services::clock::vietnam())
            .naive_local(),
        lang,
    )
}

/// The first value of the field `name`.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The value of one cookie of a request.
pub fn cookie<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .and_then(|cookie| cookie.value_raw())
        .filter(|value| !value.is_empty())
}

/// Whether the request comes from a browser asking for a page (its `Accept` names `text/html`).
pub fn wants_html(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.to_ascii_lowercase().contains("text/html"))
}

/// Characters percent-encoded in a `next` query value: all but unreserved ones.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value percent-encoded for a query string.
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// A path with its query decoded from a query value; `None` when not UTF-8.
pub fn decode_query_value(value: &str) -> Option<String> {
    percent_decode_str(value)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

/// Where a sign-in may send the browser: `next` when it is a path inside this site (one leading
/// `/`, not `//`, no `\`, no control characters), `/` otherwise.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control)
                && path.len() <= 2048 =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// A 303 to `location`.
pub fn see_other(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .header(header::CACHE_CONTROL, "no-store")
        .finish()
}

/// A 303 to the sign-in page, returning afterwards to the request's own path and query.
pub fn redirect_to_sign_in(request: &Request) -> Response {
    let original = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let next = safe_next(Some(original));
    see_other(&format!("/login?next={}", encode_query_value(&next)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_only_ever_points_inside_this_site() {
        assert_eq!(
            safe_next(Some("/reports/tasks.csv?lang=en")),
            "/reports/tasks.csv?lang=en"
        );
        assert_eq!(safe_next(Some("/")), "/");
        for outside in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "evil.example",
            "",
            "/\nx",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(outside)), "/", "{outside:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_survives_a_round_trip_through_the_query_string() {
        let path = "/reports/tasks.csv?asOf=2020-01-01&lang=en";
        let encoded = encode_query_value(path);
        assert_eq!(
            encoded,
            "%2Freports%2Ftasks.csv%3FasOf%3D2020-01-01%26lang%3Den"
        );
        assert_eq!(decode_query_value(&encoded).as_deref(), Some(path));
        assert_eq!(encode_query_value("/"), "%2F");
    }

    #[test]
    fn languages_default_to_vietnamese() {
        assert_eq!(page_lang(None), Lang::Vi);
        assert_eq!(page_lang(Some("EN")), Lang::En);
        assert_eq!(page_lang(Some("fr")), Lang::Vi);
    }
}
