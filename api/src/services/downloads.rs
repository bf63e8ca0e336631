//! Downloadable reports: which names exist, what parameters they take, and rendering them.
//!
//! The HTTP routes under `/reports/`, the `report` command and frozen snapshots all come here,
//! so a file has one name, one content type and one set of bytes whoever asks. Rendering is
//! CPU-bound and runs on the blocking pool, off the async runtime.

use chrono::NaiveDate;
use entities::AgencyLevel;
use reports::model::{ChartFormat, Figure, Lang, MapColouring, Summary};
use sea_orm::{DatabaseConnection, Iterable};

use super::report_data::{self, StatusGrouping};
use crate::error::{Error, Result};

/// A chart that can be downloaded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Chart {
    /// Agencies by score.
    Ranking,
    /// The 27 tasks on a timeline.
    Progress,
    /// Every KPI's trajectory.
    Kpis,
    /// One KPI's trajectory, by code.
    Kpi(String),
    /// Tasks by status per group.
    Status,
    /// The architecture catalog as a map.
    Architecture,
}

impl Chart {
    /// The file stem used in routes and file names (`ranking`, `kpi-ICT_RANK`, ...).
    pub fn stem(&self) -> String {
        match self {
            Chart::Ranking => "ranking".into(),
            Chart::Progress => "progress".into(),
            Chart::Kpis => "kpis".into(),
            Chart::Kpi(code) => format!("kpi-{code}"),
            Chart::Status => "status".into(),
            Chart::Architecture => "architecture".into(),
        }
    }
}

/// A document that can be downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    /// The consolidated report (`summary.pdf`).
    SummaryPdf,
    /// One row per task (`tasks.csv`).
    TasksCsv,
    /// Tasks, assignments, KPIs and ranking (`tasks.xlsx`).
    TasksXlsx,
}

/// What a download is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Chart(Chart, ChartFormat),
    Document(Document),
}

/// Parses a file name under `/reports/` (`ranking.png`, `summary.pdf`, ...); `kpi` is the code
/// of `/reports/kpis/{code}.{png,svg}`. Unknown names are `NOT_FOUND`.
pub fn parse_target(name: &str, kpi: bool) -> Result<Target> {
    let not_found = || Error::NotFound(format!("report {name:?}"));
    let (stem, extension) = name.rsplit_once('.').ok_or_else(not_found)?;
    let format = match extension {
        "png" => Some(ChartFormat::Png),
        "svg" => Some(ChartFormat::Svg),
        _ => None,
    };
    if kpi {
        return match format {
            Some(format) if !stem.is_empty() => Ok(Target::Chart(Chart::Kpi(stem.into()), format)),
            _ => Err(not_found()),
        };
    }
    let chart = match stem {
        "ranking" => Some(Chart::Ranking),
        "progress" => Some(Chart::Progress),
        "kpis" => Some(Chart::Kpis),
        "status" => Some(Chart::Status),
        "architecture" => Some(Chart::Architecture),
        _ => None,
    };
    match (chart, format, stem, extension) {
        (Some(chart), Some(format), _, _) => Ok(Target::Chart(chart, format)),
        (_, _, "summary", "pdf") => Ok(Target::Document(Document::SummaryPdf)),
        (_, _, "tasks", "csv") => Ok(Target::Document(Document::TasksCsv)),
        (_, _, "tasks", "xlsx") => Ok(Target::Document(Document::TasksXlsx)),
        _ => Err(not_found()),
    }
}

/// Every download there is: each chart as PNG and SVG (each KPI of `kpi_codes` on its own too),
/// then the PDF, the CSV and the XLSX. What `egov-tracker report` writes.
pub fn full_set(kpi_codes: &[String]) -> Vec<Target> {
    let mut charts = vec![
        Chart::Ranking,
        Chart::Progress,
        Chart::Kpis,
        Chart::Status,
        Chart::Architecture,
    ];
    charts.extend(kpi_codes.iter().cloned().map(Chart::Kpi));
    let mut targets: Vec<Target> = charts
        .into_iter()
        .flat_map(|chart| {
            [ChartFormat::Png, ChartFormat::Svg].map(|format| Target::Chart(chart.clone(), format))
        })
        .collect();
    targets.extend(
        [
            Document::SummaryPdf,
            Document::TasksCsv,
            Document::TasksXlsx,
        ]
        .map(Target::Document),
    );
    targets
}

/// Options every download takes; charts use the ones that apply to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Options {
    pub as_of: NaiveDate,
    pub lang: Lang,
    /// Ranking: one agency level, or all.
    pub level: Option<AgencyLevel>,
    /// Status breakdown: by main task or by level.
    pub group_by: StatusGrouping,
    /// Architecture map: by lifecycle or by delivery progress.
    pub colour: MapColouring,
}

