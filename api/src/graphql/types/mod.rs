//! View types: the GraphQL shape of the plan, converted from database models.
//!
//! Plain fields are copied from the model; fields that follow a relation are resolved through
//! the DataLoaders in `loaders`.

mod account;
mod agency;
mod architecture;
mod clause;
mod enums;
mod explanation;
mod history;
mod kpi;
mod notification;
mod plan;
mod progress;
mod report;
mod round;
mod task;

pub use account::{AuthPayload, User};
pub use agency::{Agency, AgencyGroup, Party};
pub use architecture::{ArchitectureComponent, ArchitectureCoverage};
pub use clause::Clause;
pub use enums::*;
pub use explanation::Explanation;
pub use history::{HistoryEntry, ReportReview, TaskComment, TaskStatusChange};
pub use kpi::Kpi;
pub use notification::{Notification, NotificationConnection};
pub use plan::Plan;
pub use progress::{PlanProgress, PlanStanding, RankingEntry, ReportingPeriod, ScoringMethod};
pub use report::{ReportLang, ReportPeriod, ReportSnapshot};
pub use round::{ReportingCalendar, ReportingRound};
pub use task::{Task, TaskConnection, TaskFilter};
