//! The signed-in workspace: an agency's tasks (`GET /my`), one task with its report, comment and
//! (for planners) review forms (`GET /tasks/{number}`, `POST /tasks/{number}/report`,
//! `POST /tasks/{number}/comments`, `POST /tasks/{number}/reviews`)
//! and the planners' overview with its KPI and freeze forms (`GET /plan`, `POST /plan/kpis`,
//! `POST /plan/snapshots`).
//!
//! Handlers read the request, call [`crate::services`] (the same functions the GraphQL mutations
//! call) and render a template. Every form carries the session's anti-forgery token and is
//! refused (403, nothing changed) without it. A refused report shows the form again with the
//! values the officer typed; a report that lost a race to another shows the newer state beside
//! those values.

use std::sync::Arc;

use askama::Template;
use entities::{agency, task, ReviewDecision, TaskStatus};
use poem::http::StatusCode;
use poem::web::{Data, Multipart, Path};
use poem::{handler, Body, Request, Response, Route};
use sea_orm::DatabaseConnection;
use tokio::io::AsyncReadExt;

use super::signin::{forbidden, session_of};
use super::{
    error_page, error_words, field, form_fields, html, local_time, page_lang, redirect_to_sign_in,
    see_other, status_of, Chrome, Lang,
};
use crate::graphql::ReadPolicy;
use crate::services::attachments::{self, Upload};
use crate::services::events::Events;
use crate::services::figures::Figures;
use crate::services::kpis::{self, NewMeasurement};
use crate::services::reporting::{self, NewComment, StatusReport};
use crate::services::reviews::{self, Review};
use crate::services::sessions::{self, BrowserSession, Sessions};
use crate::services::snapshots::{self, FreezeRequest, Period, PeriodKind};
use crate::services::workspace::{self, AgencyTask, PlanFilter, TaskView};
use crate::services::{clock, explanations, reminders, report_data, tasks};

/// Adds the workspace's pages to the service's routes.
pub fn routes(route: Route) -> Route {
    route
        .at("/my", poem::get(my_tasks))
        .at("/notifications/read", poem::post(read_notifications))
        .at("/tasks/:number", poem::get(task_page))
        .at("/tasks/:number/report", poem::post(report))
        .at("/tasks/:number/comments", poem::post(comment))
        .at("/tasks/:number/reviews", poem::post(review_report))
        .at("/plan", poem::get(plan_page))
        .at("/plan/kpis", poem::post(record_kpi))
        .at("/plan/snapshots", poem::post(freeze))
}

/// Longest a text field of the report form may be, in bytes.
const MAX_TEXT_FIELD: usize = 16 * 1024;
/// Most fields a report form may carry (files included).
const MAX_FIELDS: usize = 40;

/// The request's language from `?lang=`.
fn query_lang(request: &Request) -> Lang {
    let pairs: Vec<(String, String)> = request.params().unwrap_or_default();
    page_lang(field(&pairs, "lang"))
}

/// The browser session of a request; a failed check is logged and treated as none.
pub(super) async fn session(
    request: &Request,
    db: &DatabaseConnection,
    sessions: &Sessions,
) -> Option<BrowserSession> {
    match session_of(request, db, sessions).await {
        Ok(session) => session,
        Err(err) => {
            tracing::error!(error = ?err, "checking a browser session failed");
            None
        }
    }
}

/// Every status, in the order forms offer them.
const STATUSES: [TaskStatus; 4] = [
    TaskStatus::NotStarted,
    TaskStatus::InProgress,
    TaskStatus::Completed,
    TaskStatus::Blocked,
];

/// A status with its label and the code its badge's colour is keyed on.
pub(super) struct StatusView {
    pub code: &'static str,
    pub label: &'static str,
}

pub(super) fn status_view(status: TaskStatus, lang: Lang) -> StatusView {
    StatusView {
        code: status.as_str(),
        label: report_data::status(status).label(lang),
    }
}

/// An agency's name in the page's language.
pub(super) fn agency_name(agency: &agency::Model, lang: Lang) -> String {
    match lang {
        Lang::Vi => agency.name_vi.clone(),
        Lang::En => agency.name_en.clone(),
    }
}

/// A task's title in the page's language.
pub(super) fn task_title(task: &task::Model, lang: Lang) -> String {
    match lang {
        Lang::Vi => task.title_vi.clone(),
        Lang::En => task.title_en.clone(),
    }
}

/// When a task is due: its date, or its timeline for a task that repeats.
fn due_text(task: &task::Model, lang: Lang) -> String {
    match (task.due_date, lang) {
        (Some(due), _) => reports::format::date(due, lang),
        (None, Lang::Vi) => task.timeline_vi.clone(),
        (None, Lang::En) => tasks::timeline_label_en(task),
    }
}

/// One task in an agency's list.
struct TaskLine {
    number: i32,
    href: String,
    title: String,
    due: String,
    overdue: bool,
    due_soon: bool,
    status: StatusView,
    progress: i32,
    via_group: bool,
    /// The agency's own latest report: when it took effect, and its note.
    latest: Option<(String, Option<String>)>,
    /// A newer report DIC returned: when it took effect, and why.
    returned: Option<(String, String)>,
}

impl TaskLine {
    fn new(row: &AgencyTask, chrome: &Chrome) -> Self {
        let lang = chrome.lang;
        Self {
            number: row.task.number,
            href: chrome.link(&format!("/tasks/{}", row.task.number)),
            title: task_title(&row.task, lang),
            due: due_text(&row.task, lang),
            overdue: row.overdue,
            due_soon: row.due_soon,
            status: status_view(row.share.status, lang),
            progress: row.share.progress,
            via_group: row.via_group,
            returned: row
                .returned
                .as_ref()
                .map(|(h, reason)| (reports::format::date(h.effective_on, lang), reason.clone())),
            latest: row.latest.as_ref().map(|h| {
                (
                    reports::format::date(h.effective_on, lang),
                    h.note.clone().filter(|n| !n.is_empty()),
                )
            }),
        }
    }
}

