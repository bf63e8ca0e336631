//! Server-rendered pages for people using a browser, and the browser-facing pieces every route
//! shares: the session cookie, the language of a page, and the `next` address a sign-in returns
//! to.
//!
//! Pages are askama templates under `api/templates/` (checked at compile time, HTML-escaped
//! automatically). They work without JavaScript, in Vietnamese by default and in English with
//! `?lang=en`. Handlers stay thin: the rules live in `crate::services`.

pub mod signin;
pub mod workspace;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use poem::http::{header, StatusCode};
use poem::{Request, Response};

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
