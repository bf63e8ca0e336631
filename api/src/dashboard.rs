//! The leadership dashboard at `GET /`: one server-rendered page with the plan's headline
//! figures, the ranking, progress, status and KPI charts, the overdue tasks, the KPIs and a link
//! to every download (the frozen reports included), as of a date, in Vietnamese (the default) or
//! English.
//!
//! The page is drawn from [`report_data::summary`], the same figures the PDF and the spreadsheets
//! print, and rendered with the askama template `dashboard.html` inside the frame every page
//! shares (`base.html`: sign-in, navigation, language switch). Rust builds small view structs of
//! preformatted strings; the template escapes every one of them. Styles live in the one
//! stylesheet (`/assets/style.<hash>.css`); there is no script, no inline style, no web font and
//! no other external asset, so the page reads fully without JavaScript. Charts are `<img>`
//! elements pointing at the `/reports/*.svg` routes, which keeps the HTML itself small; tables
//! and charts sit in boxes that scroll sideways on a phone rather than widening the page. Every
//! task the page shows links to its own page, `/tasks/{number}`.

use std::sync::Arc;

use askama::Template;
use chrono::NaiveDate;
use poem::http::{header, StatusCode};
use poem::web::Data;
use poem::{handler, Request, Response};
use reports::format;
use reports::model::{KpiSeries, KpiState, Lang, Point, Status, Summary, TaskRow};
use sea_orm::DatabaseConnection;

use crate::error::{Error, Result};
use crate::pages::{self, encode_query_value, Chrome};
use crate::services::sessions::{BrowserSession, Sessions};
use crate::services::snapshots::{self, Snapshot};
use crate::services::{clock, downloads, report_data};

/// The query parameters the dashboard takes; `parse_options` checks their values.
const PARAMETERS: [&str; 2] = ["asOf", "lang"];

/// Lead agencies listed in full on an overdue task before the rest fold away.
const LEADS_SHOWN: usize = 3;

/// `GET /`: the dashboard for the query's `asOf` and `lang`, with the frame of the browser's
/// session. A bad query is a 400: an HTML page for a browser, the usual JSON error otherwise.
#[handler]
pub async fn handler(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
) -> Response {
    let pairs: Result<Vec<(String, String)>> = request
        .params()
        .map_err(|_| Error::bad_input("the query string is malformed"));
    let session = match pages::signin::session_of(request, db, sessions).await {
        Ok(session) => session,
        Err(err) => {
            tracing::error!(error = ?err, "checking a browser session failed");
            None
        }
    };
    let page = match &pairs {
        Ok(pairs) => page(db, pairs, session.as_ref()).await,
        Err(err) => Err(Error::bad_input(err.to_string())),
    };
    match page {
        Ok(html) => pages::html(StatusCode::OK, Ok(html)),
        Err(err) if pages::wants_html(request) => {
            let lang = pages::page_lang(
                pairs
                    .as_deref()
                    .ok()
                    .and_then(|pairs| pages::field(pairs, "lang")),
            );
            pages::error_page(&Chrome::new(lang, session.as_ref(), "/", ""), &err)
        }
        Err(err) => json_error(&err),
    }
}

/// A service error as JSON, the same shape as the other read routes and GraphQL give.
fn json_error(err: &Error) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }]
    });
    let mut response = Response::builder()
        .status(pages::status_of(err))
        .content_type("application/json; charset=utf-8")
        .body(body.to_string());
    if let Error::Busy(seconds) = err {
        if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    if let Error::Internal(cause) = err {
        tracing::error!(error = ?cause, "the dashboard failed");
    }
    response
}

/// The dashboard page for the query string's `asOf` (default today in Vietnam) and `lang`
/// (default `vi`), framed for `session`. A malformed date or language, or any other parameter,
/// is `BAD_INPUT`, refused before the database is read.
pub async fn page(
    db: &DatabaseConnection,
    pairs: &[(String, String)],
    session: Option<&BrowserSession>,
) -> Result<String> {
    let options = downloads::parse_options(pairs, clock::today())?;
    if let Some((key, _)) = pairs
        .iter()
        .find(|(key, _)| !PARAMETERS.contains(&key.as_str()))
    {
        return Err(Error::bad_input(format!(
            "unknown parameter {key:?}; the dashboard takes asOf and lang"
        )));
    }
    let summary = report_data::summary(db, options.as_of).await?;
    let frozen = snapshots::list(db).await?;
    let chrome = Chrome::new(options.lang, session, "/", &as_of_query(options.as_of));
    render(&summary, chrome, &frozen).map_err(|err| Error::Internal(err.into()))
}

/// `asOf=YYYY-MM-DD`, the part of the page's query every link keeps besides `lang`.
fn as_of_query(as_of: NaiveDate) -> String {
    format!(
        "asOf={}",
        encode_query_value(&as_of.format("%Y-%m-%d").to_string())
    )
}

