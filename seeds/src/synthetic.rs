//! A synthetic national data set for load tests and benchmarks (issue #6).
//!
//! [`generate`] writes, for each synthetic province `p` in `1..=provinces` (Vietnam's 63
//! provinces and centrally-run cities before the 2025 merger, in the order of their official
//! administrative codes):
//!
//! - a plan `SYN-{p:02}` whose titles say it is synthetic;
//! - 51 agencies with codes `SYN{p:02}-…`: the province's People's Committee (the plan's
//!   issuer), 20 departments named after the real seed's departments, 10 districts and 20
//!   communes, all `named_in_plan = false` and `source = "synthetic"`;
//! - the real plan's 27 tasks (numbers, titles, columns as written, timelines, due dates);
//! - per task 5 lead assignments (the department(s) leading the real task, else the DIC, plus
//!   two districts and two communes) and 1–3 cooperating departments: 135 leads a province;
//! - monthly status reports from May 2016 for `years` years on every lead assignment (each
//!   agency reports on a fixed day between the 20th and the 28th, recorded that day between
//!   08:00 and 17:59 Vietnam time): nothing for the first 0–4 months, `NOT_STARTED` until work
//!   starts, `IN_PROGRESS` with progress rising in steps of 5 at a pace set per assignment
//!   (early, on time, late, or stalled below 100), an occasional `BLOCKED` spell, then
//!   `COMPLETED` at 100 every month until the end. Transitions carry a note, completions and
//!   about one in ten progress reports an evidence reference; `changed_by_user_id` is NULL.
//!
//! With the defaults (63 provinces, 10 years) that is 63 plans, 3,213 agencies, 1,701 tasks,
//! about 11,900 assignments and about 1,000,000 `task_history` rows.
//!
//! The assignments' and tasks' stored status, progress and version are what the history
//! implies: an assignment holds its latest report, a task the [`rollup`] of its leads and
//! version 1 + its number of reports (each report's `task_version` counts up in recording
//! order), exactly as `services::reporting` leaves them.
//!
//! **Deterministic**: [`province`] is a pure function of the province number, the [`Options`]
//! and the [`Templates`] (read from the compiled-in seed files), driven by a SplitMix64 stream
//! per province, task and assignment; the same options give the same rows apart from ids.
//!
//! **Idempotent**: each province is written in one transaction. A province whose plan already
//! exists with the same generator fingerprint (generator version, seed, years and a digest of
//! the templates, kept at the end of the plan's `summary_en`) is kept as it is; one written with
//! other options or older templates is deleted (its history, assignments, tasks, plan and its
//! `SYN{p:02}-` agencies) and regenerated in the same transaction. Provinces above `provinces`
//! are never touched, so `--provinces 2` after `--provinces 63` leaves the other 61 in place.
//!
//! The real plan is never touched: synthetic codes start with `SYN`, which no real agency code
//! does (checked), and `crate::load` upserts only the seed files' own codes and the real plan's
//! tasks, so a later seed run leaves synthetic rows alone.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use entities::rollup::rollup;
use entities::search::fold;
use entities::{
    agency, assignment, plan, task, task_history, AgencyLevel, AssignmentRole, Recurrence,
    TaskStatus,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::{SeedData, SeedError};

/// Bump when the generated rows change for the same options and templates: existing synthetic
/// provinces are then regenerated on the next run.
pub const GENERATOR_VERSION: u32 = 1;
/// Most provinces: Vietnam's 63 provinces and centrally-run cities before the 2025 merger.
pub const MAX_PROVINCES: u32 = 63;
/// Most years of monthly reports (May 2016 to April 2026).
pub const MAX_YEARS: u32 = 10;
/// Every synthetic plan and agency code starts with this.
pub const CODE_PREFIX: &str = "SYN";
/// The `source` of every synthetic agency.
pub const SOURCE: &str = "synthetic";

/// Number of districts generated per province.
const DISTRICTS: u32 = 10;
/// Number of communes generated per district.
const COMMUNES_PER_DISTRICT: u32 = 2;
/// Lead assignments per task.
const LEADS_PER_TASK: usize = 5;
/// The month of the first reports: May 2016, the month after the plan was issued.
const FIRST_YEAR: i32 = 2016;
const FIRST_MONTH0: i32 = 4;

/// `task_history` rows per INSERT statement.
const HISTORY_BATCH: usize = 1000;
/// Columns a `task_history` INSERT binds (every column but `id`).
const HISTORY_COLUMNS: usize = 11;
/// SQLite's default limit on bound parameters per statement (PostgreSQL's is 65,535).
const SQLITE_MAX_PARAMETERS: usize = 32_766;
const _: () = assert!(HISTORY_BATCH * HISTORY_COLUMNS <= SQLITE_MAX_PARAMETERS);

/// The real seed's provincial departments each synthetic province gets a copy of (the 18
/// members of `SO_NGANH`, the State Treasury branch and the web portal).
pub const DEPARTMENTS: [&str; 20] = [
    "VPUBND", "STTTT", "SNV", "STP", "SKHDT", "STC", "SCT", "SNNPTNT", "SGTVT", "SXD", "STNMT",
    "SLDTBXH", "SVHTTDL", "SKHCN", "SGDDT", "SYT", "TTRA", "BQLKCN", "KBNN", "CTTDT",
];
/// The real seed's provincial People's Committee, copied as each synthetic plan's issuer.
const COMMITTEE: &str = "UBND";
/// The department that leads a copied task when the real task's leads are not departments.
const DEFAULT_LEAD: &str = "STTTT";

/// A province or centrally-run city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    /// Official administrative code (GSO list, Decision 124/2004/QĐ-TTg as later amended).
    pub gso_code: u8,
    /// Name without "tỉnh"/"thành phố".
    pub name: &'static str,
    /// A centrally-run city (thành phố trực thuộc trung ương) rather than a province.
    pub city: bool,
}

impl Province {
    fn unit_vi(&self) -> &'static str {
        if self.city {
            "thành phố"
        } else {
            "tỉnh"
        }
    }

    fn unit_en(&self) -> &'static str {
        if self.city {
            "City"
        } else {
            "Province"
        }
    }
}

const fn prov(gso_code: u8, name: &'static str) -> Province {
    Province {
        gso_code,
        name,
        city: false,
    }
}

const fn city(gso_code: u8, name: &'static str) -> Province {
    Province {
        gso_code,
        name,
        city: true,
    }
}

