//! Test data shared by the table and PDF tests: a small plan with Vietnamese names, a note that
//! tries every CSV and markup trap, and empty or missing values; and a reporting round with one
//! submission of each state.

use chrono::{NaiveDate, NaiveDateTime};

use crate::model::{
    AgencyRef, Band, Direction, Figure, Figures, KpiSeries, KpiState, Point, Ranking, RankingEntry,
    Recurrence, Status, StatusBreakdown, StatusGroup, Summary, TaskRow, Text,
};
use crate::tables::{RoundAgencyRow, RoundRow, RoundSheet, SubmissionState};

/// A note an agency user might type: quotes, commas, a newline, markup and a formula.
pub const TRICKY_NOTE: &str = "Đã ký \"hợp đồng\", chờ nghiệm thu\n# Bước 2: =cmd|' /C calc'!A0";

/// A title full of Typst and Markdown markup characters.
pub const MARKUP_TITLE: &str =
    "Nâng cấp #cổng $dịch vụ$ *công* ] [x] \\ `code` <tag> @ref _a_ // c";

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub fn agency(code: &str, vi: &str, en: &str) -> AgencyRef {
    AgencyRef {
        code: code.to_owned(),
        name: Text::new(vi, en),
    }
}

fn task(number: i32, vi: &str, en: &str) -> TaskRow {
    TaskRow {
        number,
        title: Text::new(vi, en),
        main_task: Some("II.1".to_owned()),
        recurrence: Recurrence::Once,
        start_year: 2016,
        end_year: Some(2017),
        timeline: Text::new("2016-2017", "2016-2017"),
        due_date: Some(date(2017, 12, 31)),
        status: Status::InProgress,
        progress: 40,
        overdue: false,
        completed_on: None,
        periods: Vec::new(),
        leads: vec![agency(
            "STTTT",
            "Sở Thông tin và Truyền thông",
            "Department of Information and Communications",
        )],
        cooperating: Vec::new(),
        last_report_on: None,
        last_note: None,
    }
}

/// The fixture's tasks: a completed one, an overdue one with the tricky note, one with no dates
/// and no agencies, and one whose title is all markup.
pub fn tasks() -> Vec<TaskRow> {
    let mut first = task(
        1,
        "Kết nối, liên thông hệ thống quản lý văn bản và điều hành với Văn phòng Chính phủ",
        "Connect the document management system with the Government Office",
    );
    first.status = Status::Completed;
    first.progress = 100;
    first.completed_on = Some(date(2017, 11, 20));
    first.cooperating = vec![
        agency("SNV", "Sở Nội vụ", "Department of Home Affairs"),
        agency("STC", "Sở Tài chính", "Department of Finance"),
    ];
    first.last_report_on = Some(date(2017, 11, 20));
    first.last_note = Some("Hoàn thành, đã nghiệm thu".to_owned());

    let mut second = task(
        2,
        "Xây dựng hệ thống tích hợp kết nối liên thông các hệ thống thông tin tỉnh Hải Dương",
        "Build the integration platform linking Hải Dương's information systems",
    );
    second.overdue = true;
    second.status = Status::Blocked;
    second.progress = 35;
    second
        .leads
        .push(agency("VPUB", "Văn phòng UBND tỉnh", "PPC Office"));
    second.cooperating = vec![agency("SNV", "Sở Nội vụ", "Department of Home Affairs")];
    second.last_report_on = Some(date(2025, 6, 30));
    second.last_note = Some(TRICKY_NOTE.to_owned());

    let mut third = task(3, "Tuyên truyền nâng cao nhận thức", "");
    third.recurrence = Recurrence::Annual;
    third.main_task = None;
    third.end_year = None;
    third.due_date = None;
    third.status = Status::NotStarted;
    third.progress = 0;
    third.timeline = Text::new("Hàng năm", "Annually");
    third.leads = Vec::new();
    third.last_note = Some("-1+1 @SUM(A1)".to_owned());

    let mut fourth = task(4, MARKUP_TITLE, MARKUP_TITLE);
    fourth.leads = vec![agency(
        "X#1",
        "Cơ quan $x$ *đậm* \\ ] #set page(width: 1cm)",
        "Agency $x$",
    )];
    fourth.last_note = Some("+84 912 345 678".to_owned());

    vec![first, second, third, fourth]
}

/// A full plan: the fixture's tasks repeated up to the plan's 27, with long titles.
pub fn full_summary() -> Summary {
    let mut summary = summary();
    let base = tasks();
    summary.tasks = (1..=27)
        .map(|number| {
            let mut task = base[(number as usize - 1) % base.len()].clone();
            task.number = number;
            if number > 4 {
                task.title = Text::new(
                    format!(
                        "{} (nhiệm vụ số {number}): xây dựng, hướng dẫn, duy trì và cập nhật Kiến trúc Chính quyền điện tử tỉnh Hải Dương",
                        task.title.vi
                    ),
                    format!("{} (task {number})", task.title.get(crate::model::Lang::En)),
                );
            }
            task
        })
        .collect();
    summary
}

