//! The reporting calendar (`seeds/data/reporting.toml`): which periodic reports agencies owe on
//! plan 681/KH-UBND, the days of data each covers and when each is due.
//!
//! Decree 09/2019/NĐ-CP fixes the data windows: every period ends on the cut-off day (the 14th)
//! of its last month and starts the day after the previous period's cut-off, so a quarter or a
//! year starts in the month before it (Q1 2018 covers 15/12/2017-14/03/2018). Deadlines for
//! agencies are set by the province, so they live in the data file, not in code; the values
//! shipped are our assumption (see the file's header).
//!
//! Everything here is pure date arithmetic on [`NaiveDate`], limited to years
//! [`MIN_YEAR`]..=[`MAX_YEAR`]; no function panics, each returns `None` or an error instead.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::SeedError;

const FILE: &str = include_str!("../data/reporting.toml");

/// The first year a [`Period`] may belong to.
pub const MIN_YEAR: i32 = 2000;
/// The last year a [`Period`] may belong to.
pub const MAX_YEAR: i32 = 2100;
/// The most periods [`Calendar::deadlines_between`] returns.
pub const MAX_DEADLINES: usize = 2000;

/// A kind of periodic report, by how many months it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PeriodKind {
    /// One month (`MONTHLY`).
    Monthly,
    /// Three months (`QUARTERLY`).
    Quarterly,
    /// Six months (`HALF_YEARLY`).
    HalfYearly,
    /// Twelve months (`ANNUAL`).
    Annual,
}

impl PeriodKind {
    /// Every kind, shortest first.
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Monthly,
        PeriodKind::Quarterly,
        PeriodKind::HalfYearly,
        PeriodKind::Annual,
    ];

    /// The code used in data files: `MONTHLY`, `QUARTERLY`, `HALF_YEARLY` or `ANNUAL`.
    pub fn code(self) -> &'static str {
        match self {
            PeriodKind::Monthly => "MONTHLY",
            PeriodKind::Quarterly => "QUARTERLY",
            PeriodKind::HalfYearly => "HALF_YEARLY",
            PeriodKind::Annual => "ANNUAL",
        }
    }

    /// The kind with this code (exact, upper case), if any.
    pub fn from_code(code: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// How many months a period of this kind covers: 1, 3, 6 or 12.
    pub fn months(self) -> u32 {
        match self {
            PeriodKind::Monthly => 1,
            PeriodKind::Quarterly => 3,
            PeriodKind::HalfYearly => 6,
            PeriodKind::Annual => 12,
        }
    }

    /// How many periods of this kind a year has: 12, 4, 2 or 1 (the largest valid index).
    pub fn per_year(self) -> u32 {
        12 / self.months()
    }
}

/// Why a period could not be parsed or built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The text is in none of the accepted forms.
    #[error(
        "period is not in an accepted form: write YYYY-MM for a month, YYYY-Qn for a quarter \
         (n = 1-4), YYYY-Hn for a half-year (n = 1-2) or YYYY for a year, \
         e.g. 2017-03, 2017-Q4, 2017-H1, 2017"
    )]
    Malformed,
    /// The year is outside 2000..=2100.
    #[error("period year must be between 2000 and 2100")]
    YearOutOfRange,
    /// The month, quarter or half number does not exist.
    #[error(
        "period number out of range: the month must be 01-12, the quarter Q1-Q4, the half H1-H2 \
         (a year has no number)"
    )]
    IndexOutOfRange,
}

/// One reporting period: a month, quarter, half-year or year.
///
/// Build it with [`Period::new`] or [`Period::parse`], which check the fields; a value written
/// as a struct literal with bad fields is not refused, but every date function returns `None`
/// for it. The derived order compares kind, then year, then index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    /// The kind of report.
    pub kind: PeriodKind,
    /// The calendar year the period belongs to (its last month's year).
    pub year: i32,
    /// Month 1-12, quarter 1-4, half 1-2, or 1 for a year.
    pub index: u32,
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')))
}