/// `POST /notifications/read`: marks every notification of the account read, back to `/my`.
#[handler]
async fn read_notifications(
    request: &Request,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(figures): Data<&Figures>,
) -> Response {
    let (session, _, lang) = match signed_form(request, body, db, sessions).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    match reminders::mark_read(db, figures, session.viewer.user_id, None).await {
        Ok(_) => see_other(&format!("/my?lang={}#notifications", lang.code())),
        Err(err) => error_page(&Chrome::new(lang, Some(&session), "/my", ""), &err),
    }
}

/// A request for explanation as the pages show it.
struct ExplanationLine {
    id: i32,
    task_number: i32,
    href: String,
    agency: String,
    question: String,
    due_on: String,
    overdue: bool,
    requested_at: String,
    answer: Option<(String, String)>,
    /// Whether the viewer may answer it (the agency asked, once).
    may_answer: bool,
    asked_by: Option<String>,
    answered_by: Option<String>,
}

impl ExplanationLine {
    fn new(
        e: &entities::explanation_request::Model,
        task_number: i32,
        agency: Option<&agency::Model>,
        chrome: &Chrome,
        viewer: Option<&crate::services::access::Viewer>,
    ) -> Self {
        let lang = chrome.lang;
        Self {
            id: e.id,
            task_number,
            href: format!(
                "{}#explanation-{}",
                chrome.link(&format!("/tasks/{task_number}")),
                e.id
            ),
            agency: agency.map(|a| agency_name(a, lang)).unwrap_or_default(),
            question: e.question.clone(),
            due_on: reports::format::date(e.due_on, lang),
            overdue: explanations::is_overdue(e, clock::today()),
            requested_at: local_time(e.requested_at, lang),
            answer: e.answer.clone().map(|answer| {
                (
                    answer,
                    e.answered_at
                        .map(|at| local_time(at, lang))
                        .unwrap_or_default(),
                )
            }),
            may_answer: explanations::may_answer(viewer, e),
            asked_by: None,
            answered_by: None,
        }
    }
}

/// `GET /my`: the officer's agency's tasks.
#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    chrome: Chrome,
    agency: String,
    today: String,
    leads: Vec<TaskLine>,
    cooperates: Vec<TaskLine>,
    explanations: Vec<ExplanationLine>,
    /// The newest notifications: text, link, when, and whether unread.
    notifications: Vec<(String, String, String, bool)>,
    unread: u64,
    csrf: String,
}

/// Notifications shown on `/my`.
const MY_NOTIFICATIONS: u64 = 20;

/// `GET /my`: the tasks the officer's agency leads and cooperates on. Planners are sent to
/// `/plan`, leaders to the dashboard; anonymous browsers to sign in.
#[handler]
async fn my_tasks(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
) -> Response {
    let lang = query_lang(request);
    let Some(session) = session(request, db, sessions).await else {
        return redirect_to_sign_in(request);
    };
    let chrome = Chrome::new(lang, Some(&session), "/my", "");
    if session.viewer.agency_id.is_none() {
        let target = if session.viewer.is_planner() {
            "/plan"
        } else {
            "/"
        };
        return see_other(&chrome.link(target));
    }
    let user_id = session.viewer.user_id;
    let notes = match reminders::notifications_of(db, user_id, MY_NOTIFICATIONS, None).await {
        Ok(notes) => notes,
        Err(err) => return error_page(&chrome, &err),
    };
    let unread = match reminders::unread_count(db, user_id).await {
        Ok(unread) => unread,
        Err(err) => return error_page(&chrome, &err),
    };
    match workspace::agency_tasks(db, Some(&session.viewer)).await {
        Ok(mine) => {
            let page = MyPage {
                notifications: notes
                    .iter()
                    .map(|n| {
                        (
                            match lang {
                                Lang::Vi => n.text_vi.clone(),
                                Lang::En => n.text_en.clone(),
                            },
                            chrome.link(&n.link),
                            local_time(n.created_at, lang),
                            n.read_at.is_none(),
                        )
                    })
                    .collect(),
                unread,
                csrf: session.csrf_token.clone(),
                agency: agency_name(&mine.agency, lang),
                today: reports::format::date(clock::today(), lang),
                leads: mine
                    .leads
                    .iter()
                    .map(|r| TaskLine::new(r, &chrome))
                    .collect(),
                cooperates: mine
                    .cooperates
                    .iter()
                    .map(|r| TaskLine::new(r, &chrome))
                    .collect(),
                explanations: mine
                    .open_explanations
                    .iter()
                    .map(|(e, task)| {
                        ExplanationLine::new(
                            e,
                            task.number,
                            Some(&mine.agency),
                            &chrome,
                            Some(&session.viewer),
                        )
                    })
                    .collect(),
                chrome,
            };
            html(StatusCode::OK, page.render())
        }
        Err(err) => error_page(&chrome, &err),
    }
}

/// One lead's share of a task.
struct ShareLine {
    agency: String,
    status: StatusView,
    progress: i32,
    via_group: bool,
}

/// One entry of a task's history.
struct HistoryLine {
    /// The entry's id (`HistoryEntry.id`), named by the review form.
    id: i32,
    /// False once DIC has returned it.
    counted: bool,
    reviews: Vec<ReviewLine>,
    agency: String,
    status: StatusView,
    progress: i32,
    effective_on: String,
    recorded_at: String,
    author: Option<String>,
    note: Option<String>,
    evidence: Option<String>,
    attachments: Vec<AttachmentLine>,
}

/// DIC's review of a report.
struct ReviewLine {
    accepted: bool,
    reason: Option<String>,
    reviewed_at: String,
    reviewer: Option<String>,
}

