//! One decision to tell an agency something (đôn đốc): a task due soon or overdue, a round's
//! report not yet submitted, a report DIC returned, a request for explanation. Unique on agency, subject, kind and date, so each reminder exists once
//! however many passes or instances decide it.

use sea_orm::entity::prelude::*;

/// One reminder to an agency.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub agency_id: i32,
    /// The task it is about, when it is about a task.
    pub task_id: Option<i32>,
    /// The round's period (`2017-Q4`), when it is about a round.
    pub period: Option<String>,
    /// `task:{number}` or `round:{period}:{number}`.
    pub subject: String,
    /// `DUE_IN_30`, `DUE_IN_7`, `DUE_IN_1`, `OVERDUE`, `ROUND_DUE_SOON`, `ROUND_MISSED`,
    /// `REPORT_RETURNED`, `EXPLANATION_REQUESTED`.
    pub kind: String,
    /// The day it is for (the due date, the overdue week's start, the round's reminder day).
    pub on_date: Date,
    /// What it says, in Vietnamese and in English.
    #[sea_orm(column_type = "Text")]
    pub text_vi: String,
    #[sea_orm(column_type = "Text")]
    pub text_en: String,
    /// Where it leads: `/tasks/{n}` or `/rounds/{period}`.
    pub link: String,
    pub created_at: DateTimeUtc,
    /// The e-mail digest that carries it, once one does.
    pub message_id: Option<i32>,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
