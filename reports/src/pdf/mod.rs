//! The consolidated report a leader prints and signs: A4, in Vietnamese or English, laid out
//! with Typst from the template `summary.typ` and the embedded DejaVu Sans, so the text is real
//! (searchable, copyable) and the output is the same on every machine.
//!
//! Data reaches the template only as Typst values in `sys.inputs` (strings, arrays, bytes),
//! never spliced into markup, so a `#`, `$` or `]` in a name or note prints as typed. Labels are
//! chosen here, in the report's language, and the template only lays them out. The PDF's creation
//! date and identifier derive from the report's date, so the same data gives the same bytes.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::SourceDiagnostic;
use typst::foundations::{dict, Bytes, Datetime, Dict, IntoValue, Smart, Value};
use typst_as_lib::{TypstAsLibError, TypstEngine, TypstTemplateMainFile};
use typst_pdf::{PdfOptions, Timestamp};

use crate::model::{nfc, Figure, Lang, Summary, TaskRow};
use crate::tables::{
    agency_names, format_number, format_point, targets_text, unit_label, RoundSheet,
};
use crate::{fonts, RenderError, Result};

static TEMPLATE: &str = include_str!("summary.typ");

/// Where the report is signed, for the place and date line.
const PLACE: &str = "Hải Dương";

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The consolidated report of `summary` as a PDF in `lang`: header and title, headline figures,
/// every chart of `figures` (PNG, fitted to the page width), the ranking, the task table, the
/// KPI table, the overdue tasks, page numbers and a signature block.
pub fn summary(summary: &Summary, figures: &[Figure], lang: Lang) -> Result<Vec<u8>> {
    summary_with_round(summary, figures, None, lang)
}

/// [`summary`] with a section on a reporting round (Decree 09/2019/NĐ-CP) before the signature:
/// how many reports each agency owed and how they came, and every lead's submission. The
/// report frozen automatically after a period's deadline carries it.
pub fn summary_with_round(
    summary: &Summary,
    figures: &[Figure],
    round: Option<&RoundSheet>,
    lang: Lang,
) -> Result<Vec<u8>> {
    for (i, figure) in figures.iter().enumerate() {
        if !figure.png.starts_with(PNG_SIGNATURE) {
            return Err(RenderError::Document(format!(
                "figure {} (\"{}\") is not a PNG image",
                i + 1,
                figure.caption
            )));
        }
    }
    let document = engine()
        .compile_with_input(inputs(summary, figures, round, lang))
        .output
        .map_err(|e| RenderError::Document(describe(e)))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "egov-tracker/{}/{}/{}",
            summary.plan_code,
            summary.as_of,
            lang.code()
        )),
        timestamp: timestamp(summary.as_of),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options)
        .map_err(|errors| RenderError::Document(diagnostics(&errors)))
}

fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts([fonts::regular(), fonts::bold()])
            .build()
    })
}

fn timestamp(date: NaiveDate) -> Option<Timestamp> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    Datetime::from_ymd_hms(date.year(), month, day, 0, 0, 0).map(Timestamp::new_utc)
}

fn describe(error: TypstAsLibError) -> String {
    match error {
        TypstAsLibError::TypstSource(errors) => diagnostics(&errors),
        other => other.to_string(),
    }
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|error| {
            let mut text = error.message.to_string();
            for hint in &error.hints {
                text.push_str(" (hint: ");
                text.push_str(&hint.v);
                text.push(')');
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A date as readers of `lang` write it: `31/12/2025` or `31 December 2025`.
fn long_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%-d %B %Y").to_string(),
    }
}

/// A date in a table cell: `31/12/2025` or `2025-12-31`.
fn short_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    }
}

/// The place and date line above the signature, in the administrative style of `lang`
/// ("Hải Dương, ngày 05 tháng 02 năm 2026": a zero before days under 10 and months 1 and 2).
fn place_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => {
            let month = if date.month() <= 2 {
                format!("{:02}", date.month())
            } else {
                date.month().to_string()
            };
            format!(
                "{PLACE}, ngày {:02} tháng {month} năm {}",
                date.day(),
                date.year()
            )
        }
        Lang::En => format!("{PLACE}, {}", long_date(date, lang)),
    }
}