/// The whole page for a summary and the frozen reports, in the frame `chrome`; pure, so tests
/// can call it with a hand-made summary.
pub fn render(summary: &Summary, chrome: Chrome, frozen: &[Snapshot]) -> askama::Result<String> {
    DashboardPage::new(summary, chrome, frozen).render()
}

/// What every part of the page needs: the report's date and the language.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    as_of: NaiveDate,
    lang: Lang,
}

impl Ctx {
    /// A fixed label in the page's language.
    fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(vi, en)
    }

    /// `path` with the page's `asOf` and `lang`, URL-encoded (the template escapes it).
    fn url(self, path: &str) -> String {
        format!(
            "{path}?{}&lang={}",
            as_of_query(self.as_of),
            encode_query_value(self.lang.code())
        )
    }

    fn date(self, date: NaiveDate) -> String {
        format::date(date, self.lang)
    }

    fn number(self, value: f64, decimals: usize) -> String {
        format::number(value, decimals, self.lang)
    }

    fn count(self, value: i64) -> String {
        format::count(value, self.lang)
    }

    fn percent(self, value: f64) -> String {
        format::percent(value, self.lang)
    }
}

/// `GET /`, as the template `dashboard.html` draws it.
#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    plan_code: String,
    plan_title: String,
    issuer: String,
    issued_on: String,
    reporter: String,
    /// The as-of date as `YYYY-MM-DD`, for `<time>` and the date picker.
    as_of_iso: String,
    /// The as-of date as people read it.
    as_of: String,
    cards: Vec<Card>,
    percent_complete: String,
    /// The percentage for the `<progress>` bar, clamped to 0–100.
    percent_bar: String,
    status_chart: ChartView,
    ranking_chart: ChartView,
    progress_chart: ChartView,
    overdue: Vec<OverdueLine>,
    kpis: Vec<KpiCard>,
    kpis_chart: ChartView,
    downloads: Vec<DownloadRow>,
    documents: Vec<DownloadRow>,
    frozen: Vec<FrozenReport>,
    feed_href: String,
}

/// A headline figure.
struct Card {
    /// CSS classes giving the card its colour (`c-done`, `c-late alert`).
    class: &'static str,
    label: &'static str,
    value: String,
    note: String,
}

/// A chart image inside a figure with its PNG and SVG buttons.
struct ChartView {
    title: &'static str,
    png: String,
    svg: String,
    alt: String,
    /// Nominal size, so that the layout does not jump while it loads.
    width: u32,
    height: u32,
    loading: &'static str,
}

/// A status as a badge: the class keyed on its code and its label.
struct StatusBadge {
    code: &'static str,
    label: &'static str,
}

/// One overdue task.
struct OverdueLine {
    number: i32,
    href: String,
    title: String,
    /// The leads shown in full, already joined.
    leads: String,
    /// The leads folded away, with the sentence that opens them.
    more_leads: Option<(String, Vec<String>)>,
    due: String,
    late_by: Option<String>,
    status: StatusBadge,
    progress: String,
}

/// One KPI card.
struct KpiCard {
    name: String,
    /// `k-on`, `k-behind` or `k-none`.
    class: &'static str,
    /// The latest value and when it was measured.
    reading: Option<(String, String)>,
    targets: String,
    attainment: Option<String>,
    state: &'static str,
    png: String,
    svg: String,
}

/// One download: a label and its buttons.
struct DownloadRow {
    label: &'static str,
    links: Vec<DownloadLink>,
}

struct DownloadLink {
    href: String,
    mime: &'static str,
    text: &'static str,
}

/// One frozen report and its files.
struct FrozenReport {
    label: String,
    frozen_at: String,
    lang: String,
    files: Vec<FrozenFile>,
}

struct FrozenFile {
    name: String,
    href: String,
    size: String,
}

/// Nominal sizes (SVG pixels) of the charts as drawn for the seeded plan (35 ranked agencies,
/// 27 tasks, 6 main tasks, 11 KPIs). Loaded images keep their real aspect ratio; these only
/// reserve the space so that the page does not jump.
const RANKING_SIZE: (u32, u32) = (1200, 1120);
const PROGRESS_SIZE: (u32, u32) = (1400, 1034);
const STATUS_SIZE: (u32, u32) = (1200, 474);
const KPIS_SIZE: (u32, u32) = (1200, 1434);

