//! Small, realistic inputs for the chart tests (Vietnamese names with diacritics, every
//! recurrence and period state, one KPI of each direction) and helpers to inspect the output.

use chrono::NaiveDate;

use crate::model::*;

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn as_of() -> NaiveDate {
    day(2020, 12, 31)
}

fn agency(code: &str, vi: &str, en: &str) -> AgencyRef {
    AgencyRef {
        code: code.into(),
        name: Text::new(vi, en),
    }
}

pub(crate) const AGENCIES: [(&str, &str, &str); 6] = [
    (
        "STTTT",
        "Sở Thông tin và Truyền thông",
        "Department of Information and Communications",
    ),
    ("SNV", "Sở Nội vụ", "Department of Home Affairs"),
    (
        "SKHDT",
        "Sở Kế hoạch và Đầu tư",
        "Department of Planning and Investment",
    ),
    (
        "BQLKCN",
        "Ban Quản lý các khu công nghiệp tỉnh Hải Dương và các cụm công nghiệp trên địa bàn",
        "Management Board of the Industrial Zones of Hải Dương Province",
    ),
    (
        "STNMT",
        "Sở Tài nguyên và Môi trường",
        "Department of Natural Resources and Environment",
    ),
    (
        "UBNDTPHD",
        "Ủy ban nhân dân thành phố Hải Dương",
        "Hải Dương City People's Committee",
    ),
];

/// A ranking of `n` agencies, best first, cycling through [`AGENCIES`].
pub(crate) fn ranking_of(n: usize) -> Ranking {
    let entries = (0..n)
        .map(|i| {
            let (code, vi, en) = AGENCIES[i % AGENCIES.len()];
            let score = 96.5 - i as f64 * 95.0 / n.max(1) as f64;
            RankingEntry {
                rank: i as u32 + 1,
                agency: agency(&format!("{code}{i}"), vi, en),
                score,
                band: match score {
                    s if s >= 80.0 => Band::Good,
                    s if s >= 65.0 => Band::Fair,
                    s if s >= 50.0 => Band::Average,
                    _ => Band::Weak,
                },
                tasks_assigned: 10,
                tasks_completed: 5,
                tasks_overdue: 1,
            }
        })
        .collect();
    Ranking {
        as_of: as_of(),
        group: Some(Text::new("Sở, ban, ngành", "Departments")),
        method: "2026.1".into(),
        entries,
    }
}

pub(crate) fn ranking() -> Ranking {
    ranking_of(AGENCIES.len())
}

fn task(number: i32, vi: &str, en: &str, recurrence: Recurrence, start: i32) -> TaskRow {
    TaskRow {
        number,
        title: Text::new(vi, en),
        main_task: Some("II.1".into()),
        recurrence,
        start_year: start,
        end_year: None,
        timeline: Text::new("", ""),
        due_date: None,
        status: Status::InProgress,
        progress: 50,
        overdue: false,
        completed_on: None,
        periods: Vec::new(),
        leads: vec![agency("STTTT", AGENCIES[0].1, AGENCIES[0].2)],
        cooperating: Vec::new(),
        last_report_on: None,
        last_note: None,
    }
}

fn periods(states: &[(i32, PeriodState)]) -> Vec<YearState> {
    states
        .iter()
        .map(|&(year, state)| YearState { year, state })
        .collect()
}