fn upper(text: &str) -> String {
    nfc(&text.to_uppercase())
}

fn or_dash(text: String) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text
    }
}

fn strings(items: &[&str]) -> Value {
    items
        .iter()
        .map(|s| (*s).to_owned())
        .collect::<Vec<_>>()
        .into_value()
}

/// The round section's values: title, introduction, the per-agency table and the submissions.
fn round_inputs(round: &RoundSheet, lang: Lang) -> Dict {
    let label = round.period_label.get(lang);
    let (from, to, deadline) = (
        short_date(round.from, lang),
        short_date(round.to, lang),
        short_date(round.deadline, lang),
    );
    let owed: u32 = round.agencies.iter().map(|a| a.owed).sum();
    let on_time: u32 = round.agencies.iter().map(|a| a.on_time).sum();
    let intro = match lang {
        Lang::Vi => format!(
            "Kỳ báo cáo {label}: số liệu từ ngày {from} đến ngày {to}, hạn nộp ngày {deadline}. \
             Các cơ quan chủ trì phải nộp {owed} báo cáo; {on_time} báo cáo nộp đúng hạn."
        ),
        Lang::En => format!(
            "Reporting round {label}: data from {from} to {to}, due on {deadline}. Lead \
             agencies owed {owed} reports; {on_time} came on time."
        ),
    };
    dict! {
        "title" => match lang {
            Lang::Vi => format!("Tình hình nộp báo cáo kỳ {label}"),
            Lang::En => format!("Reports submitted for {label}"),
        },
        "intro" => intro,
        "agency_columns" => match lang {
            Lang::Vi => strings(&["Cơ quan", "Phải nộp", "Đúng hạn", "Trễ hạn", "Bị trả lại", "Chưa nộp"]),
            Lang::En => strings(&["Agency", "Owed", "On time", "Late", "Returned", "Not submitted"]),
        },
        "agencies" => round.agencies.iter().map(|a| vec![
            a.agency.name.get(lang),
            a.owed.to_string(),
            a.on_time.to_string(),
            a.late.to_string(),
            a.returned.to_string(),
            a.missing.to_string(),
        ]).collect::<Vec<_>>(),
        "columns" => match lang {
            Lang::Vi => strings(&["STT", "Cơ quan chủ trì", "Tình trạng nộp", "Thời điểm nộp", "Tiến độ"]),
            Lang::En => strings(&["No.", "Lead agency", "Submission", "Submitted", "Progress"]),
        },
        "rows" => round.rows.iter().map(|r| vec![
            r.task_number.to_string(),
            r.agency.name.get(lang),
            r.state.label(lang).to_owned(),
            r.submitted_at
                .map(|at| format!("{} {}", short_date(at.date(), lang), at.format("%H:%M")))
                .unwrap_or_else(|| "—".to_owned()),
            r.progress.map(|p| format!("{p}%")).unwrap_or_else(|| "—".to_owned()),
        ]).collect::<Vec<_>>(),
    }
}

