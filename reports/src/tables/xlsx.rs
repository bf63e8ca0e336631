//! The summary as an Excel workbook, for planners who filter, sort and pivot the plan's data:
//! tasks (the CSV's columns), assignments (task × agency), KPIs and the ranking, one sheet each.
//!
//! Every sheet has a bold frozen header row and an autofilter; numbers are numbers, dates are
//! Excel dates. A reporting round's workbook ([`super::round_workbook`]) is written with the same
//! [`Sheet`]s, formats and [`save`]. Strings are never formulas in XLSX, so unlike the CSV nothing is prefixed. The
//! creation time in the document properties is the report's date, so the same data gives the
//! same bytes.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::{
    agency_codes, cells, direction_label, specs, targets_text, unit_label, Cell, ColumnSpec,
    TASK_COLUMNS,
};
use crate::model::{nfc, AgencyRef, Lang, Summary};
use crate::{RenderError, Result};

/// Excel's limit on the length of a cell's text, in UTF-16 units.
const MAX_CELL_LEN: usize = 32_767;

/// The workbook of `summary` in `lang`: sheets "Nhiệm vụ", "Phân công", "Chỉ tiêu", "Xếp hạng"
/// ("Tasks", "Assignments", "KPIs", "Ranking" in English).
pub fn workbook(summary: &Summary, lang: Lang) -> Result<Vec<u8>> {
    let task_columns = specs(&TASK_COLUMNS);
    let sheets = [
        Sheet {
            name: lang.pick("Nhiệm vụ", "Tasks"),
            columns: &task_columns,
            rows: cells(&TASK_COLUMNS, &summary.tasks, lang),
            frozen_columns: 2,
        },
        Sheet {
            name: lang.pick("Phân công", "Assignments"),
            columns: &ASSIGNMENT_COLUMNS,
            rows: assignment_rows(summary, lang),
            frozen_columns: 0,
        },
        Sheet {
            name: lang.pick("Chỉ tiêu", "KPIs"),
            columns: &KPI_COLUMNS,
            rows: kpi_rows(summary, lang),
            frozen_columns: 0,
        },
        Sheet {
            name: lang.pick("Xếp hạng", "Ranking"),
            columns: &RANKING_COLUMNS,
            rows: ranking_rows(summary, lang),
            frozen_columns: 0,
        },
    ];
    save(&properties(summary, lang), sheets, lang)
}

/// A workbook of `sheets`, in order, with `properties`.
pub(super) fn save<'a>(
    properties: &DocProperties,
    sheets: impl IntoIterator<Item = Sheet<'a>>,
    lang: Lang,
) -> Result<Vec<u8>> {
    build(properties, sheets, lang).map_err(|e| RenderError::Spreadsheet(e.to_string()))
}

fn build<'a>(
    properties: &DocProperties,
    sheets: impl IntoIterator<Item = Sheet<'a>>,
    lang: Lang,
) -> std::result::Result<Vec<u8>, XlsxError> {
    let formats = Formats::new(lang);
    let mut workbook = Workbook::new();
    workbook.set_properties(properties);
    for sheet in sheets {
        sheet.write(workbook.add_worksheet(), lang, &formats)?;
    }
    workbook.save_to_buffer()
}

/// The creation time of a workbook made on `date`, so that the same data gives the same bytes;
/// 1 January 2000 when Excel cannot hold the date.
pub(super) fn created_on(date: chrono::NaiveDate) -> Option<ExcelDateTime> {
    excel_date(date).or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).ok())
}

fn properties(summary: &Summary, lang: Lang) -> DocProperties {
    let created = created_on(summary.as_of);
    let title = format!(
        "{} {} — {}",
        lang.pick("Kế hoạch", "Plan"),
        nfc(&summary.plan_code),
        lang.pick(
            "nhiệm vụ, phân công, chỉ tiêu, xếp hạng",
            "tasks, assignments, KPIs, ranking"
        ),
    );
    let mut properties = DocProperties::new()
        .set_title(title)
        .set_subject(summary.plan_title.get(lang))
        .set_author(summary.reporter.get(lang))
        .set_company(summary.issuer.get(lang));
    if let Some(created) = created {
        properties = properties.set_creation_datetime(&created);
    }
    properties
}

