//! KPI trajectories: stepped targets, the baseline and the measured values of each indicator up
//! to the report's date, so leadership sees whether the plan's targets are being reached. Ranks
//! (lower is better) are drawn on an inverted axis so that up always means better.

use chrono::{Datelike, NaiveDate};
use plotters::style::RGBColor;

use super::layout::{self, LegendItem, Scale, Swatch, Ticks, MARGIN};
use super::palette;
use super::scene::{truncate, wrap, Align, Font, Rect, Scene};
use crate::model::{nfc, Direction, KpiSeries, KpiState, Lang, Point};

const WIDTH: f64 = 1200.0;
const SINGLE_HEIGHT: f64 = 720.0;
const GAP: f64 = 24.0;
/// Panels drawn at most in the grid; the rest are counted in a note.
const MAX_PANELS: usize = 60;
/// Years an axis spans at most, around the report's year.
const MAX_YEARS: i32 = 40;

/// Lays out every KPI as a panel of a grid.
pub(crate) fn grid_scene(data: &[KpiSeries], as_of: NaiveDate, lang: Lang) -> Scene {
    let mut scene = Scene::new(WIDTH, 0.0);
    let count = |state: KpiState| data.iter().filter(|k| k.state == state).count();
    let (on_track, behind, no_data) = (
        count(KpiState::OnTrack),
        count(KpiState::Behind),
        count(KpiState::NoData),
    );
    let n = data.len();
    let subtitle = match lang {
        Lang::Vi => format!(
            "{n} chỉ tiêu · {on_track} đạt tiến độ · {behind} chậm · {no_data} chưa có số liệu"
        ),
        Lang::En => {
            format!("{n} indicators · {on_track} on track · {behind} behind · {no_data} no data")
        }
    };
    let title = layout::fixed(
        lang,
        "Chỉ tiêu của Kế hoạch: mục tiêu và kết quả",
        "Plan indicators: targets and results",
    );
    let top = layout::header(&mut scene, WIDTH, &title, as_of, lang, &nfc(&subtitle));
    let top = layout::legend(&mut scene, (MARGIN, top), WIDTH - MARGIN, &legend(lang)) + 18.0;

    if data.is_empty() {
        layout::empty_chart(&mut scene, top, lang);
        return scene;
    }
    let shown = &data[..n.min(MAX_PANELS)];
    let columns = match shown.len() {
        1 => 1,
        2..=4 => 2,
        _ => 3,
    };
    let panel_width = (WIDTH - 2.0 * MARGIN - GAP * (columns - 1) as f64) / columns as f64;
    let panel_height = match columns {
        1 => 440.0,
        2 => 340.0,
        _ => 300.0,
    };
    for (i, kpi) in shown.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        let x0 = MARGIN + column as f64 * (panel_width + GAP);
        let y0 = top + row as f64 * (panel_height + GAP);
        draw_panel(
            &mut scene,
            kpi,
            Rect::new(x0, y0, x0 + panel_width, y0 + panel_height),
            as_of,
            lang,
        );
    }
    let rows = shown.len().div_ceil(columns);
    let mut bottom = top + rows as f64 * (panel_height + GAP);
    if n > shown.len() {
        let more = n - shown.len();
        let note = match lang {
            Lang::Vi => format!("… và {more} chỉ tiêu khác"),
            Lang::En => format!("… and {more} more indicators"),
        };
        scene.text(
            (MARGIN, bottom + 4.0),
            nfc(&note),
            Font::LABEL,
            palette::MUTED,
            Align::Left,
        );
        bottom += 24.0;
    }
    scene.height = bottom - GAP + MARGIN;
    scene
}

/// Lays out one KPI, large, with every value labelled.
pub(crate) fn single_scene(kpi: &KpiSeries, as_of: NaiveDate, lang: Lang) -> Scene {
    let mut scene = Scene::new(WIDTH, SINGLE_HEIGHT);
    let top = layout::header(
        &mut scene,
        WIDTH,
        &kpi.name.get(lang),
        as_of,
        lang,
        &summary(kpi, lang),
    );
    let top = layout::legend(&mut scene, (MARGIN, top), WIDTH - MARGIN, &legend(lang)) + 24.0;
    let plot = Rect::new(
        MARGIN + 56.0,
        top,
        WIDTH - MARGIN - 16.0,
        SINGLE_HEIGHT - MARGIN - 28.0,
    );
    draw_plot(&mut scene, kpi, plot, as_of, lang, true);
    scene
}