pub(crate) fn timeline() -> Timeline {
    use PeriodState::*;
    let mut done = task(
        1,
        "Xây dựng Cổng dịch vụ công trực tuyến của tỉnh",
        "Build the province's online public service portal",
        Recurrence::Once,
        2016,
    );
    done.end_year = Some(2017);
    done.due_date = Some(day(2017, 12, 31));
    done.status = Status::Completed;
    done.progress = 100;
    done.completed_on = Some(day(2017, 9, 15));

    let mut late = task(
        2,
        "Triển khai hệ thống quản lý văn bản và điều hành liên thông bốn cấp chính quyền trên toàn tỉnh",
        "Roll out the document management system linking all four levels of government in the province",
        Recurrence::Once,
        2017,
    );
    late.end_year = Some(2019);
    late.due_date = Some(day(2019, 12, 31));
    late.progress = 60;
    late.overdue = true;

    let mut annual = task(
        3,
        "Báo cáo tình hình ứng dụng công nghệ thông tin",
        "Report on the use of information technology",
        Recurrence::Annual,
        2016,
    );
    annual.periods = periods(&[
        (2016, Met),
        (2017, Met),
        (2018, Missed),
        (2019, Met),
        (2020, Open),
    ]);
    annual.overdue = true;

    let mut ongoing = task(
        4,
        "Bảo đảm an toàn, an ninh thông tin",
        "Ensure information security",
        Recurrence::Ongoing,
        2019,
    );
    ongoing.periods = periods(&[(2019, Met), (2020, Open), (2021, Upcoming)]);
    ongoing.status = Status::Blocked;
    ongoing.progress = 20;

    let mut odd = task(5, "Đào tạo cán bộ", "Train staff", Recurrence::Once, 2030);
    odd.progress = 150;
    odd.status = Status::NotStarted;
    odd.completed_on = Some(day(1990, 1, 1));

    Timeline {
        as_of: as_of(),
        first_year: 2016,
        last_year: 2021,
        tasks: vec![done, late, annual, ongoing, odd],
    }
}

fn point(year: i32, value: f64) -> Point {
    Point { year, value }
}

pub(crate) fn kpi_rank() -> KpiSeries {
    KpiSeries {
        code: "ICT_RANK".into(),
        name: Text::new(
            "Xếp hạng chỉ số ICT Index của tỉnh",
            "Province's ICT Index rank",
        ),
        unit: "hạng".into(),
        direction: Direction::LowerIsBetter,
        baseline: Some(point(2015, 31.0)),
        targets: vec![point(2018, 25.0), point(2020, 20.0)],
        measurements: vec![point(2016, 30.0), point(2017, 28.0), point(2019, 24.0)],
        latest: Some(point(2019, 24.0)),
        state: KpiState::Behind,
        attainment: Some(83.3),
    }
}

pub(crate) fn kpi_share() -> KpiSeries {
    KpiSeries {
        code: "DVC_LEVEL34".into(),
        name: Text::new(
            "Tỷ lệ dịch vụ công trực tuyến mức độ 3, 4",
            "Share of online public services at level 3-4",
        ),
        unit: "%".into(),
        direction: Direction::HigherIsBetter,
        baseline: Some(point(2015, 5.0)),
        targets: vec![point(2017, 30.0), point(2020, 50.0)],
        measurements: vec![point(2016, 12.0), point(2018, 27.5), point(2020, 41.0)],
        latest: Some(point(2020, 41.0)),
        state: KpiState::OnTrack,
        attainment: Some(82.0),
    }
}

pub(crate) fn kpis() -> Vec<KpiSeries> {
    vec![kpi_rank(), kpi_share()]
}

fn group(code: &str, vi: &str, en: &str, counts: [u32; 5]) -> StatusGroup {
    StatusGroup {
        code: code.into(),
        label: Text::new(vi, en),
        completed: counts[0],
        in_progress: counts[1],
        not_started: counts[2],
        blocked: counts[3],
        overdue: counts[4],
    }
}

pub(crate) fn status() -> StatusBreakdown {
    StatusBreakdown {
        as_of: as_of(),
        grouping: Text::new("theo nhiệm vụ chủ yếu", "by main task"),
        counting: Text::new("Số nhiệm vụ theo tình trạng", "Tasks by status"),
        groups: vec![
            group(
                "II.1",
                "Phát triển hạ tầng kỹ thuật",
                "Technical infrastructure",
                [4, 3, 1, 0, 1],
            ),
            group(
                "II.2",
                "Phát triển các ứng dụng, dịch vụ",
                "Applications and services",
                [6, 2, 0, 1, 2],
            ),
            group(
                "II.3",
                "Bảo đảm an toàn thông tin",
                "Information security",
                [1, 0, 2, 0, 0],
            ),
        ],
    }
}

fn component(
    code: &str,
    vi: &str,
    en: &str,
    layer: &str,
    lifecycle: Lifecycle,
    progress: Option<f64>,
) -> MapComponent {
    MapComponent {
        code: code.into(),
        name: Text::new(vi, en),
        layer: layer.into(),
        lifecycle,
        progress,
    }
}

