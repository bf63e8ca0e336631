//! The task list (and a reporting round's submissions, see [`super::round_csv`]) as CSV for Excel
//! and scripts: UTF-8 with a byte-order mark (without it Excel reads Vietnamese as
//! Windows-1252), RFC 4180 quoting, CRLF line ends.
//!
//! The records are written by `csv-core`, the `csv` crate's writer, field by field: every text
//! cell (header cells too) goes through a writer that always quotes, so a reader never has to
//! guess whether `115` or `2017-06-05` in a name column is text; numbers, dates (`yyyy-mm-dd`),
//! date-times (`yyyy-mm-dd hh:mm`) and booleans are written unquoted (they hold no byte that
//! needs quoting).
//!
//! # Formula guard
//!
//! Notes and names come from agency users, and a spreadsheet runs a cell that starts with `=`,
//! `+`, `-` or `@` as a formula (CSV injection). Depending on the program and the locale, a
//! spreadsheet may also split a cell further on `,`, `;`, tab or `|`, or treat a line break as a
//! new row, so a formula can start in the middle of a cell (`Đã xong;=1+2`). The rule:
//!
//! - a text cell is cut into segments at every `,` `;` `|` tab, carriage return and line feed;
//! - in each segment, leading whitespace is skipped; if the next character is `=`, `+`, `-` or
//!   `@`, an apostrophe is inserted right before it (`Đã xong;'=1+2`, `'+84 912 345 678`);
//! - a cell that starts with a tab or a carriage return also gets a leading apostrophe.
//!
//! Characters inside a segment are never touched, so dates (`2017-06-05`), hyphenated words and
//! `a=b` stay as written; a segment that is only `-` reads `'-`. Numbers, dates and booleans are
//! never prefixed: `-5` is a number, not a formula.

use csv_core::{QuoteStyle, Terminator, WriteResult, Writer, WriterBuilder};

use super::{Cell, Column, TASK_COLUMNS};
use crate::model::{Lang, TaskRow};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a spreadsheet may start a new cell or row.
const SEPARATORS: [char; 6] = [',', ';', '|', '\t', '\r', '\n'];
/// What a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// The tasks as CSV: a header row in `lang`, then one row per task, in the columns of
/// [`TASK_COLUMNS`](super::TASK_COLUMNS). Dates are ISO (`yyyy-mm-dd`), overdue is
/// `true`/`false`, agency lists are joined with `"; "`.
pub fn tasks_csv(tasks: &[TaskRow], lang: Lang) -> Vec<u8> {
    table(&TASK_COLUMNS, tasks, lang)
}

/// A table as CSV: the headers of `columns` in `lang`, then one record per row, every text cell
/// under the formula guard of the module header.
pub(super) fn table<R>(columns: &[Column<R>], rows: &[R], lang: Lang) -> Vec<u8> {
    let mut csv = Records::new(512 + rows.len() * 512);
    csv.record(
        columns
            .iter()
            .map(|c| Field::Text(neutralise(c.spec.header(lang)))),
    );
    for row in rows {
        csv.record(columns.iter().map(|c| field((c.value)(row, lang))));
    }
    csv.out
}

/// A cell ready to write: text (always quoted) or the plain text of a typed value.
enum Field {
    Text(String),
    Plain(String),
}

fn field(cell: Cell) -> Field {
    match cell {
        Cell::Text(text) => Field::Text(neutralise(&text)),
        Cell::Int(value) => Field::Plain(value.to_string()),
        Cell::Number(value) | Cell::Percent(value) if value.is_finite() => {
            Field::Plain(value.to_string())
        }
        Cell::Number(_) | Cell::Percent(_) | Cell::Empty => Field::Plain(String::new()),
        Cell::Bool(value) => Field::Plain(value.to_string()),
        Cell::Date(date) => Field::Plain(date.format("%Y-%m-%d").to_string()),
        Cell::DateTime(at) => Field::Plain(at.format("%Y-%m-%d %H:%M").to_string()),
    }
}