/// The fixture summary, as of 31 December 2025.
pub fn summary() -> Summary {
    let as_of = date(2025, 12, 31);
    let entry = |rank, code: &str, vi: &str, score, band| RankingEntry {
        rank,
        agency: agency(code, vi, code),
        score,
        band,
        tasks_assigned: 5,
        tasks_completed: 2,
        tasks_overdue: 1,
    };
    Summary {
        plan_code: "681/KH-UBND".to_owned(),
        plan_title: Text::new(
            "Kế hoạch hành động thực hiện Nghị quyết số 36a/NQ-CP ngày 14/10/2015 của Chính phủ về Chính phủ điện tử",
            "Action plan implementing the Government's Resolution No. 36a/NQ-CP of 14/10/2015 on e-Government",
        ),
        issuer: Text::new("UBND tỉnh Hải Dương", "Hải Dương Provincial People's Committee"),
        issued_on: date(2016, 4, 1),
        reporter: Text::new(
            "Sở Thông tin và Truyền thông",
            "Department of Information and Communications",
        ),
        as_of,
        figures: Figures {
            tasks_total: 27,
            completed: 9,
            in_progress: 12,
            not_started: 4,
            blocked: 2,
            overdue: 3,
            percent_complete: 61.48,
        },
        ranking: Ranking {
            as_of,
            group: Some(Text::new("Sở, ban, ngành", "Departments")),
            method: "2026.1".to_owned(),
            entries: vec![
                entry(1, "STTTT", "Sở Thông tin và Truyền thông", 92.5, Band::Good),
                entry(2, "SNV", "Sở Nội vụ", 74.25, Band::Fair),
                entry(3, "STC", "Sở Tài chính", 48.0, Band::Weak),
            ],
        },
        tasks: tasks(),
        kpis: vec![
            KpiSeries {
                code: "ICT_RANK".to_owned(),
                name: Text::new(
                    "Xếp hạng ứng dụng công nghệ thông tin của tỉnh",
                    "Province's ICT application rank",
                ),
                unit: "rank".to_owned(),
                direction: Direction::LowerIsBetter,
                baseline: Some(Point {
                    year: 2015,
                    value: 31.0,
                }),
                targets: vec![
                    Point {
                        year: 2018,
                        value: 25.0,
                    },
                    Point {
                        year: 2020,
                        value: 20.0,
                    },
                ],
                measurements: vec![Point {
                    year: 2020,
                    value: 18.0,
                }],
                latest: Some(Point {
                    year: 2020,
                    value: 18.0,
                }),
                state: KpiState::OnTrack,
                attainment: Some(111.1),
            },
            KpiSeries {
                code: "DVC_L3".to_owned(),
                name: Text::new(
                    "dịch vụ công được cung cấp trực tuyến ở mức độ 3",
                    "online public services at level 3",
                ),
                unit: "%".to_owned(),
                direction: Direction::HigherIsBetter,
                baseline: None,
                targets: vec![Point {
                    year: 2020,
                    value: 30.0,
                }],
                measurements: Vec::new(),
                latest: None,
                state: KpiState::NoData,
                attainment: None,
            },
        ],
        status: StatusBreakdown {
            as_of,
            grouping: Text::new("theo nhiệm vụ chủ yếu", "by main task"),
            counting: Text::new("Số nhiệm vụ theo tình trạng", "Tasks by status"),
            groups: vec![StatusGroup {
                code: "II.1".to_owned(),
                label: Text::new("Hoàn thiện môi trường pháp lý", "Legal framework"),
                completed: 1,
                in_progress: 2,
                not_started: 0,
                blocked: 1,
                overdue: 1,
            }],
        },
    }
}

/// A summary with nothing in it: no tasks, no KPIs, no ranking, zero figures.
pub fn empty_summary() -> Summary {
    let mut summary = summary();
    summary.plan_title = Text::default();
    summary.ranking.entries.clear();
    summary.ranking.group = None;
    summary.tasks.clear();
    summary.kpis.clear();
    summary.status.groups.clear();
    summary.figures = Figures::default();
    summary
}

/// A summary with every value at an extreme: control characters, emoji, right-to-left marks,
/// a 3000-character word, out-of-range numbers and dates at the ends of the calendar.
pub fn hostile_summary() -> Summary {
    let weird = "\u{0}\u{7}\u{202E}ngược😀\r\n\t]]]\\#{}$ /* */ </x> ''";
    let mut summary = full_summary();
    summary.plan_code = format!("{weird}#KH");
    summary.plan_title = Text::new(weird, weird);
    summary.issuer = Text::new(weird, "");
    summary.reporter = Text::new("", "");
    summary.as_of = NaiveDate::MAX;
    summary.issued_on = NaiveDate::MIN;
    summary.figures.percent_complete = f64::NAN;
    summary.figures.tasks_total = u32::MAX;
    for entry in &mut summary.ranking.entries {
        entry.score = f64::NEG_INFINITY;
        entry.agency.name = Text::new(weird, weird);
    }
    for (i, task) in summary.tasks.iter_mut().enumerate() {
        task.number = if i == 0 { i32::MIN } else { i32::MAX };
        task.progress = if i % 2 == 0 { -40 } else { 1000 };
        task.start_year = i32::MIN;
        task.end_year = Some(i32::MAX);
        task.due_date = Some(NaiveDate::MAX);
        task.completed_on = Some(NaiveDate::MIN);
        task.title = Text::new("x".repeat(3000), "");
        task.timeline = Text::new(weird, weird);
        task.last_note = Some(weird.to_owned());
        task.overdue = true;
    }
    for kpi in &mut summary.kpis {
        kpi.unit = weird.to_owned();
        kpi.targets.push(Point {
            year: i32::MAX,
            value: 1e300,
        });
        kpi.attainment = Some(f64::INFINITY);
    }
    summary
}