pub(crate) fn architecture() -> ArchitectureMap {
    let layer = |code: &str, vi: &str, en: &str| MapLayer {
        code: code.into(),
        name: Text::new(vi, en),
    };
    let relation = |from: &str, to: &str| MapRelation {
        from: from.into(),
        to: to.into(),
        kind: "USES".into(),
    };
    ArchitectureMap {
        as_of: as_of(),
        layers: vec![
            layer("PORTALS", "Kênh giao tiếp", "Portals"),
            layer("APPS", "Ứng dụng nghiệp vụ", "Business applications"),
            layer("INFRA", "Hạ tầng kỹ thuật", "Infrastructure"),
        ],
        components: vec![
            component(
                "PORTAL",
                "Cổng thông tin điện tử tỉnh",
                "Provincial web portal",
                "PORTALS",
                Lifecycle::Operational,
                Some(100.0),
            ),
            component(
                "DVC",
                "Cổng dịch vụ công trực tuyến",
                "Online public services portal",
                "PORTALS",
                Lifecycle::Building,
                Some(45.0),
            ),
            component(
                "QLVB",
                "Hệ thống quản lý văn bản và điều hành",
                "Document management system",
                "APPS",
                Lifecycle::Operational,
                Some(80.0),
            ),
            component(
                "MOTCUA",
                "Phần mềm một cửa điện tử",
                "One-stop shop software",
                "APPS",
                Lifecycle::Planned,
                None,
            ),
            component(
                "LGSP",
                "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)",
                "Data integration platform (LGSP)",
                "INFRA",
                Lifecycle::Retiring,
                Some(-5.0),
            ),
            component(
                "DC",
                "Trung tâm dữ liệu tỉnh",
                "Provincial data centre",
                "INFRA",
                Lifecycle::Retired,
                Some(f64::NAN),
            ),
            component(
                "ORPHAN",
                "Thành phần chưa phân lớp",
                "Unlayered component",
                "NOPE",
                Lifecycle::Planned,
                None,
            ),
        ],
        relations: vec![
            relation("DVC", "MOTCUA"),
            relation("PORTAL", "QLVB"),
            relation("QLVB", "LGSP"),
            relation("MOTCUA", "LGSP"),
            relation("LGSP", "DC"),
            relation("DC", "DC"),
            relation("DVC", "MISSING"),
        ],
        colouring: MapColouring::Lifecycle,
    }
}

/// Whether `bytes` is an SVG document.
pub(crate) fn assert_svg(bytes: &[u8]) -> String {
    let svg = String::from_utf8(bytes.to_vec()).expect("SVG is UTF-8");
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("<text"));
    svg
}

/// Decodes a PNG and checks it is drawn for print; returns (width, height).
pub(crate) fn assert_print_png(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).expect("a decodable PNG");
    assert!(image.width() >= 2400, "PNG is {} px wide", image.width());
    (image.width(), image.height())
}

/// The texts of an SVG with their anchor's y, in document order.
pub(crate) fn svg_texts(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|chunk| {
            let y = chunk
                .split(" y=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()?;
            let text = chunk.split_once('>')?.1.split("</text>").next()?;
            Some((y, text.trim().to_owned()))
        })
        .collect()
}

/// Writes an output to the temp directory when `CHART_OUT` is set, to look at it.
pub(crate) fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("CHART_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(name), bytes).unwrap();
    }
}

