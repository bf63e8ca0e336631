//! The plain data every chart, table and document is drawn from.
//!
//! The service fills these structs from the database (`api::services::report_data`); the
//! renderers in this crate read nothing else. Enums here mirror the service's own so that the
//! crate stays free of database and web dependencies.

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

/// Language of every label in an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// Vietnamese, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Parses `vi` or `en` (any case); `None` for anything else.
    pub fn parse(value: &str) -> Option<Lang> {
        match value.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// `vi` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Picks the Vietnamese or the English of a fixed label.
    pub fn pick(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A text in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    /// Both languages.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, NFC-normalised; Vietnamese when the English is empty.
    pub fn get(&self, lang: Lang) -> String {
        let text = match lang {
            Lang::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.vi,
        };
        nfc(text)
    }
}

/// NFC-normalises a label: plotters and PDF fonts draw precomposed Vietnamese letters correctly,
/// decomposed marks land in the wrong place.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Output format of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartFormat {
    /// A PNG drawn at twice the nominal size, for print.
    Png,
    /// An SVG with real `<text>` elements.
    Svg,
}

impl ChartFormat {
    /// `png` or `svg`.
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }

    /// The MIME type of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            ChartFormat::Png => "image/png",
            ChartFormat::Svg => "image/svg+xml",
        }
    }
}

/// Reported state of a task or of an agency's assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    NotStarted,
    InProgress,
    Completed,
    Blocked,
}

impl Status {
    /// Every status, in the order charts stack them.
    pub const ALL: [Status; 4] = [
        Status::Completed,
        Status::InProgress,
        Status::NotStarted,
        Status::Blocked,
    ];

    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::NotStarted => lang.pick("Chưa triển khai", "Not started"),
            Status::InProgress => lang.pick("Đang triển khai", "In progress"),
            Status::Completed => lang.pick("Hoàn thành", "Completed"),
            Status::Blocked => lang.pick("Vướng mắc", "Blocked"),
        }
    }

    /// The stable code used in CSV and spreadsheets (`NOT_STARTED`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Status::NotStarted => "NOT_STARTED",
            Status::InProgress => "IN_PROGRESS",
            Status::Completed => "COMPLETED",
            Status::Blocked => "BLOCKED",
        }
    }
}

/// How a task's timeline repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recurrence {
    /// A span of years, due 31 December of the end year.
    Once,
    /// One report owed every year.
    Annual,
    /// From a year on with no end; a yearly update owed.
    Ongoing,
}

/// State of one reporting period (a year) of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodState {
    /// The report or completion came in.
    Met,
    /// Still running, nothing owed yet.
    Open,
    /// Ended without the report or completion it owed.
    Missed,
    /// Starts after the report's date.
    Upcoming,
}

/// A reporting period of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearState {
    pub year: i32,
    pub state: PeriodState,
}

/// An agency as shown in reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRef {
    /// Stable code, e.g. `STTTT`.
    pub code: String,
    pub name: Text,
}

/// One of the plan's tasks on the report's date.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// Appendix number, 1-27.
    pub number: i32,
    pub title: Text,
    /// Main task (II.1-II.6) the task serves, if linked.
    pub main_task: Option<String>,
    pub recurrence: Recurrence,
    pub start_year: i32,
    /// Last year of a `Once` span; `None` for annual and ongoing tasks without an end.
    pub end_year: Option<i32>,
    /// The plan's wording of the timeline ("2016-2017", "Hàng năm", ...).
    pub timeline: Text,
    pub due_date: Option<NaiveDate>,
    pub status: Status,
    /// 0-100.
    pub progress: i32,
    pub overdue: bool,
    /// Since when the task has been completed, if it is.
    pub completed_on: Option<NaiveDate>,
    /// Reporting periods up to the report's year (annual and ongoing tasks: one a year).
    pub periods: Vec<YearState>,
    pub leads: Vec<AgencyRef>,
    pub cooperating: Vec<AgencyRef>,
    /// The latest accepted report, if any: when it took effect and its note.
    pub last_report_on: Option<NaiveDate>,
    pub last_note: Option<String>,
}

/// Band of a ranking score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    Good,
    Fair,
    Average,
    Weak,
}

impl Band {
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Band::Good => lang.pick("Tốt", "Good"),
            Band::Fair => lang.pick("Khá", "Fair"),
            Band::Average => lang.pick("Trung bình", "Average"),
            Band::Weak => lang.pick("Yếu", "Weak"),
        }
    }

    /// The stable code (`GOOD`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Band::Good => "GOOD",
            Band::Fair => "FAIR",
            Band::Average => "AVERAGE",
            Band::Weak => "WEAK",
        }
    }
}

/// One agency's place in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingEntry {
    /// 1-based; equal scores share a rank.
    pub rank: u32,
    pub agency: AgencyRef,
    /// 0-100.
    pub score: f64,
    pub band: Band,
    pub tasks_assigned: u32,
    pub tasks_completed: u32,
    pub tasks_overdue: u32,
}

/// A ranking of agencies on a date, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub as_of: NaiveDate,
    /// Which agencies are ranked ("Sở, ban, ngành" / "Departments", ...); `None` for all.
    pub group: Option<Text>,
    /// The scoring method's version, e.g. `2026.1`.
    pub method: String,
    pub entries: Vec<RankingEntry>,
}

