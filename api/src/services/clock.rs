//! "Today" for the plan, the calendar date in Vietnam (UTC+7) where the plan's deadlines fall,
//! and the range of dates the service accepts.
//!
//! Every date that comes in (the GraphQL `Date` scalar, `asOf` in routes, the CLI's `--as-of`)
//! goes through [`parse_date`] or [`check_date`]: a date far in the future would make recurring
//! tasks unfold into hundreds of thousands of periods.

use chrono::{Duration, NaiveDate, Offset, Utc};

use crate::error::{Error, Result};

/// Vietnam's offset from UTC; the country has no daylight saving time.
const VIETNAM_OFFSET_HOURS: i64 = 7;

/// The earliest date accepted anywhere (before the plan's 2016 baseline, with room for history).
pub const FIRST_DATE: NaiveDate = date(2000, 1, 1);
/// The latest date accepted anywhere.
pub const LAST_DATE: NaiveDate = date(2100, 12, 31);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("a valid calendar date"),
    }
}

/// Vietnam's time zone (UTC+7), for showing when something was recorded.
pub fn vietnam() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt((VIETNAM_OFFSET_HOURS * 3600) as i32).unwrap_or(Utc.fix())
}

/// Today's date in Vietnam.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(VIETNAM_OFFSET_HOURS)).date_naive()
}

/// `date` if it lies between [`FIRST_DATE`] and [`LAST_DATE`], else `BAD_INPUT`.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate> {
    if (FIRST_DATE..=LAST_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(Error::bad_input(format!(
            "{date} is outside the dates this service accepts ({FIRST_DATE} to {LAST_DATE})"
        )))
    }
}

/// Parses a date written `YYYY-MM-DD` (exactly four digits of year) within the accepted range.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    let text = text.trim();
    let malformed =
        || Error::bad_input(format!("expected a date written YYYY-MM-DD, not {text:?}"));
    if text.len() != 10 || !text.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(malformed());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| malformed())?;
    check_date(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_accepted_only_within_the_documented_range() {
        assert_eq!(
            parse_date(" 2016-04-01 ").ok(),
            NaiveDate::from_ymd_opt(2016, 4, 1)
        );
        assert!(parse_date("2000-01-01").is_ok());
        assert!(parse_date("2100-12-31").is_ok());
        for refused in [
            "1999-12-31",
            "2101-01-01",
            "+262142-12-31",
            "-0001-01-01",
            "9999-12-31",
        ] {
            assert!(parse_date(refused).is_err(), "{refused}");
        }
        for malformed in ["2016-4-1", "01/04/2016", "", "2016-02-30"] {
            assert!(parse_date(malformed).is_err(), "{malformed}");
        }
    }
}