/// One file attached to a report.
struct AttachmentLine {
    name: String,
    href: String,
    size: String,
    kind: String,
}

/// One comment on a task.
struct CommentLine {
    agency: Option<String>,
    author: Option<String>,
    written_at: String,
    body: String,
    evidence: Option<String>,
}

/// A choice in a `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// What the report form shows: the values to fill in and the choices.
#[derive(Default)]
pub(super) struct ReportValues {
    agency: String,
    status: String,
    progress: String,
    effective_on: String,
    note: String,
    evidence: String,
    /// How many files the refused submission carried (they must be chosen again).
    files_dropped: usize,
}

/// The report form.
struct ReportForm {
    csrf: String,
    version: i32,
    agencies: Vec<Choice>,
    statuses: Vec<Choice>,
    values: ReportValues,
    today: String,
    max_files: usize,
    max_size: String,
}

/// The form asking an agency to explain a task.
struct ExplanationForm {
    csrf: String,
    agencies: Vec<Choice>,
    due_on: String,
    today: String,
}

/// The comment form.
struct CommentForm {
    csrf: String,
    body: String,
    evidence: String,
}

/// `GET /tasks/{number}`.
#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    chrome: Chrome,
    number: i32,
    title: String,
    other_title: String,
    lead_text: String,
    cooperating_text: String,
    timeline: String,
    due: String,
    overdue: bool,
    due_soon: bool,
    status: StatusView,
    progress: i32,
    version: i32,
    leads: Vec<ShareLine>,
    cooperators: Vec<String>,
    history: Vec<HistoryLine>,
    history_total: u64,
    page: u64,
    pages: u64,
    newer_href: Option<String>,
    older_href: Option<String>,
    comments: Vec<CommentLine>,
    report_form: Option<ReportForm>,
    comment_form: Option<CommentForm>,
    /// The anti-forgery token of the review forms, for planners.
    review_csrf: Option<String>,
    explanations: Vec<ExplanationLine>,
    /// The request form (leaders and planners): the token, the agencies that may be asked,
    /// and the default date.
    explanation_form: Option<ExplanationForm>,
    /// A message after a form was sent.
    notice: Option<&'static str>,
    /// Why a form was refused: a heading and the detail.
    problem: Option<(&'static str, String)>,
    /// The report lost a race: the newer state is shown above the kept values.
    conflict: bool,
}