impl Options {
    /// Defaults for a date: Vietnamese, all levels, by main task, by lifecycle.
    pub fn new(as_of: NaiveDate) -> Options {
        Options {
            as_of,
            lang: Lang::Vi,
            level: None,
            group_by: StatusGrouping::MainTask,
            colour: MapColouring::Lifecycle,
        }
    }
}

/// Parses the query string of a download: `asOf` (YYYY-MM-DD, default today in Vietnam),
/// `lang` (`vi`/`en`), `level` (an agency level), `groupBy` (`mainTask`/`level`) and `colour`
/// (`lifecycle`/`progress`). Unknown parameters are refused, so a misspelt `asof` does not
/// silently give today's figures.
pub fn parse_options(pairs: &[(String, String)], today: NaiveDate) -> Result<Options> {
    let mut options = Options::new(today);
    for (key, value) in pairs {
        let value = value.trim();
        match key.as_str() {
            "asOf" => {
                options.as_of = super::clock::parse_date(value)
                    .map_err(|err| Error::bad_input(format!("`asOf`: {err}")))?
            }
            "lang" => {
                options.lang = Lang::parse(value).ok_or_else(|| {
                    Error::bad_input(format!("`lang` must be `vi` or `en`, not {value:?}"))
                })?
            }
            "level" => {
                let upper = value.to_ascii_uppercase();
                options.level = Some(
                    AgencyLevel::iter()
                        .find(|l| l.as_str() == upper)
                        .ok_or_else(|| {
                            Error::bad_input(format!(
                                "`level` must be one of CENTRAL, PROVINCE, DISTRICT, COMMUNE, \
                                 NON_STATE, not {value:?}"
                            ))
                        })?,
                )
            }
            "groupBy" => {
                options.group_by = match value {
                    "mainTask" => StatusGrouping::MainTask,
                    "level" => StatusGrouping::Level,
                    _ => {
                        return Err(Error::bad_input(format!(
                            "`groupBy` must be `mainTask` or `level`, not {value:?}"
                        )))
                    }
                }
            }
            "colour" | "color" => {
                options.colour = match value {
                    "lifecycle" => MapColouring::Lifecycle,
                    "progress" => MapColouring::Progress,
                    _ => {
                        return Err(Error::bad_input(format!(
                            "`colour` must be `lifecycle` or `progress`, not {value:?}"
                        )))
                    }
                }
            }
            other => {
                return Err(Error::bad_input(format!(
                    "unknown parameter {other:?}; reports take asOf, lang, level, groupBy and \
                     colour"
                )))
            }
        }
    }
    Ok(options)
}

/// Rendered bytes with what HTTP needs to serve them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// Suggested file name, carrying the as-of date.
    pub file_name: String,
    /// Whether browsers should save rather than show it.
    pub attachment: bool,
}

/// Runs a render on the blocking pool.
async fn render<T, F>(work: F) -> Result<T>
where
    F: FnOnce() -> reports::Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| Error::Internal(err.into()))?
        .map_err(|err| Error::Internal(err.into()))
}

fn file_name(stem: &str, options: &Options, extension: &str) -> String {
    let lang = match options.lang {
        Lang::Vi => String::new(),
        Lang::En => "-en".into(),
    };
    format!("egov-{stem}-{}{lang}.{extension}", options.as_of)
}

/// Renders one download.
pub async fn download(
    db: &DatabaseConnection,
    target: &Target,
    options: Options,
) -> Result<Download> {
    match target {
        Target::Chart(chart, format) => {
            let bytes = chart_bytes(db, chart, *format, options).await?;
            Ok(Download {
                bytes,
                content_type: format.content_type(),
                file_name: file_name(&chart.stem(), &options, format.extension()),
                attachment: false,
            })
        }
        Target::Document(document) => {
            let summary = report_data::summary(db, options.as_of).await?;
            document_bytes(db, *document, summary, options).await
        }
    }
}

async fn chart_bytes(
    db: &DatabaseConnection,
    chart: &Chart,
    format: ChartFormat,
    options: Options,
) -> Result<Vec<u8>> {
    let (as_of, lang) = (options.as_of, options.lang);
    match chart {
        Chart::Ranking => {
            let data = report_data::ranking(db, as_of, options.level).await?;
            render(move || reports::charts::ranking(&data, lang, format)).await
        }
        Chart::Progress => {
            let data = report_data::timeline(db, as_of).await?;
            render(move || reports::charts::progress(&data, lang, format)).await
        }
        Chart::Kpis => {
            let data = report_data::kpis(db, as_of).await?;
            render(move || reports::charts::kpis(&data, as_of, lang, format)).await
        }
        Chart::Kpi(code) => {
            let data = report_data::kpis(db, as_of)
                .await?
                .into_iter()
                .find(|k| &k.code == code)
                .ok_or_else(|| Error::NotFound(format!("KPI {code:?}")))?;
            render(move || reports::charts::kpi(&data, as_of, lang, format)).await
        }
        Chart::Status => {
            let data = report_data::status_breakdown(db, as_of, options.group_by).await?;
            render(move || reports::charts::status(&data, lang, format)).await
        }
        Chart::Architecture => {
            let data = report_data::architecture_map(db, as_of, options.colour).await?;
            render(move || reports::charts::architecture(&data, lang, format)).await
        }
    }
}