fn legend(lang: Lang) -> Vec<LegendItem> {
    vec![
        LegendItem::new(
            Swatch::DashedLine(palette::TARGET),
            layout::fixed(lang, "Mục tiêu", "Target"),
        ),
        LegendItem::new(
            Swatch::LineDot(palette::MEASURED),
            layout::fixed(lang, "Kết quả đo", "Measured"),
        ),
        LegendItem::new(
            Swatch::Diamond(palette::BASELINE),
            layout::fixed(lang, "Giá trị cơ sở", "Baseline"),
        ),
        LegendItem::new(
            Swatch::DashedRule(palette::AS_OF),
            layout::fixed(lang, "Ngày báo cáo", "Report date"),
        ),
    ]
}

fn state_colour(state: KpiState) -> RGBColor {
    match state {
        KpiState::OnTrack => palette::status(crate::model::Status::Completed),
        KpiState::Behind => palette::ALERT,
        KpiState::NoData => palette::MUTED,
    }
}

/// "Đơn vị: hạng · ↑ tốt hơn (trục đảo)": the unit and which way is better.
fn unit_line(kpi: &KpiSeries, lang: Lang) -> String {
    let mut line = String::new();
    if !kpi.unit.trim().is_empty() {
        line.push_str(&format!(
            "{}: {} · ",
            layout::fixed(lang, "Đơn vị", "Unit"),
            kpi.unit.trim()
        ));
    }
    line.push_str(&match kpi.direction {
        Direction::HigherIsBetter => layout::fixed(lang, "↑ tốt hơn", "↑ better"),
        Direction::LowerIsBetter => layout::fixed(
            lang,
            "↑ tốt hơn (trục đảo: nhỏ là tốt)",
            "↑ better (inverted: lower is better)",
        ),
    });
    nfc(&line)
}

/// The unit, the state, the latest value and the attainment, for the single chart's subtitle.
fn summary(kpi: &KpiSeries, lang: Lang) -> String {
    let mut parts = vec![unit_line(kpi, lang), kpi.state.label(lang).to_owned()];
    if let Some(latest) = kpi.latest.filter(|p| p.value.is_finite()) {
        let value = layout::value(latest.value, lang);
        parts.push(match lang {
            Lang::Vi => format!("mới nhất ({}): {value}", latest.year),
            Lang::En => format!("latest ({}): {value}", latest.year),
        });
    }
    if let Some(attainment) = kpi.attainment.filter(|a| a.is_finite()) {
        let value = layout::number(attainment, 0, lang);
        parts.push(match lang {
            Lang::Vi => format!("đạt {value}% mục tiêu"),
            Lang::En => format!("{value}% of target"),
        });
    }
    nfc(&parts.join(" · "))
}

fn draw_panel(scene: &mut Scene, kpi: &KpiSeries, panel: Rect, as_of: NaiveDate, lang: Lang) {
    scene.outline(panel, palette::GRID, 1.0);
    let inner = panel.inset(12.0);
    let font = Font::LABEL.bolded();
    let mut y = inner.y0 + 8.0;
    for line in wrap(&kpi.name.get(lang), font, inner.width(), 2) {
        scene.text((inner.x0, y), line, font, palette::INK, Align::Left);
        y += 18.0;
    }
    let state = kpi.state.label(lang);
    let state_width = super::scene::text_width(state, Font::SMALL.bolded());
    scene.text(
        (inner.x1, y),
        state,
        Font::SMALL.bolded(),
        state_colour(kpi.state),
        Align::Right,
    );
    let unit = truncate(
        &unit_line(kpi, lang),
        Font::SMALL,
        inner.width() - state_width - 12.0,
    );
    scene.text(
        (inner.x0, y),
        unit,
        Font::SMALL,
        palette::MUTED,
        Align::Left,
    );
    let plot_top = inner.y0 + 8.0 + 2.0 * 18.0 + 18.0;
    let plot = Rect::new(inner.x0 + 44.0, plot_top, inner.x1 - 6.0, inner.y1 - 18.0);
    draw_plot(scene, kpi, plot, as_of, lang, false);
}

/// A value label, drawn after every line and mark so that none covers it.
struct Label((f64, f64), String, Font, RGBColor, Align);

/// Finite points sorted by year.
fn clean(points: &[Point]) -> Vec<Point> {
    let mut points: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.value.is_finite())
        .collect();
    points.sort_by_key(|p| p.year);
    points
}

