//! The progress (Gantt) chart: one row per task of the plan on a time axis, so leadership sees
//! what was planned when, how far each task is, which reporting years were met or missed and which
//! tasks are overdue on the report's date.

use chrono::NaiveDate;

use super::layout::{self, LegendItem, Scale, Swatch, MARGIN};
use super::palette;
use super::scene::{truncate, Align, Font, Rect, Scene};
use crate::model::{nfc, Lang, PeriodState, Recurrence, Status, TaskRow, Timeline};

const WIDTH: f64 = 1400.0;
const ROW: f64 = 28.0;
const BAR: f64 = 16.0;
/// Rows drawn at most; the rest are counted in a note.
const MAX_ROWS: usize = 100;
/// Years the axis spans at most.
const MAX_YEARS: i32 = 60;
const NUMBER_RIGHT: f64 = MARGIN + 26.0;
const TITLE_LEFT: f64 = MARGIN + 32.0;
const FLAG_X: f64 = 492.0;
const CHART_LEFT: f64 = 510.0;
const CHART_RIGHT: f64 = WIDTH - MARGIN - 64.0;

/// The time axis: 1 January of the first year to 31 December of the last.
struct Axis {
    first: NaiveDate,
    end: NaiveDate,
    first_year: i32,
    last_year: i32,
    scale: Scale,
}

impl Axis {
    fn new(first_year: i32, last_year: i32) -> Axis {
        let (lo, hi) = (first_year.min(last_year), first_year.max(last_year));
        let first_year = lo.clamp(1900, 2200);
        let last_year = hi.clamp(first_year, first_year + MAX_YEARS - 1);
        let first = jan1(first_year);
        let end = jan1(last_year + 1);
        let days = (end - first).num_days() as f64;
        Axis {
            first,
            end,
            first_year,
            last_year,
            scale: Scale::new((0.0, days), (CHART_LEFT, CHART_RIGHT)),
        }
    }

    fn x(&self, day: NaiveDate) -> f64 {
        self.scale.map((day - self.first).num_days() as f64)
    }

    fn contains(&self, day: NaiveDate) -> bool {
        day >= self.first && day <= self.end
    }

    /// A span of days clipped to the axis, or `None` when it lies outside.
    fn clip(&self, from: NaiveDate, to: NaiveDate) -> Option<(f64, f64)> {
        let (from, to) = (from.min(to), from.max(to));
        (to >= self.first && from < self.end).then(|| (self.x(from), self.x(to)))
    }
}

fn jan1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year.clamp(1900, 2300), 1, 1).unwrap_or_default()
}

/// The first day after `year`.
fn year_end(year: i32) -> NaiveDate {
    jan1(year.saturating_add(1))
}

/// Lays out the progress chart.
pub(crate) fn scene(data: &Timeline, lang: Lang) -> Scene {
    let mut scene = Scene::new(WIDTH, 0.0);
    let axis = Axis::new(data.first_year, data.last_year);
    let overdue = data.tasks.iter().filter(|t| t.overdue).count();
    let count = data.tasks.len();
    let (first, last) = (axis.first_year, axis.last_year);
    let subtitle = match lang {
        Lang::Vi => {
            format!("Giai đoạn {first}–{last} · {count} nhiệm vụ · {overdue} nhiệm vụ quá hạn")
        }
        Lang::En => format!("{first}–{last} · {count} tasks · {overdue} overdue"),
    };
    let title = layout::fixed(lang, "Tiến độ thực hiện các nhiệm vụ", "Task progress");
    let top = layout::header(&mut scene, WIDTH, &title, data.as_of, lang, &nfc(&subtitle));
    let top = layout::legend(&mut scene, (MARGIN, top), WIDTH - MARGIN, &legend(lang)) + 16.0;

    if data.tasks.is_empty() {
        layout::empty_chart(&mut scene, top, lang);
        return scene;
    }

    let shown = &data.tasks[..count.min(MAX_ROWS)];
    let rows_top = top + 44.0;
    let rows_bottom = rows_top + shown.len() as f64 * ROW;
    draw_years(&mut scene, &axis, (rows_top, rows_bottom));
    for (i, task) in shown.iter().enumerate() {
        let y = rows_top + i as f64 * ROW;
        if i > 0 {
            scene.line(&[(MARGIN, y), (WIDTH - MARGIN, y)], palette::GRID, 0.6);
        }
        draw_task(&mut scene, &axis, task, y + ROW / 2.0, lang);
    }
    draw_as_of(
        &mut scene,
        &axis,
        data.as_of,
        (top + 8.0, rows_bottom),
        lang,
    );

    let mut bottom = rows_bottom + 30.0;
    if count > shown.len() {
        let more = count - shown.len();
        let note = match lang {
            Lang::Vi => format!("… và {more} nhiệm vụ khác"),
            Lang::En => format!("… and {more} more tasks"),
        };
        scene.text(
            (MARGIN, bottom + 10.0),
            nfc(&note),
            Font::LABEL,
            palette::MUTED,
            Align::Left,
        );
        bottom += 24.0;
    }
    scene.height = bottom + MARGIN;
    scene
}

