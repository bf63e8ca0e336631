//! The change feed (`/feeds/changes.atom`): the latest accepted status reports and frozen
//! reports, newest first, for DIC's own systems to follow.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{report_snapshot, task, task_history};
use reports::atom::{Entry, Feed};
use reports::model::Lang;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{agencies, snapshots, tasks};
use crate::error::Result;

/// How many entries the feed holds.
pub const FEED_SIZE: u64 = 100;

fn status_label(status: entities::TaskStatus) -> &'static str {
    super::report_data::status(status).label(Lang::Vi)
}

/// The feed as of now: the province's plan's latest reports and frozen reports.
pub async fn changes(db: &DatabaseConnection) -> Result<Feed> {
    let plan_id = super::plan::current(db).await?.id;
    let plan_tasks = Query::select()
        .column(task::Column::Id)
        .from(task::Entity)
        .and_where(task::Column::PlanId.eq(plan_id))
        .to_owned();
    let history = task_history::Entity::find()
        .filter(task_history::Column::TaskId.in_subquery(plan_tasks))
        .order_by_desc(task_history::Column::ChangedAt)
        .order_by_desc(task_history::Column::Id)
        .limit(FEED_SIZE)
        .all(db)
        .await?;
    let task_ids: Vec<i32> = history.iter().map(|h| h.task_id).collect();
    let agency_ids: Vec<i32> = history.iter().map(|h| h.agency_id).collect();
    let numbers: HashMap<i32, (i32, String)> = tasks::by_ids(db, &task_ids)
        .await?
        .into_iter()
        .map(|t| (t.id, (t.number, t.title_vi)))
        .collect();
    let names: HashMap<i32, String> = agencies::by_ids(db, &agency_ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name_vi))
        .collect();
    let mut entries: Vec<Entry> = history
        .into_iter()
        .map(|h| {
            let (number, title) = numbers.get(&h.task_id).cloned().unwrap_or_default();
            let mut summary = format!(
                "{title} — hiệu lực từ {}",
                h.effective_on.format("%d/%m/%Y")
            );
            if let Some(note) = &h.note {
                summary.push_str(": ");
                summary.push_str(note);
            }
            Entry {
                id: format!("urn:egov-tracker:history:{}", h.id),
                title: format!(
                    "Nhiệm vụ {number}: {} {}%",
                    status_label(h.status),
                    h.progress
                ),
                updated: h.changed_at,
                link: None,
                author: names.get(&h.agency_id).cloned().unwrap_or_default(),
                summary,
                category: "status-change".into(),
            }
        })
        .collect();
    let frozen = report_snapshot::Entity::find()
        .order_by_desc(report_snapshot::Column::FrozenAt)
        .limit(FEED_SIZE)
        .all(db)
        .await?;
    entries.extend(frozen.into_iter().map(|s| Entry {
        id: format!("urn:egov-tracker:report-snapshot:{}", s.id),
        title: format!("Báo cáo {} đã được chốt", snapshots::label(&s)),
        updated: s.frozen_at,
        link: Some(format!("/reports/snapshots/{}.pdf", s.id)),
        author: "Sở Thông tin và Truyền thông".into(),
        summary: format!(
            "Số liệu tính đến {}; SHA-256 {}",
            s.as_of.format("%d/%m/%Y"),
            s.sha256
        ),
        category: "report".into(),
    }));
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(FEED_SIZE as usize);
    Ok(Feed {
        id: "urn:egov-tracker:changes".into(),
        title: "Kế hoạch 681/KH-UBND: thay đổi tình trạng và báo cáo".into(),
        self_link: "/feeds/changes.atom".into(),
        entries,
        empty_updated: DateTime::<Utc>::UNIX_EPOCH,
    })
}

/// An agency's reminders (due dates, overdue tasks, round reports owed, returned reports) as a
/// feed, newest first, for the agency's feed reader or intranet. Requests for explanation are
/// correspondence between offices and stay out of it. `NOT_FOUND` for an unknown agency code.
pub async fn agency_reminders(db: &DatabaseConnection, code: &str) -> Result<Feed> {
    use entities::reminder;
    let agency = agencies::require(db, code).await?;
    let reminders = reminder::Entity::find()
        .filter(reminder::Column::AgencyId.eq(agency.id))
        .filter(reminder::Column::Kind.ne("EXPLANATION_REQUESTED"))
        .order_by_desc(reminder::Column::CreatedAt)
        .order_by_desc(reminder::Column::Id)
        .limit(FEED_SIZE)
        .all(db)
        .await?;
    Ok(Feed {
        id: format!("urn:egov-tracker:reminders:{}", agency.code),
        title: format!(
            "Nhắc việc: {} / Reminders: {}",
            agency.name_vi, agency.name_en
        ),
        self_link: format!("/feeds/agencies/{}.atom", agency.code),
        entries: reminders
            .into_iter()
            .map(|r| Entry {
                id: format!("urn:egov-tracker:reminder:{}", r.id),
                title: r.text_vi.clone(),
                updated: r.created_at,
                link: Some(r.link.clone()),
                author: "Sở Thông tin và Truyền thông".into(),
                summary: format!("{}\n\n{}", r.text_vi, r.text_en),
                category: r.kind.to_ascii_lowercase().replace('_', "-"),
            })
            .collect(),
        empty_updated: DateTime::<Utc>::UNIX_EPOCH,
    })
}
