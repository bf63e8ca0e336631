//! Mutation root: sign-in, accounts, status reports, comments and KPI values.
//!
//! Resolvers only translate arguments; the permission and validation rules live in `services`.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, ResultExt};

use super::context::{db, viewer, ClientAddr};
use super::types::{
    ArchitectureComponent, ArchitectureLayer, AuthPayload, ComponentKind, Explanation,
    HistoryEntry, Kpi, Lifecycle, RelationKind, ReportLang, ReportPeriod, ReportReview,
    ReportSnapshot, ReviewDecision, Scope, Task, TaskComment, TaskStatus, User, UserRole,
};
use super::Date;
use crate::services::attachments;
use crate::services::events::Events;
use crate::services::figures::Figures;
use crate::services::kpis::{self, NewMeasurement};
use crate::services::reporting::{self, NewComment, StatusReport};
use crate::services::reviews::{self, Review};
use crate::services::sessions::Sessions;
use crate::services::snapshots::{self, FreezeRequest, Period};
use crate::services::{access, explanations, register, users};

/// Everything that changes data.
pub struct MutationRoot;

fn sessions<'a>(ctx: &'a Context<'_>) -> Result<&'a Sessions> {
    Ok(ctx.data::<Arc<Sessions>>()?.as_ref())
}

/// A status report on the caller's (or, for planners, any) assignment.
#[derive(InputObject)]
pub struct UpdateTaskStatusInput {
    /// The plan's code (see `plans`); default the province's plan, 681/KH-UBND.
    pub plan: Option<String>,
    pub task_number: i32,
    /// Defaults to the caller's agency; planners name it when a task has several leads.
    pub agency_code: Option<String>,
    pub status: Option<TaskStatus>,
    /// 0-100; COMPLETED means 100.
    pub progress: Option<i32>,
    /// At most 4,000 characters.
    pub note: Option<String>,
    /// An official document reference ("123/QĐ-UBND ngày 05/06/2017") or a URL.
    pub evidence: Option<String>,
    /// When it really happened (default today); not in the future, not before 2016-04-01.
    pub effective_on: Option<Date>,
    /// The task `version` the caller last read; a stale one is refused with CONFLICT.
    pub expected_version: Option<i32>,
    /// Files for the report (sent as a GraphQL multipart request): PDF, PNG, JPEG, DOCX, XLSX,
    /// ODT or ODS, by their contents; at most 5 of at most 20 MiB each unless configured
    /// otherwise. Any other file refuses the whole report with BAD_INPUT.
    pub attachments: Option<Vec<async_graphql::Upload>>,
}

/// The name and bytes of one uploaded file; its declared type is dropped.
fn read_upload(ctx: &Context<'_>, upload: &async_graphql::Upload) -> Result<attachments::Upload> {
    use async_graphql::ErrorExtensions;
    use std::io::Read;
    let unreadable = |err: std::io::Error| {
        crate::Error::bad_input(format!("an attachment could not be read: {err}")).extend()
    };
    let value = upload.value(ctx).map_err(unreadable)?;
    let file_name = value.filename.clone();
    let mut bytes = Vec::new();
    value
        .into_read()
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Ok(attachments::Upload { file_name, bytes })
}

/// A DIC planner's decision on one status report.
#[derive(InputObject)]
pub struct ReviewStatusReportInput {
    /// The report's `HistoryEntry.id`.
    pub history_id: async_graphql::ID,
    pub decision: ReviewDecision,
    /// Required for RETURN (what is wrong, what to report instead); at most 4,000 characters.
    pub reason: Option<String>,
}

/// What `reviewStatusReport` did.
#[derive(async_graphql::SimpleObject)]
pub struct ReviewStatusReportPayload {
    pub review: ReportReview,
    /// The reviewed report; `counted` is false after a return.
    pub entry: HistoryEntry,
    /// The task as it now stands (a return can change its status and progress).
    pub task: Task,
}