/// What to show besides the task itself.
#[derive(Default)]
pub(super) struct TaskExtras {
    /// Who is looking, for the forms only they may use.
    pub viewer: Option<crate::services::access::Viewer>,
    pub notice: Option<&'static str>,
    pub problem: Option<(&'static str, String)>,
    pub conflict: bool,
    pub report_values: Option<ReportValues>,
    pub comment_values: Option<(String, String)>,
}

/// Builds the task page from the service's view.
async fn task_page_of(
    db: &DatabaseConnection,
    view: TaskView,
    chrome: Chrome,
    limits: &attachments::Limits,
    extras: TaskExtras,
) -> crate::error::Result<TaskPage> {
    let lang = chrome.lang;
    let number = view.task.number;
    let ids: Vec<i32> = view.history.iter().map(|h| h.entry.id).collect();
    let files = attachments::of_history(db, &ids).await?;
    let history = view
        .history
        .iter()
        .map(|item| HistoryLine {
            id: item.entry.id,
            counted: item.counted(),
            reviews: item
                .reviews
                .iter()
                .map(|(r, reviewer)| ReviewLine {
                    accepted: r.decision == ReviewDecision::Accept,
                    reason: r.reason.clone(),
                    reviewed_at: local_time(r.reviewed_at, lang),
                    reviewer: reviewer.clone(),
                })
                .collect(),
            agency: item
                .agency
                .as_ref()
                .map(|a| agency_name(a, lang))
                .unwrap_or_default(),
            status: status_view(item.entry.status, lang),
            progress: item.entry.progress,
            effective_on: reports::format::date(item.entry.effective_on, lang),
            recorded_at: local_time(item.entry.changed_at, lang),
            author: item.author.clone(),
            note: item.entry.note.clone().filter(|n| !n.is_empty()),
            evidence: item.entry.evidence.clone(),
            attachments: files
                .iter()
                .filter(|f| f.history_id == item.entry.id)
                .map(|f| AttachmentLine {
                    name: f.file_name.clone(),
                    href: f.url(),
                    size: attachments::describe_size(f.size.max(0) as u64),
                    kind: f.content_type.clone(),
                })
                .collect(),
        })
        .collect();
    let comments = view
        .comments
        .iter()
        .map(|item| CommentLine {
            agency: item.agency.as_ref().map(|a| agency_name(a, lang)),
            author: item.author.clone(),
            written_at: local_time(item.comment.created_at, lang),
            body: item.comment.body.clone(),
            evidence: item.comment.evidence.clone(),
        })
        .collect();
    let csrf = chrome
        .signed_in
        .as_ref()
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    let report_form = (!view.may_report_for.is_empty()).then(|| {
        let values = extras.report_values.unwrap_or_else(|| {
            let own = view.may_report_for.first();
            let share = own.and_then(|a| view.leads.iter().find(|s| s.agency.id == a.id));
            ReportValues {
                agency: own.map(|a| a.code.clone()).unwrap_or_default(),
                status: share
                    .map(|s| s.assignment.status.as_str().to_owned())
                    .unwrap_or_default(),
                progress: share
                    .map(|s| s.assignment.progress.to_string())
                    .unwrap_or_default(),
                effective_on: clock::today().to_string(),
                ..Default::default()
            }
        });
        ReportForm {
            csrf: csrf.clone(),
            version: view.task.version,
            agencies: view
                .may_report_for
                .iter()
                .map(|a| Choice {
                    selected: a.code == values.agency,
                    value: a.code.clone(),
                    label: agency_name(a, lang),
                })
                .collect(),
            statuses: STATUSES
                .into_iter()
                .map(|s| Choice {
                    selected: s.as_str() == values.status,
                    value: s.as_str().to_owned(),
                    label: report_data::status(s).label(lang).to_owned(),
                })
                .collect(),
            values,
            today: clock::today().to_string(),
            max_files: limits.max_files,
            max_size: limits.describe_max_bytes(),
        }
    });
    let review_csrf = view.may_review.then(|| csrf.clone());
    let viewer = chrome.signed_in.as_ref().and(extras.viewer.as_ref());
    let explanations = view
        .explanations
        .iter()
        .map(|item| ExplanationLine {
            asked_by: item.asked_by.clone(),
            answered_by: item.answered_by.clone(),
            ..ExplanationLine::new(&item.request, number, item.agency.as_ref(), &chrome, viewer)
        })
        .collect();
    let explanation_form = view.may_request_explanation.then(|| {
        let today = clock::today();
        ExplanationForm {
            csrf: csrf.clone(),
            agencies: view
                .leads
                .iter()
                .chain(view.cooperators.iter())
                .map(|s| Choice {
                    selected: false,
                    value: s.agency.code.clone(),
                    label: agency_name(&s.agency, lang),
                })
                .collect(),
            due_on: (today + chrono::Duration::days(7)).to_string(),
            today: today.to_string(),
        }
    });
    let comment_form = view.may_comment.then(|| {
        let (body, evidence) = extras.comment_values.unwrap_or_default();
        CommentForm {
            csrf,
            body,
            evidence,
        }
    });
    let page_href = |page: u64| chrome.link(&format!("/tasks/{number}?page={page}#history"));
    Ok(TaskPage {
        number,
        title: task_title(&view.task, lang),
        other_title: match lang {
            Lang::Vi => view.task.title_en.clone(),
            Lang::En => view.task.title_vi.clone(),
        },
        lead_text: view.task.lead_text_vi.clone(),
        cooperating_text: view.task.cooperating_text_vi.clone(),
        timeline: match lang {
            Lang::Vi => view.task.timeline_vi.clone(),
            Lang::En => tasks::timeline_label_en(&view.task),
        },
        due: view
            .task
            .due_date
            .map(|d| reports::format::date(d, lang))
            .unwrap_or_default(),
        overdue: view.overdue,
        due_soon: view.due_soon,
        status: status_view(view.task.status, lang),
        progress: view.task.progress,
        version: view.task.version,
        leads: view
            .leads
            .iter()
            .map(|s| ShareLine {
                agency: agency_name(&s.agency, lang),
                status: status_view(s.assignment.status, lang),
                progress: s.assignment.progress,
                via_group: s.assignment.via_group_id.is_some(),
            })
            .collect(),
        cooperators: view
            .cooperators
            .iter()
            .map(|s| agency_name(&s.agency, lang))
            .collect(),
        history,
        history_total: view.history_total,
        page: view.page,
        pages: view.pages,
        newer_href: (view.page > 1).then(|| page_href(view.page - 1)),
        older_href: (view.page < view.pages).then(|| page_href(view.page + 1)),
        comments,
        report_form,
        comment_form,
        review_csrf,
        explanations,
        explanation_form,
        notice: extras.notice,
        problem: extras.problem,
        conflict: extras.conflict,
        chrome,
    })
}

/// Renders a task page (or the page for the error that prevented it).
#[allow(clippy::too_many_arguments)]
pub(super) async fn render_task(
    db: &DatabaseConnection,
    session: Option<&BrowserSession>,
    limits: &attachments::Limits,
    lang: Lang,
    number: i32,
    page: u64,
    status: StatusCode,
    extras: TaskExtras,
) -> Response {
    let query = if page > 1 {
        format!("page={page}")
    } else {
        String::new()
    };
    let chrome = Chrome::new(lang, session, &format!("/tasks/{number}"), &query);
    let viewer = session.map(|s| &s.viewer);
    let extras = TaskExtras {
        viewer: viewer.cloned(),
        ..extras
    };
    let built = match workspace::task_view(db, viewer, number, page).await {
        Ok(view) => task_page_of(db, view, chrome.clone(), limits, extras).await,
        Err(err) => Err(err),
    };
    match built {
        Ok(page) => html(status, page.render()),
        Err(err) => error_page(&chrome, &err),
    }
}

/// `GET /tasks/{number}` (`?page=` for older history, `?lang=en`): one task for anyone who may
/// read the plan.
#[handler]
async fn task_page(
    request: &Request,
    Path(number): Path<String>,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(policy): Data<&ReadPolicy>,
    Data(limits): Data<&attachments::Limits>,
) -> Response {
    let pairs: Vec<(String, String)> = request.params().unwrap_or_default();
    let lang = page_lang(field(&pairs, "lang"));
    let session = session(request, db, sessions).await;
    if session.is_none() && policy.require_sign_in {
        return redirect_to_sign_in(request);
    }
    let chrome = Chrome::new(lang, session.as_ref(), request.uri().path(), "");
    let Ok(number) = number.parse::<i32>() else {
        return error_page(&chrome, &crate::Error::NotFound(format!("task {number:?}")));
    };
    let page = match field(&pairs, "page").map(str::parse::<u64>) {
        None => 1,
        Some(Ok(page)) => page,
        Some(Err(_)) => {
            return error_page(
                &chrome,
                &crate::Error::bad_input("`page` must be a whole number"),
            )
        }
    };
    let notice = match field(&pairs, "sent") {
        Some("report") => Some(lang.pick(
            "Đã ghi nhận báo cáo. Báo cáo mới nhất nằm ở đầu lịch sử.",
            "Your report is recorded; it heads the history.",
        )),
        Some("comment") => Some(lang.pick("Đã gửi ý kiến.", "Your comment is posted.")),
        Some("accepted") => Some(lang.pick("Đã chấp nhận báo cáo.", "The report is accepted.")),
        Some("asked") => Some(lang.pick(
            "Đã gửi yêu cầu giải trình đến đơn vị.",
            "The request for explanation is sent to the agency.",
        )),
        Some("answered") => {
            Some(lang.pick("Đã gửi nội dung giải trình.", "Your explanation is sent."))
        }
        Some("returned") => Some(lang.pick(
            "Đã trả lại báo cáo: báo cáo không còn được tính cho đến khi đơn vị báo cáo lại.",
            "The report is returned: it no longer counts until the agency reports again.",
        )),
        _ => None,
    };
    render_task(
        db,
        session.as_ref(),
        limits,
        lang,
        number,
        page,
        StatusCode::OK,
        TaskExtras {
            notice,
            ..Default::default()
        },
    )
    .await
}

/// A parsed report form.
#[derive(Default)]
struct ReportSubmission {
    csrf: String,
    lang: Option<String>,
    version: Option<String>,
    values: ReportValues,
    uploads: Vec<Upload>,
}

/// Why a report form could not be read.
enum FormProblem {
    /// The anti-forgery token is missing or wrong (checked before any file is read).
    Forgery,
    /// The form is malformed or over a limit.
    Refused(crate::Error),
}

/// Reads the report form field by field: the anti-forgery token must come first (it does in
/// the page's form), so a forged post is refused before any file is read; text fields, files and
/// the number of fields are bounded.
async fn read_report_form(
    mut form: Multipart,
    expected_csrf: &str,
    limits: &attachments::Limits,
) -> Result<ReportSubmission, FormProblem> {
    let mut out = ReportSubmission::default();
    let mut fields = 0usize;
    let malformed = |_| FormProblem::Refused(crate::Error::bad_input("the form could not be read"));
    while let Some(part) = form.next_field().await.map_err(malformed)? {
        fields += 1;
        let name = part.name().unwrap_or_default().to_owned();
        if fields == 1 && name != "csrf" {
            return Err(FormProblem::Forgery);
        }
        if fields > MAX_FIELDS {
            return Err(FormProblem::Refused(crate::Error::bad_input(
                "the form has too many fields",
            )));
        }
        if name == "attachments" {
            let file_name = part.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            part.into_async_read()
                .take(limits.max_bytes as u64 + 1)
                .read_to_end(&mut bytes)
                .await
                .map_err(|_| {
                    FormProblem::Refused(crate::Error::bad_input("a file could not be read"))
                })?;
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            if out.uploads.len() >= limits.max_files {
                return Err(FormProblem::Refused(crate::Error::bad_input(format!(
                    "at most {} files may be attached to one report",
                    limits.max_files
                ))));
            }
            if bytes.len() > limits.max_bytes {
                return Err(FormProblem::Refused(crate::Error::bad_input(format!(
                    "{file_name:?} is larger than {}",
                    limits.describe_max_bytes()
                ))));
            }
            out.uploads.push(Upload { file_name, bytes });
            continue;
        }
        let mut bytes = Vec::new();
        part.into_async_read()
            .take(MAX_TEXT_FIELD as u64 + 1)
            .read_to_end(&mut bytes)
            .await
            .map_err(|_| {
                FormProblem::Refused(crate::Error::bad_input("the form could not be read"))
            })?;
        if bytes.len() > MAX_TEXT_FIELD {
            return Err(FormProblem::Refused(crate::Error::bad_input(format!(
                "the field {name:?} is too long"
            ))));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            FormProblem::Refused(crate::Error::bad_input("the form is not UTF-8 text"))
        })?;
        match name.as_str() {
            "csrf" if fields == 1 => {
                if !sessions::csrf_matches(expected_csrf, &text) {
                    return Err(FormProblem::Forgery);
                }
                out.csrf = text;
            }
            "lang" => out.lang = Some(text),
            "version" => out.version = Some(text),
            "agency" => out.values.agency = text,
            "status" => out.values.status = text,
            "progress" => out.values.progress = text,
            "effective_on" => out.values.effective_on = text,
            "note" => out.values.note = text,
            "evidence" => out.values.evidence = text,
            _ => {}
        }
    }
    if out.csrf.is_empty() {
        return Err(FormProblem::Forgery);
    }
    Ok(out)
}