struct Formats {
    header: Format,
    text: Format,
    wrapped: Format,
    int: Format,
    number: Format,
    percent: Format,
    boolean: Format,
    date: Format,
    date_time: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        let base = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xD9E1F2)
                .set_border(FormatBorder::Thin),
            text: base.clone(),
            wrapped: base.clone().set_text_wrap(),
            int: base.clone().set_num_format("0"),
            number: base.clone(),
            percent: base.clone().set_num_format("0.0%"),
            boolean: base.clone().set_align(FormatAlign::Center),
            date: base
                .clone()
                .set_num_format(lang.pick("dd/mm/yyyy", "yyyy-mm-dd")),
            date_time: base.set_num_format(lang.pick("dd/mm/yyyy hh:mm", "yyyy-mm-dd hh:mm")),
        }
    }
}

/// One worksheet's content: a header row from `columns`, then `rows`; the header row and the
/// first `frozen_columns` stay in view when scrolling.
pub(super) struct Sheet<'a> {
    pub name: &'static str,
    pub columns: &'a [ColumnSpec],
    pub rows: Vec<Vec<Cell>>,
    pub frozen_columns: u16,
}

impl Sheet<'_> {
    fn write(
        self,
        sheet: &mut Worksheet,
        lang: Lang,
        formats: &Formats,
    ) -> std::result::Result<(), XlsxError> {
        sheet.set_name(self.name)?;
        for (col, spec) in (0u16..).zip(self.columns) {
            sheet.set_column_width(col, spec.width)?;
            sheet.write_string_with_format(0, col, spec.header(lang), &formats.header)?;
        }
        let mut last_row = 0;
        for (row, cells) in (1u32..).zip(self.rows) {
            for ((col, spec), cell) in (0u16..).zip(self.columns).zip(cells) {
                write_cell(sheet, row, col, cell, spec.wrap, formats)?;
            }
            last_row = row;
        }
        let last_col = u16::try_from(self.columns.len().saturating_sub(1)).unwrap_or(0);
        sheet.set_row_height(0, 30)?;
        sheet.set_freeze_panes(1, self.frozen_columns)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 0)?;
        Ok(())
    }
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell,
    wrap: bool,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Text(text) if text.is_empty() => {}
        Cell::Text(text) => {
            let format = if wrap {
                &formats.wrapped
            } else {
                &formats.text
            };
            sheet.write_string_with_format(row, col, fit_cell(text), format)?;
        }
        Cell::Int(value) => {
            sheet.write_number_with_format(row, col, value as f64, &formats.int)?;
        }
        Cell::Number(value) if value.is_finite() => {
            sheet.write_number_with_format(row, col, value, &formats.number)?;
        }
        Cell::Percent(value) if value.is_finite() => {
            sheet.write_number_with_format(row, col, value / 100.0, &formats.percent)?;
        }
        Cell::Bool(value) => {
            sheet.write_boolean_with_format(row, col, value, &formats.boolean)?;
        }
        Cell::Date(date) => match excel_date(date) {
            Some(excel) => {
                sheet.write_date_with_format(row, col, &excel, &formats.date)?;
            }
            None => {
                sheet.write_string_with_format(
                    row,
                    col,
                    date.format("%Y-%m-%d").to_string(),
                    &formats.text,
                )?;
            }
        },
        Cell::DateTime(at) => match excel_date_time(at) {
            Some(excel) => {
                sheet.write_datetime_with_format(row, col, &excel, &formats.date_time)?;
            }
            None => {
                sheet.write_string_with_format(
                    row,
                    col,
                    at.format("%Y-%m-%d %H:%M").to_string(),
                    &formats.text,
                )?;
            }
        },
        Cell::Number(_) | Cell::Percent(_) | Cell::Empty => {}
    }
    Ok(())
}

