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

/// A measured KPI value to record.
#[derive(Debug, Clone)]
pub struct NewMeasurement {
    pub kpi_code: String,
    pub year: i32,
    pub value: f64,
    pub source: String,
    pub note: Option<String>,
}

/// Records (or corrects) a KPI's measured value for a year; planners only.
pub async fn record_measurement(
    db: &DatabaseConnection,
    viewer: Option<&super::access::Viewer>,
    new: NewMeasurement,
) -> Result<kpi::Model> {
    use entities::kpi_measurement;
    use sea_orm::{ActiveModelTrait, Set};

    let viewer = super::access::planner(viewer)?;
    let kpi = by_code(db, new.kpi_code.trim())
        .await?
        .ok_or_else(|| crate::Error::NotFound(format!("KPI {}", new.kpi_code.trim())))?;
    let this_year = chrono::Datelike::year(&super::clock::today());
    if !(2000..=this_year).contains(&new.year) {
        return Err(crate::Error::bad_input(format!(
            "year must be between 2000 and {this_year}, got {}",
            new.year
        )));
    }
    let valid_value = new.value.is_finite()
        && match kpi.unit.as_str() {
            "%" => (0.0..=100.0).contains(&new.value),
            "rank" => new.value >= 1.0 && new.value.fract() == 0.0,
            _ => true,
        };
    if !valid_value {
        return Err(crate::Error::bad_input(format!(
            "{} is not a valid value for a KPI measured in {}",
            new.value, kpi.unit
        )));
    }
    let source = new.source.trim().to_owned();
    if source.is_empty() || source.chars().count() > 500 {
        return Err(crate::Error::bad_input("source must be 1-500 characters"));
    }
    let note = new
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let existing = kpi_measurement::Entity::find()
        .filter(kpi_measurement::Column::KpiId.eq(kpi.id))
        .filter(kpi_measurement::Column::Year.eq(new.year))
        .one(db)
        .await?;
    let mut row = match existing {
        Some(model) => kpi_measurement::ActiveModel::from(model),
        None => kpi_measurement::ActiveModel {
            kpi_id: Set(kpi.id),
            year: Set(new.year),
            ..Default::default()
        },
    };
    row.value = Set(new.value);
    row.source = Set(source);
    row.note = Set(note);
    row.recorded_at = Set(Some(chrono::Utc::now()));
    row.recorded_by_user_id = Set(Some(viewer.user_id));
    row.save(db).await?;
    Ok(kpi)
}

/// Whether a KPI is where it should be in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiStatus {
    /// The measured value is at least as good as the planned trajectory.
    OnTrack,
    /// The measured value is worse than the planned trajectory.
    Behind,
    /// No measurement for the year, or no target to compare with.
    NoData,
}

/// A KPI's direction, baseline, targets and measurements, for attainment rules.
#[derive(Debug, Clone)]
pub struct Trajectory {
    pub lower_is_better: bool,
    pub baseline: Option<(i32, f64)>,
    /// `(year, value)` sorted by year.
    pub targets: Vec<(i32, f64)>,
    /// `(year, value)` sorted by year.
    pub measurements: Vec<(i32, f64)>,
}

impl Trajectory {
    /// The stepped target that applies in `year`: the first target at or after it, else the last.
    pub fn target_for(&self, year: i32) -> Option<(i32, f64)> {
        self.targets
            .iter()
            .copied()
            .find(|(y, _)| *y >= year)
            .or_else(|| self.targets.last().copied())
    }

    fn measured(&self, year: i32) -> Option<f64> {
        self.measurements
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, v)| *v)
    }

    /// Percent of the year's target reached. Higher-is-better: value ÷ target. Lower-is-better
    /// (a rank): the share of the way from the baseline to the target that was covered, so
    /// going from rank 31 to rank 20 against a target of 20 is 100%.
    pub fn attainment(&self, year: i32) -> Option<f64> {
        let value = self.measured(year)?;
        let (_, target) = self.target_for(year)?;
        let percent = if self.lower_is_better {
            match self.baseline {
                Some((_, base)) if base != target => (base - value) / (base - target) * 100.0,
                _ if value > 0.0 => target / value * 100.0,
                _ => return None,
            }
        } else if target != 0.0 {
            value / target * 100.0
        } else {
            return None;
        };
        Some((percent * 10.0).round() / 10.0)
    }

    /// Whether the year's measurement is at least as good as the planned value for that year:
    /// the straight line from the baseline (or the previous target) to the next target.
    pub fn status(&self, year: i32) -> KpiStatus {
        let (Some(value), Some((target_year, target))) =
            (self.measured(year), self.target_for(year))
        else {
            return KpiStatus::NoData;
        };
        let start = self
            .targets
            .iter()
            .copied()
            .rfind(|(y, _)| *y < target_year)
            .or(self.baseline.filter(|(y, _)| *y < target_year));
        let planned = match start {
            Some((start_year, start_value)) if year < target_year && year > start_year => {
                let share = f64::from(year - start_year) / f64::from(target_year - start_year);
                start_value + (target - start_value) * share
            }
            _ => target,
        };
        let good_enough = if self.lower_is_better {
            value <= planned
        } else {
            value >= planned
        };
        if good_enough {
            KpiStatus::OnTrack
        } else {
            KpiStatus::Behind
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank() -> Trajectory {
        Trajectory {
            lower_is_better: true,
            baseline: Some((2015, 31.0)),
            targets: vec![(2017, 20.0)],
            measurements: vec![(2016, 27.0), (2017, 31.0), (2019, 19.0)],
        }
    }

    #[test]
    fn reaching_rank_20_from_31_is_full_attainment() {
        let mut t = rank();
        t.measurements.push((2018, 20.0));
        assert_eq!(t.attainment(2018), Some(100.0));
        assert_eq!(t.attainment(2017), Some(0.0));
        assert_eq!(t.attainment(2019), Some(109.1));
        assert_eq!(t.attainment(2020), None);
    }

    #[test]
    fn a_rank_is_on_track_when_at_or_above_the_planned_line() {
        let t = rank();
        assert_eq!(
            t.status(2016),
            KpiStatus::Behind,
            "rank 27 is worse than the planned 25.5"
        );
        assert_eq!(t.status(2017), KpiStatus::Behind);
        assert_eq!(t.status(2019), KpiStatus::OnTrack);
        assert_eq!(t.status(2018), KpiStatus::NoData);
    }

    #[test]
    fn percentages_compare_with_the_stepped_target() {
        let t = Trajectory {
            lower_is_better: false,
            baseline: None,
            targets: vec![(2017, 30.0), (2020, 60.0)],
            measurements: vec![(2017, 15.0), (2019, 55.0)],
        };
        assert_eq!(t.attainment(2017), Some(50.0));
        assert_eq!(t.status(2017), KpiStatus::Behind);
        assert_eq!(t.target_for(2019), Some((2020, 60.0)));
        assert_eq!(
            t.status(2019),
            KpiStatus::OnTrack,
            "planned 50 in 2019 on the line 30→60"
        );
    }
}