impl DashboardPage {
    fn new(summary: &Summary, chrome: Chrome, frozen: &[Snapshot]) -> Self {
        let c = Ctx {
            as_of: summary.as_of,
            lang: chrome.lang,
        };
        let f = &summary.figures;
        Self {
            plan_code: summary.plan_code.clone(),
            plan_title: summary.plan_title.get(c.lang),
            issuer: summary.issuer.get(c.lang),
            issued_on: c.date(summary.issued_on),
            reporter: summary.reporter.get(c.lang),
            as_of_iso: c.as_of.format("%Y-%m-%d").to_string(),
            as_of: c.date(c.as_of),
            cards: cards(summary, c),
            percent_complete: c.percent(f.percent_complete),
            percent_bar: format!("{:.1}", f.percent_complete.clamp(0.0, 100.0)),
            status_chart: status_chart(summary, c),
            ranking_chart: ranking_chart(summary, c),
            progress_chart: progress_chart(summary, c),
            overdue: overdue(&summary.tasks, &chrome, c),
            kpis: summary.kpis.iter().map(|kpi| kpi_card(kpi, c)).collect(),
            kpis_chart: kpis_chart(&summary.kpis, c),
            downloads: chart_downloads(c),
            documents: documents(c),
            frozen: frozen.iter().map(|s| frozen_report(s, c)).collect(),
            feed_href: c.url("/feeds/changes.atom"),
            chrome,
        }
    }
}

/// The headline figure cards (the percentage complete has its own, with a bar).
fn cards(summary: &Summary, c: Ctx) -> Vec<Card> {
    let f = &summary.figures;
    let share = |n: u32| {
        if f.tasks_total == 0 {
            String::new()
        } else {
            let pct = c.percent(f64::from(n) * 100.0 / f64::from(f.tasks_total));
            format!("{pct} {}", c.t("số nhiệm vụ", "of tasks"))
        }
    };
    let card = |class, label, value: u32, note| Card {
        class,
        label,
        value: c.count(i64::from(value)),
        note,
    };
    vec![
        card(
            "c-total",
            c.t("Tổng số nhiệm vụ", "Tasks in total"),
            f.tasks_total,
            c.t("trong Phụ lục kế hoạch", "in the plan's appendix")
                .to_string(),
        ),
        card(
            "c-done",
            Status::Completed.label(c.lang),
            f.completed,
            share(f.completed),
        ),
        card(
            "c-doing",
            Status::InProgress.label(c.lang),
            f.in_progress,
            share(f.in_progress),
        ),
        card(
            "c-idle",
            Status::NotStarted.label(c.lang),
            f.not_started,
            share(f.not_started),
        ),
        card(
            "c-blocked",
            Status::Blocked.label(c.lang),
            f.blocked,
            share(f.blocked),
        ),
        card(
            if f.overdue > 0 {
                "c-late alert"
            } else {
                "c-late"
            },
            c.t("Quá hạn", "Overdue"),
            f.overdue,
            share(f.overdue),
        ),
    ]
}

/// A chart of `/reports/{stem}.svg` with the page's date and language.
fn chart(c: Ctx, stem: &str, title: &'static str, alt: String, size: (u32, u32)) -> ChartView {
    ChartView {
        title,
        png: c.url(&format!("/reports/{stem}.png")),
        svg: c.url(&format!("/reports/{stem}.svg")),
        alt,
        width: size.0,
        height: size.1,
        // The status chart sits right under the cards; the others load when scrolled to.
        loading: if stem == "status" { "eager" } else { "lazy" },
    }
}

/// The status chart that breaks the cards down by main task.
fn status_chart(summary: &Summary, c: Ctx) -> ChartView {
    let groups = summary
        .status
        .groups
        .iter()
        .map(|g| format!("{} {}/{}", g.label.get(c.lang), g.completed, g.total()))
        .collect::<Vec<_>>()
        .join("; ");
    let alt = format!(
        "{} {groups}.",
        c.t(
            "Số nhiệm vụ hoàn thành trên tổng số, theo nhiệm vụ chủ yếu:",
            "Tasks completed out of all, by main task:"
        )
    );
    chart(
        c,
        "status",
        c.t("Tình trạng theo nhiệm vụ chủ yếu", "Status by main task"),
        alt,
        STATUS_SIZE,
    )
}

/// The agency ranking chart.
fn ranking_chart(summary: &Summary, c: Ctx) -> ChartView {
    let entries = &summary.ranking.entries;
    let alt = match entries.first() {
        Some(best) => format!(
            "{} {} {} {}. {} {} ({} {}).",
            c.t("Xếp hạng", "Ranking of"),
            entries.len(),
            c.t("cơ quan theo điểm đến ngày", "agencies by score as of"),
            c.date(c.as_of),
            c.t("Cao nhất:", "Top:"),
            best.agency.name.get(c.lang),
            c.number(best.score, 1),
            c.t("điểm", "points"),
        ),
        None => c
            .t(
                "Chưa có cơ quan nào được xếp hạng.",
                "No agency is ranked yet.",
            )
            .to_string(),
    };
    chart(
        c,
        "ranking",
        c.t(
            "Điểm tổng hợp của các cơ quan, đơn vị",
            "Overall score of each agency",
        ),
        alt,
        RANKING_SIZE,
    )
}

