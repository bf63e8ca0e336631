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

/// Every file served under `/assets/`. GraphiQL and React are vendored from npm, unchanged (see
/// `api/assets/graphiql/README.md` for their versions, checksums and how to update them);
/// `egov-graphiql.*` is this service's own glue around them.
const FILES: &[Asset] = &[
    Asset {
        stem: "style",
        extension: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/style.css"),
    },
    Asset {
        stem: "react",
        extension: "js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../assets/graphiql/react.production.min.js"),
    },
    Asset {
        stem: "react-dom",
        extension: "js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    },
    Asset {
        stem: "graphiql",
        extension: "js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../assets/graphiql/graphiql.min.js"),
    },
    Asset {
        stem: "graphiql",
        extension: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/graphiql.min.css"),
    },
    Asset {
        stem: "egov-graphiql",
        extension: "js",
        content_type: JAVASCRIPT,
        bytes: include_bytes!("../assets/graphiql/egov-graphiql.js"),
    },
    Asset {
        stem: "egov-graphiql",
        extension: "css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/egov-graphiql.css"),
    },
];

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

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

/// The GraphiQL page (`GET /graphql`); with a browser session, its calls carry the session's
/// anti-forgery token in the `x-egov-csrf` header.
///
/// The page loads React, ReactDOM and GraphiQL from [`FILES`] only, so it works on a network with
/// no route to public CDNs. It runs no inline script: `egov-graphiql.js` reads its settings from
/// a JSON data block (`url`, `subscriptionPath`, and the header and token when given).
pub fn graphiql_html(csrf_token: Option<&str>) -> String {
    let config = serde_json::json!({
        "url": "/graphql",
        "subscriptionPath": "/graphql/ws",
        "csrfHeader": crate::pages::CSRF_HEADER,
        "csrfToken": csrf_token,
    });
    let config = json_in_script(&config.to_string());
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>egov-tracker GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{graphiql_css}">
<link rel="stylesheet" href="{page_css}">
<script type="application/json" id="graphiql-config">{config}</script>
<script src="{react}" defer></script>
<script src="{react_dom}" defer></script>
<script src="{graphiql}" defer></script>
<script src="{start}" defer></script>
</head>
<body>
<div id="graphiql"><p class="egov-graphiql-loading">Loading GraphiQL…</p></div>
<noscript><p class="egov-graphiql-loading">GraphiQL needs JavaScript. Without it, send queries as JSON to <code>POST /graphql</code>.</p></noscript>
</body>
</html>
"#,
        graphiql_css = url("graphiql", "css"),
        page_css = url("egov-graphiql", "css"),
        react = url("react", "js"),
        react_dom = url("react-dom", "js"),
        graphiql = url("graphiql", "js"),
        start = url("egov-graphiql", "js"),
    )
}

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` only occur within JSON strings,
/// where their `\u` escapes mean the same, so no value can close the element.
fn json_in_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `GET /assets/{name}`: one file by its hashed name, cached for a year; 404 for any other name.
#[handler]
pub fn serve(Path(name): Path<String>) -> Response {
    response(&name)
}

/// The answer to `GET /assets/{name}`.
fn response(name: &str) -> Response {
    match NAMES.iter().position(|known| known == name) {
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

    /// The values of every `attribute="…"` in `page`.
    fn attribute_values<'a>(page: &'a str, attribute: &str) -> Vec<&'a str> {
        let marker = format!(" {attribute}=\"");
        page.match_indices(&marker)
            .map(|(at, _)| {
                let rest = &page[at + marker.len()..];
                &rest[..rest.find('"').expect("a closed attribute")]
            })
            .collect()
    }

    /// The settings the page hands to `egov-graphiql.js`.
    fn config_of(page: &str) -> serde_json::Value {
        let start = r#"<script type="application/json" id="graphiql-config">"#;
        let rest = &page[page.find(start).expect("the config block") + start.len()..];
        serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).expect("JSON settings")
    }

    #[test]
    fn the_graphiql_page_loads_only_this_services_assets() {
        for page in [graphiql_html(None), graphiql_html(Some("tok3n_-A"))] {
            assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
            assert!(page.contains("<title>egov-tracker GraphiQL</title>"));
            for scheme in ["http:", "https:", "\"//", "unpkg", "jsdelivr"] {
                assert!(!page.contains(scheme), "{scheme} in {page}");
            }
            let scripts = attribute_values(&page, "src");
            let links = attribute_values(&page, "href");
            let expected_scripts = [
                url("react", "js"),
                url("react-dom", "js"),
                url("graphiql", "js"),
                url("egov-graphiql", "js"),
            ];
            assert_eq!(
                scripts, expected_scripts,
                "React before GraphiQL before our glue"
            );
            // An empty icon, so that the browser does not ask for /favicon.ico.
            assert_eq!(
                links,
                [
                    "data:,".to_owned(),
                    url("graphiql", "css"),
                    url("egov-graphiql", "css")
                ]
            );
            let links = &links[1..];
            for address in scripts.iter().chain(links) {
                let name = address
                    .strip_prefix("/assets/")
                    .unwrap_or_else(|| panic!("{address} is not under /assets/"));
                assert_eq!(response(name).status(), StatusCode::OK, "{address}");
            }
            // No inline script or event handler: every <script> loads a file or holds data.
            let tags = page.matches("<script").count();
            assert_eq!(tags, scripts.len() + 1);
            assert_eq!(
                page.matches(r#"<script type="application/json""#).count(),
                1
            );
            let handler = page.split(" on").skip(1).find(|rest| {
                rest.split_once('=')
                    .is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_lowercase()))
            });
            assert!(handler.is_none(), "an inline event handler: on{handler:?}");
        }
    }

    #[test]
    fn the_graphiql_page_sends_the_session_token_in_its_header() {
        let config = config_of(&graphiql_html(Some("tok3n_-A")));
        assert_eq!(config["url"], "/graphql");
        assert_eq!(config["subscriptionPath"], "/graphql/ws");
        assert_eq!(config["csrfHeader"], crate::pages::CSRF_HEADER);
        assert_eq!(config["csrfToken"], "tok3n_-A");

        let config = config_of(&graphiql_html(None));
        assert_eq!(config["url"], "/graphql");
        assert!(config["csrfToken"].is_null(), "{config}");
    }

    #[test]
    fn a_token_cannot_break_out_of_the_page() {
        let token = r#"</script><script>alert(1)</script><img src=x onerror="alert(2)">&amp;"#;
        let page = graphiql_html(Some(token));
        assert_eq!(page.matches("</script>").count(), 5, "{page}");
        assert!(!page.contains("alert(1)</script>"), "{page}");
        assert!(!page.contains("<img"), "{page}");
        assert_eq!(config_of(&page)["csrfToken"], token);
    }

    #[tokio::test]
    async fn every_file_is_served_by_its_hashed_name_only() {
        use poem::{get, Endpoint, Route};

        let route = Route::new().at("/assets/:name", get(serve));
        assert_eq!(NAMES.len(), FILES.len());
        for (asset, name) in FILES.iter().zip(NAMES.iter()) {
            let (stem, rest) = name.split_at(asset.stem.len());
            assert_eq!(stem, asset.stem);
            let hash = rest
                .strip_prefix('.')
                .and_then(|rest| rest.strip_suffix(&format!(".{}", asset.extension)))
                .unwrap_or_else(|| panic!("{name}"));
            assert!(
                hash.len() == 12 && hash.chars().all(|c| c.is_ascii_hexdigit()),
                "{name}"
            );
            assert_eq!(url(asset.stem, asset.extension), format!("/assets/{name}"));
            assert_eq!(
                NAMES.iter().filter(|other| *other == name).count(),
                1,
                "{name} is not unique"
            );
            let expected_type = match asset.extension {
                "css" => "text/css; charset=utf-8",
                "js" => "text/javascript; charset=utf-8",
                other => panic!("no content type checked for .{other}"),
            };
            assert_eq!(asset.content_type, expected_type, "{name}");

            let request = poem::Request::builder()
                .uri(format!("/assets/{name}").parse().unwrap())
                .finish();
            let served = route.call(request).await.expect("an answer");
            assert_eq!(served.status(), StatusCode::OK, "{name}");
            assert_eq!(
                served.headers()[header::CONTENT_TYPE],
                asset.content_type,
                "{name}"
            );
            assert_eq!(
                served.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            let body = served.into_body().into_bytes().await.unwrap();
            assert!(
                body == asset.bytes,
                "{name}: the body differs from the file"
            );

            // The plain name, or a stale hash, is not served.
            for stale in [
                format!("{}.{}", asset.stem, asset.extension),
                format!("{}.000000000000.{}", asset.stem, asset.extension),
            ] {
                assert_eq!(response(&stale).status(), StatusCode::NOT_FOUND, "{stale}");
            }
        }
        for vendored in [
            "graphiql.min.js",
            "graphiql.min.css",
            "react.production.min.js",
            "react-dom.production.min.js",
        ] {
            assert_eq!(response(vendored).status(), StatusCode::NOT_FOUND);
        }
    }
}
