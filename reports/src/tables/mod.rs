//! The plan's data as tables for other tools: the task list as CSV, the whole summary (tasks,
//! assignments, KPIs, ranking) as an XLSX workbook, and a reporting round as both
//! ([`round_csv`], [`round_workbook`]).
//!
//! Planners reuse these files in Excel, so both exports share one definition of the task columns
//! ([`TASK_COLUMNS`]): a column added there appears in the CSV and in the workbook's first sheet
//! alike (a round's submissions work the same way). Cells are typed ([`Cell`]) so that the
//! workbook stores numbers and dates as such while the CSV writes their plain text.
//!
//! Overdue is written as a boolean: `true`/`false` in CSV (whatever the language, like the status
//! codes), a real Excel boolean in the workbook.

mod csv;
mod round;
mod xlsx;

pub use csv::tasks_csv;
pub use round::{round_csv, round_workbook, RoundAgencyRow, RoundRow, RoundSheet, SubmissionState};
pub use xlsx::workbook;

use chrono::{NaiveDate, NaiveDateTime};

use crate::model::{nfc, AgencyRef, Direction, KpiSeries, Lang, Point, TaskRow};

/// One typed cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    /// A measure shown with up to two decimals.
    Number(f64),
    /// A percentage given as 0-100, stored as a fraction with a percent format in the workbook.
    Percent(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A local date and time, to the minute in the CSV.
    DateTime(NaiveDateTime),
    Empty,
}

impl Cell {
    fn text(value: impl AsRef<str>) -> Cell {
        Cell::Text(nfc(value.as_ref()))
    }

    fn optional_text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, Cell::text)
    }

    fn optional_date(value: Option<NaiveDate>) -> Cell {
        value.map_or(Cell::Empty, Cell::Date)
    }

    fn optional_date_time(value: Option<NaiveDateTime>) -> Cell {
        value.map_or(Cell::Empty, Cell::DateTime)
    }

    fn optional_int(value: Option<i32>) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Int(v.into()))
    }

    fn optional_number(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Number)
    }
}

/// A column of a table: its header in both languages, its width in the workbook (in Excel
/// character units) and whether long text wraps there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnSpec {
    pub vi: &'static str,
    pub en: &'static str,
    pub width: f64,
    pub wrap: bool,
}

impl ColumnSpec {
    const fn new(vi: &'static str, en: &'static str, width: f64) -> ColumnSpec {
        ColumnSpec {
            vi,
            en,
            width,
            wrap: false,
        }
    }

    const fn wrapped(vi: &'static str, en: &'static str, width: f64) -> ColumnSpec {
        ColumnSpec {
            vi,
            en,
            width,
            wrap: true,
        }
    }

    /// The header in `lang`.
    pub fn header(&self, lang: Lang) -> &'static str {
        lang.pick(self.vi, self.en)
    }
}

/// A column of a table of `R`s: its spec and how to read its cell from a row.
pub(crate) struct Column<R> {
    pub spec: ColumnSpec,
    pub value: fn(&R, Lang) -> Cell,
}

/// A task column.
pub(crate) type TaskColumn = Column<TaskRow>;

/// The specs of `columns`, for a workbook sheet.
pub(crate) fn specs<R>(columns: &[Column<R>]) -> Vec<ColumnSpec> {
    columns.iter().map(|c| c.spec).collect()
}

/// The cells of `rows` in `columns`, for a workbook sheet.
pub(crate) fn cells<R>(columns: &[Column<R>], rows: &[R], lang: Lang) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|row| columns.iter().map(|c| (c.value)(row, lang)).collect())
        .collect()
}