/// Applies the formula guard of the module header to one text cell.
fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    if text.starts_with(['\t', '\r']) {
        out.push('\'');
    }
    let mut segment_start = true;
    for c in text.chars() {
        if SEPARATORS.contains(&c) {
            segment_start = true;
        } else if segment_start && FORMULA_STARTS.contains(&c) {
            out.push('\'');
            segment_start = false;
        } else if !c.is_whitespace() {
            segment_start = false;
        }
        out.push(c);
    }
    out
}

/// CSV records in a growing buffer that starts with the BOM. `csv-core`'s writer quotes every
/// text field and writes every delimiter and line end; plain fields are copied as they are.
struct Records {
    writer: Writer,
    out: Vec<u8>,
}

impl Records {
    fn new(capacity: usize) -> Records {
        let writer = WriterBuilder::new()
            .quote_style(QuoteStyle::Always)
            .terminator(Terminator::CRLF)
            .build();
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(BOM);
        Records { writer, out }
    }

    /// Writes one record. Records have many fields: the writer's special case for a record of a
    /// single empty field (written as `""`) never applies.
    fn record(&mut self, fields: impl Iterator<Item = Field>) {
        for (i, field) in fields.enumerate() {
            if i > 0 {
                self.mark(Writer::delimiter);
            }
            match field {
                Field::Plain(value) if !value.bytes().any(|b| self.writer.is_special_byte(b)) => {
                    self.out.extend_from_slice(value.as_bytes());
                }
                Field::Plain(value) | Field::Text(value) => self.quoted(value.as_bytes()),
            }
        }
        self.mark(Writer::terminator);
    }

    /// Writes a field through the quoting writer (its closing quote comes with the next
    /// delimiter or line end).
    fn quoted(&mut self, mut input: &[u8]) {
        loop {
            // Room for the worst case: every byte a doubled quote, plus the opening quote.
            let (result, read) =
                self.step(input.len() * 2 + 2, |writer, out| writer.field(input, out));
            input = &input[read..];
            if result == WriteResult::InputEmpty {
                return;
            }
        }
    }

    /// Writes a delimiter or a line end (a few bytes at most).
    fn mark(&mut self, write: fn(&mut Writer, &mut [u8]) -> (WriteResult, usize)) {
        while self
            .step(8, |writer, out| {
                let (result, written) = write(writer, out);
                (result, 0, written)
            })
            .0
            == WriteResult::OutputFull
        {}
    }