/// A map the size of the province's: 10 layers, 58 components (12 in one layer), 70 relations.
pub(crate) fn large_architecture() -> ArchitectureMap {
    let layers: [(&str, &str, &[&str]); 10] = [
        (
            "USERS",
            "Người sử dụng",
            &[
                "Người dân",
                "Doanh nghiệp",
                "Cán bộ, công chức",
                "Lãnh đạo tỉnh",
            ],
        ),
        (
            "CHANNELS",
            "Kênh giao tiếp",
            &[
                "Cổng thông tin điện tử tỉnh",
                "Cổng dịch vụ công",
                "Ứng dụng di động Hải Dương Smart",
                "Tổng đài 1022",
                "Bộ phận một cửa",
            ],
        ),
        (
            "SERVICES",
            "Dịch vụ công trực tuyến",
            &[
                "Dịch vụ công mức độ 3",
                "Dịch vụ công mức độ 4",
                "Thanh toán trực tuyến",
                "Tra cứu hồ sơ",
                "Đánh giá mức độ hài lòng",
                "Phản ánh, kiến nghị",
            ],
        ),
        (
            "APPS",
            "Ứng dụng nghiệp vụ",
            &[
                "Quản lý văn bản và điều hành",
                "Một cửa điện tử",
                "Thư điện tử công vụ",
                "Quản lý cán bộ, công chức",
                "Quản lý tài chính, kế toán",
                "Quản lý tài sản công",
                "Hệ thống thông tin báo cáo",
                "Quản lý đất đai",
                "Quản lý hộ tịch",
                "Quản lý giáo dục",
                "Hồ sơ sức khỏe điện tử",
                "Quản lý thanh tra, khiếu nại, tố cáo",
            ],
        ),
        (
            "SHARED",
            "Dịch vụ dùng chung",
            &[
                "Xác thực tập trung (SSO)",
                "Chữ ký số",
                "Thanh toán điện tử",
                "Danh mục dùng chung",
                "Nhắn tin SMS",
                "Định danh điện tử",
            ],
        ),
        (
            "LGSP",
            "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)",
            &[
                "Trục liên thông văn bản",
                "Nền tảng LGSP tỉnh",
                "Kết nối NDXP quốc gia",
            ],
        ),
        (
            "DATA",
            "Cơ sở dữ liệu",
            &[
                "CSDL dân cư (khai thác)",
                "CSDL đất đai",
                "CSDL doanh nghiệp",
                "CSDL cán bộ, công chức",
                "CSDL thủ tục hành chính",
                "Kho dữ liệu dùng chung",
                "CSDL y tế",
                "CSDL giáo dục",
                "CSDL văn bản",
            ],
        ),
        (
            "INFRA",
            "Hạ tầng kỹ thuật",
            &[
                "Trung tâm dữ liệu tỉnh",
                "Mạng truyền số liệu chuyên dùng",
                "Mạng WAN tỉnh",
                "Hội nghị truyền hình",
                "Điện toán đám mây",
                "Máy trạm, thiết bị đầu cuối",
            ],
        ),
        (
            "SECURITY",
            "An toàn thông tin",
            &[
                "Trung tâm giám sát an toàn (SOC)",
                "Sao lưu, dự phòng",
                "Phòng chống mã độc",
                "Tường lửa",
            ],
        ),
        (
            "GOVERNANCE",
            "Chỉ đạo, chính sách, nhân lực",
            &[
                "Kiến trúc CQĐT 2.0",
                "Quy chế an toàn thông tin",
                "Đào tạo nhân lực",
            ],
        ),
    ];
    let stages = [
        Lifecycle::Operational,
        Lifecycle::Building,
        Lifecycle::Planned,
        Lifecycle::Operational,
        Lifecycle::Retiring,
    ];
    let mut components = Vec::new();
    let mut codes: Vec<Vec<String>> = Vec::new();
    for (l, (layer, _, names)) in layers.iter().enumerate() {
        let mut layer_codes = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let code = format!("{layer}-{:02}", i + 1);
            let n = l * 7 + i;
            components.push(component(
                &code,
                name,
                name,
                layer,
                stages[n % stages.len()],
                (n % 4 != 3).then_some((n * 37 % 101) as f64),
            ));
            layer_codes.push(code);
        }
        codes.push(layer_codes);
    }
    let mut relations = Vec::new();
    for l in 0..layers.len() - 1 {
        for (i, from) in codes[l].iter().enumerate() {
            let below = &codes[l + 1];
            relations.push(MapRelation {
                from: from.clone(),
                to: below[i % below.len()].clone(),
                kind: "USES".into(),
            });
            if relations.len() < 70 && i % 2 == 0 {
                let to = below[(i * 3 + 1) % below.len()].clone();
                relations.push(MapRelation {
                    from: from.clone(),
                    to,
                    kind: "SERVES".into(),
                });
            }
        }
    }
    relations.truncate(70);
    ArchitectureMap {
        as_of: as_of(),
        layers: layers
            .iter()
            .map(|(code, vi, _)| MapLayer {
                code: (*code).into(),
                name: Text::new(*vi, *vi),
            })
            .collect(),
        components,
        relations,
        colouring: MapColouring::Progress,
    }
}