fn legend(lang: Lang) -> Vec<LegendItem> {
    let caption = |vi, en| LegendItem::new(Swatch::Caption, layout::fixed(lang, vi, en));
    let mut items = vec![caption("Tiến độ, theo trạng thái:", "Progress, by status:")];
    items.extend(
        Status::ALL
            .iter()
            .map(|s| LegendItem::new(Swatch::Fill(palette::status(*s)), s.label(lang))),
    );
    items.push(caption("Kỳ báo cáo hằng năm:", "Yearly periods:"));
    let periods = [
        (PeriodState::Met, "Đã đạt", "Met"),
        (PeriodState::Open, "Đang thực hiện", "Open"),
        (PeriodState::Missed, "Không đạt", "Missed"),
    ];
    for (state, vi, en) in periods {
        items.push(LegendItem::new(
            Swatch::Fill(palette::period(state)),
            layout::fixed(lang, vi, en),
        ));
    }
    items.extend([
        LegendItem::new(
            Swatch::Framed(palette::PLANNED, palette::PLANNED_EDGE),
            layout::fixed(lang, "Kế hoạch, chưa đến kỳ", "Planned, upcoming"),
        ),
        caption("Ký hiệu:", "Marks:"),
        LegendItem::new(
            Swatch::Diamond(palette::INK),
            layout::fixed(lang, "Ngày hoàn thành", "Completed on"),
        ),
        LegendItem::new(Swatch::Flag, layout::fixed(lang, "Quá hạn", "Overdue")),
        LegendItem::new(
            Swatch::DashedRule(palette::AS_OF),
            layout::fixed(lang, "Hôm nay (ngày báo cáo)", "As of (report date)"),
        ),
    ]);
    items
}

fn draw_years(scene: &mut Scene, axis: &Axis, (top, bottom): (f64, f64)) {
    let years = axis.last_year - axis.first_year + 1;
    let step = ((years + 11) / 12).max(1);
    for year in axis.first_year..=axis.last_year {
        let (x0, x1) = (axis.x(jan1(year)), axis.x(year_end(year)));
        if (year - axis.first_year) % 2 == 1 {
            scene.rect(Rect::new(x0, top, x1, bottom), palette::SHADE);
        }
        scene.line(&[(x0, top - 6.0), (x0, bottom)], palette::GRID, 1.0);
        if (year - axis.first_year) % step == 0 {
            for y in [top - 14.0, bottom + 14.0] {
                scene.text(
                    ((x0 + x1) / 2.0, y),
                    year.to_string(),
                    Font::SMALL.bolded(),
                    palette::MUTED,
                    Align::Center,
                );
            }
        }
    }
    let right = axis.x(axis.end);
    scene.line(&[(right, top - 6.0), (right, bottom)], palette::GRID, 1.0);
    scene.line(&[(CHART_LEFT, bottom), (right, bottom)], palette::AXIS, 1.0);
}

