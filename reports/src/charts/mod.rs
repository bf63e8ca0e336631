//! Charts for leadership: the agency ranking, task progress (Gantt), KPI trajectories, the
//! status breakdown and the architecture map, as a 2× PNG for print or an SVG with real text.
//!
//! Every chart is laid out once into a `Scene` in nominal pixels (text measured with the embedded
//! DejaVu Sans), then `render` draws that scene with plotters: at 1× into an SVG, at 2× into a
//! PNG. Both formats therefore share one layout and one truncation of long Vietnamese names, and
//! the same data always gives the same bytes.

mod architecture;
mod glyphs;
mod kpi;
mod layout;
mod palette;
mod progress;
mod ranking;
mod render;
mod scene;
mod status;

#[cfg(test)]
mod fixtures;

use chrono::NaiveDate;

use crate::model::{
    ArchitectureMap, ChartFormat, KpiSeries, Lang, Ranking, StatusBreakdown, Timeline,
};
use crate::{fonts, Result};

/// Agencies by score, best at the top, bars coloured by band, with the score at each bar's end.
/// Grows taller with the number of agencies; no agencies gives a chart that says so.
pub fn ranking(data: &Ranking, lang: Lang, format: ChartFormat) -> Result<Vec<u8>> {
    fonts::register()?;
    render::render(&ranking::scene(data, lang), format)
}

/// One row per task: the planned span (or one cell per reporting year, coloured by its state),
/// progress coloured by status, completion markers, overdue tasks flagged and the report's date.
pub fn progress(data: &Timeline, lang: Lang, format: ChartFormat) -> Result<Vec<u8>> {
    fonts::register()?;
    render::render(&progress::scene(data, lang), format)
}

/// Every KPI as a small panel in a grid: stepped targets, baseline, measurements and the report's
/// date; ranks (lower is better) are drawn with the axis inverted so that better is up.
pub fn kpis(
    data: &[KpiSeries],
    as_of: NaiveDate,
    lang: Lang,
    format: ChartFormat,
) -> Result<Vec<u8>> {
    fonts::register()?;
    render::render(&kpi::grid_scene(data, as_of, lang), format)
}

/// One KPI's trajectory, drawn large with every value labelled.
pub fn kpi(data: &KpiSeries, as_of: NaiveDate, lang: Lang, format: ChartFormat) -> Result<Vec<u8>> {
    fonts::register()?;
    render::render(&kpi::single_scene(data, as_of, lang), format)
}

/// Tasks per group as stacked bars by status, with counts and each group's overdue tasks.
pub fn status(data: &StatusBreakdown, lang: Lang, format: ChartFormat) -> Result<Vec<u8>> {
    fonts::register()?;
    render::render(&status::scene(data, lang), format)
}

/// Layers as bands, components as boxes coloured by lifecycle or delivery progress, relations as
/// arrows; sized for A3.
pub fn architecture(data: &ArchitectureMap, lang: Lang, format: ChartFormat) -> Result<Vec<u8>> {
    fonts::register()?;
    render::render(&architecture::scene(data, lang), format)
}

#[cfg(test)]
mod tests {
    use super::fixtures::{self, assert_svg, keep};
    use crate::model::{ChartFormat, Lang};

    /// Full-size inputs render; with `CHART_OUT` set they are also drawn as PNG to look at.
    #[test]
    fn plan_sized_inputs_render() {
        let format = match std::env::var_os("CHART_OUT") {
            Some(_) => ChartFormat::Png,
            None => ChartFormat::Svg,
        };
        let outputs = [
            (
                "plan-progress",
                super::progress(&fixtures::plan_timeline(), Lang::Vi, format),
            ),
            (
                "plan-kpis",
                super::kpis(&fixtures::plan_kpis(), fixtures::as_of(), Lang::Vi, format),
            ),
            (
                "plan-ranking-en",
                super::ranking(&fixtures::ranking_of(48), Lang::En, format),
            ),
        ];
        for (name, output) in outputs {
            let bytes = output.unwrap();
            keep(&format!("{name}.{}", format.extension()), &bytes);
            if format == ChartFormat::Svg {
                assert_svg(&bytes);
            }
        }
    }
}