/// The service's report from a submitted form; `BAD_INPUT` for values that do not parse.
fn status_report(
    number: i32,
    submission: &mut ReportSubmission,
    limits: &attachments::Limits,
) -> crate::error::Result<StatusReport> {
    let values = &submission.values;
    let status = match values.status.trim() {
        "" => None,
        text => Some(
            TaskStatus::parse(text)
                .ok_or_else(|| crate::Error::bad_input(format!("unknown status {text:?}")))?,
        ),
    };
    let progress = match values.progress.trim() {
        "" => None,
        text => Some(text.parse::<i32>().map_err(|_| {
            crate::Error::bad_input("progress must be a whole number from 0 to 100")
        })?),
    };
    let effective_on = match values.effective_on.trim() {
        "" => None,
        text => Some(clock::parse_date(text)?),
    };
    let expected_version = match submission.version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<i32>()
                .map_err(|_| crate::Error::bad_input("the form's version is not a number"))?,
        ),
    };
    Ok(StatusReport {
        task_number: number,
        agency_code: Some(values.agency.clone()).filter(|c| !c.trim().is_empty()),
        status,
        progress,
        note: Some(values.note.clone()),
        evidence: Some(values.evidence.clone()),
        effective_on,
        expected_version,
        attachments: std::mem::take(&mut submission.uploads),
        attachment_limits: *limits,
        ..Default::default()
    })
}