fn draw_task(scene: &mut Scene, axis: &Axis, task: &TaskRow, cy: f64, lang: Lang) {
    scene.text(
        (NUMBER_RIGHT, cy),
        format!("{}.", task.number),
        Font::LABEL.bolded(),
        palette::INK,
        Align::Right,
    );
    let title = truncate(
        &task.title.get(lang),
        Font::LABEL,
        FLAG_X - 12.0 - TITLE_LEFT,
    );
    scene.text(
        (TITLE_LEFT, cy),
        title,
        Font::LABEL,
        palette::INK,
        Align::Left,
    );
    let progress = task.progress.clamp(0, 100);
    scene.text(
        (WIDTH - MARGIN, cy),
        format!("{progress}%"),
        Font::LABEL,
        palette::INK,
        Align::Right,
    );
    if task.overdue {
        layout::overdue_flag(scene, (FLAG_X, cy));
    }

    let start = jan1(task.start_year);
    let end = match (task.recurrence, task.due_date) {
        (Recurrence::Once, Some(due)) => due,
        _ => year_end(task.end_year.unwrap_or(match task.recurrence {
            Recurrence::Once => task.start_year,
            Recurrence::Annual | Recurrence::Ongoing => axis.last_year,
        })),
    };
    let Some((x0, x1)) = axis.clip(start, end) else {
        let label = if start >= axis.end {
            format!("{} →", task.start_year)
        } else {
            format!("← {}", task.start_year)
        };
        let (x, align) = if start >= axis.end {
            (CHART_RIGHT - 4.0, Align::Right)
        } else {
            (CHART_LEFT + 4.0, Align::Left)
        };
        scene.text((x, cy), label, Font::SMALL, palette::MUTED, align);
        return;
    };
    let span = Rect::new(x0, cy - BAR / 2.0, x1.max(x0 + 2.0), cy + BAR / 2.0);
    scene.boxed(span, palette::PLANNED, palette::PLANNED_EDGE, 1.0);
    let fill = palette::status(task.status);
    match task.recurrence {
        Recurrence::Once => {
            let done = span.x0 + span.width() * f64::from(progress) / 100.0;
            scene.rect(Rect::new(span.x0, span.y0, done, span.y1), fill);
        }
        Recurrence::Annual | Recurrence::Ongoing => {
            for period in &task.periods {
                if let Some((p0, p1)) = axis.clip(jan1(period.year), year_end(period.year)) {
                    let (p0, p1) = (p0.max(span.x0), p1.min(span.x1));
                    let cell = Rect::new(p0 + 1.5, span.y0 + 1.0, p1 - 1.5, span.y1 - 5.0);
                    scene.rect(cell, palette::period(period.state));
                }
            }
            let done = span.x0 + span.width() * f64::from(progress) / 100.0;
            scene.rect(Rect::new(span.x0, span.y1 - 4.0, done, span.y1), fill);
        }
    }
    if task.overdue {
        scene.outline(span.inset(-2.0), palette::ALERT, 2.0);
    }
    if let Some(day) = task.completed_on.filter(|d| axis.contains(*d)) {
        let at = (axis.x(day), cy);
        scene.diamond(at, 8.0, palette::PAPER);
        scene.diamond(at, 6.0, palette::INK);
    }
}

fn draw_as_of(
    scene: &mut Scene,
    axis: &Axis,
    as_of: NaiveDate,
    (label_y, bottom): (f64, f64),
    lang: Lang,
) {
    if !axis.contains(as_of) {
        return;
    }
    let x = axis.x(as_of);
    scene.dashed((x, label_y + 10.0), (x, bottom), palette::AS_OF, 1.5, 5.0);
    let label = format!(
        "{} {}",
        layout::fixed(lang, "Hôm nay", "As of"),
        layout::date(as_of, lang)
    );
    let (x, align) = if x > (CHART_LEFT + CHART_RIGHT) / 2.0 {
        (x - 2.0, Align::Right)
    } else {
        (x + 2.0, Align::Left)
    };
    scene.text(
        (x, label_y),
        label,
        Font::SMALL.bolded(),
        palette::AS_OF,
        align,
    );
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, assert_print_png, assert_svg, keep};
    use crate::charts;
    use crate::model::{ChartFormat, Lang};

    #[test]
    fn png_is_drawn_for_print() {
        let png = charts::progress(&fixtures::timeline(), Lang::Vi, ChartFormat::Png).unwrap();
        keep("progress.png", &png);
        assert_print_png(&png);
    }

    #[test]
    fn svg_labels_tasks_years_and_states() {
        let data = fixtures::timeline();
        let vi = assert_svg(&charts::progress(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        keep("progress.svg", vi.as_bytes());
        for label in [
            "1.",
            "Xây dựng Cổng dịch vụ công trực tuyến của tỉnh",
            "Hoàn thành",
            "Quá hạn",
            "Hôm nay 31/12/2020",
            "2016",
            "2021",
            "100%",
            "2030 →",
        ] {
            assert!(vi.contains(label), "missing {label}");
        }
        assert!(vi.contains("Triển khai hệ thống quản lý văn bản") && vi.contains('…'));
        let en = assert_svg(&charts::progress(&data, Lang::En, ChartFormat::Svg).unwrap());
        for label in [
            "Report on the use of information technology",
            "Completed",
            "Overdue",
            "As of 2020-12-31",
        ] {
            assert!(en.contains(label), "missing {label}");
        }
        assert_eq!(
            charts::progress(&data, Lang::Vi, ChartFormat::Svg).unwrap(),
            vi.into_bytes()
        );
    }

    #[test]
    fn odd_timelines_still_draw() {
        let mut data = fixtures::timeline();
        data.first_year = 2030;
        data.last_year = i32::MIN;
        data.tasks[0].due_date = None;
        data.tasks[1].progress = -40;
        data.tasks[2].periods[0].year = i32::MAX;
        assert_svg(&charts::progress(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        data.tasks.clear();
        let svg = assert_svg(&charts::progress(&data, Lang::En, ChartFormat::Svg).unwrap());
        assert!(svg.contains("No data"));
    }
}