/// The plan's 27 tasks, with titles as long as the plan's and every recurrence.
pub(crate) fn plan_timeline() -> Timeline {
    let titles = [
        "Xây dựng, hoàn thiện hạ tầng mạng truyền số liệu chuyên dùng của các cơ quan Đảng, Nhà nước",
        "Nâng cấp Trung tâm dữ liệu tỉnh, bảo đảm an toàn, an ninh thông tin",
        "Triển khai hệ thống hội nghị truyền hình trực tuyến đến cấp xã",
        "Xây dựng Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
        "Xây dựng Cổng dịch vụ công và Hệ thống thông tin một cửa điện tử tỉnh",
        "Cung cấp dịch vụ công trực tuyến mức độ 3, 4",
        "Triển khai hệ thống quản lý văn bản và điều hành liên thông bốn cấp",
        "Sử dụng chữ ký số trong gửi, nhận văn bản điện tử",
        "Báo cáo tình hình ứng dụng công nghệ thông tin hằng năm",
        "Xây dựng cơ sở dữ liệu chuyên ngành đất đai, tài nguyên và môi trường",
    ];
    let tasks = (0..27)
        .map(|i| {
            let recurrence = match i % 3 {
                0 => Recurrence::Once,
                1 => Recurrence::Annual,
                _ => Recurrence::Ongoing,
            };
            let start = 2016 + (i % 4);
            let mut row = task(
                i + 1,
                titles[i as usize % titles.len()],
                "Task",
                recurrence,
                start,
            );
            row.status = Status::ALL[i as usize % 4];
            row.progress = (i * 37) % 101;
            row.overdue = i % 5 == 2;
            if recurrence == Recurrence::Once {
                row.end_year = Some(start + 1 + i % 3);
                row.due_date = NaiveDate::from_ymd_opt(start + 1 + i % 3, 12, 31);
                if row.status == Status::Completed {
                    row.progress = 100;
                    row.completed_on = NaiveDate::from_ymd_opt(start + 1, 6, 30);
                }
            } else {
                let states = [
                    PeriodState::Met,
                    PeriodState::Met,
                    PeriodState::Missed,
                    PeriodState::Met,
                ];
                row.periods = (start..=2020)
                    .map(|year| YearState {
                        year,
                        state: if year == 2020 {
                            PeriodState::Open
                        } else {
                            states[(year + i) as usize % 4]
                        },
                    })
                    .chain([YearState {
                        year: 2021,
                        state: PeriodState::Upcoming,
                    }])
                    .collect();
            }
            row
        })
        .collect();
    Timeline {
        as_of: as_of(),
        first_year: 2016,
        last_year: 2021,
        tasks,
    }
}

/// Eleven KPIs like the plan's: shares, counts and a rank.
pub(crate) fn plan_kpis() -> Vec<KpiSeries> {
    let names = [
        "Tỷ lệ dịch vụ công trực tuyến mức độ 3, 4",
        "Tỷ lệ hồ sơ xử lý trực tuyến mức độ 4",
        "Tỷ lệ văn bản điện tử gửi, nhận giữa các cơ quan nhà nước",
        "Tỷ lệ cán bộ, công chức sử dụng thư điện tử công vụ",
        "Tỷ lệ cơ quan kết nối mạng truyền số liệu chuyên dùng",
        "Số cơ sở dữ liệu chuyên ngành được xây dựng",
        "Tỷ lệ hồ sơ một cửa được số hóa",
        "Tỷ lệ thủ tục hành chính thanh toán trực tuyến",
        "Tỷ lệ xã, phường có hội nghị truyền hình",
        "Tỷ lệ người dân hài lòng với dịch vụ công",
    ];
    let mut kpis: Vec<KpiSeries> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut kpi = kpi_share();
            kpi.code = format!("KPI{i}");
            kpi.name = Text::new(*name, *name);
            let scale = 0.6 + i as f64 * 0.08;
            for p in kpi.measurements.iter_mut().chain(kpi.targets.iter_mut()) {
                p.value = (p.value * scale * 1.7).min(100.0);
            }
            if i == 5 {
                kpi.unit = "CSDL".into();
                kpi.measurements = vec![point(2017, 2.0), point(2019, 5.0)];
                kpi.targets = vec![point(2020, 12.0)];
                kpi.baseline = None;
                kpi.state = KpiState::Behind;
            }
            if i == 9 {
                kpi.measurements.clear();
                kpi.state = KpiState::NoData;
            }
            kpi
        })
        .collect();
    kpis.insert(0, kpi_rank());
    kpis
}