/// Vietnam's 63 provinces and centrally-run cities as they stood from 2008 (Hà Tây merged into
/// Hà Nội) until the 2025 merger, ordered by their administrative codes (the General Statistics
/// Office's list of administrative units, Decision 124/2004/QĐ-TTg; also Wikipedia, "Provinces
/// of Vietnam"). Public facts; only the names are used.
pub const PROVINCES: [Province; 63] = [
    city(1, "Hà Nội"),
    prov(2, "Hà Giang"),
    prov(4, "Cao Bằng"),
    prov(6, "Bắc Kạn"),
    prov(8, "Tuyên Quang"),
    prov(10, "Lào Cai"),
    prov(11, "Điện Biên"),
    prov(12, "Lai Châu"),
    prov(14, "Sơn La"),
    prov(15, "Yên Bái"),
    prov(17, "Hòa Bình"),
    prov(19, "Thái Nguyên"),
    prov(20, "Lạng Sơn"),
    prov(22, "Quảng Ninh"),
    prov(24, "Bắc Giang"),
    prov(25, "Phú Thọ"),
    prov(26, "Vĩnh Phúc"),
    prov(27, "Bắc Ninh"),
    prov(30, "Hải Dương"),
    city(31, "Hải Phòng"),
    prov(33, "Hưng Yên"),
    prov(34, "Thái Bình"),
    prov(35, "Hà Nam"),
    prov(36, "Nam Định"),
    prov(37, "Ninh Bình"),
    prov(38, "Thanh Hóa"),
    prov(40, "Nghệ An"),
    prov(42, "Hà Tĩnh"),
    prov(44, "Quảng Bình"),
    prov(45, "Quảng Trị"),
    prov(46, "Thừa Thiên Huế"),
    city(48, "Đà Nẵng"),
    prov(49, "Quảng Nam"),
    prov(51, "Quảng Ngãi"),
    prov(52, "Bình Định"),
    prov(54, "Phú Yên"),
    prov(56, "Khánh Hòa"),
    prov(58, "Ninh Thuận"),
    prov(60, "Bình Thuận"),
    prov(62, "Kon Tum"),
    prov(64, "Gia Lai"),
    prov(66, "Đắk Lắk"),
    prov(67, "Đắk Nông"),
    prov(68, "Lâm Đồng"),
    prov(70, "Bình Phước"),
    prov(72, "Tây Ninh"),
    prov(74, "Bình Dương"),
    prov(75, "Đồng Nai"),
    prov(77, "Bà Rịa – Vũng Tàu"),
    city(79, "Hồ Chí Minh"),
    prov(80, "Long An"),
    prov(82, "Tiền Giang"),
    prov(83, "Bến Tre"),
    prov(84, "Trà Vinh"),
    prov(86, "Vĩnh Long"),
    prov(87, "Đồng Tháp"),
    prov(89, "An Giang"),
    prov(91, "Kiên Giang"),
    city(92, "Cần Thơ"),
    prov(93, "Hậu Giang"),
    prov(94, "Sóc Trăng"),
    prov(95, "Bạc Liêu"),
    prov(96, "Cà Mau"),
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Provinces `1..=provinces` of [`PROVINCES`] (1-63).
    pub provinces: u32,
    /// Years of monthly reports from May 2016 (1-10).
    pub years: u32,
    /// Seed of the pseudo-random streams.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            provinces: MAX_PROVINCES,
            years: MAX_YEARS,
            seed: 681,
        }
    }
}

impl Options {
    /// Refuses out-of-range options.
    pub fn check(&self) -> Result<(), SeedError> {
        if !(1..=MAX_PROVINCES).contains(&self.provinces) {
            return Err(SeedError::Invalid(format!(
                "provinces must be 1-{MAX_PROVINCES}, got {}",
                self.provinces
            )));
        }
        if !(1..=MAX_YEARS).contains(&self.years) {
            return Err(SeedError::Invalid(format!(
                "years must be 1-{MAX_YEARS}, got {}",
                self.years
            )));
        }
        Ok(())
    }
}

/// What [`generate`] left in the database for provinces `1..=provinces`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Provinces written by this run.
    pub provinces_created: u32,
    /// Provinces already present with the same fingerprint, left as they were.
    pub provinces_kept: u32,
    pub plans: u64,
    pub agencies: u64,
    pub tasks: u64,
    pub assignments: u64,
    pub lead_assignments: u64,
    pub history: u64,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "synthetic data set: {} provinces ({} generated, {} already present)",
            self.plans, self.provinces_created, self.provinces_kept
        )?;
        writeln!(f, "  plans         {}", self.plans)?;
        writeln!(f, "  agencies      {}", self.agencies)?;
        writeln!(f, "  tasks         {}", self.tasks)?;
        writeln!(
            f,
            "  assignments   {} ({} lead)",
            self.assignments, self.lead_assignments
        )?;
        writeln!(f, "  history rows  {}", self.history)?;
        write!(f, "  took          {:.1} s", self.elapsed.as_secs_f64())
    }
}

/// A real department (or the People's Committee) to copy into each province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyTemplate {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    pub short_en: Option<String>,
}

/// A real task to copy into each province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskTemplate {
    pub number: i32,
    pub title_vi: String,
    pub title_en: String,
    pub lead_text_vi: String,
    pub cooperating_text_vi: String,
    pub timeline_vi: String,
    pub recurrence: Recurrence,
    pub start_year: i32,
    pub end_year: Option<i32>,
    pub due_date: Option<NaiveDate>,
    /// Agency or group codes of the real lead column.
    pub lead: Vec<String>,
    /// Agency or group codes of the real cooperating column.
    pub cooperating: Vec<String>,
}

/// What the generator copies from the real plan's seed files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    pub plan_code: String,
    pub issued_on: NaiveDate,
    pub signer_title_vi: String,
    pub signer_title_en: String,
    pub implements_code: String,
    pub implements_issued_on: NaiveDate,
    pub implements_title_vi: String,
    pub implements_title_en: String,
    pub committee: AgencyTemplate,
    pub departments: Vec<AgencyTemplate>,
    pub tasks: Vec<TaskTemplate>,
    /// First 12 hex digits of a SHA-256 over everything above.
    pub digest: String,
}