/// The task progress (Gantt) chart.
fn progress_chart(summary: &Summary, c: Ctx) -> ChartView {
    let f = &summary.figures;
    let alt = format!(
        "{} {} {} {}: {} {}, {} {}, {} {}, {} {}.",
        c.t("Tiến độ", "Progress of"),
        f.tasks_total,
        c.t("nhiệm vụ đến ngày", "tasks as of"),
        c.date(c.as_of),
        f.completed,
        Status::Completed.label(c.lang).to_lowercase(),
        f.in_progress,
        Status::InProgress.label(c.lang).to_lowercase(),
        f.not_started,
        Status::NotStarted.label(c.lang).to_lowercase(),
        f.overdue,
        c.t("quá hạn", "overdue"),
    );
    chart(
        c,
        "progress",
        c.t(
            "Tiến độ từng nhiệm vụ theo thời gian",
            "Progress of each task over time",
        ),
        alt,
        PROGRESS_SIZE,
    )
}

/// The overdue tasks, oldest deadline first, each linking to its page.
fn overdue(tasks: &[TaskRow], chrome: &Chrome, c: Ctx) -> Vec<OverdueLine> {
    let mut overdue: Vec<&TaskRow> = tasks.iter().filter(|t| t.overdue).collect();
    overdue.sort_by_key(|t| (t.due_date.is_none(), t.due_date, t.number));
    overdue
        .into_iter()
        .map(|task| {
            let names: Vec<String> = task.leads.iter().map(|a| a.name.get(c.lang)).collect();
            let (leads, more_leads) = if names.is_empty() {
                ("—".to_string(), None)
            } else if names.len() <= LEADS_SHOWN + 1 {
                (names.join("; "), None)
            } else {
                let (shown, rest) = names.split_at(LEADS_SHOWN);
                let sentence = format!(
                    "{} {} {}",
                    c.t("và", "and"),
                    rest.len(),
                    c.t("cơ quan khác", "more agencies")
                );
                (shown.join("; "), Some((sentence, rest.to_vec())))
            };
            let (due, late_by) = match task.due_date {
                Some(due) => {
                    let days = (c.as_of - due).num_days();
                    let late = (days > 0).then(|| {
                        format!(
                            "{} {} {}",
                            c.t("trễ", "late by"),
                            c.count(days),
                            c.t("ngày", "days")
                        )
                    });
                    (c.date(due), late)
                }
                None => ("—".to_string(), None),
            };
            OverdueLine {
                number: task.number,
                href: chrome.link(&format!("/tasks/{}", task.number)),
                title: task.title.get(c.lang),
                leads,
                more_leads,
                due,
                late_by,
                status: StatusBadge {
                    code: task.status.code(),
                    label: task.status.label(c.lang),
                },
                progress: c.percent(f64::from(task.progress)),
            }
        })
        .collect()
}

/// A KPI value with its unit: `45%`, `hạng 31`, `12 points`.
fn kpi_value(value: f64, unit: &str, lang: Lang) -> String {
    let number = format::number(value, 2, lang);
    match unit {
        "%" => format!("{number}%"),
        "rank" => format!("{} {number}", lang.pick("hạng", "rank")),
        other => format!("{number} {other}"),
    }
}

/// One KPI's card: latest value, targets, state and its chart's downloads.
fn kpi_card(kpi: &KpiSeries, c: Ctx) -> KpiCard {
    let class = match kpi.state {
        KpiState::OnTrack => "k-on",
        KpiState::Behind => "k-behind",
        KpiState::NoData => "k-none",
    };
    let reading = kpi.latest.map(|Point { year, value }| {
        (
            kpi_value(value, &kpi.unit, c.lang),
            format!("{} {year}", c.t("năm", "in")),
        )
    });
    let targets = kpi
        .targets
        .iter()
        .map(|p| format!("{} ({})", kpi_value(p.value, &kpi.unit, c.lang), p.year))
        .collect::<Vec<_>>()
        .join(" · ");
    let targets = if targets.is_empty() {
        c.t("Chưa đặt mục tiêu", "No target set").to_string()
    } else {
        format!("{} {targets}", c.t("Mục tiêu:", "Targets:"))
    };
    let attainment = match (kpi.attainment, kpi.latest) {
        (Some(pct), Some(latest)) => Some(match c.lang {
            Lang::Vi => format!("Đạt {} mục tiêu năm {}", c.percent(pct), latest.year),
            Lang::En => format!("Reached {} of the {} target", c.percent(pct), latest.year),
        }),
        _ => None,
    };
    let code = encode_query_value(&kpi.code);
    KpiCard {
        name: kpi.name.get(c.lang),
        class,
        reading,
        targets,
        attainment,
        state: kpi.state.label(c.lang),
        png: c.url(&format!("/reports/kpis/{code}.png")),
        svg: c.url(&format!("/reports/kpis/{code}.svg")),
    }
}