fn excel_date(date: chrono::NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let year = u16::try_from(date.year()).ok()?;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// A date and time to the second.
fn excel_date_time(at: chrono::NaiveDateTime) -> Option<ExcelDateTime> {
    use chrono::Timelike;
    let hour = u16::try_from(at.hour()).ok()?;
    let minute = u8::try_from(at.minute()).ok()?;
    excel_date(at.date())?
        .and_hms(hour, minute, at.second())
        .ok()
}

/// Cuts a text to Excel's cell limit, ending it with `…` when cut.
fn fit_cell(text: String) -> String {
    if text.encode_utf16().count() <= MAX_CELL_LEN {
        return text;
    }
    let mut units = 0;
    let mut cut = String::new();
    for c in text.chars() {
        units += c.len_utf16();
        if units > MAX_CELL_LEN - 1 {
            break;
        }
        cut.push(c);
    }
    cut.push('…');
    cut
}

const ASSIGNMENT_COLUMNS: [ColumnSpec; 6] = [
    ColumnSpec::new("STT nhiệm vụ", "Task no.", 10.0),
    ColumnSpec::wrapped("Tên nhiệm vụ", "Task", 60.0),
    ColumnSpec::new("Mã cơ quan", "Agency code", 12.0),
    ColumnSpec::wrapped("Cơ quan", "Agency", 36.0),
    ColumnSpec::new("Mã vai trò", "Role code", 14.0),
    ColumnSpec::new("Vai trò", "Role", 12.0),
];

fn assignment_rows(summary: &Summary, lang: Lang) -> Vec<Vec<Cell>> {
    let row = |task: &crate::model::TaskRow, agency: &AgencyRef, lead: bool| {
        vec![
            Cell::Int(task.number.into()),
            Cell::text(task.title.get(lang)),
            Cell::text(agency_codes(std::slice::from_ref(agency))),
            Cell::text(agency.name.get(lang)),
            Cell::text(if lead { "LEAD" } else { "COOPERATING" }),
            Cell::text(if lead {
                lang.pick("Chủ trì", "Lead")
            } else {
                lang.pick("Phối hợp", "Cooperating")
            }),
        ]
    };
    summary
        .tasks
        .iter()
        .flat_map(|task| {
            let leads = task.leads.iter().map(move |a| row(task, a, true));
            let cooperating = task.cooperating.iter().map(move |a| row(task, a, false));
            leads.chain(cooperating)
        })
        .collect()
}

const KPI_COLUMNS: [ColumnSpec; 11] = [
    ColumnSpec::new("Mã", "Code", 14.0),
    ColumnSpec::wrapped("Chỉ tiêu", "KPI", 50.0),
    ColumnSpec::new("Đơn vị", "Unit", 9.0),
    ColumnSpec::new("Chiều đánh giá", "Direction", 18.0),
    ColumnSpec::new("Giá trị ban đầu", "Baseline", 12.0),
    ColumnSpec::new("Năm ban đầu", "Baseline year", 11.0),
    ColumnSpec::wrapped("Mục tiêu", "Targets", 24.0),
    ColumnSpec::new("Giá trị mới nhất", "Latest value", 12.0),
    ColumnSpec::new("Năm mới nhất", "Latest year", 11.0),
    ColumnSpec::new("Mức đạt", "Attainment", 10.0),
    ColumnSpec::new("Đánh giá", "State", 16.0),
];

fn kpi_rows(summary: &Summary, lang: Lang) -> Vec<Vec<Cell>> {
    summary
        .kpis
        .iter()
        .map(|kpi| {
            vec![
                Cell::text(&kpi.code),
                Cell::text(kpi.name.get(lang)),
                Cell::text(unit_label(&kpi.unit, lang)),
                Cell::text(direction_label(kpi.direction, lang)),
                Cell::optional_number(kpi.baseline.map(|p| p.value)),
                Cell::optional_int(kpi.baseline.map(|p| p.year)),
                Cell::text(targets_text(kpi, lang)),
                Cell::optional_number(kpi.latest.map(|p| p.value)),
                Cell::optional_int(kpi.latest.map(|p| p.year)),
                kpi.attainment.map_or(Cell::Empty, Cell::Percent),
                Cell::text(kpi.state.label(lang)),
            ]
        })
        .collect()
}

const RANKING_COLUMNS: [ColumnSpec; 8] = [
    ColumnSpec::new("Hạng", "Rank", 7.0),
    ColumnSpec::new("Mã cơ quan", "Agency code", 12.0),
    ColumnSpec::wrapped("Cơ quan", "Agency", 40.0),
    ColumnSpec::new("Điểm", "Score", 9.0),
    ColumnSpec::new("Xếp loại", "Band", 12.0),
    ColumnSpec::new("Nhiệm vụ được giao", "Tasks assigned", 12.0),
    ColumnSpec::new("Nhiệm vụ hoàn thành", "Tasks completed", 12.0),
    ColumnSpec::new("Nhiệm vụ quá hạn", "Tasks overdue", 12.0),
];

fn ranking_rows(summary: &Summary, lang: Lang) -> Vec<Vec<Cell>> {
    summary
        .ranking
        .entries
        .iter()
        .map(|entry| {
            vec![
                Cell::Int(entry.rank.into()),
                Cell::text(&entry.agency.code),
                Cell::text(entry.agency.name.get(lang)),
                Cell::Number(entry.score),
                Cell::text(entry.band.label(lang)),
                Cell::Int(entry.tasks_assigned.into()),
                Cell::Int(entry.tasks_completed.into()),
                Cell::Int(entry.tasks_overdue.into()),
            ]
        })
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::tables::fixture;

    /// The names of the parts of a zip file, read from its local file headers (which are never
    /// compressed).
    pub(in crate::tables) fn part_names(zip: &[u8]) -> Vec<String> {
        let mut names = Vec::new();
        let mut at = 0;
        while let Some(offset) = zip[at..].windows(4).position(|w| w == b"PK\x03\x04") {
            let header = at + offset;
            let field =
                |i: usize| usize::from(u16::from_le_bytes([zip[header + i], zip[header + i + 1]]));
            let (name_len, extra_len) = (field(26), field(28));
            let name = &zip[header + 30..header + 30 + name_len];
            names.push(String::from_utf8_lossy(name).into_owned());
            at = header + 30 + name_len + extra_len;
        }
        names
    }

    /// A part's text through `unzip -p`; `None` when `unzip` is not installed.
    pub(in crate::tables) fn unzip(zip: &[u8], part: &str) -> Option<String> {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("reports-xlsx-{}-{n}.xlsx", std::process::id()));
        std::fs::write(&path, zip).ok()?;
        let output = std::process::Command::new("unzip")
            .arg("-p")
            .arg(&path)
            .arg(part)
            .output()
            .ok()?;
        let _ = std::fs::remove_file(&path);
        assert!(output.status.success(), "unzip -p {part} failed");
        Some(String::from_utf8(output.stdout).expect("UTF-8 XML"))
    }

    #[test]
    fn four_sheets_with_frozen_headers_and_filters() {
        let bytes = workbook(&fixture::summary(), Lang::Vi).expect("workbook");
        if let Ok(dir) = std::env::var("REPORTS_XLSX_DIR") {
            std::fs::write(std::path::Path::new(&dir).join("summary-vi.xlsx"), &bytes)
                .expect("write the sample");
        }
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
        let names = part_names(&bytes);
        for part in [
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet4.xml",
            "docProps/core.xml",
        ] {
            assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
        }

        let Some(book) = unzip(&bytes, "xl/workbook.xml") else {
            eprintln!("unzip is not installed: sheet contents not checked");
            return;
        };
        for name in ["Nhiệm vụ", "Phân công", "Chỉ tiêu", "Xếp hạng"] {
            assert!(
                book.contains(&format!("name=\"{name}\"")),
                "{name} in {book}"
            );
        }
        for sheet in 1..=4 {
            let xml = unzip(&bytes, &format!("xl/worksheets/sheet{sheet}.xml")).unwrap_or_default();
            assert!(
                xml.contains("<autoFilter ref=\"A1:"),
                "sheet {sheet}: {xml}"
            );
            assert!(xml.contains("state=\"frozen\""), "sheet {sheet}");
        }
        let tasks = unzip(&bytes, "xl/worksheets/sheet1.xml").unwrap_or_default();
        assert!(
            tasks.contains("<autoFilter ref=\"A1:R5\""),
            "18 columns, 4 tasks"
        );
        assert!(tasks.contains("t=\"b\""), "overdue is a boolean");
        let assignments = unzip(&bytes, "xl/worksheets/sheet2.xml").unwrap_or_default();
        assert!(
            assignments.contains("<autoFilter ref=\"A1:F8\""),
            "7 task × agency rows"
        );
        let strings = unzip(&bytes, "xl/sharedStrings.xml").unwrap_or_default();
        assert!(strings.contains("Sở Thông tin và Truyền thông"));
        assert!(strings.contains("=cmd"), "kept as text, not a formula");
        let core = unzip(&bytes, "docProps/core.xml").unwrap_or_default();
        assert!(core.contains("2025-12-31T00:00:00Z"), "{core}");
    }

    #[test]
    fn english_sheet_names() {
        let bytes = workbook(&fixture::summary(), Lang::En).expect("workbook");
        if let Some(book) = unzip(&bytes, "xl/workbook.xml") {
            for name in ["Tasks", "Assignments", "KPIs", "Ranking"] {
                assert!(book.contains(&format!("name=\"{name}\"")), "{name}");
            }
        }
    }

    #[test]
    fn same_data_same_bytes() {
        let summary = fixture::summary();
        let first = workbook(&summary, Lang::Vi).expect("workbook");
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = workbook(&summary, Lang::Vi).expect("workbook");
        assert!(first == second, "the workbook is deterministic");
    }

    #[test]
    fn empty_and_extreme_inputs() {
        let mut summary = fixture::empty_summary();
        workbook(&summary, Lang::Vi).expect("empty workbook");
        let mut task = fixture::tasks().remove(1);
        task.last_note = Some("x".repeat(40_000));
        task.due_date = chrono::NaiveDate::from_ymd_opt(1066, 10, 14);
        summary.tasks.push(task);
        summary.kpis = fixture::summary().kpis;
        summary.kpis[0].attainment = Some(f64::NAN);
        summary.kpis[0].baseline = Some(crate::model::Point {
            year: 2015,
            value: f64::INFINITY,
        });
        summary.as_of = chrono::NaiveDate::MIN;
        let bytes = workbook(&summary, Lang::En).expect("workbook");
        if let Some(tasks) = unzip(&bytes, "xl/worksheets/sheet1.xml") {
            assert!(tasks.contains("<autoFilter ref=\"A1:R2\""));
        }
    }

    #[test]
    fn hostile_input() {
        for lang in [Lang::Vi, Lang::En] {
            workbook(&fixture::hostile_summary(), lang).expect("workbook");
        }
    }

    #[test]
    fn long_text_is_cut_to_the_cell_limit() {
        let cut = fit_cell("ệ".repeat(40_000));
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_LEN);
        assert!(cut.ends_with('…'));
        assert_eq!(fit_cell("ngắn".to_owned()), "ngắn");
    }
}