    /// Runs one writer call with `room` spare bytes at the end of the buffer; returns its result
    /// and how many input bytes it consumed.
    fn step(
        &mut self,
        room: usize,
        call: impl FnOnce(&mut Writer, &mut [u8]) -> (WriteResult, usize, usize),
    ) -> (WriteResult, usize) {
        let len = self.out.len();
        self.out.resize(len + room, 0);
        let (result, read, written) = call(&mut self.writer, &mut self.out[len..]);
        self.out.truncate(len + written);
        (result, read)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::tables::fixture;

    /// Reads CSV with the `csv` crate: every record must have the same number of fields. With
    /// `quoting` off, fields come back as written, quotes included.
    pub(in crate::tables) fn read(body: &[u8], quoting: bool) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .quoting(quoting)
            .from_reader(body)
            .records()
            .map(|record| {
                record
                    .expect("a well-formed record")
                    .iter()
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    }

    pub(in crate::tables) fn body(bytes: &[u8]) -> &[u8] {
        bytes.strip_prefix(BOM).expect("starts with a UTF-8 BOM")
    }

    fn rows(tasks: &[TaskRow], lang: Lang) -> Vec<Vec<String>> {
        read(body(&tasks_csv(tasks, lang)), true)
    }

    fn rows_of(task: &TaskRow) -> Vec<Vec<String>> {
        rows(std::slice::from_ref(task), Lang::Vi)
    }

    fn note_of(note: &str) -> String {
        let mut task = fixture::tasks().remove(0);
        task.last_note = Some(note.to_owned());
        rows_of(&task)[1][17].clone()
    }

    /// Whether any segment of a cell, cut where a spreadsheet may split it, starts with a formula.
    pub(in crate::tables) fn runs_a_formula(cell: &str) -> bool {
        cell.split(SEPARATORS)
            .any(|segment| segment.trim_start().starts_with(FORMULA_STARTS))
    }

    #[test]
    fn one_row_per_task_with_the_same_cells() {
        let tasks = fixture::tasks();
        let rows = rows(&tasks, Lang::Vi);
        assert_eq!(rows.len(), tasks.len() + 1);
        assert!(rows.iter().all(|r| r.len() == TASK_COLUMNS.len()));
        assert_eq!(rows[0][0], "STT");
        assert_eq!(rows[0][1], "Tên nhiệm vụ");

        let second = &rows[2];
        assert_eq!(second[0], "2");
        assert_eq!(
            second[1],
            "Xây dựng hệ thống tích hợp kết nối liên thông các hệ thống thông tin tỉnh Hải Dương"
        );
        assert_eq!(second[2], "II.1");
        assert_eq!(second[4], "2016");
        assert_eq!(second[5], "2017");
        assert_eq!(second[6], "2017-12-31");
        assert_eq!(second[7], "BLOCKED");
        assert_eq!(second[8], "Vướng mắc");
        assert_eq!(second[9], "35");
        assert_eq!(second[10], "true");
        assert_eq!(second[11], "");
        assert_eq!(second[12], "STTTT; VPUB");
        assert_eq!(
            second[13],
            "Sở Thông tin và Truyền thông; Văn phòng UBND tỉnh"
        );
        assert_eq!(second[14], "SNV");
        assert_eq!(second[15], "Sở Nội vụ");
        assert_eq!(second[16], "2025-06-30");
        assert_eq!(second[17], fixture::TRICKY_NOTE);

        let third = &rows[3];
        assert_eq!(third[2], "");
        assert_eq!(third[5], "");
        assert_eq!(third[6], "");
        assert_eq!(third[10], "false");
        assert_eq!(third[13], "");

        assert_eq!(rows[4][1], fixture::MARKUP_TITLE);
    }

    #[test]
    fn formulas_are_neutralised_at_the_start() {
        let rows = rows(&fixture::tasks(), Lang::Vi);
        assert_eq!(rows[3][17], "'-1+1 @SUM(A1)");
        assert_eq!(rows[4][17], "'+84 912 345 678");
        for (note, expected) in [
            ("=cmd", "'=cmd"),
            ("@x", "'@x"),
            ("\tx", "'\tx"),
            ("\r=x", "'\r'=x"),
            ("  =1+2", "  '=1+2"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(note_of(note), expected, "{note:?}");
        }
        for row in &rows[1..] {
            for cell in row {
                assert!(!runs_a_formula(cell), "{cell:?}");
            }
        }
    }

    #[test]
    fn formulas_are_neutralised_after_every_separator() {
        for (note, expected) in [
            ("Đã xong;=1+2", "Đã xong;'=1+2"),
            (
                "a,=HYPERLINK(\"http://x.example\",\"Bấm\")",
                "a,'=HYPERLINK(\"http://x.example\",\"Bấm\")",
            ),
            ("x\t@SUM(A1)", "x\t'@SUM(A1)"),
            ("a| -1+1", "a| '-1+1"),
            ("dòng 1\n+84 912", "dòng 1\n'+84 912"),
            ("dòng 1\r\n=1", "dòng 1\r\n'=1"),
            ("a;;=1", "a;;'=1"),
        ] {
            let got = note_of(note);
            assert_eq!(got, expected, "{note:?}");
            assert!(!runs_a_formula(&got), "{got:?}");
        }
    }

    #[test]
    fn ordinary_text_stays_as_written() {
        for note in [
            "Hoàn thành ngày 2017-06-05, đã nghiệm thu",
            "Giai đoạn 2016-2020; vốn 1.500 triệu đồng",
            "a=b, c+d, e-mail: dic@haiduong.gov.vn",
            "Sở Thông tin và Truyền thông | Sở Nội vụ",
        ] {
            assert_eq!(note_of(note), note);
        }
        assert_eq!(note_of("-"), "'-", "still readable");
    }

    #[test]
    fn every_text_cell_is_quoted_and_typed_cells_are_not() {
        let mut task = fixture::tasks().remove(0);
        task.title = crate::model::Text::new("NaN", "");
        task.main_task = Some("1e5".to_owned());
        task.leads = vec![fixture::agency("115", "115", "115")];
        task.cooperating = vec![fixture::agency("2017-01-01", "true", "true")];
        task.last_note = Some("-".to_owned());
        let tasks = [task];
        let bytes = tasks_csv(&tasks, Lang::Vi);
        let raw = read(body(&bytes), false);
        assert!(raw[0]
            .iter()
            .all(|h| h.starts_with('"') && h.ends_with('"')));
        assert!(body(&bytes).starts_with("\"STT\",\"Tên nhiệm vụ\",".as_bytes()));
        for (column, written) in TASK_COLUMNS.iter().zip(&raw[1]) {
            let header = column.spec.header(Lang::En);
            match (column.value)(&tasks[0], Lang::Vi) {
                Cell::Text(_) => assert!(
                    written.len() >= 2 && written.starts_with('"') && written.ends_with('"'),
                    "{header}: {written}"
                ),
                _ => assert!(!written.contains('"'), "{header}: {written}"),
            }
        }
        let row = &rows(&tasks, Lang::Vi)[1];
        assert_eq!(row[1], "NaN");
        assert_eq!(row[12], "115");
        assert_eq!(row[13], "115");
        assert_eq!(row[14], "2017-01-01");
        assert_eq!(row[15], "true");
        assert_eq!(raw[1][0], "1", "numbers are unquoted");
        assert_eq!(raw[1][10], "false", "booleans are unquoted");
        assert_eq!(raw[1][16], "2017-11-20", "dates are unquoted");
        assert_eq!(raw[1][11], "2017-11-20");
    }

    #[test]
    fn quoting_and_line_ends_follow_rfc_4180() {
        let bytes = tasks_csv(&fixture::tasks(), Lang::Vi);
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("\"Đã ký \"\"hợp đồng\"\", chờ nghiệm thu\n# Bước 2"));
        assert!(text.ends_with("\r\n"));
        assert_eq!(text.matches("\r\n").count(), 5);
    }

    #[test]
    fn english_headers_and_labels() {
        let rows = rows(&fixture::tasks(), Lang::En);
        assert_eq!(rows[0][1], "Task");
        assert_eq!(rows[2][8], "Blocked");
        assert_eq!(
            rows[3][1], "Tuyên truyền nâng cao nhận thức",
            "falls back to vi"
        );
    }

    #[test]
    fn hostile_input_keeps_one_record_per_task() {
        let summary = fixture::hostile_summary();
        let rows = rows(&summary.tasks, Lang::Vi);
        assert_eq!(rows.len(), summary.tasks.len() + 1);
        assert!(rows.iter().all(|r| r.len() == TASK_COLUMNS.len()));
        assert_eq!(rows[1][0], i32::MIN.to_string());
    }

    #[test]
    fn no_tasks_gives_the_header_only() {
        let rows = rows(&[], Lang::Vi);
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn vietnamese_round_trips() {
        let note =
            "Đã hoàn thành “Cổng dịch vụ công” – Hải Dương; ứng dụng CNTT ở 12 huyện, thị xã";
        assert_eq!(note_of(note), note);
        let mut task = fixture::tasks().remove(0);
        task.leads = vec![fixture::agency(
            "SKHĐT",
            "Sở Kế hoạch và Đầu tư",
            "Department of Planning and Investment",
        )];
        let row = &rows_of(&task)[1];
        assert_eq!(row[12], "SKHĐT");
        assert_eq!(row[13], "Sở Kế hoạch và Đầu tư");
    }

    #[test]
    fn decomposed_vietnamese_comes_out_composed() {
        assert_eq!(note_of("Ho\u{0302}\u{0300}ng"), "Hồng");
    }
}
