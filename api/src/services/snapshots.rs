//! Frozen periodic reports (plan IV.2.a: DIC reports to the Provincial People's Committee and
//! the Ministry): planners freeze a quarter, half-year or year; the figures, charts, tables and
//! PDF as of the period's last day are stored with their SHA-256 hashes and served later byte
//! for byte. Nothing here updates or deletes a snapshot.

use chrono::{NaiveDate, Utc};
use std::collections::HashMap;

use entities::{report_snapshot, report_snapshot_file, seed_run, user};
use reports::model::{ChartFormat, Lang};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::access::{self, Viewer};
use super::downloads::{self, Chart, Document, Options, Target};
use super::{clock, report_data, rounds, users};
use crate::error::{Error, Result};
use reports::tables::RoundSheet;
use seeds::calendar::{Calendar, Period as CalendarPeriod, PeriodKind as CalendarKind};

/// The length of a reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Quarter,
    HalfYear,
    Year,
}

impl PeriodKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Quarter => "QUARTER",
            PeriodKind::HalfYear => "HALF_YEAR",
            PeriodKind::Year => "YEAR",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Option<PeriodKind> {
        [PeriodKind::Quarter, PeriodKind::HalfYear, PeriodKind::Year]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// One reporting period: a quarter, a half-year or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    /// Quarter 1-4, half 1-2, 0 for a year.
    pub number: i32,
}

/// The first year a report can cover: the plan was issued on 1 April 2016.
pub const FIRST_YEAR: i32 = 2016;

impl Period {
    /// A period, checking the number fits the kind.
    pub fn new(kind: PeriodKind, year: i32, number: Option<i32>) -> Result<Period> {
        let number = match (kind, number) {
            (PeriodKind::Year, None | Some(0)) => 0,
            (PeriodKind::Quarter, Some(n @ 1..=4)) | (PeriodKind::HalfYear, Some(n @ 1..=2)) => n,
            (PeriodKind::Year, Some(n)) => {
                return Err(Error::bad_input(format!(
                    "a YEAR has no `number` (got {n})"
                )))
            }
            (PeriodKind::Quarter, _) => {
                return Err(Error::bad_input("a QUARTER needs `number` 1-4"))
            }
            (PeriodKind::HalfYear, _) => {
                return Err(Error::bad_input("a HALF_YEAR needs `number` 1 or 2"))
            }
        };
        if !(FIRST_YEAR..=9999).contains(&year) {
            return Err(Error::bad_input(format!(
                "`year` must be {FIRST_YEAR} or later (got {year})"
            )));
        }
        Ok(Period { kind, year, number })
    }

    /// The period's last day.
    pub fn end(&self) -> NaiveDate {
        let last_month = match self.kind {
            PeriodKind::Quarter => self.number as u32 * 3,
            PeriodKind::HalfYear => self.number as u32 * 6,
            PeriodKind::Year => 12,
        };
        let next = if last_month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, last_month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// "Quý 4/2017", "6 tháng đầu năm 2017", "Năm 2017" (or English).
    pub fn label(&self, lang: Lang) -> String {
        match (self.kind, lang) {
            (PeriodKind::Quarter, Lang::Vi) => format!("Quý {}/{}", self.number, self.year),
            (PeriodKind::Quarter, Lang::En) => format!("Q{} {}", self.number, self.year),
            (PeriodKind::HalfYear, Lang::Vi) if self.number == 1 => {
                format!("6 tháng đầu năm {}", self.year)
            }
            (PeriodKind::HalfYear, Lang::Vi) => format!("6 tháng cuối năm {}", self.year),
            (PeriodKind::HalfYear, Lang::En) => format!("H{} {}", self.number, self.year),
            (PeriodKind::Year, Lang::Vi) => format!("Năm {}", self.year),
            (PeriodKind::Year, Lang::En) => format!("Year {}", self.year),
        }
    }
}

/// What a planner asks to freeze.
#[derive(Debug, Clone)]
pub struct FreezeRequest {
    pub period: Period,
    pub lang: Lang,
    /// At most 2,000 characters.
    pub note: Option<String>,
}

/// A file of a snapshot, without its bytes.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct FileInfo {
    pub snapshot_id: i32,
    pub name: String,
    pub content_type: String,
    pub sha256: String,
    pub size_bytes: i64,
}

