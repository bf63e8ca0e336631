//! A reporting round (Decree 09/2019/NĐ-CP) as CSV and XLSX, for the planners who chase the
//! agencies that owe a report: in each period (Q4 2017: data from 15/09/2017 to 14/12/2017, due
//! 18/12/2017) every lead agency of every active task owes one status report, and each
//! submission is on time, late, returned by the DIC or missing. The service works the round out;
//! this module only writes it, for the `/rounds/{period}` page's downloads.
//!
//! It follows the task list's design rather than adding one of its own: one column table
//! ([`SUBMISSION_COLUMNS`]) feeds the CSV and the workbook's first sheet, the CSV goes through
//! the same writer (BOM, always-quoted text, formula guard) and the workbook through the same
//! sheets and formats. The submission time is a local date and time: `yyyy-mm-dd hh:mm` in the
//! CSV, a real Excel date-time in the workbook.

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::DocProperties;

use super::xlsx::{self, Sheet};
use super::{cells, csv, specs, Cell, Column, ColumnSpec};
use crate::format;
use crate::model::{nfc, AgencyRef, Lang, Status, Text};
use crate::Result;

/// How a lead agency met its duty to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubmissionState {
    /// A report entered by the deadline.
    OnTime,
    /// Reports, all entered after the deadline.
    Late,
    /// The DIC sent the report back; nothing counted since.
    Returned,
    /// Nothing reported.
    Missing,
}

impl SubmissionState {
    /// Every state, in the order tables list them.
    pub const ALL: [SubmissionState; 4] = [
        SubmissionState::OnTime,
        SubmissionState::Late,
        SubmissionState::Returned,
        SubmissionState::Missing,
    ];

    /// The stable code used in CSV and spreadsheets (`ON_TIME`, `LATE`, `RETURNED`, `MISSING`).
    pub fn code(self) -> &'static str {
        match self {
            SubmissionState::OnTime => "ON_TIME",
            SubmissionState::Late => "LATE",
            SubmissionState::Returned => "RETURNED",
            SubmissionState::Missing => "MISSING",
        }
    }

    /// Label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SubmissionState::OnTime => lang.pick("Đúng hạn", "On time"),
            SubmissionState::Late => lang.pick("Trễ hạn", "Late"),
            SubmissionState::Returned => lang.pick("Bị trả lại", "Returned"),
            SubmissionState::Missing => lang.pick("Chưa nộp", "Not submitted"),
        }
    }
}

/// One lead agency's submission for one task in a round.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRow {
    /// Appendix number of the task, 1-27.
    pub task_number: i32,
    pub task_title: Text,
    pub agency: AgencyRef,
    pub state: SubmissionState,
    /// When the report the state rests on was entered, in Vietnam local time.
    pub submitted_at: Option<NaiveDateTime>,
    /// The date the report takes effect.
    pub effective_on: Option<NaiveDate>,
    /// The status the report gives the task; `None` when nothing was reported.
    pub status: Option<Status>,
    /// 0-100, as reported.
    pub progress: Option<i32>,
    pub note: Option<String>,
    /// Why the DIC returned the report, when it did.
    pub return_reason: Option<String>,
}

/// One agency's counts in a round.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundAgencyRow {
    pub agency: AgencyRef,
    /// Reports owed: one per active task the agency leads.
    pub owed: u32,
    pub on_time: u32,
    pub late: u32,
    pub returned: u32,
    pub missing: u32,
}

/// A period's round, as the downloads show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundSheet {
    /// `681/KH-UBND`.
    pub plan_code: String,
    /// The period's stable code, e.g. `2017-Q4`.
    pub period_code: String,
    /// The period as readers say it: "Quý IV/2017" / "Q4 2017".
    pub period_label: Text,
    /// The data window, both days included.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The last day to submit (included).
    pub deadline: NaiveDate,
    /// One row per owed report, in the order the service gives them.
    pub rows: Vec<RoundRow>,
    pub agencies: Vec<RoundAgencyRow>,
}