fn draw_plot(
    scene: &mut Scene,
    kpi: &KpiSeries,
    plot: Rect,
    as_of: NaiveDate,
    lang: Lang,
    detail: bool,
) {
    let targets = clean(&kpi.targets);
    let measured = clean(&kpi.measurements);
    let baseline = kpi.baseline.filter(|p| p.value.is_finite());
    let all: Vec<Point> = targets
        .iter()
        .chain(&measured)
        .chain(&baseline)
        .copied()
        .collect();
    if all.is_empty() {
        layout::no_data(scene, plot, lang);
        return;
    }
    let report_year = as_of.year();
    let years = all.iter().map(|p| p.year).chain([report_year]);
    let first = years
        .clone()
        .min()
        .unwrap_or(report_year)
        .max(report_year - MAX_YEARS);
    let last = years.max().unwrap_or(report_year).min(first + MAX_YEARS);
    let x = Scale::new(
        (f64::from(first) - 0.5, f64::from(last) + 0.5),
        (plot.x0, plot.x1),
    );

    let mut lo = all.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let mut hi = all
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    if kpi.unit.trim() == "%" {
        lo = lo.min(0.0);
        hi = hi.max(100.0);
    }
    let ticks = Ticks::new(lo, hi, if detail { 6 } else { 4 });
    let (t0, t1) = ticks.bounds();
    let y = match kpi.direction {
        Direction::HigherIsBetter => Scale::new((t0, t1), (plot.y1, plot.y0)),
        Direction::LowerIsBetter => Scale::new((t0, t1), (plot.y0, plot.y1)),
    };
    let px = |p: &Point| (x.map(f64::from(p.year)), y.map(p.value));

    for &tick in &ticks.values {
        let ty = y.map(tick);
        scene.line(&[(plot.x0, ty), (plot.x1, ty)], palette::GRID, 1.0);
        let label = layout::number(tick, ticks.decimals, lang);
        scene.text(
            (plot.x0 - 8.0, ty),
            label,
            Font::SMALL,
            palette::MUTED,
            Align::Right,
        );
    }
    let span = last - first + 1;
    let step = (f64::from(span) / (plot.width() / 44.0)).ceil().max(1.0) as i32;
    for year in (first..=last).filter(|year| (year - first) % step == 0) {
        let tx = x.map(f64::from(year));
        scene.line(&[(tx, plot.y1), (tx, plot.y1 + 4.0)], palette::AXIS, 1.0);
        scene.text(
            (tx, plot.y1 + 14.0),
            year.to_string(),
            Font::SMALL,
            palette::MUTED,
            Align::Center,
        );
    }
    scene.line(
        &[(plot.x0, plot.y1), (plot.x1, plot.y1)],
        palette::AXIS,
        1.0,
    );

    let days = if NaiveDate::from_ymd_opt(report_year, 2, 29).is_some() {
        366.0
    } else {
        365.0
    };
    let report_x = f64::from(report_year) - 0.5 + f64::from(as_of.ordinal()) / days;
    if report_x >= f64::from(first) - 0.5 && report_x <= f64::from(last) + 0.5 {
        let rx = x.map(report_x);
        scene.dashed((rx, plot.y0), (rx, plot.y1), palette::AS_OF, 1.5, 5.0);
        if detail {
            let label = layout::date(as_of, lang);
            scene.halo_text(
                (rx - 4.0, plot.y0 + 8.0),
                label,
                Font::SMALL.bolded(),
                palette::AS_OF,
                Align::Right,
            );
        }
    }

    let font = if detail { Font::LABEL } else { Font::SMALL };
    let mut labels: Vec<Label> = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let (x0, ty) = px(target);
        let x1 = targets.get(i + 1).map_or(plot.x1, |next| px(next).0);
        scene.dashed((x0, ty), (x1, ty), palette::TARGET, 2.5, 6.0);
        if let Some(next) = targets.get(i + 1) {
            scene.dashed((x1, ty), (x1, px(next).1), palette::TARGET, 2.5, 6.0);
        }
        scene.rect(
            Rect::new(x0 - 3.5, ty - 3.5, x0 + 3.5, ty + 3.5),
            palette::TARGET,
        );
        if detail {
            let text = layout::value(target.value, lang);
            labels.push(Label(
                (x0 + 6.0, ty - 11.0),
                text,
                font,
                palette::TARGET,
                Align::Left,
            ));
        }
    }
    if let Some(base) = baseline {
        let at = px(&base);
        scene.diamond(at, 8.5, palette::PAPER);
        scene.diamond(at, 6.5, palette::BASELINE);
        if detail {
            let text = layout::value(base.value, lang);
            labels.push(Label(
                (at.0, at.1 - 16.0),
                text,
                font,
                palette::BASELINE,
                Align::Center,
            ));
        }
    }
    let points: Vec<(f64, f64)> = measured.iter().map(px).collect();
    scene.line(&points, palette::MEASURED, 2.5);
    for (i, (point, at)) in measured.iter().zip(&points).enumerate() {
        scene.circle(*at, if detail { 6.5 } else { 5.0 }, palette::PAPER);
        scene.circle(*at, if detail { 4.5 } else { 3.5 }, palette::MEASURED);
        if detail || i + 1 == measured.len() {
            let text = layout::value(point.value, lang);
            labels.push(Label(
                (at.0, at.1 - 15.0),
                text,
                font.bolded(),
                palette::MEASURED,
                Align::Center,
            ));
        }
    }
    for Label(at, text, font, colour, align) in labels {
        scene.halo_text(at, text, font, colour, align);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, assert_print_png, assert_svg, keep, svg_texts};
    use crate::charts;
    use crate::model::{ChartFormat, Lang};

    #[test]
    fn png_grid_and_single_are_drawn_for_print() {
        let grid = charts::kpis(
            &fixtures::kpis(),
            fixtures::as_of(),
            Lang::Vi,
            ChartFormat::Png,
        )
        .unwrap();
        keep("kpis.png", &grid);
        assert_print_png(&grid);
        let one = charts::kpi(
            &fixtures::kpi_rank(),
            fixtures::as_of(),
            Lang::Vi,
            ChartFormat::Png,
        )
        .unwrap();
        keep("kpi.png", &one);
        assert_print_png(&one);
    }

    #[test]
    fn svg_names_each_kpi_in_the_language() {
        let vi = assert_svg(
            &charts::kpis(
                &fixtures::kpis(),
                fixtures::as_of(),
                Lang::Vi,
                ChartFormat::Svg,
            )
            .unwrap(),
        );
        keep("kpis.svg", vi.as_bytes());
        for label in [
            "Xếp hạng chỉ số ICT Index của tỉnh",
            "Mục tiêu",
            "Đạt tiến độ",
            "Chậm",
            "31/12/2020",
            "Kết quả đo",
        ] {
            assert!(vi.contains(label), "missing {label}");
        }
        let en = assert_svg(
            &charts::kpis(
                &fixtures::kpis(),
                fixtures::as_of(),
                Lang::En,
                ChartFormat::Svg,
            )
            .unwrap(),
        );
        for label in [
            "Province's ICT Index rank",
            "Target",
            "On track",
            "2020-12-31",
            "Measured",
        ] {
            assert!(
                en.contains(&label.replace('\'', "&apos;")),
                "missing {label}"
            );
        }
        let single = charts::kpi(
            &fixtures::kpi_share(),
            fixtures::as_of(),
            Lang::Vi,
            ChartFormat::Svg,
        )
        .unwrap();
        assert_eq!(
            single,
            charts::kpi(
                &fixtures::kpi_share(),
                fixtures::as_of(),
                Lang::Vi,
                ChartFormat::Svg
            )
            .unwrap()
        );
        let single = assert_svg(&single);
        assert!(single.contains("đạt 82% mục tiêu") && single.contains("27,5"));
    }

    /// The y of the axis label `label` in a single-KPI SVG.
    fn tick_y(svg: &str, label: &str) -> f64 {
        svg_texts(svg)
            .into_iter()
            .find(|(_, text)| text == label)
            .map(|(y, _)| y)
            .unwrap_or_else(|| panic!("no label {label}"))
    }

    #[test]
    fn lower_is_better_puts_the_smaller_value_higher() {
        let rank = String::from_utf8(
            charts::kpi(
                &fixtures::kpi_rank(),
                fixtures::as_of(),
                Lang::En,
                ChartFormat::Svg,
            )
            .unwrap(),
        )
        .unwrap();
        // Ticks 20..32: rank 20 (better) is drawn above rank 30.
        assert!(tick_y(&rank, "20") < tick_y(&rank, "30"));
        let share = String::from_utf8(
            charts::kpi(
                &fixtures::kpi_share(),
                fixtures::as_of(),
                Lang::En,
                ChartFormat::Svg,
            )
            .unwrap(),
        )
        .unwrap();
        // A percentage is framed from 0 to 100, higher values above lower ones.
        assert!(tick_y(&share, "100") < tick_y(&share, "20"));
        assert!(tick_y(&share, "20") < tick_y(&share, "0"));
    }

    #[test]
    fn kpis_without_data_still_draw() {
        let mut empty = fixtures::kpi_rank();
        empty.targets.clear();
        empty.measurements.clear();
        empty.baseline = None;
        let mut nan = fixtures::kpi_share();
        nan.measurements[0].value = f64::NAN;
        nan.targets[0].value = f64::INFINITY;
        nan.targets[1].year = i32::MAX;
        nan.attainment = Some(f64::NAN);
        let svg = assert_svg(
            &charts::kpis(
                &[empty.clone(), nan.clone()],
                fixtures::as_of(),
                Lang::Vi,
                ChartFormat::Svg,
            )
            .unwrap(),
        );
        assert!(svg.contains("Không có dữ liệu"));
        assert_svg(&charts::kpi(&empty, fixtures::as_of(), Lang::En, ChartFormat::Svg).unwrap());
        assert_svg(&charts::kpi(&nan, fixtures::as_of(), Lang::En, ChartFormat::Svg).unwrap());
        let none =
            assert_svg(&charts::kpis(&[], fixtures::as_of(), Lang::En, ChartFormat::Svg).unwrap());
        assert!(none.contains("No data"));
    }
}
