//! Atom (RFC 4287) feeds, so that DIC's own systems and feed readers can follow status changes
//! and frozen reports without polling GraphQL.

use chrono::{DateTime, Utc};

use crate::archimate::escape;

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// A stable, unique IRI, e.g. `urn:egov-tracker:history:42`.
    pub id: String,
    pub title: String,
    pub updated: DateTime<Utc>,
    /// Where the entry's subject can be read or downloaded (absolute or root-relative).
    pub link: Option<String>,
    pub author: String,
    /// Plain text.
    pub summary: String,
    /// Atom categories (e.g. `status-change`, `report`).
    pub category: String,
}

/// A whole feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub id: String,
    pub title: String,
    /// The feed's own address.
    pub self_link: String,
    /// Newest first.
    pub entries: Vec<Entry>,
    /// When nothing is in the feed yet, its `updated` falls back to this.
    pub empty_updated: DateTime<Utc>,
}

fn timestamp(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The feed as Atom XML.
pub fn to_xml(feed: &Feed) -> String {
    let updated = feed
        .entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(feed.empty_updated);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n");
    out.push_str(&format!("  <id>{}</id>\n", escape(&feed.id)));
    out.push_str(&format!("  <title>{}</title>\n", escape(&feed.title)));
    out.push_str(&format!("  <updated>{}</updated>\n", timestamp(&updated)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&feed.self_link)
    ));
    out.push_str("  <generator>egov-tracker</generator>\n");
    for entry in &feed.entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", escape(&entry.id)));
        out.push_str(&format!("    <title>{}</title>\n", escape(&entry.title)));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            timestamp(&entry.updated)
        ));
        out.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape(&entry.author)
        ));
        out.push_str(&format!(
            "    <category term=\"{}\"/>\n",
            escape(&entry.category)
        ));
        if let Some(link) = &entry.link {
            out.push_str(&format!("    <link href=\"{}\"/>\n", escape(link)));
        }
        out.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&entry.summary)
        ));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2017, 6, 5, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn a_feed_carries_its_entries_escaped_and_is_updated_at_the_newest_one() {
        let feed = Feed {
            id: "urn:egov-tracker:changes".into(),
            title: "Thay đổi <681/KH-UBND>".into(),
            self_link: "/feeds/changes.atom".into(),
            empty_updated: at(0),
            entries: vec![
                Entry {
                    id: "urn:egov-tracker:history:2".into(),
                    title: "Nhiệm vụ 24: Hoàn thành".into(),
                    updated: at(9),
                    link: Some("/graphql?task=24&x=1".into()),
                    author: "Sở Y tế".into(),
                    summary: "Đã triển khai \"phần mềm\" & kết nối".into(),
                    category: "status-change".into(),
                },
                Entry {
                    id: "urn:egov-tracker:history:1".into(),
                    title: "Nhiệm vụ 24: Đang triển khai".into(),
                    updated: at(8),
                    link: None,
                    author: "Sở Y tế".into(),
                    summary: String::new(),
                    category: "status-change".into(),
                },
            ],
        };
        let xml = to_xml(&feed);
        let doc = roxmltree_free_check(&xml);
        assert!(doc, "well-formed enough: {xml}");
        assert!(xml.contains("<updated>2017-06-05T09:00:00Z</updated>\n  <link"));
        assert!(xml.contains("Thay đổi &lt;681/KH-UBND&gt;"));
        assert!(xml.contains("&quot;phần mềm&quot; &amp; kết nối"));
        assert!(xml.contains("href=\"/graphql?task=24&amp;x=1\""));
        assert_eq!(xml.matches("<entry>").count(), 2);
    }

    /// Every opened element is closed, in order (the crate has no XML parser of its own).
    fn roxmltree_free_check(xml: &str) -> bool {
        let mut stack: Vec<String> = Vec::new();
        for tag in xml.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            if tag.starts_with('?') || tag.ends_with('/') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return false;
                }
            } else {
                stack.push(tag.split_whitespace().next().unwrap_or_default().to_owned());
            }
        }
        stack.is_empty()
    }

    #[test]
    fn an_empty_feed_is_dated_by_its_fallback() {
        let feed = Feed {
            id: "urn:x".into(),
            title: "x".into(),
            self_link: "/x".into(),
            entries: vec![],
            empty_updated: at(3),
        };
        assert!(to_xml(&feed).contains("<updated>2017-06-05T03:00:00Z</updated>"));
    }
}