/// A request that an agency explain its work on a task.
#[derive(InputObject)]
pub struct RequestExplanationInput {
    pub task_number: i32,
    /// The agency asked; it must hold an assignment on the task.
    pub agency_code: String,
    /// At most 4,000 characters.
    pub question: String,
    /// The day the answer is expected by: today or later, within a year.
    pub due_on: Date,
}

/// An agency's answer to a request for explanation.
#[derive(InputObject)]
pub struct AnswerExplanationInput {
    /// The request's `Explanation.id`.
    pub id: async_graphql::ID,
    /// At most 4,000 characters.
    pub answer: String,
}

/// A comment or evidence on a task.
#[derive(InputObject)]
pub struct AddTaskCommentInput {
    /// The plan's code (see `plans`); default the province's plan, 681/KH-UBND.
    pub plan: Option<String>,
    pub task_number: i32,
    pub body: String,
    pub evidence: Option<String>,
    /// For planners commenting on an agency's behalf.
    pub agency_code: Option<String>,
}

/// A reporting period to freeze.
#[derive(InputObject)]
pub struct FreezeReportInput {
    pub period: ReportPeriod,
    pub year: i32,
    /// Quarter 1-4 or half 1-2; omitted for a year.
    pub number: Option<i32>,
    /// Language of the report (default Vietnamese); each language is frozen on its own.
    #[graphql(default)]
    pub lang: ReportLang,
    /// At most 2,000 characters.
    pub note: Option<String>,
}

/// A measured KPI value.
#[derive(InputObject)]
pub struct RecordKpiMeasurementInput {
    pub kpi_code: String,
    pub year: i32,
    pub value: f64,
    /// Where the figure comes from (publication, decision, report).
    pub source: String,
    pub note: Option<String>,
}

/// A new account.
#[derive(InputObject)]
pub struct CreateUserInput {
    pub username: String,
    /// At least 12 characters.
    pub password: String,
    pub role: UserRole,
    /// Required for AGENCY accounts.
    pub agency_code: Option<String>,
    /// Where reminders are mailed; optional.
    pub email: Option<String>,
}

/// Changes to an account: planners for any account, anyone for their own.
#[derive(InputObject)]
pub struct UpdateUserInput {
    pub username: String,
    /// The new e-mail address; empty or null clears it.
    pub email: Option<String>,
}

/// Fields of an architecture component; on update, omitted fields stay as they are.
#[derive(InputObject, Default)]
pub struct ComponentInput {
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub layer: Option<ArchitectureLayer>,
    pub kind: Option<ComponentKind>,
    /// Moving backwards (e.g. OPERATIONAL → BUILDING) needs `reason`.
    pub lifecycle: Option<Lifecycle>,
    /// Agency or group code of the owner.
    pub owner_code: Option<String>,
    /// Agency code of the operator.
    pub operator_code: Option<String>,
    pub scope: Option<Scope>,
    pub external: Option<bool>,
    pub description_vi: Option<String>,
    pub description_en: Option<String>,
    pub go_live_on: Option<Date>,
    pub hosting: Option<String>,
    /// LOW, MEDIUM, HIGH or CRITICAL.
    pub criticality: Option<String>,
    pub data_held: Option<String>,
    /// Appendix tasks that deliver it (replaces the list).
    pub task_numbers: Option<Vec<i32>>,
    /// Why the change is made (kept in the history).
    pub reason: Option<String>,
}

impl From<ComponentInput> for register::ComponentFields {
    fn from(i: ComponentInput) -> Self {
        Self {
            name_vi: i.name_vi,
            name_en: i.name_en,
            layer: i.layer.map(Into::into),
            kind: i.kind.map(Into::into),
            lifecycle: i.lifecycle.map(Into::into),
            owner_code: i.owner_code,
            operator_code: i.operator_code,
            scope: i.scope.map(Into::into),
            external: i.external,
            description_vi: i.description_vi,
            description_en: i.description_en,
            go_live_on: i.go_live_on.map(|d| d.0),
            hosting: i.hosting,
            criticality: i.criticality,
            data_held: i.data_held,
            task_numbers: i.task_numbers,
            reason: i.reason,
        }
    }
}