/// A PNG chart stand-in: coloured bars on white, `width` by `height` pixels.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let bar = x * 5 / width.max(1);
        let top = height - height * (bar + 1) / 6;
        if y >= top && x % (width / 5).max(1) > 4 {
            image::Rgb([40, 90 + 30 * bar as u8, 160])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageOutputFormat::Png)
        .unwrap_or_default();
    out.into_inner()
}

/// Two figures: a wide chart and a tall one (which must still fit on a page).
pub fn figures() -> Vec<Figure> {
    vec![
        Figure {
            caption: "Xếp hạng các sở, ban, ngành".to_owned(),
            png: png(1200, 600),
        },
        Figure {
            caption: "Tiến độ nhiệm vụ # $ * ]".to_owned(),
            png: png(500, 1400),
        },
    ]
}

/// A note that is a whole formula, as an agency user might paste it.
pub const ROUND_FORMULA_NOTE: &str = "=HYPERLINK(\"http://x.example\",\"Bấm\")";

/// Why the DIC returned the fixture round's report.
pub const ROUND_RETURN_REASON: &str =
    "Thiếu số liệu biểu 01; đề nghị bổ sung, \"ký số\" trước 22/12/2017";

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Option<NaiveDateTime> {
    date(y, m, d).and_hms_opt(h, min, s)
}

/// The Q4 2017 round of plan 681/KH-UBND (data from 15/09/2017 to 14/12/2017, due 18/12/2017):
/// one submission of each state, in that order (on time, late with a formula for a note,
/// returned with a note that hides a formula after a `;`, missing), and four agencies, SNV
/// owing nothing.
pub fn round() -> RoundSheet {
    let tasks = tasks();
    let sttt = tasks[0].leads[0].clone();
    let vpub = tasks[1].leads[1].clone();
    let skhdt = agency(
        "SKHĐT",
        "Sở Kế hoạch và Đầu tư",
        "Department of Planning and Investment",
    );
    let snv = agency("SNV", "Sở Nội vụ", "Department of Home Affairs");
    let submission = |task: &TaskRow, agency: &AgencyRef, state| RoundRow {
        task_number: task.number,
        task_title: task.title.clone(),
        agency: agency.clone(),
        state,
        submitted_at: None,
        effective_on: None,
        status: None,
        progress: None,
        note: None,
        return_reason: None,
    };
    let on_time = RoundRow {
        submitted_at: at(2017, 12, 15, 16, 45, 30),
        effective_on: Some(date(2017, 12, 14)),
        status: Some(Status::Completed),
        progress: Some(100),
        note: Some("Hoàn thành, đã nghiệm thu".to_owned()),
        ..submission(&tasks[0], &sttt, SubmissionState::OnTime)
    };
    let late = RoundRow {
        submitted_at: at(2017, 12, 20, 8, 5, 0),
        effective_on: Some(date(2017, 12, 10)),
        status: Some(Status::Blocked),
        progress: Some(35),
        note: Some(ROUND_FORMULA_NOTE.to_owned()),
        ..submission(&tasks[1], &sttt, SubmissionState::Late)
    };
    let returned = RoundRow {
        submitted_at: at(2017, 12, 17, 9, 30, 0),
        effective_on: Some(date(2017, 12, 1)),
        status: Some(Status::InProgress),
        progress: Some(50),
        note: Some("Đã xong;=1+2".to_owned()),
        return_reason: Some(ROUND_RETURN_REASON.to_owned()),
        ..submission(&tasks[1], &vpub, SubmissionState::Returned)
    };
    let missing = submission(&tasks[2], &skhdt, SubmissionState::Missing);
    let counts = |agency: &AgencyRef, on_time, late, returned, missing| RoundAgencyRow {
        agency: agency.clone(),
        owed: on_time + late + returned + missing,
        on_time,
        late,
        returned,
        missing,
    };
    RoundSheet {
        plan_code: "681/KH-UBND".to_owned(),
        period_code: "2017-Q4".to_owned(),
        period_label: Text::new("Quý IV/2017", "Q4 2017"),
        from: date(2017, 9, 15),
        to: date(2017, 12, 14),
        deadline: date(2017, 12, 18),
        rows: vec![on_time, late, returned, missing],
        agencies: vec![
            counts(&skhdt, 0, 0, 0, 1),
            counts(&snv, 0, 0, 0, 0),
            counts(&sttt, 1, 1, 0, 0),
            counts(&vpub, 0, 0, 1, 0),
        ],
    }
}
