//! The task list as CSV for Excel and scripts: UTF-8 with a byte-order mark (without it Excel
//! reads Vietnamese as Windows-1252), RFC 4180 quoting, CRLF line ends.
//!
//! Notes and names come from agency users, so a text cell that starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return gets a leading apostrophe: Excel would otherwise run it as a formula
//! (CSV injection). Numbers and dates are written plainly and never prefixed.

use super::{Cell, TASK_COLUMNS};
use crate::model::{Lang, TaskRow};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The tasks as CSV: a header row in `lang`, then one row per task, in the columns of
/// [`TASK_COLUMNS`](super::TASK_COLUMNS). Dates are ISO (`yyyy-mm-dd`), overdue is
/// `true`/`false`, agency lists are joined with `"; "`.
pub fn tasks_csv(tasks: &[TaskRow], lang: Lang) -> Vec<u8> {
    let mut out = Vec::with_capacity(512 + tasks.len() * 512);
    out.extend_from_slice(BOM);
    write_record(
        &mut out,
        TASK_COLUMNS.iter().map(|c| c.spec.header(lang).to_owned()),
    );
    for task in tasks {
        write_record(
            &mut out,
            TASK_COLUMNS.iter().map(|c| field((c.value)(task, lang))),
        );
    }
    out
}

fn field(cell: Cell) -> String {
    match cell {
        Cell::Text(text) => neutralise(text),
        Cell::Int(value) => value.to_string(),
        Cell::Number(value) | Cell::Percent(value) if value.is_finite() => value.to_string(),
        Cell::Number(_) | Cell::Percent(_) | Cell::Empty => String::new(),
        Cell::Bool(value) => value.to_string(),
        Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
    }
}

fn neutralise(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

fn write_record(out: &mut Vec<u8>, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if field.contains(['"', ',', '\r', '\n']) {
            out.push(b'"');
            out.extend_from_slice(field.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(field.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::fixture;

    /// A minimal RFC 4180 reader: records of fields, quotes doubled inside quoted fields.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, ',') => record.push(std::mem::take(&mut field)),
                (false, '\r') => {
                    assert_eq!(chars.next(), Some('\n'), "a bare CR ends a line");
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (false, '\n') => panic!("a bare LF ends a line"),
                (false, c) => field.push(c),
            }
        }
        assert!(
            field.is_empty() && record.is_empty(),
            "last line ends with CRLF"
        );
        records
    }

    fn rows(tasks: &[TaskRow], lang: Lang) -> Vec<Vec<String>> {
        let bytes = tasks_csv(tasks, lang);
        assert!(bytes.starts_with(BOM), "starts with a UTF-8 BOM");
        let text = std::str::from_utf8(&bytes[BOM.len()..]).expect("UTF-8");
        parse(text)
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
    fn formulas_are_neutralised() {
        let rows = rows(&fixture::tasks(), Lang::Vi);
        assert_eq!(rows[3][17], "'-1+1 @SUM(A1)");
        assert_eq!(rows[4][17], "'+84 912 345 678");
        let mut task = fixture::tasks().remove(0);
        for (note, expected) in [
            ("=cmd", "'=cmd"),
            ("@x", "'@x"),
            ("\tx", "'\tx"),
            ("a=b", "a=b"),
        ] {
            task.last_note = Some(note.to_owned());
            assert_eq!(rows_of(&task)[1][17], expected);
        }
        for row in &rows[1..] {
            for cell in row {
                assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
            }
        }
    }

    fn rows_of(task: &TaskRow) -> Vec<Vec<String>> {
        rows(std::slice::from_ref(task), Lang::Vi)
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
    fn decomposed_vietnamese_comes_out_composed() {
        let mut task = fixture::tasks().remove(0);
        task.last_note = Some("Ho\u{0302}\u{0300}ng".to_owned());
        assert_eq!(rows_of(&task)[1][17], "Hồng");
    }
}