impl Period {
    /// Parses the code form written by [`Display`](fmt::Display): `2017-03` (a month, two
    /// digits), `2017-Q4` (a quarter), `2017-H1` (a half-year), `2017` (a year). `Q` and `H` may
    /// be lower case; nothing else is tolerated (no spaces). Years 2000..=2100.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let bytes = text.as_bytes();
        if bytes.len() < 4 {
            return Err(PeriodError::Malformed);
        }
        let (year, rest) = bytes.split_at(4);
        let year = digits(year).ok_or(PeriodError::Malformed)?;
        let year = i32::try_from(year).map_err(|_| PeriodError::Malformed)?;
        let (kind, index) = match rest {
            [] => (PeriodKind::Annual, Some(1)),
            [b'-', b'Q' | b'q', n] => (PeriodKind::Quarterly, digits(&[*n])),
            [b'-', b'H' | b'h', n] => (PeriodKind::HalfYearly, digits(&[*n])),
            [b'-', m1, m2] => (PeriodKind::Monthly, digits(&[*m1, *m2])),
            _ => return Err(PeriodError::Malformed),
        };
        let index = index.ok_or(PeriodError::Malformed)?;
        Period::new(kind, year, index)
    }

    /// A checked period: the year must be 2000..=2100 and the index exist for the kind.
    pub fn new(kind: PeriodKind, year: i32, index: u32) -> Result<Period, PeriodError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodError::YearOutOfRange);
        }
        if !(1..=kind.per_year()).contains(&index) {
            return Err(PeriodError::IndexOutOfRange);
        }
        Ok(Period { kind, year, index })
    }

    /// The earliest period of `kind` (in 2000).
    pub fn first(kind: PeriodKind) -> Period {
        Period {
            kind,
            year: MIN_YEAR,
            index: 1,
        }
    }

    /// The latest period of `kind` (in 2100).
    pub fn last(kind: PeriodKind) -> Period {
        Period {
            kind,
            year: MAX_YEAR,
            index: kind.per_year(),
        }
    }

    /// True if the fields are in range (always so for a period from [`Period::new`] or
    /// [`Period::parse`]).
    pub fn is_valid(&self) -> bool {
        Period::new(self.kind, self.year, self.index).is_ok()
    }

    /// The calendar month (1-12) the period ends in: March for Q1, June for H1, December for a
    /// year.
    pub fn last_month(&self) -> u32 {
        self.index.saturating_mul(self.kind.months())
    }

    /// The calendar month (1-12) the period starts in, ignoring the cut-off: January for Q1.
    pub fn first_month(&self) -> u32 {
        (self.last_month() + 1).saturating_sub(self.kind.months())
    }

    /// The period of the same kind just before this one; `None` before 2000 or if invalid.
    pub fn previous(&self) -> Option<Period> {
        if !self.is_valid() {
            return None;
        }
        if self.index > 1 {
            Period::new(self.kind, self.year, self.index - 1).ok()
        } else {
            Period::new(self.kind, self.year - 1, self.kind.per_year()).ok()
        }
    }

    /// The period of the same kind just after this one; `None` after 2100 or if invalid.
    pub fn next(&self) -> Option<Period> {
        if !self.is_valid() {
            return None;
        }
        if self.index < self.kind.per_year() {
            Period::new(self.kind, self.year, self.index + 1).ok()
        } else {
            Period::new(self.kind, self.year + 1, 1).ok()
        }
    }

    /// The Vietnamese label: "Tháng 3/2017", "Quý IV/2017", "6 tháng đầu năm 2017",
    /// "6 tháng cuối năm 2017", "Năm 2017".
    pub fn label_vi(&self) -> String {
        let (year, index) = (self.year, self.index);
        match self.kind {
            PeriodKind::Monthly => format!("Tháng {index}/{year}"),
            PeriodKind::Quarterly => {
                let roman = match index {
                    1 => "I".to_string(),
                    2 => "II".to_string(),
                    3 => "III".to_string(),
                    4 => "IV".to_string(),
                    n => n.to_string(),
                };
                format!("Quý {roman}/{year}")
            }
            PeriodKind::HalfYearly if index == 1 => format!("6 tháng đầu năm {year}"),
            PeriodKind::HalfYearly if index == 2 => format!("6 tháng cuối năm {year}"),
            PeriodKind::HalfYearly => format!("6 tháng ({index}) năm {year}"),
            PeriodKind::Annual => format!("Năm {year}"),
        }
    }

    /// The English label: "March 2017", "Q4 2017", "First half of 2017", "Second half of 2017",
    /// "Year 2017".
    pub fn label_en(&self) -> String {
        let (year, index) = (self.year, self.index);
        match self.kind {
            PeriodKind::Monthly => {
                let month = usize::try_from(index)
                    .ok()
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| MONTHS_EN.get(i));
                match month {
                    Some(name) => format!("{name} {year}"),
                    None => format!("Month {index} of {year}"),
                }
            }
            PeriodKind::Quarterly => format!("Q{index} {year}"),
            PeriodKind::HalfYearly if index == 1 => format!("First half of {year}"),
            PeriodKind::HalfYearly if index == 2 => format!("Second half of {year}"),
            PeriodKind::HalfYearly => format!("Half {index} of {year}"),
            PeriodKind::Annual => format!("Year {year}"),
        }
    }
}