/// `POST /tasks/{number}/report` (multipart form): records a status report through
/// [`reporting::update_task_status`], with the form's version as the expected one. On success
/// the browser goes back to the task (303); a refused report shows the form again with its
/// values (400/403), and one that lost a race shows the newer state beside them (409).
#[handler]
#[allow(clippy::too_many_arguments)]
async fn report(
    request: &Request,
    Path(number): Path<String>,
    form: Multipart,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(events): Data<&Events>,
    Data(figures): Data<&Figures>,
    Data(limits): Data<&attachments::Limits>,
) -> Response {
    let lang = query_lang(request);
    let Some(session) = session(request, db, sessions).await else {
        return forbidden(lang);
    };
    let Ok(number) = number.parse::<i32>() else {
        let chrome = Chrome::new(lang, Some(&session), "/my", "");
        return error_page(&chrome, &crate::Error::NotFound(format!("task {number:?}")));
    };
    let mut submission = match read_report_form(form, &session.csrf_token, limits).await {
        Ok(submission) => submission,
        Err(FormProblem::Forgery) => return forbidden(lang),
        Err(FormProblem::Refused(err)) => {
            return refused_report(
                db,
                &session,
                limits,
                lang,
                number,
                &err,
                ReportValues::default(),
            )
            .await
        }
    };
    let lang = page_lang(submission.lang.as_deref().or(Some(lang.code())));
    let files = submission.uploads.len();
    let outcome = match status_report(number, &mut submission, limits) {
        Ok(report) => {
            reporting::update_task_status(db, events, figures, Some(&session.viewer), report).await
        }
        Err(err) => Err(err),
    };
    match outcome {
        Ok(_) => see_other(&format!(
            "/tasks/{number}?lang={}&sent=report#history",
            lang.code()
        )),
        Err(err) => {
            let mut values = submission.values;
            values.files_dropped = files;
            refused_report(db, &session, limits, lang, number, &err, values).await
        }
    }
}

/// The task page after a refused report, with the officer's values kept.
async fn refused_report(
    db: &DatabaseConnection,
    session: &BrowserSession,
    limits: &attachments::Limits,
    lang: Lang,
    number: i32,
    err: &crate::Error,
    values: ReportValues,
) -> Response {
    let conflict = matches!(err, crate::Error::Conflict(_));
    let problem = if conflict {
        (
            lang.pick(
                "Nhiệm vụ vừa được cập nhật bởi người khác",
                "Someone else reported on this task meanwhile",
            ),
            lang.pick(
                "Báo cáo của bạn chưa được ghi. Tình trạng mới nhất hiển thị bên dưới; các giá trị bạn đã nhập vẫn được giữ trong biểu mẫu. Hãy kiểm tra rồi gửi lại.",
                "Your report was not recorded. The newer state is shown below and your values are kept in the form: check them and send again.",
            )
            .to_owned(),
        )
    } else {
        let (title, detail) = error_words(lang, err);
        (title, detail)
    };
    render_task(
        db,
        Some(session),
        limits,
        lang,
        number,
        1,
        status_of(err),
        TaskExtras {
            problem: Some(problem),
            conflict,
            report_values: Some(values),
            ..Default::default()
        },
    )
    .await
}

/// `POST /tasks/{number}/comments` (url-encoded form): adds a comment through
/// [`reporting::add_comment`].
#[handler]
async fn comment(
    request: &Request,
    Path(number): Path<String>,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(limits): Data<&attachments::Limits>,
) -> Response {
    let (session, fields, lang) = match signed_form(request, body, db, sessions).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let Ok(number) = number.parse::<i32>() else {
        let chrome = Chrome::new(lang, Some(&session), "/my", "");
        return error_page(&chrome, &crate::Error::NotFound(format!("task {number:?}")));
    };
    let body_text = field(&fields, "body").unwrap_or_default().to_owned();
    let evidence = field(&fields, "evidence").unwrap_or_default().to_owned();
    let outcome = reporting::add_comment(
        db,
        Some(&session.viewer),
        NewComment {
            task_number: number,
            body: body_text.clone(),
            evidence: Some(evidence.clone()),
            ..Default::default()
        },
    )
    .await;
    match outcome {
        Ok(_) => see_other(&format!(
            "/tasks/{number}?lang={}&sent=comment#comments",
            lang.code()
        )),
        Err(err) => {
            render_task(
                db,
                Some(&session),
                limits,
                lang,
                number,
                1,
                status_of(&err),
                TaskExtras {
                    problem: Some(error_words(lang, &err)),
                    comment_values: Some((body_text, evidence)),
                    ..Default::default()
                },
            )
            .await
        }
    }
}

