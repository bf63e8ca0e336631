//! Reminders (đôn đốc, plan IV.2.a): the decisions to tell an agency that a task falls due, is
//! overdue, that a round's report is still owed, that DIC returned a report or asks for an
//! explanation; each becomes an in-app notification for the agency's active accounts and an
//! item of the agency's daily e-mail digest.
//!
//! [`pass`] decides for a date and writes, in one transaction, every new reminder (unique on
//! agency, subject, kind and date, so a second pass or a second instance adds nothing), their
//! notifications, and the day's digests in the outbox (`mail_outbox`), one per agency per day
//! and one for the planners listing late agencies. [`super::mailer`] delivers the outbox.
//! [`notify`] records a single notice (a returned report, a request for explanation) inside the
//! caller's transaction, so the notice exists exactly when the change does.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, Utc};
use entities::{
    agency, mail_message, notification, reminder, task, user, Recurrence, TaskStatus, UserRole,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use seeds::calendar::{Calendar, Period};

use super::figures::{self, Figures};
use super::rounds::{self, SubmissionStatus};
use super::{plan as plans, states};
use crate::error::Result;

/// Days before a due date when a lead is reminded, unless configured otherwise.
pub const DEFAULT_DUE_DAYS: [i64; 3] = [30, 7, 1];
/// Days before a round's deadline when a lead that has not reported is reminded.
pub const ROUND_DAYS_BEFORE: i64 = 3;
/// Unmailed reminders older than this are left to the app, not mailed.
const MAIL_WITHIN_DAYS: i64 = 7;

/// What a pass decides by.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Days before a due date to remind, e.g. 30, 7 and 1.
    pub due_days: Vec<i64>,
    /// The address links in e-mails start with (`EGOV_PUBLIC_URL`); relative links without it.
    pub public_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            due_days: DEFAULT_DUE_DAYS.to_vec(),
            public_url: None,
        }
    }
}

/// One thing to tell an agency.
#[derive(Debug, Clone)]
pub struct Notice {
    pub agency_id: i32,
    pub task_id: Option<i32>,
    pub period: Option<String>,
    pub subject: String,
    pub kind: &'static str,
    pub on_date: NaiveDate,
    pub text_vi: String,
    pub text_en: String,
    pub link: String,
}

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassOutcome {
    /// New reminders (a reminder decided before is not counted again).
    pub reminders: usize,
    pub notifications: usize,
    /// Digests queued in the outbox.
    pub digests: usize,
}