/// The columns of a round's submissions, shared by the CSV and the workbook's first sheet.
pub(crate) const SUBMISSION_COLUMNS: [Column<RoundRow>; 12] = [
    Column {
        spec: ColumnSpec::new("STT", "No.", 6.0),
        value: |r, _| Cell::Int(r.task_number.into()),
    },
    Column {
        spec: ColumnSpec::wrapped("Nhiệm vụ", "Task", 50.0),
        value: |r, lang| Cell::text(r.task_title.get(lang)),
    },
    Column {
        spec: ColumnSpec::new("Mã cơ quan", "Agency code", 12.0),
        value: |r, _| Cell::text(&r.agency.code),
    },
    Column {
        spec: ColumnSpec::new("Cơ quan", "Agency", 32.0),
        value: |r, lang| Cell::text(r.agency.name.get(lang)),
    },
    Column {
        spec: ColumnSpec::new("Mã tình trạng", "State code", 12.0),
        value: |r, _| Cell::text(r.state.code()),
    },
    Column {
        spec: ColumnSpec::new("Tình trạng nộp", "Submission", 14.0),
        value: |r, lang| Cell::text(r.state.label(lang)),
    },
    Column {
        spec: ColumnSpec::new("Thời điểm nộp", "Submitted at", 17.0),
        value: |r, _| Cell::optional_date_time(r.submitted_at),
    },
    Column {
        spec: ColumnSpec::new("Ngày hiệu lực", "Effective on", 13.0),
        value: |r, _| Cell::optional_date(r.effective_on),
    },
    Column {
        spec: ColumnSpec::new("Trạng thái báo cáo", "Reported status", 16.0),
        value: |r, lang| Cell::optional_text(r.status.map(|s| s.label(lang))),
    },
    Column {
        spec: ColumnSpec::new("Tiến độ (%)", "Progress (%)", 11.0),
        value: |r, _| Cell::optional_int(r.progress),
    },
    Column {
        spec: ColumnSpec::wrapped("Ghi chú", "Note", 40.0),
        value: |r, _| Cell::optional_text(r.note.as_deref()),
    },
    Column {
        spec: ColumnSpec::wrapped("Lý do trả lại", "Reason returned", 32.0),
        value: |r, _| Cell::optional_text(r.return_reason.as_deref()),
    },
];

/// The columns of the workbook's per-agency sheet.
const AGENCY_COLUMNS: [Column<RoundAgencyRow>; 8] = [
    Column {
        spec: ColumnSpec::new("Mã cơ quan", "Agency code", 12.0),
        value: |a, _| Cell::text(&a.agency.code),
    },
    Column {
        spec: ColumnSpec::wrapped("Cơ quan", "Agency", 36.0),
        value: |a, lang| Cell::text(a.agency.name.get(lang)),
    },
    Column {
        spec: ColumnSpec::new("Phải nộp", "Owed", 10.0),
        value: |a, _| Cell::Int(a.owed.into()),
    },
    Column {
        spec: ColumnSpec::new("Đúng hạn", "On time", 10.0),
        value: |a, _| Cell::Int(a.on_time.into()),
    },
    Column {
        spec: ColumnSpec::new("Trễ hạn", "Late", 10.0),
        value: |a, _| Cell::Int(a.late.into()),
    },
    Column {
        spec: ColumnSpec::new("Bị trả lại", "Returned", 10.0),
        value: |a, _| Cell::Int(a.returned.into()),
    },
    Column {
        spec: ColumnSpec::new("Chưa nộp", "Not submitted", 10.0),
        value: |a, _| Cell::Int(a.missing.into()),
    },
    Column {
        spec: ColumnSpec::new("Tỷ lệ đúng hạn", "On-time rate", 12.0),
        value: |a, _| on_time_rate(a),
    },
];

/// The share of owed reports that came on time, as a percent; empty when nothing was owed.
fn on_time_rate(agency: &RoundAgencyRow) -> Cell {
    if agency.owed == 0 {
        return Cell::Empty;
    }
    Cell::Percent(f64::from(agency.on_time) * 100.0 / f64::from(agency.owed))
}

/// The round's submissions as CSV, one record per row after a header in `lang`, with the
/// conventions of [`tasks_csv`](super::tasks_csv): a UTF-8 byte-order mark, every text cell
/// quoted and guarded against formulas, CRLF line ends. States are written as both a code
/// (`ON_TIME`, ...) and a label, times as `yyyy-mm-dd hh:mm` (Vietnam time), dates as
/// `yyyy-mm-dd`.
pub fn round_csv(round: &RoundSheet, lang: Lang) -> Vec<u8> {
    csv::table(&SUBMISSION_COLUMNS, &round.rows, lang)
}

