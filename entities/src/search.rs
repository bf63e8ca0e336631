//! Accent- and case-insensitive search keys for Vietnamese text.
//!
//! Searchable rows keep a `search_text` column holding [`fold`] of their titles and names, and
//! queries are folded the same way, so "chu ky so" finds "chữ ký số" on SQLite and PostgreSQL
//! alike without database extensions.

use unicode_normalization::UnicodeNormalization;

/// Lower-cases `text`, removes Vietnamese tone and vowel marks, maps `đ` to `d` and collapses
/// whitespace, giving a key that matches with or without diacritics.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.nfd() {
        if unicode_normalization::char::is_combining_mark(ch) {
            continue;
        }
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match ch {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(ch.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folding_removes_vietnamese_marks_and_case() {
        assert_eq!(fold("Chữ Ký Số"), "chu ky so");
        assert_eq!(fold("Đào tạo  nhân lực"), "dao tao nhan luc");
        assert_eq!(fold("  Sở TT&TT "), "so tt&tt");
    }

    #[test]
    fn folding_treats_composed_and_decomposed_text_alike() {
        let composed = "Hải Dương";
        let decomposed: String =
            unicode_normalization::UnicodeNormalization::nfd(composed).collect();
        assert_eq!(fold(composed), fold(&decomposed));
    }
}