impl fmt::Display for Period {
    /// The code form [`Period::parse`] accepts: "2017-03", "2017-Q4", "2017-H2", "2017".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Monthly => write!(f, "{:04}-{:02}", self.year, self.index),
            PeriodKind::Quarterly => write!(f, "{:04}-Q{}", self.year, self.index),
            PeriodKind::HalfYearly => write!(f, "{:04}-H{}", self.year, self.index),
            PeriodKind::Annual => write!(f, "{:04}", self.year),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Same as [`Period::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Period::parse(text)
    }
}

/// The rule for one kind of report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    /// The kind (`code` in the file).
    #[serde(rename = "code")]
    pub kind: PeriodKind,
    /// Vietnamese name, e.g. "Báo cáo quý".
    pub name_vi: String,
    /// English name, e.g. "Quarterly report".
    pub name_en: String,
    /// Whether the province runs this kind of report for the plan.
    pub in_force: bool,
    /// The report is due this many days after the cut-off day (the deadline day is on time).
    pub deadline_days_after_cutoff: u32,
    /// Where the rule comes from, or that it is an assumption.
    pub source: String,
}

/// The reporting calendar: the cut-off day and the rule of each kind of report.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// The last day of data in a period's last month (1-28).
    pub cutoff_day: u32,
    /// The kinds listed (`[[kind]]` in the file), each at most once.
    #[serde(rename = "kind")]
    pub kinds: Vec<KindRule>,
}

impl Calendar {
    /// Parses and checks the compiled-in calendar (`seeds/data/reporting.toml`).
    pub fn parse() -> Result<Self, SeedError> {
        Self::from_toml(FILE)
    }

    /// Parses and checks a calendar from TOML text: the cut-off day must be 1-28, each kind
    /// listed at most once, each deadline 1-60 days after the cut-off, and names and source
    /// non-empty.
    pub fn from_toml(text: &str) -> Result<Self, SeedError> {
        let calendar: Calendar = toml::from_str(text).map_err(|source| SeedError::Parse {
            file: "reporting.toml",
            source,
        })?;
        let invalid = |m: String| Err(SeedError::Invalid(format!("reporting.toml: {m}")));
        if !(1..=28).contains(&calendar.cutoff_day) {
            return invalid(format!(
                "cutoff_day must be 1-28 (every month has that day), got {}",
                calendar.cutoff_day
            ));
        }
        let mut seen = HashSet::new();
        for rule in &calendar.kinds {
            let code = rule.kind.code();
            if !seen.insert(rule.kind) {
                return invalid(format!("kind {code} is listed more than once"));
            }
            if !(1..=60).contains(&rule.deadline_days_after_cutoff) {
                return invalid(format!(
                    "kind {code}: deadline_days_after_cutoff must be 1-60, got {}",
                    rule.deadline_days_after_cutoff
                ));
            }
            if rule.name_vi.trim().is_empty() || rule.name_en.trim().is_empty() {
                return invalid(format!("kind {code} needs name_vi and name_en"));
            }
            if rule.source.trim().is_empty() {
                return invalid(format!("kind {code} needs a source"));
            }
        }
        Ok(calendar)
    }

    /// The rule of `kind`, in force or not; `None` if the kind is not listed.
    pub fn rule(&self, kind: PeriodKind) -> Option<&KindRule> {
        self.kinds.iter().find(|r| r.kind == kind)
    }

    /// The rules of the kinds the province runs, in file order.
    pub fn in_force(&self) -> impl Iterator<Item = &KindRule> {
        self.kinds.iter().filter(|r| r.in_force)
    }

    /// The data window: first and last day, inclusive. It ends on the cut-off day of the
    /// period's last month and starts the day after the cut-off of the month before the
    /// period's first month. `None` for an invalid period.
    pub fn window(&self, period: Period) -> Option<(NaiveDate, NaiveDate)> {
        if !period.is_valid() {
            return None;
        }
        let end = NaiveDate::from_ymd_opt(period.year, period.last_month(), self.cutoff_day)?;
        let first = period.first_month();
        let (year, month) = if first == 1 {
            (period.year - 1, 12)
        } else {
            (period.year, first - 1)
        };
        let start = NaiveDate::from_ymd_opt(year, month, self.cutoff_day)?.succ_opt()?;
        Some((start, end))
    }

    /// The submission deadline (inclusive day): the window's last day plus the kind's
    /// `deadline_days_after_cutoff`. `None` if the kind is not listed (or the period invalid).
    pub fn deadline(&self, period: Period) -> Option<NaiveDate> {
        let rule = self.rule(period.kind)?;
        let (_, end) = self.window(period)?;
        end.checked_add_days(Days::new(u64::from(rule.deadline_days_after_cutoff)))
    }

    /// The period of `kind` whose window contains `date`: a day after the cut-off belongs to
    /// the period of the next month (20/12/2017 is in Q1 2018 and in year 2018; 14/12/2017 is
    /// in Q4 2017). `None` if that period is outside 2000..=2100.
    pub fn containing(&self, kind: PeriodKind, date: NaiveDate) -> Option<Period> {
        let (year, month) = if date.day() > self.cutoff_day {
            if date.month() == 12 {
                (date.year().checked_add(1)?, 1)
            } else {
                (date.year(), date.month() + 1)
            }
        } else {
            (date.year(), date.month())
        };
        let index = (month - 1) / kind.months() + 1;
        Period::new(kind, year, index).ok()
    }

    /// Like [`Calendar::containing`], but a date before 2000's first window gives the first
    /// period, and after 2100's last window the last one.
    fn containing_clamped(&self, kind: PeriodKind, date: NaiveDate) -> Option<Period> {
        if let Some(p) = self.containing(kind, date) {
            return Some(p);
        }
        let (first_start, _) = self.window(Period::first(kind))?;
        let (_, last_end) = self.window(Period::last(kind))?;
        if date < first_start {
            Some(Period::first(kind))
        } else if date > last_end {
            Some(Period::last(kind))
        } else {
            None
        }
    }

    /// Periods of in-force kinds whose deadline falls in `from..=to`, ordered by deadline, then
    /// kind (shorter first). Bounded: at most [`MAX_DEADLINES`] (2000) periods are returned,
    /// the earliest ones; empty if `from > to`.
    pub fn deadlines_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<Period> {
        if from > to {
            return Vec::new();
        }
        let mut found: Vec<(NaiveDate, Period)> = Vec::new();
        for rule in self.in_force() {
            let days = Days::new(u64::from(rule.deadline_days_after_cutoff));
            // The first period whose window ends on or after `from - days` is the first whose
            // deadline is on or after `from`.
            let mut next = from
                .checked_sub_days(days)
                .and_then(|earliest_end| self.containing_clamped(rule.kind, earliest_end))
                .or(Some(Period::first(rule.kind)));
            let mut taken = 0;
            while let Some(period) = next {
                let Some(deadline) = self.deadline(period) else {
                    break;
                };
                if deadline > to || taken >= MAX_DEADLINES {
                    break;
                }
                if deadline >= from {
                    found.push((deadline, period));
                    taken += 1;
                }
                next = period.next();
            }
        }
        found.sort_by_key(|&(deadline, period)| (deadline, period.kind, period));
        found.dedup();
        found.truncate(MAX_DEADLINES);
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// Periods of in-force kinds whose window has started by `today` (the current ones
    /// included), most recent first: ordered by the window's last day, latest first, then kind
    /// (shorter first); at most `limit` of them (for a page listing reporting rounds).
    pub fn recent(&self, today: NaiveDate, limit: usize) -> Vec<Period> {
        if limit == 0 {
            return Vec::new();
        }
        let mut found: Vec<(NaiveDate, Period)> = Vec::new();
        for rule in self.in_force() {
            let mut next = match self.containing(rule.kind, today) {
                Some(p) => Some(p),
                None => {
                    let last = Period::last(rule.kind);
                    match self.window(last) {
                        Some((_, end)) if today > end => Some(last),
                        _ => None,
                    }
                }
            };
            let mut taken = 0;
            while let Some(period) = next {
                if taken >= limit {
                    break;
                }
                let Some((_, end)) = self.window(period) else {
                    break;
                };
                found.push((end, period));
                taken += 1;
                next = period.previous();
            }
        }
        found.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.kind.cmp(&b.1.kind))
                .then(a.1.cmp(&b.1))
        });
        found.dedup();
        found.truncate(limit);
        found.into_iter().map(|(_, p)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn p(text: &str) -> Period {
        Period::parse(text).expect("valid test period")
    }

    fn calendar() -> Calendar {
        Calendar::parse().expect("reporting.toml is valid")
    }

    #[test]
    fn the_compiled_in_calendar_parses_with_the_documented_defaults() {
        let cal = calendar();
        assert_eq!(cal.cutoff_day, 14);
        assert_eq!(cal.kinds.len(), 4);
        let monthly = cal.rule(PeriodKind::Monthly).expect("monthly listed");
        assert!(!monthly.in_force);
        assert_eq!(monthly.name_vi, "Báo cáo tháng");
        for kind in [
            PeriodKind::Quarterly,
            PeriodKind::HalfYearly,
            PeriodKind::Annual,
        ] {
            assert!(cal.rule(kind).expect("listed").in_force, "{kind:?}");
        }
        assert_eq!(
            cal.rule(PeriodKind::HalfYearly).map(|r| r.name_vi.as_str()),
            Some("Báo cáo 6 tháng")
        );
        assert_eq!(
            cal.rule(PeriodKind::Annual).map(|r| r.name_vi.as_str()),
            Some("Báo cáo năm")
        );
        assert!(cal.kinds.iter().all(|r| r.deadline_days_after_cutoff == 4));
        let in_force: Vec<_> = cal.in_force().map(|r| r.kind).collect();
        assert_eq!(
            in_force,
            [
                PeriodKind::Quarterly,
                PeriodKind::HalfYearly,
                PeriodKind::Annual
            ]
        );
    }

    #[test]
    fn the_fourth_quarter_of_2017_runs_from_15_september_to_14_december_and_is_due_on_the_18th() {
        let cal = calendar();
        let q4 = p("2017-Q4");
        assert_eq!(cal.window(q4), Some((d(2017, 9, 15), d(2017, 12, 14))));
        assert_eq!(cal.deadline(q4), Some(d(2017, 12, 18)));
        assert_eq!(q4.last_month(), 12);
        assert_eq!(q4.first_month(), 10);
    }

    #[test]
    fn the_first_quarter_window_crosses_the_year_end() {
        let cal = calendar();
        assert_eq!(
            cal.window(p("2018-Q1")),
            Some((d(2017, 12, 15), d(2018, 3, 14)))
        );
        assert_eq!(cal.deadline(p("2018-Q1")), Some(d(2018, 3, 18)));
    }

    #[test]
    fn march_in_a_leap_year_holds_29_february_and_29_days_against_28_otherwise() {
        let cal = calendar();
        let (start, end) = cal.window(p("2020-03")).expect("window");
        assert_eq!((start, end), (d(2020, 2, 15), d(2020, 3, 14)));
        assert!(start <= d(2020, 2, 29) && d(2020, 2, 29) <= end);
        assert_eq!((end - start).num_days() + 1, 29);
        let (start, end) = cal.window(p("2019-03")).expect("window");
        assert_eq!((start, end), (d(2019, 2, 15), d(2019, 3, 14)));
        assert_eq!((end - start).num_days() + 1, 28);
    }

    #[test]
    fn a_january_window_starts_in_december_of_the_previous_year() {
        let cal = calendar();
        assert_eq!(
            cal.window(p("2018-01")),
            Some((d(2017, 12, 15), d(2018, 1, 14)))
        );
        // Monthly is listed though not in force, so it still has a deadline.
        assert_eq!(cal.deadline(p("2018-01")), Some(d(2018, 1, 18)));
    }

    #[test]
    fn half_year_windows_split_at_the_june_cut_off() {
        let cal = calendar();
        assert_eq!(
            cal.window(p("2017-H1")),
            Some((d(2016, 12, 15), d(2017, 6, 14)))
        );
        assert_eq!(
            cal.window(p("2017-H2")),
            Some((d(2017, 6, 15), d(2017, 12, 14)))
        );
        assert_eq!(cal.deadline(p("2017-H1")), Some(d(2017, 6, 18)));
    }

    #[test]
    fn the_annual_window_runs_from_15_december_of_the_prior_year_to_14_december() {
        let cal = calendar();
        assert_eq!(
            cal.window(p("2017")),
            Some((d(2016, 12, 15), d(2017, 12, 14)))
        );
        assert_eq!(cal.deadline(p("2017")), Some(d(2017, 12, 18)));
    }

    #[test]
    fn containing_puts_the_14th_in_the_closing_period_and_the_15th_in_the_next() {
        let cal = calendar();
        let q = PeriodKind::Quarterly;
        assert_eq!(cal.containing(q, d(2017, 12, 14)), Some(p("2017-Q4")));
        assert_eq!(cal.containing(q, d(2017, 12, 15)), Some(p("2018-Q1")));
        assert_eq!(cal.containing(q, d(2017, 12, 20)), Some(p("2018-Q1")));
        assert_eq!(cal.containing(q, d(2017, 12, 31)), Some(p("2018-Q1")));
        assert_eq!(cal.containing(q, d(2018, 3, 14)), Some(p("2018-Q1")));
        assert_eq!(cal.containing(q, d(2018, 3, 15)), Some(p("2018-Q2")));
        let a = PeriodKind::Annual;
        assert_eq!(cal.containing(a, d(2017, 12, 20)), Some(p("2018")));
        assert_eq!(cal.containing(a, d(2017, 12, 14)), Some(p("2017")));
        assert_eq!(cal.containing(a, d(2017, 12, 31)), Some(p("2018")));
        let m = PeriodKind::Monthly;
        assert_eq!(cal.containing(m, d(2020, 2, 29)), Some(p("2020-03")));
        assert_eq!(cal.containing(m, d(2020, 2, 14)), Some(p("2020-02")));
        assert_eq!(cal.containing(m, d(2017, 12, 31)), Some(p("2018-01")));
        let h = PeriodKind::HalfYearly;
        assert_eq!(cal.containing(h, d(2020, 2, 29)), Some(p("2020-H1")));
        assert_eq!(cal.containing(h, d(2020, 6, 15)), Some(p("2020-H2")));
        // Outside 2000..=2100 there is no period.
        assert_eq!(cal.containing(a, d(2100, 12, 15)), None);
        assert_eq!(cal.containing(a, d(1999, 12, 14)), None);
        assert_eq!(cal.containing(a, d(1999, 12, 15)), Some(p("2000")));
    }

    #[test]
    fn every_form_survives_a_parse_and_display_round_trip() {
        for text in [
            "2017-03", "2017-12", "2017-Q4", "2017-Q1", "2017-H1", "2017-H2", "2017", "2000",
            "2100-Q4",
        ] {
            let period = p(text);
            assert_eq!(period.to_string(), text);
            assert_eq!(text.parse::<Period>(), Ok(period));
        }
        assert_eq!(p("2017-q4"), p("2017-Q4"));
        assert_eq!(p("2017-h2"), p("2017-H2"));
        assert_eq!(
            p("2017-03"),
            Period {
                kind: PeriodKind::Monthly,
                year: 2017,
                index: 3
            }
        );
        assert_eq!(
            p("2017"),
            Period {
                kind: PeriodKind::Annual,
                year: 2017,
                index: 1
            }
        );
    }

    #[test]
    fn parse_refuses_what_is_not_an_exact_period_code() {
        use PeriodError::*;
        let cases = [
            ("2017-Q5", IndexOutOfRange),
            ("2017-Q0", IndexOutOfRange),
            ("2017-13", IndexOutOfRange),
            ("2017-00", IndexOutOfRange),
            ("2017-H3", IndexOutOfRange),
            ("2017-H0", IndexOutOfRange),
            ("17-Q1", Malformed),
            ("1999", YearOutOfRange),
            ("2101-Q1", YearOutOfRange),
            ("2017-q4 ", Malformed),
            (" 2017-Q4", Malformed),
            ("2017-3", Malformed),
            ("2017-003", Malformed),
            ("2017-Q04", Malformed),
            ("2017-X1", Malformed),
            ("2017-", Malformed),
            ("2017/03", Malformed),
            ("02017", Malformed),
            ("+2017", Malformed),
            ("2017-Q+", Malformed),
            ("", Malformed),
            ("Năm 2017", Malformed),
            ("201é", Malformed),
            ("2017-Qé", Malformed),
        ];
        for (text, want) in cases {
            assert_eq!(Period::parse(text), Err(want), "{text:?}");
        }
        assert!(PeriodError::Malformed.to_string().contains("2017-Q4"));
    }

    #[test]
    fn new_checks_the_year_and_the_index_for_the_kind() {
        assert_eq!(
            Period::new(PeriodKind::Quarterly, 2017, 4),
            Ok(p("2017-Q4"))
        );
        assert_eq!(
            Period::new(PeriodKind::Quarterly, 2017, 0),
            Err(PeriodError::IndexOutOfRange)
        );
        assert_eq!(
            Period::new(PeriodKind::Annual, 2017, 2),
            Err(PeriodError::IndexOutOfRange)
        );
        assert_eq!(
            Period::new(PeriodKind::Monthly, 1999, 1),
            Err(PeriodError::YearOutOfRange)
        );
    }

    #[test]
    fn previous_and_next_cross_year_ends_and_stop_at_the_range() {
        assert_eq!(p("2017-Q4").next(), Some(p("2018-Q1")));
        assert_eq!(p("2018-Q1").previous(), Some(p("2017-Q4")));
        assert_eq!(p("2017-12").next(), Some(p("2018-01")));
        assert_eq!(p("2017-H2").next(), Some(p("2018-H1")));
        assert_eq!(p("2017").previous(), Some(p("2016")));
        assert_eq!(p("2000-01").previous(), None);
        assert_eq!(p("2100-Q4").next(), None);
        assert_eq!(Period::first(PeriodKind::HalfYearly), p("2000-H1"));
        assert_eq!(Period::last(PeriodKind::Monthly), p("2100-12"));
    }

    #[test]
    fn a_period_built_with_bad_fields_gives_no_dates_instead_of_panicking() {
        let cal = calendar();
        let bad = Period {
            kind: PeriodKind::Monthly,
            year: 2017,
            index: 13,
        };
        assert_eq!(cal.window(bad), None);
        assert_eq!(cal.deadline(bad), None);
        assert_eq!(bad.next(), None);
        assert_eq!(bad.previous(), None);
        assert_eq!(bad.label_en(), "Month 13 of 2017");
        let far = Period {
            kind: PeriodKind::Annual,
            year: i32::MAX,
            index: 1,
        };
        assert_eq!(cal.window(far), None);
        assert_eq!(far.next(), None);
    }

    #[test]
    fn labels_read_naturally_in_vietnamese_and_english() {
        let cases = [
            ("2017-Q4", "Quý IV/2017", "Q4 2017"),
            ("2017-03", "Tháng 3/2017", "March 2017"),
            ("2017-H1", "6 tháng đầu năm 2017", "First half of 2017"),
            ("2017-H2", "6 tháng cuối năm 2017", "Second half of 2017"),
            ("2017", "Năm 2017", "Year 2017"),
        ];
        for (code, vi, en) in cases {
            assert_eq!(p(code).label_vi(), vi);
            assert_eq!(p(code).label_en(), en);
        }
    }

    #[test]
    fn the_deadlines_of_2017_are_the_four_quarters_both_halves_and_the_year_but_no_month() {
        let cal = calendar();
        let got: Vec<(String, NaiveDate)> = cal
            .deadlines_between(d(2017, 1, 1), d(2017, 12, 31))
            .into_iter()
            .map(|period| (period.to_string(), cal.deadline(period).expect("deadline")))
            .collect();
        let want = [
            ("2017-Q1", d(2017, 3, 18)),
            ("2017-Q2", d(2017, 6, 18)),
            ("2017-H1", d(2017, 6, 18)),
            ("2017-Q3", d(2017, 9, 18)),
            ("2017-Q4", d(2017, 12, 18)),
            ("2017-H2", d(2017, 12, 18)),
            ("2017", d(2017, 12, 18)),
        ]
        .map(|(code, date)| (code.to_string(), date));
        assert_eq!(got, want);
    }

    #[test]
    fn deadlines_between_includes_both_ends_and_handles_empty_and_huge_ranges() {
        let cal = calendar();
        let day = d(2017, 12, 18);
        assert_eq!(
            cal.deadlines_between(day, day),
            vec![p("2017-Q4"), p("2017-H2"), p("2017")]
        );
        assert!(cal
            .deadlines_between(d(2017, 12, 19), d(2018, 3, 17))
            .is_empty());
        assert!(cal
            .deadlines_between(d(2018, 1, 1), d(2017, 1, 1))
            .is_empty());
        let all = cal.deadlines_between(NaiveDate::MIN, NaiveDate::MAX);
        assert!(all.len() <= MAX_DEADLINES);
        // 101 years of 4 quarters, 2 halves and 1 year.
        assert_eq!(all.len(), 101 * 7);
        assert_eq!(all.first(), Some(&p("2000-Q1")));
        assert_eq!(all.last(), Some(&p("2100")));
        assert!(all
            .windows(2)
            .all(|w| cal.deadline(w[0]) <= cal.deadline(w[1])));
    }

    #[test]
    fn deadlines_between_stays_under_the_cap_even_with_monthly_reports_in_force() {
        let text = FILE.replacen("in_force = false", "in_force = true", 1);
        let cal = Calendar::from_toml(&text).expect("valid");
        let all = cal.deadlines_between(NaiveDate::MIN, NaiveDate::MAX);
        // 101 years of 12 months, 4 quarters, 2 halves and 1 year: the year range keeps the
        // list under MAX_DEADLINES.
        assert_eq!(all.len(), 101 * 19);
        assert!(all.len() <= MAX_DEADLINES);
        assert_eq!(all.first(), Some(&p("2000-01")));
        let in_2017 = cal.deadlines_between(d(2017, 1, 1), d(2017, 12, 31));
        assert_eq!(in_2017.len(), 12 + 4 + 2 + 1);
        assert_eq!(in_2017.first(), Some(&p("2017-01")));
    }

    #[test]
    fn recent_lists_started_periods_latest_window_first() {
        let cal = calendar();
        let got: Vec<String> = cal
            .recent(d(2018, 1, 10), 6)
            .iter()
            .map(Period::to_string)
            .collect();
        assert_eq!(
            got,
            ["2018", "2018-H1", "2018-Q1", "2017-Q4", "2017-H2", "2017"]
        );
        assert!(cal.recent(d(2018, 1, 10), 0).is_empty());
        assert!(cal.recent(d(1999, 12, 14), 5).is_empty());
        assert_eq!(cal.recent(d(1999, 12, 15), 10).len(), 3);
        assert_eq!(cal.recent(d(2200, 1, 1), 1), vec![p("2100-Q4")]);
    }

    #[test]
    fn from_toml_refuses_a_cutoff_of_29() {
        let text = FILE.replace("cutoff_day = 14", "cutoff_day = 29");
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Invalid(_))
        ));
        let text = FILE.replace("cutoff_day = 14", "cutoff_day = 0");
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Invalid(_))
        ));
    }

    #[test]
    fn from_toml_refuses_a_kind_listed_twice() {
        let text = FILE.replace(r#"code = "MONTHLY""#, r#"code = "ANNUAL""#);
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Invalid(_))
        ));
    }

    #[test]
    fn from_toml_refuses_a_deadline_of_0_or_over_60_days() {
        let text = FILE.replacen(
            "deadline_days_after_cutoff = 4",
            "deadline_days_after_cutoff = 0",
            1,
        );
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Invalid(_))
        ));
        let text = FILE.replacen(
            "deadline_days_after_cutoff = 4",
            "deadline_days_after_cutoff = 61",
            1,
        );
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Invalid(_))
        ));
    }

    #[test]
    fn from_toml_refuses_empty_names_unknown_codes_and_unknown_keys() {
        let text = FILE.replacen(r#"name_en = "Monthly report""#, r#"name_en = " ""#, 1);
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Invalid(_))
        ));
        let text = FILE.replace(r#"code = "MONTHLY""#, r#"code = "WEEKLY""#);
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Parse { .. })
        ));
        let text = FILE.replace("cutoff_day = 14", "cutoff_day = 14\ngrace_days = 2");
        assert!(matches!(
            Calendar::from_toml(&text),
            Err(SeedError::Parse { .. })
        ));
    }

    #[test]
    fn kind_codes_match_the_file_format() {
        for kind in PeriodKind::ALL {
            assert_eq!(PeriodKind::from_code(kind.code()), Some(kind));
            assert_eq!(kind.months() * kind.per_year(), 12);
        }
        assert_eq!(PeriodKind::HalfYearly.code(), "HALF_YEARLY");
        assert_eq!(PeriodKind::from_code("monthly"), None);
    }

    #[test]
    fn windows_of_consecutive_periods_tile_2016_to_2021_without_gap_or_overlap() {
        for cutoff in [14, 1, 28] {
            let text = FILE.replace("cutoff_day = 14", &format!("cutoff_day = {cutoff}"));
            let cal = Calendar::from_toml(&text).expect("valid");
            for kind in PeriodKind::ALL {
                let mut period = cal.containing(kind, d(2016, 1, 1)).expect("period");
                let (mut start, mut end) = cal.window(period).expect("window");
                assert!(start <= d(2016, 1, 1));
                while end < d(2021, 12, 31) {
                    let next = period.next().expect("next period");
                    let (next_start, next_end) = cal.window(next).expect("window");
                    assert_eq!(
                        end.succ_opt(),
                        Some(next_start),
                        "{kind:?} {period} -> {next}"
                    );
                    assert!(next_start <= next_end);
                    (period, start, end) = (next, next_start, next_end);
                }
                assert!(start <= end);
                // Every day lies in the window of the period `containing` gives for it.
                let mut day = d(2016, 1, 1);
                while day <= d(2021, 12, 31) {
                    let period = cal.containing(kind, day).expect("period");
                    let (start, end) = cal.window(period).expect("window");
                    assert!(start <= day && day <= end, "{kind:?} {day} not in {period}");
                    day = day.succ_opt().expect("next day");
                }
            }
        }
    }
}