fn inputs(summary: &Summary, figures: &[Figure], round: Option<&RoundSheet>, lang: Lang) -> Dict {
    let pick = |vi: &'static str, en: &'static str| lang.pick(vi, en);
    let code = nfc(summary.plan_code.trim());
    let issuer = summary.issuer.get(lang);
    let reporter = summary.reporter.get(lang);
    let as_of = long_date(summary.as_of, lang);
    let issued = long_date(summary.issued_on, lang);

    let subtitle = match lang {
        Lang::Vi => format!("Tình hình thực hiện Kế hoạch số {code} ngày {issued} của {issuer}"),
        Lang::En => format!("Implementation of Plan No. {code} of {issued} of the {issuer}"),
    };
    let intro = match lang {
        Lang::Vi => format!(
            "Thực hiện Kế hoạch số {code} ngày {issued} của {issuer}, {reporter} báo cáo tình \
             hình thực hiện Kế hoạch tính đến ngày {as_of} như sau:"
        ),
        Lang::En => format!(
            "Under Plan No. {code} of {issued} of the {issuer}, the {reporter} reports on the \
             implementation of the plan as of {as_of} as follows."
        ),
    };

    let overdue: Vec<&TaskRow> = summary.tasks.iter().filter(|t| t.overdue).collect();
    let overdue_intro = match lang {
        Lang::Vi => format!("Có {} nhiệm vụ quá hạn:", overdue.len()),
        Lang::En if overdue.len() == 1 => "One task is overdue:".to_owned(),
        Lang::En => format!("{} tasks are overdue:", overdue.len()),
    };

    let labels = dict! {
        "page" => pick("Trang", "Page"),
        "page_of" => pick("/", " of "),
        "figure" => pick("Hình", "Figure"),
        "overview" => pick("Tổng quan", "Overview"),
        "charts" => pick("Biểu đồ", "Charts"),
        "ranking" => pick("Xếp hạng các cơ quan, đơn vị", "Agency ranking"),
        "tasks" => pick("Tình hình thực hiện các nhiệm vụ", "Progress of the tasks"),
        "kpis" => pick("Các chỉ tiêu", "Key performance indicators"),
        "overdue" => pick("Nhiệm vụ quá hạn", "Overdue tasks"),
        "no_ranking" => pick("Chưa có dữ liệu xếp hạng.", "No ranking data yet."),
        "no_tasks" => pick("Chưa có nhiệm vụ.", "No tasks."),
        "no_kpis" => pick("Chưa có chỉ tiêu.", "No KPIs."),
        "no_overdue" => pick("Không có nhiệm vụ nào quá hạn.", "No task is overdue."),
        "overdue_mark" => pick("Có", "Yes"),
        "ranking_columns" => match lang {
            Lang::Vi => strings(&["Hạng", "Mã", "Cơ quan", "Điểm", "Xếp loại", "Được giao", "Hoàn thành", "Quá hạn"]),
            Lang::En => strings(&["Rank", "Code", "Agency", "Score", "Band", "Assigned", "Completed", "Overdue"]),
        },
        "task_columns" => match lang {
            Lang::Vi => strings(&["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian", "Trạng thái", "Tiến độ", "Quá hạn"]),
            Lang::En => strings(&["No.", "Task", "Lead agencies", "Timeline", "Status", "Progress", "Overdue"]),
        },
        "kpi_columns" => match lang {
            Lang::Vi => strings(&["Chỉ tiêu", "Đơn vị", "Ban đầu", "Mục tiêu", "Mới nhất", "Mức đạt", "Đánh giá"]),
            Lang::En => strings(&["Indicator", "Unit", "Baseline", "Target", "Latest", "Attained", "State"]),
        },
        "overdue_columns" => match lang {
            Lang::Vi => strings(&["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Hạn", "Trạng thái", "Tiến độ"]),
            Lang::En => strings(&["No.", "Task", "Lead agencies", "Due", "Status", "Progress"]),
        },
        "preparer" => pick("NGƯỜI LẬP BÁO CÁO", "PREPARED BY"),
        "preparer_hint" => pick("(Ký, ghi rõ họ tên)", "(Signature and full name)"),
        "director" => pick("GIÁM ĐỐC", "DIRECTOR"),
        "director_hint" => pick("(Ký tên, đóng dấu)", "(Signature and seal)"),
    };

    dict! {
        "lang" => lang.code(),
        "labels" => labels,
        "document_title" => match lang {
            Lang::Vi => format!("Báo cáo tình hình thực hiện Kế hoạch số {code} (số liệu đến {as_of})"),
            Lang::En => format!("Report on the implementation of Plan No. {code} (as of {as_of})"),
        },
        "author" => reporter.clone(),
        "plan_code" => code.clone(),
        "header" => dict! {
            "superior" => upper(&issuer),
            "agency" => upper(&reporter),
            "motto" => pick("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
            "motto_sub" => pick("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
        },
        "title" => pick("BÁO CÁO", "REPORT"),
        "subtitle" => subtitle,
        "plan_title" => summary.plan_title.get(lang),
        "as_of_line" => match lang {
            Lang::Vi => format!("Số liệu tính đến ngày {as_of}"),
            Lang::En => format!("Figures as of {as_of}"),
        },
        "intro" => intro,
        "footer" => match lang {
            Lang::Vi => format!("{reporter} · Báo cáo thực hiện Kế hoạch số {code} · Số liệu đến {as_of}"),
            Lang::En => format!("{reporter} · Report on Plan No. {code} · As of {as_of}"),
        },
        "figures" => headline_figures(summary, lang),
        "charts" => figures
            .iter()
            .map(|f| dict! {
                "caption" => nfc(f.caption.trim()),
                "png" => Bytes::new(f.png.clone()),
            })
            .collect::<Vec<_>>(),
        "ranking" => dict! {
            "note" => ranking_note(summary, lang),
            "rows" => summary.ranking.entries.iter().map(|e| vec![
                e.rank.to_string(),
                nfc(&e.agency.code),
                e.agency.name.get(lang),
                format_number(e.score, lang),
                e.band.label(lang).to_owned(),
                e.tasks_assigned.to_string(),
                e.tasks_completed.to_string(),
                e.tasks_overdue.to_string(),
            ]).collect::<Vec<_>>(),
        },
        "tasks" => summary.tasks.iter().map(|t| dict! {
            "number" => t.number.to_string(),
            "title" => t.title.get(lang),
            "leads" => or_dash(agency_names(&t.leads, lang)),
            "timeline" => or_dash(t.timeline.get(lang)),
            "status" => t.status.label(lang),
            "status_code" => t.status.code(),
            "progress" => format!("{}%", t.progress),
            "overdue" => t.overdue,
        }).collect::<Vec<_>>(),
        "kpis" => summary.kpis.iter().map(|k| vec![
            k.name.get(lang),
            or_dash(unit_label(&k.unit, lang)),
            or_dash(k.baseline.map(|p| format_point(&p, lang)).unwrap_or_default()),
            or_dash(targets_text(k, lang)),
            or_dash(k.latest.map(|p| format_point(&p, lang)).unwrap_or_default()),
            or_dash(k.attainment.filter(|a| a.is_finite()).map(|a| format!("{}%", format_number(a, lang))).unwrap_or_default()),
            k.state.label(lang).to_owned(),
        ]).collect::<Vec<_>>(),
        "overdue_intro" => overdue_intro,
        "overdue" => overdue.iter().map(|t| vec![
            t.number.to_string(),
            t.title.get(lang),
            or_dash(agency_names(&t.leads, lang)),
            t.due_date.map(|d| short_date(d, lang)).unwrap_or_else(|| "—".to_owned()),
            t.status.label(lang).to_owned(),
            format!("{}%", t.progress),
        ]).collect::<Vec<_>>(),
        "place_date" => place_date(summary.as_of, lang),
        "round" => round.map_or(Value::None, |r| round_inputs(r, lang).into_value()),
    }
}

fn headline_figures(summary: &Summary, lang: Lang) -> Vec<Dict> {
    let f = &summary.figures;
    let count = |label: &'static str, value: u32| {
        dict! { "label" => label, "value" => value.to_string(), "highlight" => false }
    };
    vec![
        count(
            lang.pick("Tổng số nhiệm vụ", "Tasks in total"),
            f.tasks_total,
        ),
        count(lang.pick("Hoàn thành", "Completed"), f.completed),
        count(lang.pick("Đang triển khai", "In progress"), f.in_progress),
        count(lang.pick("Chưa triển khai", "Not started"), f.not_started),
        count(lang.pick("Vướng mắc", "Blocked"), f.blocked),
        count(lang.pick("Quá hạn", "Overdue"), f.overdue),
        dict! {
            "label" => lang.pick("Tỷ lệ hoàn thành (tiến độ bình quân)", "Percent complete (mean progress)"),
            "value" => format!("{}%", format_number(f.percent_complete, lang)),
            "highlight" => true,
        },
    ]
}

fn ranking_note(summary: &Summary, lang: Lang) -> String {
    let ranking = &summary.ranking;
    let mut parts = Vec::new();
    if let Some(group) = &ranking.group {
        let group = group.get(lang);
        if !group.trim().is_empty() {
            parts.push(format!("{}: {group}", lang.pick("Nhóm", "Group")));
        }
    }
    if !ranking.method.trim().is_empty() {
        parts.push(format!(
            "{}: {}",
            lang.pick("Phương pháp chấm điểm", "Scoring method"),
            nfc(ranking.method.trim())
        ));
    }
    parts.push(format!(
        "{} {}",
        lang.pick("Tính đến ngày", "As of"),
        long_date(ranking.as_of, lang)
    ));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;
    use std::time::Instant;

    use super::*;
    use crate::tables::fixture;

    /// The PDF's text through `pdftotext` with runs of whitespace collapsed; `None` when poppler
    /// is not installed.
    fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
        let path = std::env::temp_dir().join(format!("reports-{}-{name}.pdf", std::process::id()));
        std::fs::write(&path, pdf).ok()?;
        let output = Command::new("pdftotext")
            .arg("-enc")
            .arg("UTF-8")
            .arg(&path)
            .arg("-")
            .output()
            .ok()?;
        let _ = std::fs::remove_file(&path);
        assert!(output.status.success(), "pdftotext failed");
        let text = String::from_utf8(output.stdout).expect("UTF-8 text");
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn render(summary: &Summary, figures: &[Figure], lang: Lang) -> Vec<u8> {
        let started = Instant::now();
        let pdf = super::summary(summary, figures, lang).expect("the report renders");
        eprintln!("rendered {} bytes in {:?}", pdf.len(), started.elapsed());
        if let Ok(dir) = std::env::var("REPORTS_PDF_DIR") {
            let name = format!("summary-{}-{}.pdf", lang.code(), summary.tasks.len());
            std::fs::write(Path::new(&dir).join(name), &pdf).expect("write the sample");
        }
        pdf
    }

    #[test]
    fn the_report_has_real_text() {
        let pdf = render(&fixture::summary(), &fixture::figures(), Lang::Vi);
        assert!(pdf.starts_with(b"%PDF"));
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("DejaVuSans"), "DejaVu Sans is embedded");
        match pdftotext(&pdf, "vi") {
            Some(text) => {
                for needle in [
                    "681/KH-UBND",
                    "Sở Thông tin và Truyền thông",
                    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
                    "UBND TỈNH HẢI DƯƠNG",
                    "Xây dựng hệ thống tích hợp kết nối liên thông",
                    "Số liệu tính đến ngày 31/12/2025",
                    "Hải Dương, ngày 31 tháng 12 năm 2025",
                    "NGƯỜI LẬP BÁO CÁO",
                    "GIÁM ĐỐC",
                    "Nâng cấp #cổng $dịch vụ$ *công* ] [x] \\ `code` <tag> @ref _a_ // c",
                    "Cơ quan $x$ *đậm* \\ ] #set page(width: 1cm)",
                    "61,48%",
                    "Trang 1/",
                ] {
                    assert!(text.contains(needle), "{needle:?} not in {text}");
                }
            }
            None => {
                eprintln!("pdftotext is not installed: checking the font's ToUnicode map only");
                assert!(raw.contains("/ToUnicode"), "text maps back to Unicode");
            }
        }
    }

    #[test]
    fn the_full_plan_spans_pages_with_repeated_headers() {
        let pdf = render(&fixture::full_summary(), &fixture::figures(), Lang::Vi);
        if let Some(text) = pdftotext(&pdf, "full") {
            assert!(text.contains("Trang 5/"), "several pages");
            assert!(
                text.matches("Cơ quan chủ trì").count() >= 3,
                "the task table's header repeats on each page"
            );
            assert!(text.contains("(nhiệm vụ số 27)"));
        }
    }

    #[test]
    fn english_report() {
        let pdf = render(&fixture::summary(), &[], Lang::En);
        if let Some(text) = pdftotext(&pdf, "en") {
            for needle in [
                "REPORT",
                "681/KH-UBND",
                "Department of Information and Communications",
                "Figures as of 31 December 2025",
                "One task is overdue",
                "PREPARED BY",
                "DIRECTOR",
                "Page 1 of",
            ] {
                assert!(text.contains(needle), "{needle:?} not in {text}");
            }
        }
    }

    #[test]
    fn a_round_adds_its_section_before_the_signature() {
        let round = fixture::round();
        let pdf = summary_with_round(&fixture::summary(), &[], Some(&round), Lang::Vi)
            .unwrap_or_default();
        assert!(pdf.starts_with(b"%PDF"));
        if let Some(text) = pdftotext(&pdf, "round") {
            let section = text
                .find("Tình hình nộp báo cáo kỳ")
                .expect("the round's heading");
            let signature = text
                .rfind("NGƯỜI LẬP BÁO CÁO")
                .expect("the signature block");
            assert!(section < signature, "the round comes before the signature");
            for needle in ["Phải nộp", "Bị trả lại", "Chưa nộp", "Thời điểm nộp"]
            {
                assert!(text.contains(needle), "{needle} in {text}");
            }
        }
    }

    #[test]
    fn empty_summary_still_renders() {
        let pdf = render(&fixture::empty_summary(), &[], Lang::Vi);
        assert!(pdf.starts_with(b"%PDF"));
        if let Some(text) = pdftotext(&pdf, "empty") {
            assert!(text.contains("Không có nhiệm vụ nào quá hạn."), "{text}");
            assert!(text.contains("Chưa có nhiệm vụ."));
        }
    }

    #[test]
    fn same_data_same_bytes() {
        let summary = fixture::summary();
        let figures = fixture::figures();
        let first = render(&summary, &figures, Lang::Vi);
        let second = render(&summary, &figures, Lang::Vi);
        assert!(first == second, "the PDF is deterministic");
    }

    #[test]
    fn hostile_input_renders() {
        let mut figures = fixture::figures();
        figures[0].caption = "\u{0}]#$*\\".to_owned();
        figures.push(Figure {
            caption: String::new(),
            png: fixture::png(1, 1),
        });
        for lang in [Lang::Vi, Lang::En] {
            let pdf = render(&fixture::hostile_summary(), &figures, lang);
            assert!(pdf.starts_with(b"%PDF"));
        }
    }

    #[test]
    fn a_figure_that_is_not_a_png_is_an_error() {
        let figures = [Figure {
            caption: "Hỏng".to_owned(),
            png: b"GIF89a".to_vec(),
        }];
        let error = super::summary(&fixture::summary(), &figures, Lang::Vi).unwrap_err();
        assert!(error.to_string().contains("not a PNG"), "{error}");
        let figures = [Figure {
            caption: "Cắt cụt".to_owned(),
            png: PNG_SIGNATURE.to_vec(),
        }];
        let error = super::summary(&fixture::summary(), &figures, Lang::Vi).unwrap_err();
        assert!(matches!(error, RenderError::Document(_)), "{error}");
    }

    #[test]
    fn dates_follow_the_administrative_style() {
        assert_eq!(
            place_date(fixture::date(2026, 2, 5), Lang::Vi),
            "Hải Dương, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            place_date(fixture::date(2025, 12, 31), Lang::En),
            "Hải Dương, 31 December 2025"
        );
    }
}
