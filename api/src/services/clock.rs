//! "Today" for the plan: the calendar date in Vietnam (UTC+7), where the plan's deadlines fall.

use chrono::{Duration, NaiveDate, Utc};

/// Vietnam's offset from UTC; the country has no daylight saving time.
const VIETNAM_OFFSET_HOURS: i64 = 7;

/// Today's date in Vietnam.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(VIETNAM_OFFSET_HOURS)).date_naive()
}