/// Whether a higher KPI value is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    HigherIsBetter,
    /// A rank: charts invert the axis so that better is up.
    LowerIsBetter,
}

/// A value of a KPI in a year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub year: i32,
    pub value: f64,
}

/// Whether a KPI is where it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KpiState {
    OnTrack,
    Behind,
    NoData,
}

impl KpiState {
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            KpiState::OnTrack => lang.pick("Đạt tiến độ", "On track"),
            KpiState::Behind => lang.pick("Chậm", "Behind"),
            KpiState::NoData => lang.pick("Chưa có số liệu", "No data"),
        }
    }
}

/// One KPI with its trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiSeries {
    /// Stable code, e.g. `ICT_RANK`.
    pub code: String,
    pub name: Text,
    /// Unit as written in the seed (`%`, `rank`, `points`...).
    pub unit: String,
    pub direction: Direction,
    pub baseline: Option<Point>,
    /// Stepped targets, by year.
    pub targets: Vec<Point>,
    /// Measured values up to the report's date, by year.
    pub measurements: Vec<Point>,
    /// The latest measurement on the report's date and how it compares with the plan.
    pub latest: Option<Point>,
    pub state: KpiState,
    /// Percent of the target reached in the latest measured year.
    pub attainment: Option<f64>,
}

/// Task counts of one group (a main task or an agency level).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusGroup {
    /// `II.1`, `PROVINCE`, ...
    pub code: String,
    pub label: Text,
    pub completed: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub blocked: u32,
    /// Overdue among the above (not a separate status).
    pub overdue: u32,
}

impl StatusGroup {
    /// The count of one status.
    pub fn count(&self, status: Status) -> u32 {
        match status {
            Status::NotStarted => self.not_started,
            Status::InProgress => self.in_progress,
            Status::Completed => self.completed,
            Status::Blocked => self.blocked,
        }
    }

    /// All tasks in the group.
    pub fn total(&self) -> u32 {
        self.completed + self.in_progress + self.not_started + self.blocked
    }
}

/// Tasks by status, grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusBreakdown {
    pub as_of: NaiveDate,
    /// What the groups are ("theo nhiệm vụ chủ yếu" / "by main task", ...).
    pub grouping: Text,
    /// What a bar counts, printed under the title (a task linked to two main tasks counts in
    /// both; by level, each lead assignment counts once).
    pub counting: Text,
    pub groups: Vec<StatusGroup>,
}

/// The plan's headline figures on a date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub tasks_total: u32,
    pub completed: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub blocked: u32,
    pub overdue: u32,
    /// Mean task progress, 0-100.
    pub percent_complete: f64,
}

/// The progress (Gantt) chart's data: every task on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub as_of: NaiveDate,
    /// First and last year the chart spans (e.g. 2016 and 2021).
    pub first_year: i32,
    pub last_year: i32,
    pub tasks: Vec<TaskRow>,
}

/// Where an architecture component is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lifecycle {
    Planned,
    Building,
    Operational,
    Retiring,
    Retired,
}

impl Lifecycle {
    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Lifecycle::Planned => lang.pick("Kế hoạch", "Planned"),
            Lifecycle::Building => lang.pick("Đang xây dựng", "Building"),
            Lifecycle::Operational => lang.pick("Đang vận hành", "Operational"),
            Lifecycle::Retiring => lang.pick("Sắp dừng", "Retiring"),
            Lifecycle::Retired => lang.pick("Đã dừng", "Retired"),
        }
    }
}

/// How architecture boxes are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MapColouring {
    #[default]
    Lifecycle,
    /// By the mean progress of the tasks that deliver the component (grey when none does).
    Progress,
}

/// A layer of the architecture, drawn as a band.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLayer {
    /// `PORTALS`, ...
    pub code: String,
    pub name: Text,
}

/// A component, drawn as a labelled box in its layer's band.
#[derive(Debug, Clone, PartialEq)]
pub struct MapComponent {
    pub code: String,
    pub name: Text,
    /// Code of its [`MapLayer`].
    pub layer: String,
    pub lifecycle: Lifecycle,
    /// Mean progress (0-100) of the delivering tasks; `None` when no task delivers it.
    pub progress: Option<f64>,
}

/// A relation, drawn as an arrow from `from` to `to` (component codes).
#[derive(Debug, Clone, PartialEq)]
pub struct MapRelation {
    pub from: String,
    pub to: String,
    /// `USES`, `HOSTED_ON`, ...
    pub kind: String,
}

/// The architecture map's data.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchitectureMap {
    pub as_of: NaiveDate,
    /// Layers top to bottom.
    pub layers: Vec<MapLayer>,
    pub components: Vec<MapComponent>,
    pub relations: Vec<MapRelation>,
    pub colouring: MapColouring,
}

/// A chart image to place in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub caption: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// Everything the consolidated report holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// `681/KH-UBND`.
    pub plan_code: String,
    pub plan_title: Text,
    /// Who issued the plan (UBND tỉnh Hải Dương).
    pub issuer: Text,
    /// Date the plan was issued.
    pub issued_on: NaiveDate,
    /// Who reports (Sở Thông tin và Truyền thông).
    pub reporter: Text,
    /// The date the figures are as of.
    pub as_of: NaiveDate,
    pub figures: Figures,
    pub ranking: Ranking,
    pub tasks: Vec<TaskRow>,
    pub kpis: Vec<KpiSeries>,
    pub status: StatusBreakdown,
}
