//! How numbers and dates are written for readers, in Vietnamese or English: the one place the
//! pages and the dashboard take them from.

use chrono::{NaiveDate, NaiveDateTime};

use crate::model::Lang;

/// A date as people read it: `31/12/2017` in Vietnamese, `31 Dec 2017` in English.
pub fn date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%-d %b %Y").to_string(),
    }
}

/// A local date and time to the minute: `18/12/2017 09:30` in Vietnamese, `18 Dec 2017 09:30`
/// in English.
pub fn date_time(at: NaiveDateTime, lang: Lang) -> String {
    format!("{} {}", date(at.date(), lang), at.format("%H:%M"))
}

/// A number with at most `decimals` decimals, trailing zeros dropped, and a decimal comma in
/// Vietnamese (`45,5`).
pub fn number(value: f64, decimals: usize, lang: Lang) -> String {
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    if text == "-0" {
        text = "0".into();
    }
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// A whole number with thousands grouped (`3.253` in Vietnamese, `3,253` in English).
pub fn count(value: i64, lang: Lang) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push_str(lang.pick(".", ","));
        }
        grouped.push(digit);
    }
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{grouped}")
}

/// A percentage with one decimal at most (`45,5%`).
pub fn percent(value: f64, lang: Lang) -> String {
    format!("{}%", number(value, 1, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let day = NaiveDate::from_ymd_opt(2017, 12, 31).unwrap_or_default();
        assert_eq!(date(day, Lang::Vi), "31/12/2017");
        assert_eq!(date(day, Lang::En), "31 Dec 2017");
        assert_eq!(number(45.50, 1, Lang::Vi), "45,5");
        assert_eq!(number(45.0, 1, Lang::En), "45");
        assert_eq!(number(-0.01, 1, Lang::En), "0");
        assert_eq!(count(3253, Lang::Vi), "3.253");
        assert_eq!(count(1234567, Lang::En), "1,234,567");
        assert_eq!(count(-999, Lang::En), "-999");
        assert_eq!(count(-1000, Lang::Vi), "-1.000");
        assert_eq!(percent(12.26, Lang::Vi), "12,3%");
    }
}