impl Templates {
    /// Reads the templates from the seed files.
    pub fn from_seed(data: &SeedData) -> Result<Self, SeedError> {
        let find = |code: &str| -> Result<AgencyTemplate, SeedError> {
            let seed = data
                .agencies
                .agency
                .iter()
                .find(|a| a.code == code)
                .ok_or_else(|| {
                    SeedError::Invalid(format!("the synthetic generator needs agency {code}"))
                })?;
            Ok(AgencyTemplate {
                code: seed.code.clone(),
                name_vi: seed.name_vi.clone(),
                name_en: seed.name_en.clone(),
                short_vi: seed.short_vi.clone(),
                short_en: seed.short_en.clone(),
            })
        };
        let plan = &data.plan.plan;
        let mut templates = Templates {
            plan_code: plan.code.clone(),
            issued_on: plan.issued_on,
            signer_title_vi: plan.signer_title_vi.clone(),
            signer_title_en: plan.signer_title_en.clone(),
            implements_code: plan.implements.clone(),
            implements_issued_on: plan.implements_issued_on,
            implements_title_vi: plan.implements_title_vi.clone(),
            implements_title_en: plan.implements_title_en.clone(),
            committee: find(COMMITTEE)?,
            departments: DEPARTMENTS
                .iter()
                .map(|code| find(code))
                .collect::<Result<_, _>>()?,
            tasks: data
                .tasks
                .task
                .iter()
                .map(|t| TaskTemplate {
                    number: t.number,
                    title_vi: t.title_vi.clone(),
                    title_en: t.title_en.clone(),
                    lead_text_vi: t.lead_text_vi.clone(),
                    cooperating_text_vi: t.cooperating_text_vi.clone(),
                    timeline_vi: t.timeline_vi.clone(),
                    recurrence: t.recurrence,
                    start_year: t.start_year,
                    end_year: t.end_year,
                    due_date: t.due_date(),
                    lead: t.lead.clone(),
                    cooperating: t.cooperating.clone(),
                })
                .collect(),
            digest: String::new(),
        };
        if let Some(code) = data
            .agencies
            .agency
            .iter()
            .map(|a| a.code.as_str())
            .find(|code| code.starts_with(CODE_PREFIX))
        {
            return Err(SeedError::Invalid(format!(
                "real agency code {code} starts with {CODE_PREFIX}, which synthetic codes use"
            )));
        }
        templates.digest = templates.compute_digest();
        Ok(templates)
    }