/// The trajectories of every KPI.
fn kpis_chart(kpis: &[KpiSeries], c: Ctx) -> ChartView {
    let count = |state: KpiState| kpis.iter().filter(|k| k.state == state).count();
    let alt = format!(
        "{} {} {}: {} {}, {} {}, {} {}.",
        c.t("Diễn biến", "Trajectories of"),
        kpis.len(),
        c.t(
            "chỉ tiêu so với mục tiêu",
            "indicators against their targets"
        ),
        count(KpiState::OnTrack),
        KpiState::OnTrack.label(c.lang).to_lowercase(),
        count(KpiState::Behind),
        KpiState::Behind.label(c.lang).to_lowercase(),
        count(KpiState::NoData),
        KpiState::NoData.label(c.lang).to_lowercase(),
    );
    chart(
        c,
        "kpis",
        c.t(
            "Diễn biến các chỉ tiêu so với mục tiêu",
            "Indicators against their targets",
        ),
        alt,
        KPIS_SIZE,
    )
}

/// Every chart as PNG and SVG, with the page's `asOf` and `lang`.
fn chart_downloads(c: Ctx) -> Vec<DownloadRow> {
    [
        (
            "ranking",
            c.t("Xếp hạng các cơ quan", "Ranking of agencies"),
        ),
        (
            "progress",
            c.t("Tiến độ các nhiệm vụ", "Progress of the tasks"),
        ),
        (
            "status",
            c.t("Tình trạng theo nhiệm vụ chủ yếu", "Status by main task"),
        ),
        ("kpis", c.t("Các chỉ tiêu", "Key indicators")),
        (
            "architecture",
            c.t("Kiến trúc chính quyền điện tử", "E-government architecture"),
        ),
    ]
    .into_iter()
    .map(|(stem, label)| DownloadRow {
        label,
        links: vec![
            DownloadLink {
                href: c.url(&format!("/reports/{stem}.png")),
                mime: "image/png",
                text: "PNG",
            },
            DownloadLink {
                href: c.url(&format!("/reports/{stem}.svg")),
                mime: "image/svg+xml",
                text: "SVG",
            },
        ],
    })
    .collect()
}

/// The report, the spreadsheets, the architecture and the feed, with the page's `asOf` and
/// `lang`.
fn documents(c: Ctx) -> Vec<DownloadRow> {
    [
        (
            c.t("Báo cáo tổng hợp", "Consolidated report"),
            "/reports/summary.pdf",
            "application/pdf",
            "PDF",
        ),
        (
            c.t("Danh sách nhiệm vụ", "Task list"),
            "/reports/tasks.csv",
            "text/csv",
            "CSV",
        ),
        (
            c.t(
                "Bảng tính: nhiệm vụ, chỉ tiêu, xếp hạng",
                "Workbook: tasks, indicators, ranking",
            ),
            "/reports/tasks.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "XLSX",
        ),
        (
            c.t("Kiến trúc (ArchiMate)", "Architecture (ArchiMate)"),
            "/exports/architecture.xml",
            "application/xml",
            "XML",
        ),
        (
            c.t("Thay đổi gần đây", "Recent changes"),
            "/feeds/changes.atom",
            "application/atom+xml",
            "Atom",
        ),
    ]
    .into_iter()
    .map(|(label, path, mime, text)| DownloadRow {
        label,
        links: vec![DownloadLink {
            href: c.url(path),
            mime,
            text,
        }],
    })
    .collect()
}

/// A frozen report with its files, as stored when it was frozen.
fn frozen_report(frozen: &Snapshot, c: Ctx) -> FrozenReport {
    let id = frozen.snapshot.id;
    FrozenReport {
        label: snapshots::label(&frozen.snapshot),
        frozen_at: frozen
            .snapshot
            .frozen_at
            .with_timezone(&clock::vietnam())
            .format("%d/%m/%Y %H:%M")
            .to_string(),
        lang: frozen.snapshot.lang.clone(),
        files: frozen
            .files
            .iter()
            .map(|file| FrozenFile {
                href: format!("/reports/snapshots/{id}/{}", encode_query_value(&file.name)),
                name: file.name.clone(),
                size: file_size(file.size_bytes, c),
            })
            .collect(),
    }
}

/// A file size as people read it: `850 B`, `12,5 KB`, `1.2 MB`.
fn file_size(bytes: i64, c: Ctx) -> String {
    // Sizes stay far below 2^52, where f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    let value = bytes as f64;
    if bytes < 1024 {
        format!("{} B", c.count(bytes))
    } else if bytes < 1024 * 1024 {
        format!("{} KB", c.number(value / 1024.0, 1))
    } else {
        format!("{} MB", c.number(value / (1024.0 * 1024.0), 1))
    }
}

