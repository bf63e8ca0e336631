//! Reporting rounds in the browser: the recent periods (`GET /rounds`) and one period's round
//! (`GET /rounds/{period}`, e.g. `/rounds/2017-Q4`) with its totals per agency, every lead's
//! submission and the round as CSV or XLSX (`/rounds/2017-Q4.csv`, `/rounds/2017-Q4.xlsx`).
//!
//! Rounds are part of the plan's follow-up record and are read like the rest of the plan: by
//! anyone when reads are open, by signed-in users when `EGOV_REQUIRE_SIGN_IN` is set.

use std::sync::Arc;

use askama::Template;
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{handler, Request, Response, Route};
use sea_orm::DatabaseConnection;
use seeds::calendar::{Calendar, Period};

use super::workspace::{agency_name, session, status_view, task_title, StatusView};
use super::{error_page, field, html, local_time, page_lang, redirect_to_sign_in, Chrome, Lang};
use crate::graphql::ReadPolicy;
use crate::services::clock;
use crate::services::rounds::{self, RoundFormat, SubmissionStatus};
use crate::services::sessions::Sessions;

/// How many recent periods `/rounds` lists.
const RECENT: usize = 24;

/// Adds the rounds pages to the service's routes.
pub fn routes(route: Route) -> Route {
    route
        .at("/rounds", poem::get(index))
        .at("/rounds/:period", poem::get(round_page))
}

/// One period in the index.
struct PeriodLine {
    href: String,
    label: String,
    window: String,
    deadline: String,
    open: bool,
}

/// `GET /rounds`.
#[derive(Template)]
#[template(path = "rounds.html")]
struct IndexPage {
    chrome: Chrome,
    periods: Vec<PeriodLine>,
    cutoff_day: u32,
    /// Links to every year's rounds since the plan was issued: label, address, current.
    years: Vec<(i32, String, bool)>,
    /// The year listed, or none for the recent periods.
    year: Option<i32>,
}

/// Counts in one line of the round.
struct TotalsLine {
    owed: usize,
    on_time: usize,
    late: usize,
    returned: usize,
    missing: usize,
    rate: String,
}

impl TotalsLine {
    /// The counts; the on-time rate only once the deadline has passed (before it, a low rate
    /// would read as failure while reports are still on time).
    fn new(t: &rounds::Totals, deadline_passed: bool, lang: Lang) -> Self {
        Self {
            owed: t.owed,
            on_time: t.on_time,
            late: t.late,
            returned: t.returned,
            missing: t.missing,
            rate: t
                .on_time_rate()
                .filter(|_| deadline_passed)
                .map(|r| reports::format::percent(r * 100.0, lang))
                .unwrap_or_else(|| "—".to_owned()),
        }
    }
}

/// One agency's line.
struct AgencyLine {
    name: String,
    totals: TotalsLine,
}

/// One submission.
struct SubmissionLine {
    task_number: i32,
    task_href: String,
    task_title: String,
    agency: String,
    code: &'static str,
    label: &'static str,
    submitted_at: Option<String>,
    report_href: Option<String>,
    reported: Option<(StatusView, i32, String)>,
    return_reason: Option<String>,
}

/// `GET /rounds/{period}`.
#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    label: String,
    window: String,
    deadline: String,
    deadline_passed: bool,
    totals: TotalsLine,
    agencies: Vec<AgencyLine>,
    submissions: Vec<SubmissionLine>,
    csv_href: String,
    xlsx_href: String,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// A submission status in the reader's words.
fn submission_label(status: SubmissionStatus, lang: Lang) -> &'static str {
    match status {
        SubmissionStatus::OnTime => lang.pick("Đúng hạn", "On time"),
        SubmissionStatus::Late => lang.pick("Trễ hạn", "Late"),
        SubmissionStatus::Returned => lang.pick("Bị trả lại", "Returned"),
        SubmissionStatus::Missing => lang.pick("Chưa nộp", "Not submitted"),
    }
}

/// A data window as readers write it: "15/09/2017 – 14/12/2017".
fn window_text(from: chrono::NaiveDate, to: chrono::NaiveDate, lang: Lang) -> String {
    format!(
        "{} – {}",
        reports::format::date(from, lang),
        reports::format::date(to, lang)
    )
}

fn period_label(period: Period, lang: Lang) -> String {
    match lang {
        Lang::Vi => period.label_vi(),
        Lang::En => period.label_en(),
    }
}

/// Whether the request may read, and its session.
async fn reader(
    request: &Request,
    db: &DatabaseConnection,
    sessions: &Sessions,
    policy: &ReadPolicy,
) -> Result<Option<crate::services::sessions::BrowserSession>, Response> {
    let session = session(request, db, sessions).await;
    if session.is_none() && policy.require_sign_in {
        return Err(redirect_to_sign_in(request));
    }
    Ok(session)
}