/// A snapshot with its files' descriptions.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub snapshot: report_snapshot::Model,
    pub files: Vec<FileInfo>,
    /// Username of the planner who froze it.
    pub frozen_by: Option<String>,
}

/// The files every snapshot holds, in order; the PDF first.
fn contents() -> Vec<Target> {
    let png = ChartFormat::Png;
    vec![
        Target::Document(Document::SummaryPdf),
        Target::Document(Document::TasksCsv),
        Target::Document(Document::TasksXlsx),
        Target::Chart(Chart::Ranking, png),
        Target::Chart(Chart::Progress, png),
        Target::Chart(Chart::Kpis, png),
        Target::Chart(Chart::Status, png),
    ]
}

/// File name of a target inside a snapshot (`summary.pdf`, `ranking.png`, ...).
pub fn file_name(target: &Target) -> String {
    match target {
        Target::Chart(chart, format) => format!("{}.{}", chart.stem(), format.extension()),
        Target::Document(Document::SummaryPdf) => "summary.pdf".into(),
        Target::Document(Document::TasksCsv) => "tasks.csv".into(),
        Target::Document(Document::TasksXlsx) => "tasks.xlsx".into(),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn lang_of(code: &str) -> Lang {
    Lang::parse(code).unwrap_or_default()
}

/// Freezes a period's report; planners only. A period that has not ended, or one already
/// frozen in that language, is refused and nothing is stored.
pub async fn freeze(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    request: FreezeRequest,
) -> Result<Snapshot> {
    let viewer = access::planner(viewer)?;
    let note = request
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        return Err(Error::bad_input("`note` is longer than 2,000 characters"));
    }
    let period = request.period;
    let as_of = period.end();
    let today = clock::today();
    if as_of > today {
        return Err(Error::bad_input(format!(
            "{} ends on {as_of}, after today ({today}); freeze a period once it has ended",
            period.label(Lang::En)
        )));
    }
    let by = (viewer.user_id, viewer.username.clone());
    store(db, period, request.lang, note, as_of, by, None).await
}

/// Freezes `period`'s report in `lang` as of `as_of`, attributed to `by` (id, username), with
/// the reporting round's section and `round.csv` when `round` is given. Refused with CONFLICT
/// when that period and language is already frozen.
async fn store(
    db: &DatabaseConnection,
    period: Period,
    lang: Lang,
    note: Option<String>,
    as_of: NaiveDate,
    by: (i32, String),
    round: Option<RoundSheet>,
) -> Result<Snapshot> {
    if existing(db, &period, lang).await?.is_some() {
        return Err(already_frozen(&period, lang));
    }

    let options = Options {
        lang,
        ..Options::new(as_of)
    };
    let summary = report_data::summary(db, as_of).await?;
    let mut files = Vec::new();
    if let Some(round) = &round {
        files.push((
            "round.csv".to_owned(),
            downloads::Download {
                bytes: reports::tables::round_csv(round, lang),
                content_type: "text/csv; charset=utf-8",
                file_name: "round.csv".into(),
                attachment: true,
            },
        ));
    }
    for target in contents() {
        let download = match &target {
            Target::Document(Document::SummaryPdf) => {
                downloads::summary_pdf(db, summary.clone(), round.clone(), options).await?
            }
            Target::Document(document) => {
                downloads::document_bytes(db, *document, summary.clone(), options).await?
            }
            Target::Chart(chart, format) => downloads::Download {
                bytes: downloads::chart_with_summary(db, &summary, chart, *format, options).await?,
                content_type: format.content_type(),
                file_name: file_name(&target),
                attachment: false,
            },
        };
        files.push((file_name(&target), download));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut whole = Sha256::new();
    for (name, download) in &files {
        whole.update(name.as_bytes());
        whole.update([0]);
        whole.update(sha256_hex(&download.bytes).as_bytes());
        whole.update([b'\n']);
    }
    let figures = &summary.figures;
    let figures_json = json!({
        "tasksTotal": figures.tasks_total,
        "completed": figures.completed,
        "inProgress": figures.in_progress,
        "notStarted": figures.not_started,
        "blocked": figures.blocked,
        "overdue": figures.overdue,
        "percentComplete": figures.percent_complete,
    })
    .to_string();

    let txn = db.begin().await?;
    let inserted = report_snapshot::ActiveModel {
        period_kind: Set(period.kind.as_str().into()),
        year: Set(period.year),
        period_number: Set(period.number),
        lang: Set(lang.code().into()),
        as_of: Set(as_of),
        figures_json: Set(figures_json),
        sha256: Set(hex::encode(whole.finalize())),
        note: Set(note),
        frozen_at: Set(Utc::now()),
        frozen_by_user_id: Set(by.0),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let snapshot = match inserted {
        Ok(snapshot) => snapshot,
        Err(err) => {
            drop(txn);
            return match existing(db, &period, lang).await? {
                Some(_) => Err(already_frozen(&period, lang)),
                None => Err(err.into()),
            };
        }
    };
    let mut infos = Vec::new();
    for (name, download) in files {
        let sha256 = sha256_hex(&download.bytes);
        let size_bytes = download.bytes.len() as i64;
        report_snapshot_file::ActiveModel {
            snapshot_id: Set(snapshot.id),
            name: Set(name.clone()),
            content_type: Set(download.content_type.into()),
            content: Set(download.bytes),
            sha256: Set(sha256.clone()),
            size_bytes: Set(size_bytes),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        infos.push(FileInfo {
            snapshot_id: snapshot.id,
            name,
            content_type: download.content_type.into(),
            sha256,
            size_bytes,
        });
    }
    txn.commit().await?;
    Ok(Snapshot {
        snapshot,
        files: infos,
        frozen_by: Some(by.1),
    })
}

/// Most reports [`freeze_due`] freezes in one pass; the rest follow in the next passes.
pub const MAX_AUTOMATIC_PER_PASS: usize = 4;

/// The snapshot period of a reporting period, for the kinds that have one (not monthly).
fn snapshot_period(period: CalendarPeriod) -> Option<Period> {
    let (kind, number) = match period.kind {
        CalendarKind::Monthly => return None,
        CalendarKind::Quarterly => (PeriodKind::Quarter, i32::try_from(period.index).ok()),
        CalendarKind::HalfYearly => (PeriodKind::HalfYear, i32::try_from(period.index).ok()),
        CalendarKind::Annual => (PeriodKind::Year, None),
    };
    Period::new(kind, period.year, number).ok()
}

/// Freezes, in Vietnamese and attributed to the service's own account, the consolidated report
/// of every reporting period of a kind in force (quarterly, half-yearly, annual) whose deadline
/// has passed by `today`, whose data window ended after the database was created, and which is
/// not frozen yet: as of the window's last day (the cut-off), with the round's submissions.
/// At most [`MAX_AUTOMATIC_PER_PASS`] a pass, oldest first, so a service that was down catches
/// up over its first passes. Another instance freezing the same period at the same time makes
/// one of the two a CONFLICT, which is skipped: each period is frozen once.
pub async fn freeze_due(
    db: &DatabaseConnection,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Vec<Snapshot>> {
    let Some(created) = seed_run::Entity::find()
        .order_by_asc(seed_run::Column::AppliedAt)
        .one(db)
        .await?
        .map(|run| run.applied_at.with_timezone(&clock::vietnam()).date_naive())
    else {
        return Ok(Vec::new());
    };
    let Some(yesterday) = today.pred_opt() else {
        return Ok(Vec::new());
    };
    let mut frozen = Vec::new();
    for period in calendar.deadlines_between(created, yesterday) {
        if frozen.len() >= MAX_AUTOMATIC_PER_PASS {
            break;
        }
        let (Some(snapshot), Some((_, cutoff)), Some(deadline)) = (
            snapshot_period(period),
            calendar.window(period),
            calendar.deadline(period),
        ) else {
            continue;
        };
        if cutoff < created || existing(db, &snapshot, Lang::Vi).await?.is_some() {
            continue;
        }
        let round = rounds::round(db, calendar, None, period).await?;
        let account = users::service_account(db).await?;
        let note = format!(
            "Tự động chốt sau hạn nộp báo cáo {} ({}); số liệu đến ngày {}.",
            period.label_vi(),
            reports::format::date(deadline, Lang::Vi),
            reports::format::date(cutoff, Lang::Vi)
        );
        let by = (account.id, account.username);
        match store(
            db,
            snapshot,
            Lang::Vi,
            Some(note),
            cutoff,
            by,
            Some(rounds::sheet(&round)),
        )
        .await
        {
            Ok(done) => frozen.push(done),
            Err(Error::Conflict(_)) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(frozen)
}

fn already_frozen(period: &Period, lang: Lang) -> Error {
    Error::Conflict(format!(
        "the report for {} ({}) is already frozen; snapshots never change",
        period.label(Lang::En),
        lang.code()
    ))
}

async fn existing(
    db: &DatabaseConnection,
    period: &Period,
    lang: Lang,
) -> Result<Option<report_snapshot::Model>> {
    Ok(report_snapshot::Entity::find()
        .filter(report_snapshot::Column::PeriodKind.eq(period.kind.as_str()))
        .filter(report_snapshot::Column::Year.eq(period.year))
        .filter(report_snapshot::Column::PeriodNumber.eq(period.number))
        .filter(report_snapshot::Column::Lang.eq(lang.code()))
        .one(db)
        .await?)
}

async fn file_infos(db: &DatabaseConnection, snapshot_ids: &[i32]) -> Result<Vec<FileInfo>> {
    use report_snapshot_file::Column;
    Ok(report_snapshot_file::Entity::find()
        .select_only()
        .columns([
            Column::SnapshotId,
            Column::Name,
            Column::ContentType,
            Column::Sha256,
            Column::SizeBytes,
        ])
        .filter(Column::SnapshotId.is_in(snapshot_ids.iter().copied()))
        .order_by_asc(Column::SnapshotId)
        .order_by_asc(Column::Name)
        .into_model::<FileInfo>()
        .all(db)
        .await?)
}

/// Every snapshot, newest period first, with its files' descriptions.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<Snapshot>> {
    let snapshots = report_snapshot::Entity::find()
        .order_by_desc(report_snapshot::Column::AsOf)
        .order_by_desc(report_snapshot::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = snapshots.iter().map(|s| s.id).collect();
    let mut files = file_infos(db, &ids).await?;
    let user_ids: Vec<i32> = snapshots.iter().map(|s| s.frozen_by_user_id).collect();
    let usernames: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    Ok(snapshots
        .into_iter()
        .map(|snapshot| {
            let (mine, rest): (Vec<FileInfo>, Vec<FileInfo>) =
                files.drain(..).partition(|f| f.snapshot_id == snapshot.id);
            files = rest;
            Snapshot {
                frozen_by: usernames.get(&snapshot.frozen_by_user_id).cloned(),
                snapshot,
                files: mine,
            }
        })
        .collect())
}

/// A snapshot's period.
pub fn period_of(snapshot: &report_snapshot::Model) -> Option<Period> {
    Some(Period {
        kind: PeriodKind::parse(&snapshot.period_kind)?,
        year: snapshot.year,
        number: snapshot.period_number,
    })
}

/// A snapshot's label in its own language ("Quý 4/2017").
pub fn label(snapshot: &report_snapshot::Model) -> String {
    period_of(snapshot).map_or_else(
        || format!("{} {}", snapshot.period_kind, snapshot.year),
        |p| p.label(lang_of(&snapshot.lang)),
    )
}

/// One stored file of a snapshot, checked against its hash. A file whose bytes no longer match
/// the hash recorded when it was frozen is an internal error, never served.
pub async fn file(
    db: &DatabaseConnection,
    snapshot_id: i32,
    name: &str,
) -> Result<(report_snapshot::Model, report_snapshot_file::Model)> {
    let snapshot = report_snapshot::Entity::find_by_id(snapshot_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("report snapshot {snapshot_id}")))?;
    let file = report_snapshot_file::Entity::find()
        .filter(report_snapshot_file::Column::SnapshotId.eq(snapshot_id))
        .filter(report_snapshot_file::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!("file {name:?} of report snapshot {snapshot_id}"))
        })?;
    if sha256_hex(&file.content) != file.sha256 {
        return Err(Error::Internal(anyhow::anyhow!(
            "snapshot {snapshot_id} file {name} no longer matches its SHA-256"
        )));
    }
    Ok((snapshot, file))
}

/// The file name a snapshot's file is downloaded as: `egov-report-2017-Q4-summary.pdf`.
pub fn download_name(snapshot: &report_snapshot::Model, name: &str) -> String {
    let period = match PeriodKind::parse(&snapshot.period_kind) {
        Some(PeriodKind::Quarter) => format!("{}-Q{}", snapshot.year, snapshot.period_number),
        Some(PeriodKind::HalfYear) => format!("{}-H{}", snapshot.year, snapshot.period_number),
        _ => snapshot.year.to_string(),
    };
    let lang = if snapshot.lang == "en" { "-en" } else { "" };
    format!("egov-report-{period}{lang}-{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_on_their_last_day() {
        let q = |n| Period::new(PeriodKind::Quarter, 2017, Some(n)).map(|p| p.end().to_string());
        assert_eq!(q(1).ok().as_deref(), Some("2017-03-31"));
        assert_eq!(q(4).ok().as_deref(), Some("2017-12-31"));
        let h1 = Period::new(PeriodKind::HalfYear, 2016, Some(1)).map(|p| p.end().to_string());
        assert_eq!(h1.ok().as_deref(), Some("2016-06-30"));
        let year = Period::new(PeriodKind::Year, 2018, None).map(|p| p.end().to_string());
        assert_eq!(year.ok().as_deref(), Some("2018-12-31"));
    }

    #[test]
    fn numbers_that_do_not_fit_the_period_are_refused() {
        assert!(Period::new(PeriodKind::Quarter, 2017, Some(5)).is_err());
        assert!(Period::new(PeriodKind::Quarter, 2017, None).is_err());
        assert!(Period::new(PeriodKind::HalfYear, 2017, Some(3)).is_err());
        assert!(Period::new(PeriodKind::Year, 2017, Some(2)).is_err());
        assert!(Period::new(PeriodKind::Year, 2015, None).is_err());
    }

    #[test]
    fn labels_read_naturally_in_both_languages() {
        let q4 = Period::new(PeriodKind::Quarter, 2017, Some(4)).expect("a quarter");
        assert_eq!(q4.label(Lang::Vi), "Quý 4/2017");
        assert_eq!(q4.label(Lang::En), "Q4 2017");
        let h1 = Period::new(PeriodKind::HalfYear, 2017, Some(1)).expect("a half");
        assert_eq!(h1.label(Lang::Vi), "6 tháng đầu năm 2017");
    }
}