#[cfg(test)]
mod tests {
    use reports::model::{
        AgencyRef, Band, Direction, Figures, Ranking, RankingEntry, Recurrence, StatusBreakdown,
        StatusGroup, Text,
    };

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn agency(code: &str, vi: &str, en: &str) -> AgencyRef {
        AgencyRef {
            code: code.into(),
            name: Text::new(vi, en),
        }
    }

    fn task(number: i32, title: &str, overdue: bool, leads: Vec<AgencyRef>) -> TaskRow {
        TaskRow {
            number,
            title: Text::new(title, format!("Task {number}")),
            main_task: Some("II.1".into()),
            recurrence: Recurrence::Once,
            start_year: 2016,
            end_year: Some(2017),
            timeline: Text::new("2016-2017", "2016-2017"),
            due_date: Some(date(2017, 12, 31)),
            status: if overdue {
                Status::InProgress
            } else {
                Status::Completed
            },
            progress: if overdue { 40 } else { 100 },
            overdue,
            completed_on: None,
            periods: Vec::new(),
            leads,
            cooperating: Vec::new(),
            last_report_on: None,
            last_note: None,
        }
    }

    fn summary() -> Summary {
        let as_of = date(2018, 3, 1);
        let sttt = agency(
            "STTTT",
            "Sở Thông tin và Truyền thông",
            "Department of Information and Communications",
        );
        let many: Vec<AgencyRef> = (1..=6)
            .map(|i| agency(&format!("H{i}"), &format!("UBND huyện số {i}"), "District"))
            .collect();
        Summary {
            plan_code: "681/KH-UBND".into(),
            plan_title: Text::new(
                "Kế hoạch hành động thực hiện Nghị quyết số 36a/NQ-CP",
                "Action plan implementing Resolution 36a/NQ-CP",
            ),
            issuer: Text::new(
                "UBND tỉnh Hải Dương",
                "Hải Dương Provincial People's Committee",
            ),
            issued_on: date(2016, 4, 1),
            reporter: sttt.name.clone(),
            as_of,
            figures: Figures {
                tasks_total: 3,
                completed: 1,
                in_progress: 2,
                not_started: 0,
                blocked: 0,
                overdue: 2,
                percent_complete: 60.5,
            },
            ranking: Ranking {
                as_of,
                group: None,
                method: "2026.1".into(),
                entries: vec![RankingEntry {
                    rank: 1,
                    agency: agency(
                        "STTTT",
                        "Sở <b>Thông tin</b> & \"Truyền thông\"",
                        "Department of Information and Communications",
                    ),
                    score: 87.5,
                    band: Band::Good,
                    tasks_assigned: 3,
                    tasks_completed: 1,
                    tasks_overdue: 2,
                }],
            },
            tasks: vec![
                task(
                    1,
                    "Nâng cấp Cổng thông tin điện tử",
                    false,
                    vec![sttt.clone()],
                ),
                task(
                    2,
                    "Triển khai chữ ký số <script>alert(1)</script> & \"một cửa\"",
                    true,
                    vec![sttt.clone()],
                ),
                task(3, "Đào tạo cán bộ", true, many),
            ],
            kpis: vec![KpiSeries {
                code: "DVC_LEVEL3".into(),
                name: Text::new(
                    "Dịch vụ công được cung cấp trực tuyến ở mức độ 3",
                    "Online public services at level 3",
                ),
                unit: "%".into(),
                direction: Direction::HigherIsBetter,
                baseline: None,
                targets: vec![
                    Point {
                        year: 2017,
                        value: 30.0,
                    },
                    Point {
                        year: 2020,
                        value: 60.0,
                    },
                ],
                measurements: vec![Point {
                    year: 2017,
                    value: 22.5,
                }],
                latest: Some(Point {
                    year: 2017,
                    value: 22.5,
                }),
                state: KpiState::Behind,
                attainment: Some(75.0),
            }],
            status: StatusBreakdown {
                as_of,
                grouping: Text::new("theo nhiệm vụ chủ yếu", "by main task"),
                counting: Text::new("Số nhiệm vụ theo tình trạng", "Tasks by status"),
                groups: vec![StatusGroup {
                    code: "II.1".into(),
                    label: Text::new("II.1 Hạ tầng", "II.1 Infrastructure"),
                    completed: 1,
                    in_progress: 2,
                    not_started: 0,
                    blocked: 0,
                    overdue: 2,
                }],
            },
        }
    }

    /// The page as an anonymous visitor sees it.
    fn page_in(summary: &Summary, lang: Lang) -> String {
        let chrome = Chrome::new(lang, None, "/", &as_of_query(summary.as_of));
        render(summary, chrome, &[]).unwrap_or_else(|err| panic!("rendering failed: {err}"))
    }

