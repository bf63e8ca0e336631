//! The plan's KPIs, their stepped targets and measured values.

use entities::kpi;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::fetch_by;
use crate::error::Result;

/// All KPIs in the seed file's order.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<kpi::Model>> {
    Ok(kpi::Entity::find()
        .order_by_asc(kpi::Column::Position)
        .all(db)
        .await?)
}

/// The KPI with this code, if any.
pub async fn by_code(db: &DatabaseConnection, code: &str) -> Result<Option<kpi::Model>> {
    Ok(kpi::Entity::find()
        .filter(kpi::Column::Code.eq(code))
        .one(db)
        .await?)
}

fetch_by!(
    /// KPIs by id.
    by_ids, kpi, Id
);
fetch_by!(
    /// Targets of the given KPIs.
    targets_of, kpi_target, KpiId
);
fetch_by!(
    /// Measurements of the given KPIs.
    measurements_of, kpi_measurement, KpiId
);
fetch_by!(
    /// Task links of the given KPIs.
    task_links_of_kpis, kpi_task, KpiId
);
fetch_by!(
    /// KPI links of the given tasks.
    kpi_links_of_tasks, kpi_task, TaskId
);
