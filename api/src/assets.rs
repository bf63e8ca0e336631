//! Files the pages need, compiled into the binary and served by the service itself, so that no
//! page loads anything from another host (the province's data network has no route to public
//! CDNs).
//!
//! Each file is served under a name carrying a hash of its content
//! (`/assets/style.3f2a9c1e04b7.css`), with a year-long immutable cache: a new build with a
//! changed file gets a new address, so browsers never keep a stale copy.

use std::sync::LazyLock;

use poem::http::{header, StatusCode};
use poem::web::Path;
use poem::{handler, Response};
use sha2::{Digest, Sha256};

/// One file served under `/assets/`.
struct Asset {
    /// The name before the hash (`style`).
    stem: &'static str,
    /// The extension (`css`).
    extension: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Every file served under `/assets/`.
const FILES: &[Asset] = &[Asset {
    stem: "style",
    extension: "css",
    content_type: "text/css; charset=utf-8",
    bytes: include_bytes!("../assets/style.css"),
}];

/// The hashed names of [`FILES`], in the same order.
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|asset| {
            let digest = Sha256::digest(asset.bytes);
            format!(
                "{}.{}.{}",
                asset.stem,
                hex::encode(&digest[..6]),
                asset.extension
            )
        })
        .collect()
});

/// The address of the file named `stem`.`extension` (`/assets/style.<hash>.css`).
fn url(stem: &str, extension: &str) -> String {
    FILES
        .iter()
        .zip(NAMES.iter())
        .find(|(asset, _)| asset.stem == stem && asset.extension == extension)
        .map(|(_, name)| format!("/assets/{name}"))
        .unwrap_or_default()
}

/// The address of the pages' stylesheet.
pub fn stylesheet() -> String {
    url("style", "css")
}

/// The GraphiQL page; with a browser session, its calls carry the session's anti-forgery token.
pub fn graphiql_html(csrf_token: Option<&str>) -> String {
    let page = async_graphql::http::GraphiQLSource::build().endpoint("/graphql");
    match csrf_token {
        Some(token) => page.header(crate::pages::CSRF_HEADER, token).finish(),
        None => page.finish(),
    }
}

/// `GET /assets/{name}`: one file by its hashed name, cached for a year; 404 for any other name.
#[handler]
pub fn serve(Path(name): Path<String>) -> Response {
    match NAMES.iter().position(|known| *known == name) {
        Some(index) => Response::builder()
            .status(StatusCode::OK)
            .content_type(FILES[index].content_type)
            .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .header("x-content-type-options", "nosniff")
            .body(FILES[index].bytes),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .body("not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_addressed_by_its_content() {
        let url = stylesheet();
        assert!(url.starts_with("/assets/style."), "{url}");
        assert!(url.ends_with(".css"), "{url}");
        assert_eq!(url.len(), "/assets/style..css".len() + 12);
    }
}