/// The round as an Excel workbook in `lang`: the submissions ("Nộp báo cáo" / "Submissions",
/// the CSV's columns) and the counts by agency ("Theo cơ quan" / "By agency", with the on-time
/// rate as a percent, empty for an agency that owed nothing). The title names the period and
/// the plan, the subject the data window and the deadline; the creation time is the deadline,
/// so the same round gives the same bytes.
pub fn round_workbook(round: &RoundSheet, lang: Lang) -> Result<Vec<u8>> {
    let submission_columns = specs(&SUBMISSION_COLUMNS);
    let agency_columns = specs(&AGENCY_COLUMNS);
    let sheets = [
        Sheet {
            name: lang.pick("Nộp báo cáo", "Submissions"),
            columns: &submission_columns,
            rows: cells(&SUBMISSION_COLUMNS, &round.rows, lang),
            frozen_columns: 2,
        },
        Sheet {
            name: lang.pick("Theo cơ quan", "By agency"),
            columns: &agency_columns,
            rows: cells(&AGENCY_COLUMNS, &round.agencies, lang),
            frozen_columns: 0,
        },
    ];
    xlsx::save(&properties(round, lang), sheets, lang)
}

fn properties(round: &RoundSheet, lang: Lang) -> DocProperties {
    let plan = nfc(&round.plan_code);
    let title = format!(
        "{} {} — {plan}",
        lang.pick("Kỳ báo cáo", "Reporting round"),
        round.period_label.get(lang),
    );
    let subject = match lang {
        Lang::Vi => format!(
            "Số liệu từ {} đến {}, hạn nộp {}",
            format::date(round.from, lang),
            format::date(round.to, lang),
            format::date(round.deadline, lang),
        ),
        Lang::En => format!(
            "Data from {} to {}, due {}",
            format::date(round.from, lang),
            format::date(round.to, lang),
            format::date(round.deadline, lang),
        ),
    };
    let mut properties = DocProperties::new()
        .set_title(title)
        .set_subject(subject)
        .set_keywords(format!("{plan}, {}", nfc(&round.period_code)));
    if let Some(created) = xlsx::created_on(round.deadline) {
        properties = properties.set_creation_datetime(&created);
    }
    properties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::csv::tests::{body, read, runs_a_formula};
    use crate::tables::fixture;
    use crate::tables::xlsx::tests::{part_names, unzip};

    fn rows(round: &RoundSheet, lang: Lang) -> Vec<Vec<String>> {
        read(body(&round_csv(round, lang)), true)
    }

    fn row_of<'a>(rows: &'a [Vec<String>], number: &str, agency: &str) -> &'a [String] {
        rows.iter()
            .find(|r| r[0] == number && r[2] == agency)
            .unwrap_or_else(|| panic!("a row for task {number}, {agency}"))
    }

    #[test]
    fn the_csv_starts_with_the_bom_and_a_vietnamese_header() {
        let bytes = round_csv(&fixture::round(), Lang::Vi);
        let header = "\u{FEFF}\"STT\",\"Nhiệm vụ\",\"Mã cơ quan\",\"Cơ quan\",\"Mã tình trạng\",\
                      \"Tình trạng nộp\",\"Thời điểm nộp\",\"Ngày hiệu lực\",\"Trạng thái báo cáo\",\
                      \"Tiến độ (%)\",\"Ghi chú\",\"Lý do trả lại\"\r\n";
        assert!(
            bytes.starts_with(header.as_bytes()),
            "{}",
            String::from_utf8_lossy(&bytes)
        );
    }

    #[test]
    fn the_csv_has_one_line_per_submission() {
        let round = fixture::round();
        let rows = rows(&round, Lang::Vi);
        assert_eq!(rows.len(), round.rows.len() + 1);
        assert!(rows.iter().all(|r| r.len() == SUBMISSION_COLUMNS.len()));
        let codes: Vec<&str> = rows[1..].iter().map(|r| r[4].as_str()).collect();
        assert_eq!(codes, ["ON_TIME", "LATE", "RETURNED", "MISSING"]);
        let text = String::from_utf8(round_csv(&round, Lang::Vi)).expect("UTF-8");
        assert_eq!(
            text.matches("\r\n").count(),
            round.rows.len() + 1,
            "no note breaks a line"
        );
    }

    #[test]
    fn a_planner_reads_each_submission_as_entered() {
        let rows = rows(&fixture::round(), Lang::Vi);
        let on_time = row_of(&rows, "1", "STTTT");
        assert_eq!(on_time[3], "Sở Thông tin và Truyền thông");
        assert_eq!(on_time[5], "Đúng hạn");
        assert_eq!(on_time[6], "2017-12-15 16:45", "to the minute");
        assert_eq!(on_time[7], "2017-12-14");
        assert_eq!(on_time[8], "Hoàn thành");
        assert_eq!(on_time[9], "100");

        let returned = row_of(&rows, "2", "VPUB");
        assert_eq!(returned[5], "Bị trả lại");
        assert_eq!(returned[11], fixture::ROUND_RETURN_REASON);

        let missing = row_of(&rows, "3", "SKHĐT");
        assert_eq!(missing[3], "Sở Kế hoạch và Đầu tư");
        assert_eq!(missing[5], "Chưa nộp");
        assert!(missing[6..].iter().all(String::is_empty), "{missing:?}");
    }

    #[test]
    fn hostile_notes_are_neutralised() {
        let rows = rows(&fixture::round(), Lang::Vi);
        assert_eq!(
            row_of(&rows, "2", "STTTT")[10],
            format!("'{}", fixture::ROUND_FORMULA_NOTE)
        );
        assert_eq!(row_of(&rows, "2", "VPUB")[10], "Đã xong;'=1+2");
        for row in &rows {
            for cell in row {
                assert!(!runs_a_formula(cell), "{cell:?}");
            }
        }
    }

    #[test]
    fn the_english_header_is_english() {
        let rows = rows(&fixture::round(), Lang::En);
        assert_eq!(
            rows[0],
            [
                "No.",
                "Task",
                "Agency code",
                "Agency",
                "State code",
                "Submission",
                "Submitted at",
                "Effective on",
                "Reported status",
                "Progress (%)",
                "Note",
                "Reason returned"
            ]
        );
        let labels: Vec<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
        assert_eq!(labels, ["On time", "Late", "Returned", "Not submitted"]);
        assert_eq!(
            rows[1][1],
            "Connect the document management system with the Government Office"
        );
        assert_eq!(rows[2][8], "Blocked");
        assert_eq!(
            rows[1][6], "2017-12-15 16:45",
            "times do not depend on the language"
        );
    }

    #[test]
    fn states_have_stable_codes_and_labels_in_both_languages() {
        let codes: Vec<&str> = SubmissionState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["ON_TIME", "LATE", "RETURNED", "MISSING"]);
        let vi: Vec<&str> = SubmissionState::ALL
            .iter()
            .map(|s| s.label(Lang::Vi))
            .collect();
        assert_eq!(vi, ["Đúng hạn", "Trễ hạn", "Bị trả lại", "Chưa nộp"]);
    }

    #[test]
    fn the_workbook_is_a_zip_with_both_sheets() {
        let bytes = round_workbook(&fixture::round(), Lang::Vi).expect("workbook");
        if let Ok(dir) = std::env::var("REPORTS_XLSX_DIR") {
            std::fs::write(std::path::Path::new(&dir).join("round-vi.xlsx"), &bytes)
                .expect("write the sample");
        }
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
        let names = part_names(&bytes);
        for part in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
            assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
        }
        assert!(!names.iter().any(|n| n == "xl/worksheets/sheet3.xml"));

        let Some(book) = unzip(&bytes, "xl/workbook.xml") else {
            eprintln!("unzip is not installed: sheet contents not checked");
            return;
        };
        for name in ["Nộp báo cáo", "Theo cơ quan"] {
            assert!(
                book.contains(&format!("name=\"{name}\"")),
                "{name} in {book}"
            );
        }
        let submissions = unzip(&bytes, "xl/worksheets/sheet1.xml").unwrap_or_default();
        assert!(
            submissions.contains("<autoFilter ref=\"A1:L5\""),
            "12 columns, 4 submissions"
        );
        // 15/12/2017 16:45:30 is Excel day 43084 plus 60330/86400 of a day.
        assert!(submissions.contains("<v>43084.698"), "{submissions}");
        let strings = unzip(&bytes, "xl/sharedStrings.xml").unwrap_or_default();
        assert!(
            strings.contains("Đã xong;=1+2"),
            "kept as text, not a formula"
        );
        let core = unzip(&bytes, "docProps/core.xml").unwrap_or_default();
        assert!(
            core.contains("Kỳ báo cáo Quý IV/2017 — 681/KH-UBND"),
            "{core}"
        );
        assert!(core.contains("2017-12-18T00:00:00Z"), "{core}");
    }

    #[test]
    fn the_english_workbook_names_its_sheets_in_english() {
        let bytes = round_workbook(&fixture::round(), Lang::En).expect("workbook");
        if let Some(book) = unzip(&bytes, "xl/workbook.xml") {
            for name in ["Submissions", "By agency"] {
                assert!(book.contains(&format!("name=\"{name}\"")), "{name}");
            }
        }
        if let Some(core) = unzip(&bytes, "docProps/core.xml") {
            assert!(core.contains("Reporting round Q4 2017 — 681/KH-UBND"));
        }
    }

    #[test]
    fn the_same_round_gives_the_same_workbook() {
        let round = fixture::round();
        let first = round_workbook(&round, Lang::Vi).expect("workbook");
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = round_workbook(&round, Lang::Vi).expect("workbook");
        assert!(first == second, "the workbook is deterministic");
    }

    #[test]
    fn the_on_time_rate_is_empty_for_an_agency_that_owed_nothing() {
        let round = fixture::round();
        let rates: Vec<(String, Cell)> = round
            .agencies
            .iter()
            .map(|a| (a.agency.code.clone(), on_time_rate(a)))
            .collect();
        assert_eq!(
            rates,
            [
                ("SKHĐT".to_owned(), Cell::Percent(0.0)),
                ("SNV".to_owned(), Cell::Empty),
                ("STTTT".to_owned(), Cell::Percent(50.0)),
                ("VPUB".to_owned(), Cell::Percent(0.0)),
            ]
        );
        let bytes = round_workbook(&round, Lang::Vi).expect("workbook");
        if let Some(agencies) = unzip(&bytes, "xl/worksheets/sheet2.xml") {
            assert!(agencies.contains("<autoFilter ref=\"A1:H5\""), "{agencies}");
            assert!(agencies.contains("<c r=\"H4\""), "STTTT has a rate");
            assert!(!agencies.contains("<c r=\"H3\""), "SNV owed nothing");
            assert!(
                agencies.contains("<v>0.5</v>"),
                "a fraction with a % format"
            );
        }
    }

    #[test]
    fn an_empty_round_gives_headers_only() {
        let mut round = fixture::round();
        round.rows.clear();
        round.agencies.clear();
        assert_eq!(rows(&round, Lang::Vi).len(), 1);
        let bytes = round_workbook(&round, Lang::Vi).expect("workbook");
        if let Some(submissions) = unzip(&bytes, "xl/worksheets/sheet1.xml") {
            assert!(submissions.contains("<autoFilter ref=\"A1:L1\""));
        }
    }

    #[test]
    fn times_excel_cannot_hold_are_written_as_text() {
        let mut round = fixture::round();
        round.rows[0].submitted_at = fixture::date(1066, 10, 14).and_hms_opt(9, 5, 0);
        round.rows[1].submitted_at = Some(NaiveDateTime::MAX);
        round.rows[2].submitted_at = Some(NaiveDateTime::MIN);
        round.deadline = NaiveDate::MAX;
        round.agencies[0].owed = u32::MAX;
        round_workbook(&round, Lang::En).expect("workbook");
        let bytes = round_workbook(&round, Lang::Vi).expect("workbook");
        if let Some(strings) = unzip(&bytes, "xl/sharedStrings.xml") {
            assert!(strings.contains("1066-10-14 09:05"), "{strings}");
        }
        assert_eq!(rows(&round, Lang::Vi)[1][6], "1066-10-14 09:05");
    }
}