    fn compute_digest(&self) -> String {
        let mut hasher = Sha256::new();
        let mut put = |text: &str| {
            hasher.update(text.as_bytes());
            hasher.update([0]);
        };
        put(&self.plan_code);
        put(&self.issued_on.to_string());
        put(&self.signer_title_vi);
        put(&self.signer_title_en);
        put(&self.implements_code);
        put(&self.implements_issued_on.to_string());
        put(&self.implements_title_vi);
        put(&self.implements_title_en);
        for a in std::iter::once(&self.committee).chain(&self.departments) {
            put(&a.code);
            put(&a.name_vi);
            put(&a.name_en);
            put(a.short_vi.as_deref().unwrap_or("-"));
            put(a.short_en.as_deref().unwrap_or("-"));
        }
        for t in &self.tasks {
            put(&t.number.to_string());
            put(&t.title_vi);
            put(&t.title_en);
            put(&t.lead_text_vi);
            put(&t.cooperating_text_vi);
            put(&t.timeline_vi);
            put(t.recurrence.as_str());
            put(&format!(
                "{} {:?} {:?}",
                t.start_year, t.end_year, t.due_date
            ));
            put(&t.lead.join(","));
            put(&t.cooperating.join(","));
        }
        hasher.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A synthetic agency (`named_in_plan = false`, `collective = false`, `source = "synthetic"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub short_vi: Option<String>,
    pub short_en: Option<String>,
    pub level: AgencyLevel,
    pub search_text: String,
}

/// A synthetic plan; `issuer` is an agency code of the same province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub code: String,
    pub issued_on: NaiveDate,
    pub title_vi: String,
    pub title_en: String,
    pub issuer: String,
    pub place_vi: String,
    pub signed_by: String,
    pub signer_title_vi: String,
    pub signer_title_en: String,
    pub implements_code: String,
    pub implements_issued_on: NaiveDate,
    pub implements_title_vi: String,
    pub implements_title_en: String,
    pub summary_vi: String,
    pub summary_en: String,
}

/// A copied task with the state its history leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    pub number: i32,
    pub title_vi: String,
    pub title_en: String,
    pub lead_text_vi: String,
    pub cooperating_text_vi: String,
    pub timeline_vi: String,
    pub recurrence: Recurrence,
    pub start_year: i32,
    pub end_year: Option<i32>,
    pub due_date: Option<NaiveDate>,
    pub status: TaskStatus,
    pub progress: i32,
    pub version: i32,
    pub search_text: String,
}

/// An assignment with the state its latest report leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub task_number: i32,
    pub agency_code: String,
    pub role: AssignmentRole,
    pub status: TaskStatus,
    pub progress: i32,
}

/// A status report; `assignment` is an index into [`ProvinceRows::assignments`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub task_number: i32,
    pub assignment: usize,
    pub status: TaskStatus,
    pub progress: i32,
    pub note: Option<String>,
    pub evidence: Option<String>,
    pub effective_on: NaiveDate,
    pub changed_at: DateTime<Utc>,
    pub task_version: i32,
}

/// Every row of one synthetic province, linked by natural keys; history in recording order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceRows {
    pub province: Province,
    pub plan: PlanRow,
    pub agencies: Vec<AgencyRow>,
    pub tasks: Vec<TaskRow>,
    pub assignments: Vec<AssignmentRow>,
    pub history: Vec<HistoryRow>,
}

impl ProvinceRows {
    /// Number of lead assignments.
    pub fn lead_assignments(&self) -> usize {
        self.assignments
            .iter()
            .filter(|a| a.role == AssignmentRole::Lead)
            .count()
    }
}

/// Code of synthetic province `number` (1-based): `SYN-01`.
pub fn plan_code(number: u32) -> String {
    format!("{CODE_PREFIX}-{number:02}")
}

/// Prefix of the agency codes of synthetic province `number`: `SYN01-`.
pub fn agency_prefix(number: u32) -> String {
    format!("{CODE_PREFIX}{number:02}-")
}

/// The generator fingerprint kept at the end of each synthetic plan's `summary_en`.
fn fingerprint(options: &Options, templates: &Templates) -> String {
    format!(
        "[generator v{GENERATOR_VERSION}, seed {}, {} years, templates {}]",
        options.seed, options.years, templates.digest
    )
}

// ---------------------------------------------------------------- pseudo-random numbers

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SplitMix64 {
    /// An independent stream for `seed` and a path of labels (province, task, assignment...).
    fn stream(seed: u64, path: &[u64]) -> Self {
        let mut state = mix64(seed.wrapping_add(GOLDEN_GAMMA));
        for part in path {
            state = mix64(state ^ mix64(part.wrapping_add(GOLDEN_GAMMA)));
        }
        SplitMix64(state)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix64(self.0)
    }

    /// A number in `0..n` (`n` > 0; the modulo bias is negligible for these small `n`).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `0..n` as an `i32`.
    fn below_i32(&mut self, n: i32) -> i32 {
        self.below(n.max(1) as u64) as i32
    }

    /// `k` distinct indices from `0..n`, in draw order (partial Fisher-Yates).
    fn pick(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut pool: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below((n - i) as u64) as usize;
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }
}

// ---------------------------------------------------------------- names

/// A Vietnamese agency name moved from Hải Dương to `p`.
fn localise_vi(name: &str, p: &Province) -> String {
    let place = format!("{} {}", p.unit_vi(), p.name);
    if name.contains("tỉnh Hải Dương") {
        name.replace("tỉnh Hải Dương", &place)
    } else if name.contains("Hải Dương") {
        name.replace("Hải Dương", p.name)
    } else if let Some(stem) = name.strip_suffix(" tỉnh") {
        format!("{stem} {place}")
    } else {
        format!("{name} {place}")
    }
}

/// An English agency name moved from Hải Dương to `p`.
fn localise_en(name: &str, p: &Province) -> String {
    let name = if p.city {
        name.replace("Provincial", "City")
    } else {
        name.to_owned()
    };
    if name.contains("Hải Dương") {
        name.replace("Hải Dương", p.name)
    } else {
        format!("{name}, {}", p.name)
    }
}

/// A Vietnamese short name ("Văn phòng UBND tỉnh") for a city ("… thành phố").
fn localise_short_vi(short: &str, p: &Province) -> String {
    match short.strip_suffix(" tỉnh") {
        Some(stem) if p.city => format!("{stem} thành phố"),
        _ => short.to_owned(),
    }
}

fn agency_row(
    code: String,
    name_vi: String,
    name_en: String,
    short_vi: Option<String>,
    short_en: Option<String>,
    level: AgencyLevel,
) -> AgencyRow {
    let search_text = fold(&format!(
        "{} {} {} {} {}",
        code,
        name_vi,
        name_en,
        short_vi.as_deref().unwrap_or(""),
        short_en.as_deref().unwrap_or("")
    ));
    AgencyRow {
        code,
        name_vi,
        name_en,
        short_vi,
        short_en,
        level,
        search_text,
    }
}

fn copied_agency(template: &AgencyTemplate, prefix: &str, p: &Province) -> AgencyRow {
    agency_row(
        format!("{prefix}{}", template.code),
        localise_vi(&template.name_vi, p),
        localise_en(&template.name_en, p),
        template
            .short_vi
            .as_deref()
            .map(|s| localise_short_vi(s, p)),
        template.short_en.clone(),
        AgencyLevel::Province,
    )
}

fn district_code(prefix: &str, d: u32) -> String {
    format!("{prefix}H{d:02}")
}

fn commune_code(prefix: &str, d: u32, c: u32) -> String {
    format!("{prefix}X{d:02}{c:02}")
}

// ---------------------------------------------------------------- dates

/// Months since May 2016 to (year, month).
fn month_of(index: i32) -> (i32, u32) {
    let total = FIRST_YEAR * 12 + FIRST_MONTH0 + index;
    (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32)
}

/// Months since May 2016 of December of `year`.
fn december_index(year: i32) -> i32 {
    (year - FIRST_YEAR) * 12 + 11 - FIRST_MONTH0
}

/// Months since May 2016 of January of `year` (0 for 2016 and before).
fn january_index(year: i32) -> i32 {
    ((year - FIRST_YEAR) * 12 - FIRST_MONTH0).max(0)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn vn_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

// ---------------------------------------------------------------- generation

const BLOCK_REASONS: [&str; 4] = [
    "chờ bố trí kinh phí",
    "thiếu nhân lực chuyên trách",
    "chờ hướng dẫn kỹ thuật của Bộ Thông tin và Truyền thông",
    "hạ tầng kỹ thuật chưa đáp ứng",
];

/// One month's report of one lead assignment, before versions are numbered.
struct Report {
    assignment: usize,
    status: TaskStatus,
    progress: i32,
    note: Option<String>,
    evidence: Option<String>,
    effective_on: NaiveDate,
    changed_at: DateTime<Utc>,
}

/// The monthly reports of one lead assignment.
fn assignment_reports(
    rng: &mut SplitMix64,
    template: &TaskTemplate,
    assignment: usize,
    agency_code: &str,
    months: i32,
) -> Vec<Report> {
    let first_report = rng.below_i32(5);
    let start = first_report.max(january_index(template.start_year)) + rng.below_i32(7);
    let due = match (template.recurrence, template.end_year) {
        (Recurrence::Once, Some(end)) => december_index(end),
        _ => start + 18 + rng.below_i32(72),
    };
    let profile = rng.below(100);
    let target = match profile {
        0..=14 => due - 1 - rng.below_i32(9),
        15..=59 => due - 3 + rng.below_i32(7),
        60..=87 => due + 6 + rng.below_i32(31),
        _ => due + rng.below_i32(24),
    };
    // Stalled assignments never pass this progress.
    let cap = if profile >= 88 {
        40 + 5 * rng.below_i32(12)
    } else {
        100
    };
    let duration = (target - start).max(2);
    let block = if rng.below(100) < 10 {
        let from = start + 1 + rng.below_i32(duration);
        let length = if rng.below(5) == 0 {
            12 + rng.below_i32(25)
        } else {
            2 + rng.below_i32(5)
        };
        Some((from, from + length))
    } else {
        None
    };
    let day = 20 + rng.below(9) as u32;

    let mut reports = Vec::with_capacity((months - first_report).max(0) as usize);
    let mut worked = 0;
    let mut previous = (TaskStatus::NotStarted, 0);
    for m in first_report..months {
        let (year, month) = month_of(m);
        let effective_on = date(year, month, day);
        let hour = 1 + rng.below(10) as u32;
        let minute = rng.below(60) as u32;
        let changed_at = Utc.from_utc_datetime(
            &effective_on
                .and_hms_opt(hour, minute, 0)
                .unwrap_or_default(),
        );
        let blocked = block.is_some_and(|(from, to)| m >= from && m < to)
            && previous.0 != TaskStatus::Completed;
        let (status, progress) = if m < start {
            (TaskStatus::NotStarted, 0)
        } else if blocked {
            (TaskStatus::Blocked, previous.1)
        } else {
            worked += 1;
            if worked >= duration && cap == 100 {
                (TaskStatus::Completed, 100)
            } else {
                let p = (worked * 100 / (duration + 1)) / 5 * 5;
                (TaskStatus::InProgress, p.clamp(5, 95).min(cap))
            }
        };
        let (note, evidence) = match (previous.0, status) {
            (TaskStatus::NotStarted, TaskStatus::InProgress) => (
                Some("Bắt đầu triển khai (dữ liệu tổng hợp)".to_owned()),
                None,
            ),
            (s, TaskStatus::Blocked) if s != TaskStatus::Blocked => (
                Some(format!(
                    "Tạm dừng: {} (dữ liệu tổng hợp)",
                    BLOCK_REASONS[rng.below(BLOCK_REASONS.len() as u64) as usize]
                )),
                None,
            ),
            (TaskStatus::Blocked, TaskStatus::InProgress) => (
                Some("Tiếp tục triển khai (dữ liệu tổng hợp)".to_owned()),
                None,
            ),
            (s, TaskStatus::Completed) if s != TaskStatus::Completed => (
                Some("Hoàn thành (dữ liệu tổng hợp)".to_owned()),
                Some(format!(
                    "{}/BC-{} ngày {}",
                    1 + rng.below(899),
                    agency_code,
                    vn_date(effective_on)
                )),
            ),
            (_, TaskStatus::InProgress) if rng.below(10) == 0 => (
                None,
                Some(format!(
                    "{}/BC-{} ngày {}",
                    1 + rng.below(899),
                    agency_code,
                    vn_date(effective_on)
                )),
            ),
            _ => (None, None),
        };
        previous = (status, progress);
        reports.push(Report {
            assignment,
            status,
            progress,
            note,
            evidence,
            effective_on,
            changed_at,
        });
    }
    reports
}

/// Every row of synthetic province `number` (1-based, at most [`MAX_PROVINCES`]): a pure,
/// deterministic function of its arguments.
pub fn province(number: u32, options: &Options, templates: &Templates) -> ProvinceRows {
    let p = PROVINCES[(number.clamp(1, MAX_PROVINCES) - 1) as usize];
    let prefix = agency_prefix(number);
    let months = (options.years.min(MAX_YEARS) * 12) as i32;

    // Agencies: the committee, the departments, districts and their communes.
    let mut agencies = vec![copied_agency(&templates.committee, &prefix, &p)];
    agencies.extend(
        templates
            .departments
            .iter()
            .map(|t| copied_agency(t, &prefix, &p)),
    );
    let place_vi = format!("{} {}", p.unit_vi(), p.name);
    let mut districts = Vec::new();
    let mut communes = Vec::new();
    for d in 1..=DISTRICTS {
        let code = district_code(&prefix, d);
        districts.push(code.clone());
        agencies.push(agency_row(
            code,
            format!("Ủy ban nhân dân huyện số {d}, {place_vi} (dữ liệu tổng hợp)"),
            format!(
                "People's Committee of district no. {d}, {} (synthetic)",
                p.name
            ),
            Some(format!("UBND huyện số {d}")),
            None,
            AgencyLevel::District,
        ));
    }
    for d in 1..=DISTRICTS {
        for c in 1..=COMMUNES_PER_DISTRICT {
            let code = commune_code(&prefix, d, c);
            communes.push(code.clone());
            agencies.push(agency_row(
                code,
                format!("Ủy ban nhân dân xã số {c}, huyện số {d}, {place_vi} (dữ liệu tổng hợp)"),
                format!(
                    "People's Committee of commune no. {c}, district no. {d}, {} (synthetic)",
                    p.name
                ),
                Some(format!("UBND xã số {c} huyện số {d}")),
                None,
                AgencyLevel::Commune,
            ));
        }
    }

    let plan = PlanRow {
        code: plan_code(number),
        issued_on: templates.issued_on,
        title_vi: format!(
            "Kế hoạch hành động về Chính phủ điện tử (dữ liệu tổng hợp) – {place_vi}"
        ),
        title_en: format!(
            "Synthetic e-government action plan – {} {}",
            p.name,
            p.unit_en()
        ),
        issuer: format!("{prefix}{}", templates.committee.code),
        place_vi: p.name.to_owned(),
        signed_by: "(dữ liệu tổng hợp)".to_owned(),
        signer_title_vi: templates.signer_title_vi.clone(),
        signer_title_en: templates.signer_title_en.clone(),
        implements_code: templates.implements_code.clone(),
        implements_issued_on: templates.implements_issued_on,
        implements_title_vi: templates.implements_title_vi.clone(),
        implements_title_en: templates.implements_title_en.clone(),
        summary_vi: format!(
            "Dữ liệu tổng hợp phục vụ kiểm thử tải và đo hiệu năng, không phải kế hoạch thật của \
             {place_vi} (mã đơn vị hành chính {:02}). Các nhiệm vụ được sao chép từ Kế hoạch {} \
             của tỉnh Hải Dương; báo cáo tiến độ do bộ sinh dữ liệu tạo ra.",
            p.gso_code, templates.plan_code
        ),
        summary_en: format!(
            "Synthetic data for load tests and benchmarks, not a real plan of {} {} \
             (administrative code {:02}). The tasks are copied from Hải Dương's plan {}; the \
             progress reports are generated. {}",
            p.name,
            p.unit_en(),
            p.gso_code,
            templates.plan_code,
            fingerprint(options, templates)
        ),
    };

    let mut assignments = Vec::new();
    let mut reports = Vec::new();
    for t in &templates.tasks {
        let number_u64 = t.number as u64;
        let mut rng = SplitMix64::stream(options.seed, &[u64::from(number), number_u64]);
        let department_of =
            |code: &str| -> Option<usize> { DEPARTMENTS.iter().position(|d| *d == code) };
        let mut lead_departments: Vec<usize> =
            t.lead.iter().filter_map(|c| department_of(c)).collect();
        if lead_departments.is_empty() {
            lead_departments.extend(department_of(DEFAULT_LEAD));
        }
        lead_departments.truncate(LEADS_PER_TASK - 2);
        let mut leads: Vec<String> = lead_departments
            .iter()
            .map(|i| format!("{prefix}{}", DEPARTMENTS[*i]))
            .collect();
        let locals = LEADS_PER_TASK - leads.len();
        let from_districts = locals / 2;
        for i in rng.pick(districts.len(), from_districts) {
            leads.push(districts[i].clone());
        }
        for i in rng.pick(communes.len(), locals - from_districts) {
            leads.push(communes[i].clone());
        }
        // Cooperating: the real task's cooperating departments first, then others at random.
        let wanted = 1 + rng.below(3) as usize;
        let mut cooperating: Vec<usize> = t
            .cooperating
            .iter()
            .filter_map(|c| department_of(c))
            .filter(|i| !lead_departments.contains(i))
            .collect();
        cooperating.dedup();
        cooperating.truncate(wanted);
        while cooperating.len() < wanted {
            let i = rng.below(DEPARTMENTS.len() as u64) as usize;
            if !lead_departments.contains(&i) && !cooperating.contains(&i) {
                cooperating.push(i);
            }
        }

        for (position, code) in leads.iter().enumerate() {
            let index = assignments.len();
            let mut stream = SplitMix64::stream(
                options.seed,
                &[u64::from(number), number_u64, position as u64],
            );
            reports.extend(assignment_reports(&mut stream, t, index, code, months));
            assignments.push(AssignmentRow {
                task_number: t.number,
                agency_code: code.clone(),
                role: AssignmentRole::Lead,
                status: TaskStatus::NotStarted,
                progress: 0,
            });
        }
        for i in cooperating {
            assignments.push(AssignmentRow {
                task_number: t.number,
                agency_code: format!("{prefix}{}", DEPARTMENTS[i]),
                role: AssignmentRole::Cooperating,
                status: TaskStatus::NotStarted,
                progress: 0,
            });
        }
    }

    // Recording order: by time, then task, then assignment. Number each task's versions in
    // that order and leave every assignment at its latest report.
    reports.sort_by_key(|r| {
        (
            r.changed_at,
            assignments[r.assignment].task_number,
            r.assignment,
        )
    });
    let mut versions: HashMap<i32, i32> = HashMap::new();
    let mut history = Vec::with_capacity(reports.len());
    for r in reports {
        let task_number = assignments[r.assignment].task_number;
        let version = versions.entry(task_number).or_insert(1);
        *version += 1;
        let held = &mut assignments[r.assignment];
        held.status = r.status;
        held.progress = r.progress;
        history.push(HistoryRow {
            task_number,
            assignment: r.assignment,
            status: r.status,
            progress: r.progress,
            note: r.note,
            evidence: r.evidence,
            effective_on: r.effective_on,
            changed_at: r.changed_at,
            task_version: *version,
        });
    }

    let tasks = templates
        .tasks
        .iter()
        .map(|t| {
            let leads: Vec<(TaskStatus, i32)> = assignments
                .iter()
                .filter(|a| a.task_number == t.number && a.role == AssignmentRole::Lead)
                .map(|a| (a.status, a.progress))
                .collect();
            let (status, progress) = rollup(&leads);
            TaskRow {
                number: t.number,
                title_vi: t.title_vi.clone(),
                title_en: t.title_en.clone(),
                lead_text_vi: t.lead_text_vi.clone(),
                cooperating_text_vi: t.cooperating_text_vi.clone(),
                timeline_vi: t.timeline_vi.clone(),
                recurrence: t.recurrence,
                start_year: t.start_year,
                end_year: t.end_year,
                due_date: t.due_date,
                status,
                progress,
                version: versions.get(&t.number).copied().unwrap_or(1),
                search_text: fold(&format!("{} {} {}", t.number, t.title_vi, t.title_en)),
            }
        })
        .collect();

    ProvinceRows {
        province: p,
        plan,
        agencies,
        tasks,
        assignments,
        history,
    }
}

// ---------------------------------------------------------------- writing

/// Generates provinces `1..=options.provinces` into `db` (see the module documentation for
/// what, and for how a second run behaves), reading the templates from the seed files.
pub async fn generate(db: &DatabaseConnection, options: &Options) -> Result<Summary, SeedError> {
    let data = SeedData::parse()?;
    generate_from(db, options, &Templates::from_seed(&data)?).await
}

/// [`generate`] with templates already read.
pub async fn generate_from(
    db: &DatabaseConnection,
    options: &Options,
    templates: &Templates,
) -> Result<Summary, SeedError> {
    options.check()?;
    let started = Instant::now();
    let mut summary = Summary::default();
    for number in 1..=options.provinces {
        let province_started = Instant::now();
        let rows = province(number, options, templates);
        let created = write_province(db, number, &rows).await?;
        if created {
            summary.provinces_created += 1;
        } else {
            summary.provinces_kept += 1;
        }
        summary.plans += 1;
        summary.agencies += rows.agencies.len() as u64;
        summary.tasks += rows.tasks.len() as u64;
        summary.assignments += rows.assignments.len() as u64;
        summary.lead_assignments += rows.lead_assignments() as u64;
        summary.history += rows.history.len() as u64;
        tracing::info!(
            province = number,
            name = rows.province.name,
            created,
            history = rows.history.len(),
            seconds = province_started.elapsed().as_secs_f64(),
            "synthetic province {number}/{} {}",
            options.provinces,
            if created {
                "generated"
            } else {
                "already present"
            }
        );
    }
    if summary.provinces_created > 0 {
        // Fresh statistics, so the planner reads a province's history through its index.
        db.execute_unprepared("ANALYZE").await?;
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Writes one province in one transaction; `false` when it was already there as generated.
async fn write_province(
    db: &DatabaseConnection,
    number: u32,
    rows: &ProvinceRows,
) -> Result<bool, SeedError> {
    let txn = db.begin().await?;
    let prefix = agency_prefix(number);
    let existing = plan::Entity::find()
        .filter(plan::Column::Code.eq(&rows.plan.code))
        .one(&txn)
        .await?;
    if let Some(existing) = &existing {
        if existing.summary_en == rows.plan.summary_en {
            txn.rollback().await?;
            return Ok(false);
        }
    }
    remove_province(&txn, existing.map(|p| p.id), &prefix).await?;

    insert_batched(
        &txn,
        rows.agencies
            .iter()
            .map(|a| agency::ActiveModel {
                id: NotSet,
                code: Set(a.code.clone()),
                name_vi: Set(a.name_vi.clone()),
                name_en: Set(a.name_en.clone()),
                short_vi: Set(a.short_vi.clone()),
                short_en: Set(a.short_en.clone()),
                level: Set(a.level),
                named_in_plan: Set(false),
                collective: Set(false),
                source: Set(SOURCE.to_owned()),
                search_text: Set(a.search_text.clone()),
            })
            .collect(),
        500,
    )
    .await?;
    let agency_ids: HashMap<String, i32> = agency::Entity::find()
        .filter(agency::Column::Code.starts_with(&prefix))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let agency_id = |code: &str| -> Result<i32, SeedError> {
        agency_ids
            .get(code)
            .copied()
            .ok_or_else(|| SeedError::Invalid(format!("synthetic agency {code} was not written")))
    };

    let plan = &rows.plan;
    let plan_id = plan::ActiveModel {
        id: NotSet,
        code: Set(plan.code.clone()),
        issued_on: Set(plan.issued_on),
        title_vi: Set(plan.title_vi.clone()),
        title_en: Set(plan.title_en.clone()),
        issuer_agency_id: Set(Some(agency_id(&plan.issuer)?)),
        place_vi: Set(plan.place_vi.clone()),
        signed_by: Set(plan.signed_by.clone()),
        signer_title_vi: Set(plan.signer_title_vi.clone()),
        signer_title_en: Set(plan.signer_title_en.clone()),
        implements_code: Set(plan.implements_code.clone()),
        implements_issued_on: Set(plan.implements_issued_on),
        implements_title_vi: Set(plan.implements_title_vi.clone()),
        implements_title_en: Set(plan.implements_title_en.clone()),
        summary_vi: Set(plan.summary_vi.clone()),
        summary_en: Set(plan.summary_en.clone()),
    }
    .insert(&txn)
    .await?
    .id;

    insert_batched(
        &txn,
        rows.tasks
            .iter()
            .map(|t| task::ActiveModel {
                id: NotSet,
                plan_id: Set(plan_id),
                number: Set(t.number),
                title_vi: Set(t.title_vi.clone()),
                title_en: Set(t.title_en.clone()),
                lead_text_vi: Set(t.lead_text_vi.clone()),
                cooperating_text_vi: Set(t.cooperating_text_vi.clone()),
                timeline_vi: Set(t.timeline_vi.clone()),
                recurrence: Set(t.recurrence),
                start_year: Set(t.start_year),
                end_year: Set(t.end_year),
                due_date: Set(t.due_date),
                status: Set(t.status),
                progress: Set(t.progress),
                version: Set(t.version),
                search_text: Set(t.search_text.clone()),
            })
            .collect(),
        500,
    )
    .await?;
    let task_ids: HashMap<i32, i32> = task::Entity::find()
        .filter(task::Column::PlanId.eq(plan_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.number, t.id))
        .collect();
    let task_id = |number: i32| -> Result<i32, SeedError> {
        task_ids
            .get(&number)
            .copied()
            .ok_or_else(|| SeedError::Invalid(format!("synthetic task {number} was not written")))
    };

    let mut models = Vec::with_capacity(rows.assignments.len());
    for a in &rows.assignments {
        models.push(assignment::ActiveModel {
            id: NotSet,
            task_id: Set(task_id(a.task_number)?),
            agency_id: Set(agency_id(&a.agency_code)?),
            role: Set(a.role),
            via_group_id: Set(None),
            status: Set(a.status),
            progress: Set(a.progress),
        });
    }
    insert_batched(&txn, models, 1000).await?;
    let assignment_ids: HashMap<(i32, i32, AssignmentRole), i32> = assignment::Entity::find()
        .filter(assignment::Column::TaskId.is_in(task_ids.values().copied()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| ((a.task_id, a.agency_id, a.role), a.id))
        .collect();
    // Resolved ids of `rows.assignments`, by index: (assignment, task, agency).
    let mut resolved = Vec::with_capacity(rows.assignments.len());
    for a in &rows.assignments {
        let key = (task_id(a.task_number)?, agency_id(&a.agency_code)?, a.role);
        let id = assignment_ids.get(&key).copied().ok_or_else(|| {
            SeedError::Invalid(format!(
                "synthetic assignment of {} on task {} was not written",
                a.agency_code, a.task_number
            ))
        })?;
        resolved.push((id, key.0, key.1));
    }

    for chunk in rows.history.chunks(HISTORY_BATCH) {
        let models = chunk.iter().map(|h| {
            let (assignment_id, task_id, agency_id) = resolved[h.assignment];
            task_history::ActiveModel {
                id: NotSet,
                task_id: Set(task_id),
                assignment_id: Set(assignment_id),
                agency_id: Set(agency_id),
                status: Set(h.status),
                progress: Set(h.progress),
                note: Set(h.note.clone()),
                evidence: Set(h.evidence.clone()),
                effective_on: Set(h.effective_on),
                changed_at: Set(h.changed_at),
                changed_by_user_id: Set(None),
                task_version: Set(h.task_version),
            }
        });
        task_history::Entity::insert_many(models)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Deletes a synthetic province: its plan's history, assignments and tasks, the plan, and every
/// agency with its code prefix (rows that still point at them cascade or are set to NULL).
async fn remove_province(
    txn: &DatabaseTransaction,
    plan_id: Option<i32>,
    prefix: &str,
) -> Result<(), DbErr> {
    if let Some(plan_id) = plan_id {
        let task_ids: Vec<i32> = task::Entity::find()
            .filter(task::Column::PlanId.eq(plan_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        if !task_ids.is_empty() {
            task_history::Entity::delete_many()
                .filter(task_history::Column::TaskId.is_in(task_ids.iter().copied()))
                .exec(txn)
                .await?;
            assignment::Entity::delete_many()
                .filter(assignment::Column::TaskId.is_in(task_ids.iter().copied()))
                .exec(txn)
                .await?;
        }
        task::Entity::delete_many()
            .filter(task::Column::PlanId.eq(plan_id))
            .exec(txn)
            .await?;
        plan::Entity::delete_by_id(plan_id).exec(txn).await?;
    }
    agency::Entity::delete_many()
        .filter(agency::Column::Code.starts_with(prefix))
        .exec(txn)
        .await?;
    Ok(())
}

/// Inserts `rows` with one multi-row INSERT per `batch` rows.
async fn insert_batched<A>(
    txn: &DatabaseTransaction,
    rows: Vec<A>,
    batch: usize,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(batch).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn templates() -> Templates {
        let data = SeedData::parse().expect("seed data is valid");
        Templates::from_seed(&data).expect("templates")
    }

    #[test]
    fn two_runs_give_identical_rows() {
        let templates = templates();
        let options = Options::default();
        for number in [1, 19, 63] {
            let a = province(number, &options, &templates);
            let b = province(number, &options, &templates);
            assert_eq!(a, b, "province {number}");
        }
        let other = Options {
            seed: 682,
            ..options
        };
        assert_ne!(
            province(1, &options, &templates).history,
            province(1, &other, &templates).history,
            "another seed gives other reports"
        );
    }

    #[test]
    fn the_province_list_is_the_63_before_the_2025_merger() {
        assert_eq!(PROVINCES.len(), 63);
        let names: HashSet<&str> = PROVINCES.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), 63);
        let codes: Vec<u8> = PROVINCES.iter().map(|p| p.gso_code).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "ordered by code");
        assert_eq!(PROVINCES.iter().filter(|p| p.city).count(), 5);
        assert_eq!(PROVINCES[18].name, "Hải Dương");
    }

    #[test]
    fn a_province_has_the_promised_shape() {
        let templates = templates();
        let options = Options::default();
        let rows = province(2, &options, &templates);
        assert_eq!(rows.plan.code, "SYN-02");
        assert!(rows.plan.title_vi.contains("tổng hợp") && rows.plan.title_vi.contains("Hà Giang"));
        assert!(rows.plan.title_en.starts_with("Synthetic"));
        assert_eq!(rows.tasks.len(), 27);
        assert_eq!(rows.agencies.len(), 51);
        let codes: HashSet<&str> = rows.agencies.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes.len(), rows.agencies.len(), "agency codes are unique");
        assert!(codes.iter().all(|c| c.starts_with("SYN02-")));
        assert!(codes.contains("SYN02-STTTT"));
        let dic = rows
            .agencies
            .iter()
            .find(|a| a.code == "SYN02-STTTT")
            .expect("DIC");
        assert_eq!(dic.name_vi, "Sở Thông tin và Truyền thông tỉnh Hà Giang");
        let hanoi = province(1, &options, &templates);
        let office = hanoi
            .agencies
            .iter()
            .find(|a| a.code == "SYN01-VPUBND")
            .expect("office");
        assert_eq!(office.name_vi, "Văn phòng Ủy ban nhân dân thành phố Hà Nội");
        assert_eq!(rows.lead_assignments(), 27 * LEADS_PER_TASK);
        let keys: HashSet<(i32, &str, AssignmentRole)> = rows
            .assignments
            .iter()
            .map(|a| (a.task_number, a.agency_code.as_str(), a.role))
            .collect();
        assert_eq!(keys.len(), rows.assignments.len(), "assignments are unique");
        for t in &rows.tasks {
            let cooperating = rows
                .assignments
                .iter()
                .filter(|a| a.task_number == t.number && a.role == AssignmentRole::Cooperating)
                .count();
            assert!((1..=3).contains(&cooperating), "task {}", t.number);
        }
        // About 118 monthly reports per lead over 10 years.
        let per_lead = rows.history.len() as f64 / rows.lead_assignments() as f64;
        assert!(
            (112.0..=120.0).contains(&per_lead),
            "{per_lead} reports per lead"
        );
        let last = rows
            .history
            .iter()
            .map(|h| h.effective_on)
            .max()
            .expect("reports");
        assert!(last <= date(2026, 4, 30));
    }

    #[test]
    fn reports_are_consistent_and_the_stored_state_follows_them() {
        let templates = templates();
        let rows = province(5, &Options::default(), &templates);
        let mut by_assignment: HashMap<usize, Vec<&HistoryRow>> = HashMap::new();
        let mut versions: HashMap<i32, i32> = HashMap::new();
        let mut previous_time = None;
        for h in &rows.history {
            assert!(previous_time <= Some(h.changed_at), "recording order");
            previous_time = Some(h.changed_at);
            let v = versions.entry(h.task_number).or_insert(1);
            *v += 1;
            assert_eq!(h.task_version, *v, "versions count up per task");
            assert_eq!(h.changed_at.date_naive(), h.effective_on);
            match h.status {
                TaskStatus::NotStarted => assert_eq!(h.progress, 0),
                TaskStatus::Completed => assert_eq!(h.progress, 100),
                TaskStatus::InProgress | TaskStatus::Blocked => {
                    assert!((1..=99).contains(&h.progress))
                }
            }
            by_assignment.entry(h.assignment).or_default().push(h);
        }
        let mut statuses = HashSet::new();
        for (index, reports) in &by_assignment {
            assert!(
                reports.windows(2).all(|w| w[0].progress <= w[1].progress),
                "monotonic"
            );
            assert!(reports
                .windows(2)
                .all(|w| w[0].effective_on < w[1].effective_on));
            let last = reports.last().expect("a report");
            let held = &rows.assignments[*index];
            assert_eq!((held.status, held.progress), (last.status, last.progress));
            statuses.extend(reports.iter().map(|r| r.status));
        }
        assert_eq!(statuses.len(), 4, "every status occurs: {statuses:?}");
        assert!(rows.history.iter().any(|h| h.evidence.is_some()));
        for t in &rows.tasks {
            let leads: Vec<(TaskStatus, i32)> = rows
                .assignments
                .iter()
                .filter(|a| a.task_number == t.number && a.role == AssignmentRole::Lead)
                .map(|a| (a.status, a.progress))
                .collect();
            assert_eq!((t.status, t.progress), rollup(&leads));
            assert_eq!(t.version, versions.get(&t.number).copied().unwrap_or(1));
        }
    }

    #[test]
    fn no_real_agency_code_looks_synthetic() {
        let data = SeedData::parse().expect("seed data is valid");
        assert!(data
            .agencies
            .agency
            .iter()
            .all(|a| !a.code.starts_with(CODE_PREFIX)));
        assert!(data
            .agencies
            .group
            .iter()
            .all(|g| !g.code.starts_with(CODE_PREFIX)));
        assert!(!data.plan.plan.code.starts_with(CODE_PREFIX));
    }

    #[test]
    fn options_are_checked() {
        assert!(Options::default().check().is_ok());
        for bad in [
            Options {
                provinces: 0,
                ..Options::default()
            },
            Options {
                provinces: 64,
                ..Options::default()
            },
            Options {
                years: 0,
                ..Options::default()
            },
            Options {
                years: 11,
                ..Options::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