    /// The part of `html` from the element with `id` to the end of its section.
    fn section<'a>(html: &'a str, id: &str) -> &'a str {
        let start = html.find(&format!("id=\"{id}\"")).unwrap_or(0);
        let rest = &html[start..];
        &rest[..rest.find("</section>").unwrap_or(rest.len())]
    }

    #[test]
    fn numbers_and_dates_follow_the_language() {
        let vi = Ctx {
            as_of: date(2017, 12, 31),
            lang: Lang::Vi,
        };
        let en = Ctx {
            lang: Lang::En,
            ..vi
        };
        assert_eq!(vi.percent(45.56), "45,6%");
        assert_eq!(en.percent(45.0), "45%");
        assert_eq!(vi.number(-0.001, 1), "0");
        assert_eq!(vi.count(3253), "3.253");
        assert_eq!(en.count(1234567), "1,234,567");
        assert_eq!(en.count(-999), "-999");
        assert_eq!(vi.date(date(2017, 1, 5)), "05/01/2017");
        assert_eq!(en.date(date(2017, 1, 5)), "5 Jan 2017");
        assert_eq!(kpi_value(31.0, "rank", Lang::Vi), "hạng 31");
        assert_eq!(kpi_value(12.25, "points", Lang::En), "12.25 points");
        assert_eq!(file_size(850, vi), "850 B");
        assert_eq!(file_size(12_800, vi), "12,5 KB");
        assert_eq!(file_size(1_258_291, en), "1.2 MB");
    }

    #[test]
    fn links_carry_the_date_and_language_percent_encoded() {
        let c = Ctx {
            as_of: date(2017, 12, 31),
            lang: Lang::En,
        };
        assert_eq!(
            c.url("/reports/tasks.csv"),
            "/reports/tasks.csv?asOf=2017-12-31&lang=en"
        );
        assert_eq!(as_of_query(date(2017, 1, 5)), "asOf=2017-01-05");
    }

    #[test]
    fn vietnamese_page_has_the_frame_form_and_links_with_the_date_and_language() {
        let html = page_in(&summary(), Lang::Vi);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
        assert!(html.contains("<meta name=\"viewport\""));
        assert!(html.contains("<title>681/KH-UBND · Bảng theo dõi thực hiện · 01/03/2018 · "));
        // One stylesheet, under its hashed name; no inline style or script anywhere.
        assert!(html.contains(&format!(
            "<link rel=\"stylesheet\" href=\"{}\">",
            crate::assets::stylesheet()
        )));
        assert!(!html.contains("<style") && !html.contains("style=\""));
        assert!(!html.contains("<script"));
        // The shared header: sign-in coming back here, and the same page in English.
        assert!(html.contains("href=\"/login?lang=vi&#38;next=%2F%3FasOf%3D2018-03-01\""));
        assert!(html.contains("href=\"/?asOf=2018-03-01&#38;lang=en\""));
        assert!(html.contains("681/KH-UBND"));
        assert!(html.contains("Kế hoạch hành động thực hiện Nghị quyết số 36a/NQ-CP"));
        assert!(html.contains("UBND tỉnh Hải Dương, 01/04/2016"));
        assert!(html.contains("<time datetime=\"2018-03-01\">01/03/2018</time>"));
        assert!(html.contains("<form method=\"get\" action=\"/\""));
        assert!(
            html.contains("<input type=\"date\" id=\"as-of\" name=\"asOf\" value=\"2018-03-01\"")
        );
        assert!(html.contains("<option value=\"vi\" selected>"));
        assert!(html.contains("src=\"/reports/ranking.svg?asOf=2018-03-01&#38;lang=vi\""));
        assert!(html.contains("src=\"/reports/progress.svg?asOf=2018-03-01&#38;lang=vi\""));
        assert!(html.contains("href=\"/reports/tasks.csv?asOf=2018-03-01&#38;lang=vi\" download"));
        assert!(html.contains("href=\"/reports/kpis/DVC_LEVEL3.svg?asOf=2018-03-01&#38;lang=vi\""));
        assert!(html.contains("href=\"/graphql\""));
        assert!(html.contains("60,5%"));
        assert!(html.contains("<progress class=\"bar\" max=\"100\" value=\"60.5\""));
        assert!(html.contains("Đang triển khai"));
        assert!(html.contains("Dịch vụ công được cung cấp trực tuyến ở mức độ 3"));
        assert!(html.contains("Mục tiêu: 30% (2017) · 60% (2020)"));
        assert!(html.contains("Đạt 75% mục tiêu năm 2017"));
        assert!(html.contains("Chậm"));
        // The status chart sits right under the cards; the others load when scrolled to.
        assert!(html.contains(
            "src=\"/reports/status.svg?asOf=2018-03-01&#38;lang=vi\" alt=\"Số nhiệm vụ hoàn \
             thành trên tổng số, theo nhiệm vụ chủ yếu: II.1 Hạ tầng 1/3.\" width=\"1200\" \
             height=\"474\" loading=\"eager\""
        ));
        // Agency names in alt text are escaped too.
        assert!(html.contains(
            "alt=\"Xếp hạng 1 cơ quan theo điểm đến ngày 01/03/2018. Cao nhất: Sở \
             &#60;b&#62;Thông tin&#60;/b&#62; &#38; &#34;Truyền thông&#34; (87,5 điểm).\" \
             width=\"1200\" height=\"1120\" loading=\"lazy\""
        ));
        assert!(!html.contains("<b>Thông tin"));
        assert!(html.contains("src=\"/reports/kpis.svg?asOf=2018-03-01&#38;lang=vi\""));
        assert!(html.contains("Chưa có báo cáo nào được chốt."));
    }

    #[tokio::test]
    async fn bad_or_unknown_parameters_are_refused_before_the_database_is_read() {
        let db = DatabaseConnection::default();
        let pairs = |key: &str, value: &str| vec![(key.to_string(), value.to_string())];
        for (key, value) in [
            ("asOf", "2017-13-45"),
            ("asOf", "31/12/2017"),
            ("lang", "fr"),
            ("level", "PROVINCE"),
            ("asof", "2017-12-31"),
        ] {
            let result = page(&db, &pairs(key, value), None).await;
            assert!(
                matches!(result, Err(Error::BadInput(_))),
                "{key}={value}: {result:?}"
            );
        }
    }

    #[test]
    fn every_download_carries_the_date_and_language() {
        let html = page_in(&summary(), Lang::En);
        let mut links = 0;
        for (i, _) in html.match_indices(" download ") {
            let tag_start = html[..i].rfind("<a ").unwrap_or(0);
            let tag = &html[tag_start..i];
            assert!(
                tag.contains("asOf=2018-03-01&#38;lang=en"),
                "a download without asOf/lang: {tag}"
            );
            links += 1;
        }
        // 5 charts × 2 formats, 5 documents, 1 KPI × 2 formats, 4 chart figures × 2 formats.
        assert_eq!(links, 10 + 5 + 2 + 8);
        for file in [
            "summary.pdf",
            "tasks.xlsx",
            "architecture.png",
            "/exports/architecture.xml",
            "/feeds/changes.atom",
        ] {
            assert!(html.contains(file), "{file} missing");
        }
    }

    #[test]
    fn overdue_tasks_are_listed_escaped_and_linked_with_leads_and_due_dates() {
        let html = page_in(&summary(), Lang::Vi);
        let section = section(&html, "qua-han");
        assert!(section.contains("Nhiệm vụ quá hạn (2)"));
        assert!(!html.contains("<script>"));
        assert!(section.contains(
            "<a href=\"/tasks/2?lang=vi\">Triển khai chữ ký số &#60;script&#62;alert(1)\
             &#60;/script&#62; &#38; &#34;một cửa&#34;</a>"
        ));
        assert!(section.contains("<a href=\"/tasks/2?lang=vi\">2</a>"));
        assert!(section.contains("<a href=\"/tasks/3?lang=vi\">Đào tạo cán bộ</a>"));
        assert!(section.contains("Sở Thông tin và Truyền thông"));
        assert!(section.contains("31/12/2017 <span class=\"late-by\">trễ 60 ngày</span>"));
        assert!(section.contains("và 3 cơ quan khác"));
        assert!(section.contains("<li>UBND huyện số 6</li>"));
        assert!(!section.contains("Nâng cấp Cổng thông tin điện tử"));
        // Every task the page names links to its own page.
        assert_eq!(html.matches("href=\"/tasks/").count(), 4);
    }

    #[test]
    fn no_overdue_task_gives_a_sentence_and_english_gives_english() {
        let mut summary = summary();
        for task in &mut summary.tasks {
            task.overdue = false;
        }
        let html = page_in(&summary, Lang::En);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains("No task is overdue as of 1 Mar 2018."));
        assert!(html.contains("Figures as of <time datetime=\"2018-03-01\">1 Mar 2018</time>"));
        assert!(html.contains("Action plan implementing Resolution 36a/NQ-CP"));
        assert!(html.contains("<option value=\"en\" selected>"));
        assert!(html.contains("Online public services at level 3"));
        assert!(html.contains("href=\"/?asOf=2018-03-01&#38;lang=vi\""));
        assert!(!html.contains("<table>"));
        assert!(!html.contains("href=\"/tasks/"));
    }

    #[test]
    fn the_header_names_the_signed_in_account() {
        let mut chrome = Chrome::new(Lang::En, None, "/", "asOf=2018-03-01");
        chrome.signed_in = Some(pages::SignedIn {
            username: "a.<leader>".into(),
            csrf: "token".into(),
            role: entities::UserRole::Leader,
        });
        let html = render(&summary(), chrome, &[]).unwrap_or_default();
        assert!(html.contains("<strong>a.&#60;leader&#62;</strong>"));
        assert!(html.contains("action=\"/logout\""));
        assert!(!html.contains("href=\"/login"));
    }
}