/// Records a notice and its notifications, once: a notice already recorded (same agency,
/// subject, kind and date) adds nothing and gives `None`; a new one gives the number of
/// notifications written (one per active account of the agency).
pub async fn notify(txn: &impl ConnectionTrait, notice: &Notice) -> Result<Option<usize>> {
    let now = Utc::now();
    let inserted = reminder::Entity::insert(reminder::ActiveModel {
        agency_id: Set(notice.agency_id),
        task_id: Set(notice.task_id),
        period: Set(notice.period.clone()),
        subject: Set(notice.subject.clone()),
        kind: Set(notice.kind.to_owned()),
        on_date: Set(notice.on_date),
        text_vi: Set(notice.text_vi.clone()),
        text_en: Set(notice.text_en.clone()),
        link: Set(notice.link.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            reminder::Column::AgencyId,
            reminder::Column::Subject,
            reminder::Column::Kind,
            reminder::Column::OnDate,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec(txn)
    .await;
    let reminder_id = match inserted {
        Ok(done) => done.last_insert_id,
        Err(DbErr::RecordNotInserted) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let accounts = user::Entity::find()
        .filter(user::Column::AgencyId.eq(notice.agency_id))
        .filter(user::Column::Disabled.eq(false))
        .all(txn)
        .await?;
    let count = accounts.len();
    if count > 0 {
        notification::Entity::insert_many(accounts.into_iter().map(|account| {
            notification::ActiveModel {
                user_id: Set(account.id),
                reminder_id: Set(Some(reminder_id)),
                kind: Set(notice.kind.to_owned()),
                text_vi: Set(notice.text_vi.clone()),
                text_en: Set(notice.text_en.clone()),
                link: Set(notice.link.clone()),
                created_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(Some(count))
}

/// Decides the reminders for `as_of`, records them with their notifications, and queues the
/// day's digests, all in one transaction.
pub async fn pass(
    db: &DatabaseConnection,
    figures: &Figures,
    calendar: &Calendar,
    settings: &Settings,
    as_of: NaiveDate,
) -> Result<PassOutcome> {
    let notices = decide(db, calendar, settings, as_of).await?;
    let txn = db.begin().await?;
    let mut outcome = PassOutcome::default();
    for notice in &notices {
        if let Some(notifications) = notify(&txn, notice).await? {
            outcome.reminders += 1;
            outcome.notifications += notifications;
        }
    }
    outcome.digests = queue_digests(&txn, settings, as_of).await?;
    let changed = outcome.notifications > 0 || outcome.digests > 0 || outcome.reminders > 0;
    if changed {
        figures::mark_in(&txn).await?;
    }
    txn.commit().await?;
    if changed {
        figures.mark_committed(db).await;
    }
    Ok(outcome)
}

/// Every reminder due on `as_of`: lead assignments due within the configured days or overdue
/// (weekly), and leads that have not reported in a round around its deadline.
async fn decide(
    db: &DatabaseConnection,
    calendar: &Calendar,
    settings: &Settings,
    as_of: NaiveDate,
) -> Result<Vec<Notice>> {
    let plan = plans::current(db).await?;
    let mut notices = Vec::new();
    let mut due_days: Vec<i64> = settings
        .due_days
        .iter()
        .copied()
        .filter(|d| (0..=366).contains(d))
        .collect();
    due_days.sort_unstable();
    due_days.dedup();
    for state in states::load(db, Some(plan.id), as_of).await? {
        let (Some(due), Recurrence::Once) = (state.task.due_date, state.task.recurrence) else {
            continue;
        };
        for lead in &state.leads {
            if lead.state.status == TaskStatus::Completed {
                continue;
            }
            if let Some(notice) = task_notice(&state.task, lead.agency_id, due, as_of, &due_days) {
                notices.push(notice);
            }
        }
    }
    let from = as_of - Duration::days(7);
    let to = as_of + Duration::days(ROUND_DAYS_BEFORE);
    let mut by_deadline: BTreeMap<NaiveDate, Vec<Period>> = BTreeMap::new();
    for period in calendar.deadlines_between(from, to) {
        if let Some(deadline) = calendar.deadline(period) {
            by_deadline.entry(deadline).or_default().push(period);
        }
    }
    for (deadline, mut periods) in by_deadline {
        let kind = if as_of > deadline {
            "ROUND_MISSED"
        } else if as_of >= deadline - Duration::days(ROUND_DAYS_BEFORE) {
            "ROUND_DUE_SOON"
        } else {
            continue;
        };
        let on_date = if kind == "ROUND_MISSED" {
            deadline + Duration::days(1)
        } else {
            deadline - Duration::days(ROUND_DAYS_BEFORE)
        };
        periods.sort_by_key(|p| p.kind.months());
        // One report dated inside the shortest window meets every round sharing the deadline,
        // so a lead owing several of them gets one item naming them all.
        let mut owed: BTreeMap<(i32, i32), (i32, i32, Vec<Period>)> = BTreeMap::new();
        for period in periods {
            let round = match rounds::round(db, calendar, None, period).await {
                Ok(round) => round,
                Err(crate::Error::BadInput(_)) => continue,
                Err(err) => return Err(err),
            };
            for s in round.submissions.iter().filter(|s| {
                matches!(
                    s.status,
                    SubmissionStatus::Missing | SubmissionStatus::Returned
                )
            }) {
                owed.entry((s.agency.id, s.task.number))
                    .or_insert_with(|| (s.task.id, s.task.number, Vec::new()))
                    .2
                    .push(period);
            }
        }
        let deadline_vi = reports::format::date(deadline, reports::model::Lang::Vi);
        let deadline_en = reports::format::date(deadline, reports::model::Lang::En);
        for ((agency_id, _), (task_id, number, periods)) in owed {
            let Some(first) = periods.first().copied() else {
                continue;
            };
            let labels_vi: Vec<String> = periods.iter().map(|p| p.label_vi()).collect();
            let labels_en: Vec<String> = periods.iter().map(|p| p.label_en()).collect();
            let (text_vi, text_en) = if kind == "ROUND_MISSED" {
                (
                    format!(
                        "Chưa nộp báo cáo {} về nhiệm vụ {number}; hạn nộp {deadline_vi} đã qua.",
                        labels_vi.join(", ")
                    ),
                    format!(
                        "Reports owed on task {number} for {} were due by {deadline_en} and have not come.",
                        labels_en.join(", ")
                    ),
                )
            } else {
                (
                    format!(
                        "Chưa nộp báo cáo {} về nhiệm vụ {number}; hạn nộp {deadline_vi}.",
                        labels_vi.join(", ")
                    ),
                    format!(
                        "Reports owed on task {number} for {}: due by {deadline_en}.",
                        labels_en.join(", ")
                    ),
                )
            };
            notices.push(Notice {
                agency_id,
                task_id: Some(task_id),
                period: Some(first.to_string()),
                subject: format!("round:{deadline}:{number}"),
                kind,
                on_date,
                text_vi,
                text_en,
                link: format!("/rounds/{first}"),
            });
        }
    }
    Ok(notices)
}

/// The reminder a lead gets on `as_of` about a one-off task due on `due`, if any: the band of
/// the smallest configured day count the days left fit in, or the overdue week.
fn task_notice(
    task: &task::Model,
    agency_id: i32,
    due: NaiveDate,
    as_of: NaiveDate,
    due_days: &[i64],
) -> Option<Notice> {
    let days_left = (due - as_of).num_days();
    let vi = |d: NaiveDate| reports::format::date(d, reports::model::Lang::Vi);
    let en = |d: NaiveDate| reports::format::date(d, reports::model::Lang::En);
    let (kind, on_date, text_vi, text_en): (&'static str, NaiveDate, String, String) =
        if days_left >= 0 {
            let band = due_days.iter().copied().find(|d| days_left <= *d)?;
            (
                match band {
                    30 => "DUE_IN_30",
                    7 => "DUE_IN_7",
                    1 => "DUE_IN_1",
                    _ => "DUE_SOON",
                },
                due - Duration::days(band),
                format!(
                    "Nhiệm vụ {} đến hạn ngày {} (còn {days_left} ngày): {}",
                    task.number,
                    vi(due),
                    task.title_vi
                ),
                format!(
                    "Task {} is due on {} ({days_left} days left): {}",
                    task.number,
                    en(due),
                    task.title_en
                ),
            )
        } else {
            let weeks = (-days_left - 1) / 7;
            (
                "OVERDUE",
                due + Duration::days(1 + 7 * weeks),
                format!(
                    "Nhiệm vụ {} đã quá hạn từ ngày {}: {}",
                    task.number,
                    vi(due),
                    task.title_vi
                ),
                format!(
                    "Task {} has been overdue since {}: {}",
                    task.number,
                    en(due),
                    task.title_en
                ),
            )
        };
    Some(Notice {
        agency_id,
        task_id: Some(task.id),
        period: None,
        subject: format!("task:{}", task.number),
        kind,
        on_date,
        text_vi,
        text_en,
        link: format!("/tasks/{}", task.number),
    })
}

/// Queues today's digest for every agency with reminders not yet mailed (and addresses to
/// mail), and the planners' digest of late agencies; returns how many were queued.
async fn queue_digests(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    as_of: NaiveDate,
) -> Result<usize> {
    let since = Utc::now() - Duration::days(MAIL_WITHIN_DAYS);
    let unmailed = reminder::Entity::find()
        .filter(reminder::Column::MessageId.is_null())
        .filter(reminder::Column::CreatedAt.gte(since))
        .order_by_asc(reminder::Column::Id)
        .all(txn)
        .await?;
    let mut by_agency: BTreeMap<i32, Vec<reminder::Model>> = BTreeMap::new();
    for r in unmailed {
        by_agency.entry(r.agency_id).or_default().push(r);
    }
    let accounts = user::Entity::find()
        .filter(user::Column::Disabled.eq(false))
        .filter(user::Column::Email.is_not_null())
        .all(txn)
        .await?;
    let mut addresses: HashMap<i32, Vec<String>> = HashMap::new();
    let mut planners = Vec::new();
    for account in accounts {
        let Some(email) = account.email.filter(|e| !e.trim().is_empty()) else {
            continue;
        };
        match (account.role, account.agency_id) {
            (UserRole::Agency, Some(agency_id)) => {
                addresses.entry(agency_id).or_default().push(email)
            }
            (UserRole::Planner, _) => planners.push(email),
            _ => {}
        }
    }
    let ids: Vec<i32> = by_agency.keys().copied().collect();
    let named: HashMap<i32, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut queued = 0;
    for (agency_id, items) in &by_agency {
        let (Some(to), Some(agency)) = (addresses.get(agency_id), named.get(agency_id)) else {
            continue;
        };
        let key = format!("agency:{agency_id}:{as_of}");
        let subject = format!(
            "[egov-tracker] Nhắc việc ngày {} — {} / Reminders for {}",
            reports::format::date(as_of, reports::model::Lang::Vi),
            agency.name_vi,
            agency.name_en
        );
        let body = digest_body(&agency.name_vi, &agency.name_en, items, settings, as_of);
        if let Some(message_id) = queue(txn, &key, to, &subject, &body).await? {
            let ids: Vec<i32> = items.iter().map(|r| r.id).collect();
            reminder::Entity::update_many()
                .col_expr(
                    reminder::Column::MessageId,
                    sea_orm::sea_query::Expr::value(message_id),
                )
                .filter(reminder::Column::Id.is_in(ids))
                .exec(txn)
                .await?;
            queued += 1;
        }
    }
    // The planners' digest lists what became late in the last day, mailed to the agencies or
    // not, so each late item reaches planners once.
    let late = reminder::Entity::find()
        .filter(reminder::Column::Kind.is_in(["OVERDUE", "ROUND_MISSED"]))
        .filter(reminder::Column::CreatedAt.gte(Utc::now() - Duration::days(1)))
        .order_by_asc(reminder::Column::Id)
        .all(txn)
        .await?;
    if !planners.is_empty() && !late.is_empty() {
        let key = format!("planners:{as_of}");
        let subject = format!(
            "[egov-tracker] Đơn vị chậm ngày {} / Late agencies on {}",
            reports::format::date(as_of, reports::model::Lang::Vi),
            reports::format::date(as_of, reports::model::Lang::En)
        );
        let late_ids: Vec<i32> = late.iter().map(|r| r.agency_id).collect();
        let late_named: HashMap<i32, agency::Model> = agency::Entity::find()
            .filter(agency::Column::Id.is_in(late_ids))
            .all(txn)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut grouped: BTreeMap<String, Vec<reminder::Model>> = BTreeMap::new();
        for r in late {
            let name = late_named
                .get(&r.agency_id)
                .map(|a| a.name_vi.clone())
                .unwrap_or_default();
            grouped.entry(name).or_default().push(r);
        }
        let body = planners_body(&grouped, settings, as_of);
        if queue(txn, &key, &planners, &subject, &body)
            .await?
            .is_some()
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Queues one message unless its key is already queued; its id when queued.
async fn queue(
    txn: &impl ConnectionTrait,
    key: &str,
    to: &[String],
    subject: &str,
    body: &str,
) -> Result<Option<i32>> {
    let now = Utc::now();
    let inserted = mail_message::Entity::insert(mail_message::ActiveModel {
        digest_key: Set(key.to_owned()),
        recipients: Set(to.join(", ")),
        subject: Set(subject.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
        status: Set("PENDING".to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(mail_message::Column::DigestKey)
            .do_nothing()
            .to_owned(),
    )
    .exec(txn)
    .await;
    match inserted {
        Ok(done) => Ok(Some(done.last_insert_id)),
        Err(DbErr::RecordNotInserted) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

fn link(settings: &Settings, path: &str) -> String {
    match &settings.public_url {
        Some(base) => format!("{base}{path}"),
        None => path.to_owned(),
    }
}

/// An agency's digest: every item in Vietnamese with its link, then the same in English.
fn digest_body(
    name_vi: &str,
    name_en: &str,
    items: &[reminder::Model],
    settings: &Settings,
    as_of: NaiveDate,
) -> String {
    let mut body = format!(
        "Kính gửi {name_vi},\n\nHệ thống theo dõi Kế hoạch 681/KH-UBND nhắc đơn vị các việc sau (ngày {}):\n\n",
        reports::format::date(as_of, reports::model::Lang::Vi)
    );
    for (i, r) in items.iter().enumerate() {
        body.push_str(&format!(
            "{}. {}\n   {}\n",
            i + 1,
            r.text_vi,
            link(settings, &r.link)
        ));
    }
    body.push_str(&format!(
        "\n---\n\nTo {name_en},\n\nThe tracker of plan 681/KH-UBND reminds you of the following ({}):\n\n",
        reports::format::date(as_of, reports::model::Lang::En)
    ));
    for (i, r) in items.iter().enumerate() {
        body.push_str(&format!(
            "{}. {}\n   {}\n",
            i + 1,
            r.text_en,
            link(settings, &r.link)
        ));
    }
    body
}

/// The planners' digest: late agencies and what each is late with.
fn planners_body(
    grouped: &BTreeMap<String, Vec<reminder::Model>>,
    settings: &Settings,
    as_of: NaiveDate,
) -> String {
    let mut body = format!(
        "Các đơn vị chậm thực hiện hoặc chậm báo cáo (ngày {}):\n\n",
        reports::format::date(as_of, reports::model::Lang::Vi)
    );
    for (agency, items) in grouped {
        body.push_str(&format!("{agency}\n"));
        for r in items {
            body.push_str(&format!("  - {} {}\n", r.text_vi, link(settings, &r.link)));
        }
    }
    body.push_str(&format!(
        "\n---\n\nAgencies late with their work or their reports ({}):\n\n",
        reports::format::date(as_of, reports::model::Lang::En)
    ));
    for (agency, items) in grouped {
        body.push_str(&format!("{agency}\n"));
        for r in items {
            body.push_str(&format!("  - {} {}\n", r.text_en, link(settings, &r.link)));
        }
    }
    body
}

/// The notifications of one account, newest first, after the notification `after` (an id) when
/// given; at most `first` (1-100).
pub async fn notifications_of(
    db: &DatabaseConnection,
    user_id: i32,
    first: u64,
    after: Option<i32>,
) -> Result<Vec<notification::Model>> {
    use sea_orm::QuerySelect;
    let mut query = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    if let Some(after) = after {
        query = query.filter(notification::Column::Id.lt(after));
    }
    Ok(query
        .order_by_desc(notification::Column::Id)
        .limit(first.clamp(1, 100))
        .all(db)
        .await?)
}

/// How many of an account's notifications are unread.
pub async fn unread_count(db: &DatabaseConnection, user_id: i32) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks the given notifications of an account read (all of them when `ids` is `None`);
/// returns how many changed.
pub async fn mark_read(
    db: &DatabaseConnection,
    figures: &Figures,
    user_id: i32,
    ids: Option<&[i32]>,
) -> Result<u64> {
    let mut update = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        if ids.len() > 500 {
            return Err(crate::Error::bad_input(
                "mark at most 500 notifications at once",
            ));
        }
        update = update.filter(notification::Column::Id.is_in(ids.iter().copied()));
    }
    let changed = update.exec(db).await?.rows_affected;
    if changed > 0 {
        figures.forget();
        if let Err(err) = figures::mark(db).await {
            tracing::error!(error = ?err, "advancing the data version after reading notifications");
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task_due(due: NaiveDate) -> task::Model {
        task::Model {
            id: 1,
            plan_id: 1,
            number: 24,
            title_vi: "Y tế".into(),
            title_en: "Health".into(),
            lead_text_vi: String::new(),
            cooperating_text_vi: String::new(),
            timeline_vi: String::new(),
            recurrence: Recurrence::Once,
            start_year: 2016,
            end_year: Some(2018),
            due_date: Some(due),
            status: TaskStatus::InProgress,
            progress: 10,
            version: 1,
            search_text: String::new(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn kind_on(as_of: NaiveDate) -> Option<(&'static str, NaiveDate)> {
        let due = day(2018, 12, 31);
        task_notice(&task_due(due), 7, due, as_of, &[1, 7, 30]).map(|n| (n.kind, n.on_date))
    }

    #[test]
    fn each_band_before_the_due_date_fires_once_on_its_own_day() {
        assert_eq!(kind_on(day(2018, 11, 30)), None, "31 days left");
        assert_eq!(
            kind_on(day(2018, 12, 1)),
            Some(("DUE_IN_30", day(2018, 12, 1)))
        );
        assert_eq!(
            kind_on(day(2018, 12, 20)),
            Some(("DUE_IN_30", day(2018, 12, 1))),
            "same reminder, same key"
        );
        assert_eq!(
            kind_on(day(2018, 12, 24)),
            Some(("DUE_IN_7", day(2018, 12, 24)))
        );
        assert_eq!(
            kind_on(day(2018, 12, 31)),
            Some(("DUE_IN_1", day(2018, 12, 30))),
            "due today"
        );
    }

    #[test]
    fn an_overdue_task_is_reminded_weekly_from_the_day_after_its_due_date() {
        assert_eq!(kind_on(day(2019, 1, 1)), Some(("OVERDUE", day(2019, 1, 1))));
        assert_eq!(kind_on(day(2019, 1, 7)), Some(("OVERDUE", day(2019, 1, 1))));
        assert_eq!(kind_on(day(2019, 1, 8)), Some(("OVERDUE", day(2019, 1, 8))));
    }
}