/// Renders a chart as of the summary's date, drawing from the summary where it holds the data
/// (ranking of every level, progress, every KPI, status by main task) instead of reading the
/// database again; other charts and options are gathered as [`download`] does.
pub async fn chart_with_summary(
    db: &DatabaseConnection,
    summary: &Summary,
    chart: &Chart,
    format: ChartFormat,
    options: Options,
) -> Result<Vec<u8>> {
    use reports::charts;
    let (as_of, lang) = (summary.as_of, options.lang);
    match chart {
        Chart::Ranking if options.level.is_none() => {
            let data = summary.ranking.clone();
            render(move || charts::ranking(&data, lang, format)).await
        }
        Chart::Progress => {
            let data = report_data::timeline_of_summary(summary);
            render(move || charts::progress(&data, lang, format)).await
        }
        Chart::Kpis => {
            let data = summary.kpis.clone();
            render(move || charts::kpis(&data, as_of, lang, format)).await
        }
        Chart::Status if options.group_by == StatusGrouping::MainTask => {
            let data = summary.status.clone();
            render(move || charts::status(&data, lang, format)).await
        }
        _ => {
            let options = Options { as_of, ..options };
            chart_bytes(db, chart, format, options).await
        }
    }
}

/// The consolidated PDF of a summary already gathered, with a reporting round's section when
/// `round` is given (the automatically frozen report of a period carries it).
pub async fn summary_pdf(
    db: &DatabaseConnection,
    summary: Summary,
    round: Option<reports::tables::RoundSheet>,
    options: Options,
) -> Result<Download> {
    let lang = options.lang;
    let map = report_data::architecture_map(db, options.as_of, options.colour).await?;
    let bytes = render(move || {
        let figures = summary_figures(&summary, &map, lang)?;
        reports::pdf::summary_with_round(&summary, &figures, round.as_ref(), lang)
    })
    .await?;
    Ok(Download {
        bytes,
        content_type: "application/pdf",
        file_name: file_name("summary", &options, "pdf"),
        attachment: false,
    })
}

/// Renders a document from a summary already gathered (snapshots reuse it).
pub async fn document_bytes(
    db: &DatabaseConnection,
    document: Document,
    summary: Summary,
    options: Options,
) -> Result<Download> {
    let lang = options.lang;
    match document {
        Document::SummaryPdf => summary_pdf(db, summary, None, options).await,
        Document::TasksCsv => Ok(Download {
            bytes: reports::tables::tasks_csv(&summary.tasks, lang),
            content_type: "text/csv; charset=utf-8",
            file_name: file_name("tasks", &options, "csv"),
            attachment: true,
        }),
        Document::TasksXlsx => {
            let bytes = render(move || reports::tables::workbook(&summary, lang)).await?;
            Ok(Download {
                bytes,
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                file_name: file_name("tasks", &options, "xlsx"),
                attachment: true,
            })
        }
    }
}

/// The charts the consolidated report prints, as PNG figures with captions.
fn summary_figures(
    summary: &Summary,
    map: &reports::model::ArchitectureMap,
    lang: Lang,
) -> reports::Result<Vec<Figure>> {
    use reports::charts;
    let png = ChartFormat::Png;
    let timeline = report_data::timeline_of_summary(summary);
    Ok(vec![
        Figure {
            caption: lang
                .pick("Tiến độ các nhiệm vụ", "Progress of the tasks")
                .into(),
            png: charts::progress(&timeline, lang, png)?,
        },
        Figure {
            caption: lang
                .pick("Tình trạng theo nhiệm vụ chủ yếu", "Status by main task")
                .into(),
            png: charts::status(&summary.status, lang, png)?,
        },
        Figure {
            caption: lang
                .pick("Xếp hạng các cơ quan", "Ranking of agencies")
                .into(),
            png: charts::ranking(&summary.ranking, lang, png)?,
        },
        Figure {
            caption: lang.pick("Các chỉ tiêu", "Key indicators").into(),
            png: charts::kpis(&summary.kpis, summary.as_of, lang, png)?,
        },
        Figure {
            caption: lang
                .pick("Kiến trúc chính quyền điện tử", "E-government architecture")
                .into(),
            png: charts::architecture(map, lang, png)?,
        },
    ])
}