/// `GET /rounds`: the recent periods of the kinds in force.
#[handler]
async fn index(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(policy): Data<&ReadPolicy>,
    Data(calendar): Data<&Arc<Calendar>>,
) -> Response {
    let pairs: Vec<(String, String)> = request.params().unwrap_or_default();
    let lang = page_lang(field(&pairs, "lang"));
    let session = match reader(request, db, sessions, policy).await {
        Ok(session) => session,
        Err(redirect) => return redirect,
    };
    let year = match field(&pairs, "year").map(str::parse::<i32>) {
        None => None,
        Some(Ok(year)) if (2000..=2100).contains(&year) => Some(year),
        Some(_) => {
            let chrome = Chrome::new(lang, session.as_ref(), "/rounds", "");
            return error_page(
                &chrome,
                &crate::Error::bad_input("`year` must be a year such as 2017"),
            );
        }
    };
    let query = year.map(|y| format!("year={y}")).unwrap_or_default();
    let chrome = Chrome::new(lang, session.as_ref(), "/rounds", &query);
    let today = clock::today();
    let first_year = match crate::services::plan::current(db).await {
        Ok(plan) => chrono::Datelike::year(&plan.issued_on),
        Err(err) => return error_page(&chrome, &err),
    };
    let listed: Vec<Period> = match year {
        None => calendar.recent(today, RECENT),
        Some(year) => {
            let mut all: Vec<Period> = calendar
                .in_force()
                .flat_map(|rule| {
                    (1..=rule.kind.per_year())
                        .filter_map(move |index| Period::new(rule.kind, year, index).ok())
                })
                .filter(|p| calendar.window(*p).is_some_and(|(from, _)| from <= today))
                .collect();
            all.sort_by_key(|p| (std::cmp::Reverse(calendar.deadline(*p)), p.kind.months()));
            all
        }
    };
    let years = (first_year..=chrono::Datelike::year(&today))
        .rev()
        .map(|y| {
            (
                y,
                chrome.link(&format!("/rounds?year={y}")),
                Some(y) == year,
            )
        })
        .collect();
    let periods = listed
        .into_iter()
        .filter_map(|p| {
            let (from, to) = calendar.window(p)?;
            let deadline = calendar.deadline(p)?;
            Some(PeriodLine {
                href: chrome.link(&format!("/rounds/{p}")),
                label: period_label(p, lang),
                window: window_text(from, to, lang),
                deadline: reports::format::date(deadline, lang),
                open: today <= deadline,
            })
        })
        .collect();
    html(
        StatusCode::OK,
        IndexPage {
            chrome,
            periods,
            cutoff_day: calendar.cutoff_day,
            years,
            year,
        }
        .render(),
    )
}

/// `GET /rounds/{period}` (`?lang=en`), or the round as a file when the period ends in `.csv`
/// or `.xlsx`.
#[handler]
async fn round_page(
    request: &Request,
    Path(period): Path<String>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(policy): Data<&ReadPolicy>,
    Data(calendar): Data<&Arc<Calendar>>,
) -> Response {
    let pairs: Vec<(String, String)> = request.params().unwrap_or_default();
    let lang = page_lang(field(&pairs, "lang"));
    let session = match reader(request, db, sessions, policy).await {
        Ok(session) => session,
        Err(redirect) => return redirect,
    };
    let chrome = Chrome::new(lang, session.as_ref(), &format!("/rounds/{period}"), "");
    let (code, format) = match period.rsplit_once('.') {
        Some((code, "csv")) => (code, Some(RoundFormat::Csv)),
        Some((code, "xlsx")) => (code, Some(RoundFormat::Xlsx)),
        _ => (period.as_str(), None),
    };
    let round = match rounds::parse_period(calendar, code) {
        Ok(parsed) => rounds::round(db, calendar, None, parsed).await,
        Err(err) => Err(err),
    };
    let round = match round {
        Ok(round) => round,
        Err(err) => return error_page(&chrome, &err),
    };
    if let Some(format) = format {
        return match rounds::download(&round, format, lang) {
            Ok(file) => crate::http::download_response(&file),
            Err(err) => error_page(&chrome, &err),
        };
    }
    let code = round.period.to_string();
    let page = RoundPage {
        label: period_label(round.period, lang),
        window: window_text(round.from, round.to, lang),
        deadline: reports::format::date(round.deadline, lang),
        deadline_passed: round.deadline_passed,
        totals: TotalsLine::new(&round.totals, round.deadline_passed, lang),
        agencies: round
            .agencies
            .iter()
            .map(|a| AgencyLine {
                name: agency_name(&a.agency, lang),
                totals: TotalsLine::new(&a.totals, round.deadline_passed, lang),
            })
            .collect(),
        submissions: round
            .submissions
            .iter()
            .map(|s| SubmissionLine {
                task_number: s.task.number,
                task_href: chrome.link(&format!("/tasks/{}", s.task.number)),
                task_title: task_title(&s.task, lang),
                agency: agency_name(&s.agency, lang),
                code: s.status.code(),
                label: submission_label(s.status, lang),
                submitted_at: s.submitted_at().map(|at| local_time(at, lang)),
                report_href: s.report.as_ref().map(|r| {
                    format!(
                        "{}#report-{}",
                        chrome.link(&format!("/tasks/{}", s.task.number)),
                        r.id
                    )
                }),
                reported: s.report.as_ref().map(|r| {
                    (
                        status_view(r.status, lang),
                        r.progress,
                        reports::format::date(r.effective_on, lang),
                    )
                }),
                return_reason: s.return_reason.clone(),
            })
            .collect(),
        csv_href: chrome.link(&format!("/rounds/{code}.csv")),
        xlsx_href: chrome.link(&format!("/rounds/{code}.xlsx")),
        previous_href: round
            .period
            .previous()
            .map(|p| chrome.link(&format!("/rounds/{p}"))),
        next_href: round
            .period
            .next()
            .filter(|p| {
                calendar
                    .window(*p)
                    .is_some_and(|(from, _)| from <= clock::today())
            })
            .map(|p| chrome.link(&format!("/rounds/{p}"))),
        chrome,
    };
    html(StatusCode::OK, page.render())
}