/// `POST /tasks/{number}/reviews` (url-encoded form: `csrf`, `history_id`, `decision`
/// ACCEPT or RETURN, `reason`): a planner's review through
/// [`reviews::review_status_report`].
#[handler]
#[allow(clippy::too_many_arguments)]
async fn review_report(
    request: &Request,
    Path(number): Path<String>,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
    Data(events): Data<&Events>,
    Data(figures): Data<&Figures>,
    Data(limits): Data<&attachments::Limits>,
) -> Response {
    let (session, fields, lang) = match signed_form(request, body, db, sessions).await {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let Ok(number) = number.parse::<i32>() else {
        let chrome = Chrome::new(lang, Some(&session), "/my", "");
        return error_page(&chrome, &crate::Error::NotFound(format!("task {number:?}")));
    };
    let decision = field(&fields, "decision").and_then(ReviewDecision::parse);
    let history_id = field(&fields, "history_id").and_then(|id| id.parse::<i32>().ok());
    let outcome = match (decision, history_id) {
        (Some(decision), Some(history_id)) => {
            reviews::review_status_report(
                db,
                events,
                figures,
                Some(&session.viewer),
                Review {
                    history_id,
                    decision,
                    reason: field(&fields, "reason").map(str::to_owned),
                },
            )
            .await
        }
        _ => Err(crate::Error::bad_input(
            "choose a report and whether to accept or return it",
        )),
    };
    match outcome {
        Ok(done) if done.entry.task_id != done.task.id => see_other("/my"),
        Ok(done) => see_other(&format!(
            "/tasks/{}?lang={}&sent={}#history",
            done.task.number,
            lang.code(),
            match done.review.decision {
                ReviewDecision::Accept => "accepted",
                ReviewDecision::Return => "returned",
            }
        )),
        Err(err) => {
            render_task(
                db,
                Some(&session),
                limits,
                lang,
                number,
                1,
                status_of(&err),
                TaskExtras {
                    problem: Some(error_words(lang, &err)),
                    ..Default::default()
                },
            )
            .await
        }
    }
}

/// One task in the planners' overview.
struct PlanLine {
    number: i32,
    href: String,
    title: String,
    leads: Vec<String>,
    due: String,
    overdue: bool,
    status: StatusView,
    progress: i32,
    /// The latest report: agency, date and note.
    latest: Option<(String, String, i32, Option<String>)>,
}

/// One frozen report in the planners' overview.
struct SnapshotLine {
    label: String,
    frozen_at: String,
    href: String,
}

/// `GET /plan`.
#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    chrome: Chrome,
    csrf: String,
    agencies: Vec<Choice>,
    statuses: Vec<Choice>,
    main_tasks: Vec<Choice>,
    overdue_as_of: String,
    rows: Vec<PlanLine>,
    kpis: Vec<Choice>,
    snapshots: Vec<SnapshotLine>,
    this_year: i32,
    notice: Option<&'static str>,
    problem: Option<(&'static str, String)>,
    /// Requests for explanation past their date, unanswered.
    late_explanations: Vec<ExplanationLine>,
}

/// The planners' filter as the query string gives it.
fn plan_filter(pairs: &[(String, String)]) -> crate::error::Result<PlanFilter> {
    let text = |name: &str| {
        field(pairs, name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(PlanFilter {
        agency_code: text("agency"),
        status: text("status")
            .map(|s| {
                TaskStatus::parse(&s)
                    .ok_or_else(|| crate::Error::bad_input(format!("unknown status {s:?}")))
            })
            .transpose()?,
        overdue_as_of: text("overdueAsOf")
            .map(|d| clock::parse_date(&d))
            .transpose()?,
        main_task: text("mainTask"),
    })
}

/// Renders the planners' overview for `pairs`, with a message or a problem.
async fn render_plan(
    db: &DatabaseConnection,
    session: &BrowserSession,
    lang: Lang,
    pairs: &[(String, String)],
    status: StatusCode,
    notice: Option<&'static str>,
    problem: Option<(&'static str, String)>,
) -> Response {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                .filter(|(k, v)| k != "lang" && k != "sent" && !v.is_empty()),
        )
        .finish();
    let chrome = Chrome::new(lang, Some(session), "/plan", &query);
    let built = async {
        let filter = plan_filter(pairs)?;
        let rows = workspace::plan_overview(db, Some(&session.viewer), &filter).await?;
        let (agencies, mains) = workspace::plan_choices(db).await?;
        let kpis = kpis::list(db).await?;
        let snapshots = snapshots::list(db).await?;
        let late = workspace::late_explanations(db, Some(&session.viewer)).await?;
        Ok::<_, crate::Error>((filter, rows, agencies, mains, kpis, snapshots, late))
    }
    .await;
    let (filter, rows, agencies, mains, kpis, frozen, late) = match built {
        Ok(parts) => parts,
        Err(err) => return error_page(&chrome, &err),
    };
    let page = PlanPage {
        late_explanations: late
            .iter()
            .map(|(e, task, agency)| {
                ExplanationLine::new(e, task.number, Some(agency), &chrome, Some(&session.viewer))
            })
            .collect(),
        csrf: session.csrf_token.clone(),
        agencies: agencies
            .iter()
            .map(|a| Choice {
                selected: filter.agency_code.as_deref() == Some(a.code.as_str()),
                value: a.code.clone(),
                label: agency_name(a, lang),
            })
            .collect(),
        statuses: STATUSES
            .into_iter()
            .map(|s| Choice {
                selected: filter.status == Some(s),
                value: s.as_str().to_owned(),
                label: report_data::status(s).label(lang).to_owned(),
            })
            .collect(),
        main_tasks: mains
            .iter()
            .map(|c| Choice {
                selected: filter.main_task.as_deref() == Some(c.code.as_str()),
                value: c.code.clone(),
                label: format!(
                    "{} {}",
                    c.code,
                    match lang {
                        Lang::Vi => &c.title_vi,
                        Lang::En => &c.title_en,
                    }
                ),
            })
            .collect(),
        overdue_as_of: filter
            .overdue_as_of
            .map(|d| d.to_string())
            .unwrap_or_default(),
        rows: rows
            .iter()
            .map(|row| PlanLine {
                number: row.task.number,
                href: chrome.link(&format!("/tasks/{}", row.task.number)),
                title: task_title(&row.task, lang),
                leads: row.leads.iter().map(|a| agency_name(a, lang)).collect(),
                due: due_text(&row.task, lang),
                overdue: row.overdue,
                status: status_view(row.task.status, lang),
                progress: row.task.progress,
                latest: row.latest.as_ref().map(|(h, agency)| {
                    (
                        agency
                            .as_ref()
                            .map(|a| agency_name(a, lang))
                            .unwrap_or_default(),
                        reports::format::date(h.effective_on, lang),
                        h.progress,
                        h.note.clone().filter(|n| !n.is_empty()),
                    )
                }),
            })
            .collect(),
        kpis: kpis
            .iter()
            .map(|k| Choice {
                selected: false,
                value: k.code.clone(),
                label: format!(
                    "{} — {}",
                    k.code,
                    match lang {
                        Lang::Vi => &k.name_vi,
                        Lang::En => &k.name_en,
                    }
                ),
            })
            .collect(),
        snapshots: frozen
            .iter()
            .map(|s| SnapshotLine {
                label: snapshots::label(&s.snapshot),
                frozen_at: local_time(s.snapshot.frozen_at, lang),
                href: format!("/reports/snapshots/{}.pdf", s.snapshot.id),
            })
            .collect(),
        this_year: chrono::Datelike::year(&clock::today()),
        notice,
        problem,
        chrome,
    };
    html(status, page.render())
}

/// `GET /plan` (`?agency=&status=&overdueAsOf=&mainTask=`): every task of the plan with its
/// leads and latest report, filtered; planners only.
#[handler]
async fn plan_page(
    request: &Request,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
) -> Response {
    let pairs: Vec<(String, String)> = request.params().unwrap_or_default();
    let lang = page_lang(field(&pairs, "lang"));
    let Some(session) = session(request, db, sessions).await else {
        return redirect_to_sign_in(request);
    };
    if !session.viewer.is_planner() {
        let chrome = Chrome::new(lang, Some(&session), "/plan", "");
        return error_page(
            &chrome,
            &crate::Error::forbidden("only DIC planners may open the plan follow-up page"),
        );
    }
    let notice = match field(&pairs, "sent") {
        Some("kpi") => Some(lang.pick("Đã ghi số liệu chỉ tiêu.", "The KPI value is recorded.")),
        Some("freeze") => Some(lang.pick(
            "Đã chốt báo cáo kỳ; tệp PDF nằm trong danh sách bên dưới.",
            "The period's report is frozen; its PDF is listed below.",
        )),
        _ => None,
    };
    render_plan(db, &session, lang, &pairs, StatusCode::OK, notice, None).await
}

/// The session and fields of a url-encoded form post, with the page's language; otherwise the
/// 403 page (no session, not a form, or an anti-forgery token that does not match). Roles are
/// the services' business.
pub(super) async fn signed_form(
    request: &Request,
    body: Body,
    db: &DatabaseConnection,
    sessions: &Sessions,
) -> Result<(BrowserSession, Vec<(String, String)>, Lang), Response> {
    let lang = query_lang(request);
    let Some(session) = session(request, db, sessions).await else {
        return Err(forbidden(lang));
    };
    let Some(fields) = form_fields(body).await else {
        return Err(forbidden(lang));
    };
    if !sessions::csrf_matches(
        &session.csrf_token,
        field(&fields, "csrf").unwrap_or_default(),
    ) {
        return Err(forbidden(lang));
    }
    let lang = page_lang(field(&fields, "lang").or(Some(lang.code())));
    Ok((session, fields, lang))
}

/// After a planner's form: back to `/plan` with the message `sent` (303), or the page again with
/// the service's refusal.
async fn planner_form_done(
    db: &DatabaseConnection,
    session: &BrowserSession,
    lang: Lang,
    outcome: crate::error::Result<()>,
    sent: &str,
) -> Response {
    match outcome {
        Ok(()) => see_other(&format!("/plan?lang={}&sent={sent}", lang.code())),
        Err(err) => {
            let problem = error_words(lang, &err);
            render_plan(db, session, lang, &[], status_of(&err), None, Some(problem)).await
        }
    }
}

/// `POST /plan/kpis`: records a KPI's measured value for a year through
/// [`kpis::record_measurement`].
#[handler]
async fn record_kpi(
    request: &Request,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
) -> Response {
    let (session, fields, lang) = match signed_form(request, body, db, sessions).await {
        Ok(parts) => parts,
        Err(response) => return response,
    };
    let text = |name: &str| field(&fields, name).unwrap_or_default().trim().to_owned();
    let outcome = async {
        let year = text("year")
            .parse::<i32>()
            .map_err(|_| crate::Error::bad_input("the year must be a whole number"))?;
        let value = text("value")
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| crate::Error::bad_input("the value must be a number"))?;
        kpis::record_measurement(
            db,
            Some(&session.viewer),
            NewMeasurement {
                kpi_code: text("kpi"),
                year,
                value,
                source: text("source"),
                note: Some(text("note")).filter(|n| !n.is_empty()),
            },
        )
        .await
    }
    .await;
    planner_form_done(db, &session, lang, outcome.map(drop), "kpi").await
}

/// `POST /plan/snapshots`: freezes a period's report through [`snapshots::freeze`].
#[handler]
async fn freeze(
    request: &Request,
    body: Body,
    Data(db): Data<&DatabaseConnection>,
    Data(sessions): Data<&Arc<Sessions>>,
) -> Response {
    let (session, fields, lang) = match signed_form(request, body, db, sessions).await {
        Ok(parts) => parts,
        Err(response) => return response,
    };
    let text = |name: &str| field(&fields, name).unwrap_or_default().trim().to_owned();
    let outcome = async {
        let kind = PeriodKind::parse(&text("kind"))
            .ok_or_else(|| crate::Error::bad_input("choose a quarter, a half-year or a year"))?;
        let year = text("year")
            .parse::<i32>()
            .map_err(|_| crate::Error::bad_input("the year must be a whole number"))?;
        let number = match text("number").as_str() {
            "" => None,
            n => Some(
                n.parse::<i32>()
                    .map_err(|_| crate::Error::bad_input("the period number must be 1-4"))?,
            ),
        };
        let period = Period::new(kind, year, number)?;
        snapshots::freeze(
            db,
            Some(&session.viewer),
            FreezeRequest {
                period,
                lang: page_lang(Some(&text("report_lang"))),
                note: Some(text("note")).filter(|n| !n.is_empty()),
            },
        )
        .await
    }
    .await;
    planner_form_done(db, &session, lang, outcome.map(drop), "freeze").await
}