/// What `importArchitecture` did.
#[derive(async_graphql::SimpleObject)]
pub struct ArchitectureImport {
    pub created: u32,
    pub updated: u32,
    pub relations_added: u32,
}

#[Object]
impl MutationRoot {
    /// Bulk-loads or updates the catalog from an ArchiMate Model Exchange File (as exported at
    /// `/exports/architecture.xml`; planners only). Malformed files and invalid elements are
    /// refused with BAD_INPUT and change nothing.
    async fn import_architecture(
        &self,
        ctx: &Context<'_>,
        xml: String,
    ) -> Result<ArchitectureImport> {
        let summary = crate::services::exports::import_architecture(db(ctx)?, viewer(ctx), &xml)
            .await
            .extend()?;
        Ok(ArchitectureImport {
            created: summary.created,
            updated: summary.updated,
            relations_added: summary.relations_added,
        })
    }

    /// Adds a component to the architecture register (planners only).
    async fn create_component(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: ComponentInput,
    ) -> Result<ArchitectureComponent> {
        Ok(register::create(db(ctx)?, viewer(ctx), &code, input.into())
            .await
            .extend()?
            .into())
    }

    /// Changes a component (planners only); every change is kept in its history.
    async fn update_component(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: ComponentInput,
    ) -> Result<ArchitectureComponent> {
        Ok(register::update(db(ctx)?, viewer(ctx), &code, input.into())
            .await
            .extend()?
            .into())
    }

    /// Moves a component through PLANNED → BUILDING → OPERATIONAL → RETIRING → RETIRED and sets
    /// its go-live date: planners, or an officer of the owning agency. Going back needs a planner
    /// and a reason.
    async fn set_component_lifecycle(
        &self,
        ctx: &Context<'_>,
        code: String,
        lifecycle: Lifecycle,
        go_live_on: Option<Date>,
        reason: Option<String>,
    ) -> Result<ArchitectureComponent> {
        Ok(register::set_lifecycle(
            db(ctx)?,
            viewer(ctx),
            &code,
            lifecycle.into(),
            go_live_on.map(|d| d.0),
            reason,
        )
        .await
        .extend()?
        .into())
    }

    /// Retires a component (planners only).
    async fn retire_component(
        &self,
        ctx: &Context<'_>,
        code: String,
        reason: Option<String>,
    ) -> Result<ArchitectureComponent> {
        access::planner(viewer(ctx)).extend()?;
        Ok(register::set_lifecycle(
            db(ctx)?,
            viewer(ctx),
            &code,
            entities::Lifecycle::Retired,
            None,
            reason,
        )
        .await
        .extend()?
        .into())
    }

    /// Records that `from` depends on `to` (planners only); both must exist and no dependency
    /// cycle may form.
    async fn add_component_relation(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        kind: RelationKind,
        note: Option<String>,
    ) -> Result<ArchitectureComponent> {
        Ok(
            register::add_relation(db(ctx)?, viewer(ctx), &from, &to, kind.into(), note)
                .await
                .extend()?
                .into(),
        )
    }

    /// Removes a relation (planners only).
    async fn remove_component_relation(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
        kind: RelationKind,
        reason: Option<String>,
    ) -> Result<ArchitectureComponent> {
        Ok(
            register::remove_relation(db(ctx)?, viewer(ctx), &from, &to, kind.into(), reason)
                .await
                .extend()?
                .into(),
        )
    }

    /// Signs in. Ten failed attempts for a username or from one client lock sign-in for 15
    /// minutes (TOO_MANY_REQUESTS); the error never says whether the account exists.
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> Result<AuthPayload> {
        let client = ctx.data_opt::<ClientAddr>().map(|c| c.0.as_str());
        Ok(sessions(ctx)?
            .login(db(ctx)?, &username, password, client)
            .await
            .extend()?
            .into())
    }