/// The columns of the task list, shared by the CSV and the workbook's task sheet.
pub(crate) const TASK_COLUMNS: [TaskColumn; 18] = [
    TaskColumn {
        spec: ColumnSpec::new("STT", "No.", 6.0),
        value: |t, _| Cell::Int(t.number.into()),
    },
    TaskColumn {
        spec: ColumnSpec::wrapped("Tên nhiệm vụ", "Task", 60.0),
        value: |t, lang| Cell::text(t.title.get(lang)),
    },
    TaskColumn {
        spec: ColumnSpec::new("Nhiệm vụ chủ yếu", "Main task", 12.0),
        value: |t, _| Cell::optional_text(t.main_task.as_deref()),
    },
    TaskColumn {
        spec: ColumnSpec::wrapped("Thời gian thực hiện", "Timeline", 18.0),
        value: |t, lang| Cell::text(t.timeline.get(lang)),
    },
    TaskColumn {
        spec: ColumnSpec::new("Năm bắt đầu", "Start year", 10.0),
        value: |t, _| Cell::Int(t.start_year.into()),
    },
    TaskColumn {
        spec: ColumnSpec::new("Năm kết thúc", "End year", 10.0),
        value: |t, _| Cell::optional_int(t.end_year),
    },
    TaskColumn {
        spec: ColumnSpec::new("Hạn hoàn thành", "Due date", 13.0),
        value: |t, _| Cell::optional_date(t.due_date),
    },
    TaskColumn {
        spec: ColumnSpec::new("Mã trạng thái", "Status code", 14.0),
        value: |t, _| Cell::text(t.status.code()),
    },
    TaskColumn {
        spec: ColumnSpec::new("Trạng thái", "Status", 16.0),
        value: |t, lang| Cell::text(t.status.label(lang)),
    },
    TaskColumn {
        spec: ColumnSpec::new("Tiến độ (%)", "Progress (%)", 11.0),
        value: |t, _| Cell::Int(t.progress.into()),
    },
    TaskColumn {
        spec: ColumnSpec::new("Quá hạn", "Overdue", 9.0),
        value: |t, _| Cell::Bool(t.overdue),
    },
    TaskColumn {
        spec: ColumnSpec::new("Ngày hoàn thành", "Completed on", 14.0),
        value: |t, _| Cell::optional_date(t.completed_on),
    },
    TaskColumn {
        spec: ColumnSpec::new("Mã cơ quan chủ trì", "Lead agency codes", 16.0),
        value: |t, _| Cell::text(agency_codes(&t.leads)),
    },
    TaskColumn {
        spec: ColumnSpec::wrapped("Cơ quan chủ trì", "Lead agencies", 32.0),
        value: |t, lang| Cell::text(agency_names(&t.leads, lang)),
    },
    TaskColumn {
        spec: ColumnSpec::new("Mã cơ quan phối hợp", "Cooperating agency codes", 18.0),
        value: |t, _| Cell::text(agency_codes(&t.cooperating)),
    },
    TaskColumn {
        spec: ColumnSpec::wrapped("Cơ quan phối hợp", "Cooperating agencies", 40.0),
        value: |t, lang| Cell::text(agency_names(&t.cooperating, lang)),
    },
    TaskColumn {
        spec: ColumnSpec::new("Ngày báo cáo gần nhất", "Last report", 14.0),
        value: |t, _| Cell::optional_date(t.last_report_on),
    },
    TaskColumn {
        spec: ColumnSpec::wrapped("Ghi chú gần nhất", "Last note", 50.0),
        value: |t, _| Cell::optional_text(t.last_note.as_deref()),
    },
];

/// Agency codes joined with `"; "`.
pub(crate) fn agency_codes(agencies: &[AgencyRef]) -> String {
    join(agencies.iter().map(|a| nfc(&a.code)))
}

/// Agency names in `lang` joined with `"; "`.
pub(crate) fn agency_names(agencies: &[AgencyRef], lang: Lang) -> String {
    join(agencies.iter().map(|a| a.name.get(lang)))
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("; ")
}

/// A KPI's unit as readers say it (`rank` is "hạng" in Vietnamese); unknown units as written.
pub(crate) fn unit_label(unit: &str, lang: Lang) -> String {
    match unit.trim() {
        "rank" => lang.pick("hạng", "rank").to_owned(),
        "points" => lang.pick("điểm", "points").to_owned(),
        "units" => lang.pick("đơn vị", "units").to_owned(),
        other => nfc(other),
    }
}

/// Whether a higher or a lower KPI value is better, in words.
pub(crate) fn direction_label(direction: Direction, lang: Lang) -> &'static str {
    match direction {
        Direction::HigherIsBetter => lang.pick("Càng cao càng tốt", "Higher is better"),
        Direction::LowerIsBetter => lang.pick("Càng thấp càng tốt", "Lower is better"),
    }
}

/// A number with at most two decimals, trailing zeros dropped, the decimal separator and digit
/// grouping of `lang` (`1.234,5` in Vietnamese, `1,234.5` in English); `—` when not finite.
pub(crate) fn format_number(value: f64, lang: Lang) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let (decimal, group) = match lang {
        Lang::Vi => (',', '.'),
        Lang::En => ('.', ','),
    };
    let fixed = format!("{:.2}", value.abs());
    let (whole, fraction) = fixed.split_once('.').unwrap_or((fixed.as_str(), ""));
    let fraction = fraction.trim_end_matches('0');
    let mut out = String::new();
    let rounds_to_zero = whole.chars().all(|c| c == '0') && fraction.is_empty();
    if value < 0.0 && !rounds_to_zero {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(decimal);
        out.push_str(fraction);
    }
    out
}

/// A KPI value with its year, e.g. `31 (2015)`.
pub(crate) fn format_point(point: &Point, lang: Lang) -> String {
    format!("{} ({})", format_number(point.value, lang), point.year)
}

/// A KPI's stepped targets as one text, e.g. `50 (2018); 80 (2020)`.
pub(crate) fn targets_text(kpi: &KpiSeries, lang: Lang) -> String {
    join(kpi.targets.iter().map(|p| format_point(p, lang)))
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(format_number(1234.5, Lang::Vi), "1.234,5");
        assert_eq!(format_number(1234.5, Lang::En), "1,234.5");
        assert_eq!(format_number(31.0, Lang::Vi), "31");
        assert_eq!(format_number(-0.001, Lang::En), "0");
        assert_eq!(format_number(-12.345, Lang::En), "-12.35");
        assert_eq!(format_number(1_000_000.0, Lang::En), "1,000,000");
        assert_eq!(format_number(f64::NAN, Lang::Vi), "—");
    }

    #[test]
    fn units_are_translated() {
        assert_eq!(unit_label("rank", Lang::Vi), "hạng");
        assert_eq!(unit_label("%", Lang::Vi), "%");
    }
}