    /// Exchanges a refresh token for new tokens; each refresh token works once.
    async fn refresh(&self, ctx: &Context<'_>, refresh_token: String) -> Result<AuthPayload> {
        Ok(sessions(ctx)?
            .refresh(db(ctx)?, &refresh_token)
            .await
            .extend()?
            .into())
    }

    /// Ends the session a refresh token belongs to.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        sessions(ctx)?
            .logout(db(ctx)?, &refresh_token)
            .await
            .extend()
    }

    /// Creates an account (planners only).
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> Result<User> {
        access::planner(viewer(ctx)).extend()?;
        let new = users::NewUser {
            username: input.username,
            password: input.password,
            role: input.role.into(),
            agency_code: input.agency_code,
            email: input.email,
        };
        Ok(users::create(db(ctx)?, new).await.extend()?.into())
    }

    /// Marks the signed-in account's notifications read: the given ids (at most 500), or all
    /// when `ids` is null. Returns how many were unread.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<async_graphql::ID>>,
    ) -> Result<i32> {
        use async_graphql::ErrorExtensions;
        let viewer = access::signed_in(viewer(ctx)).extend()?;
        let ids = match ids {
            Some(ids) => Some(
                ids.iter()
                    .map(|id| id.parse::<i32>())
                    .collect::<std::result::Result<Vec<i32>, _>>()
                    .map_err(|_| {
                        crate::Error::bad_input("ids must be Notification ids").extend()
                    })?,
            ),
            None => None,
        };
        let figures = ctx.data::<Figures>()?;
        let changed = crate::services::reminders::mark_read(
            db(ctx)?,
            figures,
            viewer.user_id,
            ids.as_deref(),
        )
        .await
        .extend()?;
        Ok(i32::try_from(changed).unwrap_or(i32::MAX))
    }

    /// Sets or clears an account's e-mail address, where reminders are mailed (planners for any
    /// account, anyone for their own).
    async fn update_user(&self, ctx: &Context<'_>, input: UpdateUserInput) -> Result<User> {
        Ok(
            users::update_email(db(ctx)?, viewer(ctx), &input.username, input.email)
                .await
                .extend()?
                .into(),
        )
    }

    /// Disables an account; its tokens stop working at once (planners only).
    async fn disable_user(&self, ctx: &Context<'_>, username: String) -> Result<User> {
        access::planner(viewer(ctx)).extend()?;
        Ok(users::disable(db(ctx)?, &username).await.extend()?.into())
    }

    /// Sets a new password and ends the account's sessions (planners only).
    async fn reset_user_password(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> Result<User> {
        access::planner(viewer(ctx)).extend()?;
        Ok(users::reset_password(db(ctx)?, &username, password)
            .await
            .extend()?
            .into())
    }

    /// Reports status and progress on an assignment, with any attachments. Agencies report on
    /// tasks they lead; planners on any assignment; every accepted report is kept in the task's
    /// history.
    async fn update_task_status(
        &self,
        ctx: &Context<'_>,
        input: UpdateTaskStatusInput,
    ) -> Result<Task> {
        let mut uploads = Vec::new();
        for upload in input.attachments.unwrap_or_default() {
            uploads.push(read_upload(ctx, &upload)?);
        }
        let report = StatusReport {
            plan_code: input.plan,
            task_number: input.task_number,
            agency_code: input.agency_code,
            status: input.status.map(Into::into),
            progress: input.progress,
            note: input.note,
            evidence: input.evidence,
            effective_on: input.effective_on.map(|d| d.0),
            expected_version: input.expected_version,
            attachments: uploads,
            attachment_limits: *ctx.data::<attachments::Limits>()?,
        };
        let events = ctx.data::<Events>()?;
        let figures = ctx.data::<Figures>()?;
        Ok(
            reporting::update_task_status(db(ctx)?, events, figures, viewer(ctx), report)
                .await
                .extend()?
                .into(),
        )
    }

    /// Accepts or returns a status report (planners only). A return needs a reason; the report
    /// stays in the history but stops counting in every figure, on every date, and the lead's
    /// state falls back to its previous counted report until it reports again. A returned
    /// report cannot be reviewed again (CONFLICT).
    async fn review_status_report(
        &self,
        ctx: &Context<'_>,
        input: ReviewStatusReportInput,
    ) -> Result<ReviewStatusReportPayload> {
        use async_graphql::ErrorExtensions;
        let history_id = input
            .history_id
            .parse::<i32>()
            .map_err(|_| crate::Error::bad_input("historyId must be a HistoryEntry id").extend())?;
        let review = Review {
            history_id,
            decision: input.decision.into(),
            reason: input.reason,
        };
        let events = ctx.data::<Events>()?;
        let figures = ctx.data::<Figures>()?;
        let done = reviews::review_status_report(db(ctx)?, events, figures, viewer(ctx), review)
            .await
            .extend()?;
        Ok(ReviewStatusReportPayload {
            review: done.review.into(),
            entry: done.entry.into(),
            task: done.task.into(),
        })
    }

    /// Asks an agency to explain its work on a task by a date (leaders and planners).
    async fn request_explanation(
        &self,
        ctx: &Context<'_>,
        input: RequestExplanationInput,
    ) -> Result<Explanation> {
        let new = explanations::NewRequest {
            task_number: input.task_number,
            agency_code: input.agency_code,
            question: input.question,
            due_on: input.due_on.0,
        };
        let figures = ctx.data::<Figures>()?;
        Ok(explanations::request(db(ctx)?, figures, viewer(ctx), new)
            .await
            .extend()?
            .into())
    }

    /// Answers a request for explanation addressed to the caller's agency; once (a second
    /// answer is a CONFLICT).
    async fn answer_explanation(
        &self,
        ctx: &Context<'_>,
        input: AnswerExplanationInput,
    ) -> Result<Explanation> {
        use async_graphql::ErrorExtensions;
        let id = input
            .id
            .parse::<i32>()
            .map_err(|_| crate::Error::bad_input("id must be an Explanation id").extend())?;
        let figures = ctx.data::<Figures>()?;
        Ok(
            explanations::answer(db(ctx)?, figures, viewer(ctx), id, &input.answer)
                .await
                .extend()?
                .into(),
        )
    }

    /// Adds a comment or evidence; lead and cooperating agencies may, and planners.
    async fn add_task_comment(
        &self,
        ctx: &Context<'_>,
        input: AddTaskCommentInput,
    ) -> Result<TaskComment> {
        let comment = NewComment {
            plan_code: input.plan,
            task_number: input.task_number,
            agency_code: input.agency_code,
            body: input.body,
            evidence: input.evidence,
        };
        Ok(reporting::add_comment(db(ctx)?, viewer(ctx), comment)
            .await
            .extend()?
            .into())
    }

    /// Freezes the consolidated report of a period that has ended (planners only): figures,
    /// charts, tables and PDF as of the period's last day, stored with their SHA-256 hashes and
    /// never changed afterwards. Freezing the same period and language twice is a CONFLICT.
    async fn freeze_report(
        &self,
        ctx: &Context<'_>,
        input: FreezeReportInput,
    ) -> Result<ReportSnapshot> {
        let period = Period::new(input.period.into(), input.year, input.number).extend()?;
        let request = FreezeRequest {
            period,
            lang: input.lang.into(),
            note: input.note,
        };
        Ok(snapshots::freeze(db(ctx)?, viewer(ctx), request)
            .await
            .extend()?
            .into())
    }

    /// Records (or corrects) a KPI's value for a year (planners only).
    async fn record_kpi_measurement(
        &self,
        ctx: &Context<'_>,
        input: RecordKpiMeasurementInput,
    ) -> Result<Kpi> {
        let new = NewMeasurement {
            kpi_code: input.kpi_code,
            year: input.year,
            value: input.value,
            source: input.source,
            note: input.note,
        };
        Ok(kpis::record_measurement(db(ctx)?, viewer(ctx), new)
            .await
            .extend()?
            .into())
    }
}
