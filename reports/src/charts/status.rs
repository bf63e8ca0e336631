//! The status breakdown: for each group of tasks (a main task, an agency level...) one bar
//! stacked by status with its counts and overdue tasks, so leadership sees where work is done,
//! running, not started or blocked.

use super::layout::{self, LegendItem, Scale, Swatch, Ticks, MARGIN};
use super::palette;
use super::scene::{text_width, wrap, Align, Font, Rect, Scene};
use crate::model::{nfc, Lang, Status, StatusBreakdown, StatusGroup};

const WIDTH: f64 = 1200.0;
const ROW: f64 = 44.0;
const BAR: f64 = 26.0;
/// Groups drawn at most; the rest are counted in a note.
const MAX_ROWS: usize = 100;
const LABEL_RIGHT: f64 = 420.0;
const BARS_LEFT: f64 = 440.0;
const BARS_RIGHT: f64 = WIDTH - MARGIN - 190.0;
const OVERDUE_X: f64 = WIDTH - MARGIN - 140.0;

/// Lays out the status breakdown.
pub(crate) fn scene(data: &StatusBreakdown, lang: Lang) -> Scene {
    let mut scene = Scene::new(WIDTH, 0.0);
    let subtitle = data.counting.get(lang);
    let mut title = layout::fixed(lang, "Tình hình thực hiện nhiệm vụ", "Task status");
    let grouping = data.grouping.get(lang);
    if !grouping.trim().is_empty() {
        title = format!("{title} {}", grouping.trim());
    }
    let top = layout::header(&mut scene, WIDTH, &title, data.as_of, lang, &subtitle);
    let mut items: Vec<LegendItem> = Status::ALL
        .iter()
        .map(|s| LegendItem::new(Swatch::Fill(palette::status(*s)), s.label(lang)))
        .collect();
    items.push(LegendItem::new(
        Swatch::Flag,
        layout::fixed(lang, "Quá hạn (trong tổng số)", "Overdue (among the total)"),
    ));
    let top = layout::legend(&mut scene, (MARGIN, top), WIDTH - MARGIN, &items) + 30.0;

    if data.groups.is_empty() {
        layout::empty_chart(&mut scene, top, lang);
        return scene;
    }
    let shown = &data.groups[..data.groups.len().min(MAX_ROWS)];
    let bottom = top + shown.len() as f64 * ROW;
    let most = shown.iter().map(total).max().unwrap_or(0);
    let ticks = Ticks::new(0.0, most.max(1) as f64, 6);
    let scale = Scale::new(ticks.bounds(), (BARS_LEFT, BARS_RIGHT));
    for (i, _) in shown.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        let y = top + i as f64 * ROW;
        scene.rect(
            Rect::new(MARGIN, y, WIDTH - MARGIN, y + ROW),
            palette::SHADE,
        );
    }
    layout::value_grid(
        &mut scene,
        &scale,
        &ticks,
        (top, bottom),
        shown.len() > 12,
        lang,
    );
    for (i, group) in shown.iter().enumerate() {
        draw_group(
            &mut scene,
            &scale,
            group,
            top + (i as f64 + 0.5) * ROW,
            lang,
        );
    }
    scene.line(&[(BARS_LEFT, top), (BARS_LEFT, bottom)], palette::AXIS, 1.0);
    let mut y = bottom + 36.0;
    scene.text(
        ((BARS_LEFT + BARS_RIGHT) / 2.0, y),
        layout::fixed(lang, "Số nhiệm vụ", "Tasks"),
        Font::SMALL,
        palette::MUTED,
        Align::Center,
    );
    if data.groups.len() > shown.len() {
        y += 24.0;
        let more = data.groups.len() - shown.len();
        let note = match lang {
            Lang::Vi => format!("… và {more} nhóm khác"),
            Lang::En => format!("… and {more} more groups"),
        };
        scene.text(
            (MARGIN, y),
            nfc(&note),
            Font::LABEL,
            palette::MUTED,
            Align::Left,
        );
    }
    scene.height = y + MARGIN;
    scene
}

/// All tasks of a group, without overflowing on absurd counts.
fn total(group: &StatusGroup) -> u64 {
    Status::ALL.iter().map(|s| u64::from(group.count(*s))).sum()
}

/// "II.1 Phát triển hạ tầng": the code leads when it is a numbered item the label lacks.
fn group_label(group: &StatusGroup, lang: Lang) -> String {
    let label = group.label.get(lang);
    let code = group.code.trim();
    let numbered = code.chars().any(|c| c.is_ascii_digit());
    match (
        label.trim().is_empty(),
        numbered && !label.starts_with(code),
    ) {
        (true, _) => code.to_owned(),
        (false, true) => format!("{code}. {}", label.trim()),
        (false, false) => label.trim().to_owned(),
    }
}

fn draw_group(scene: &mut Scene, scale: &Scale, group: &StatusGroup, cy: f64, lang: Lang) {
    let lines = wrap(
        &group_label(group, lang),
        Font::LABEL,
        LABEL_RIGHT - MARGIN - 8.0,
        2,
    );
    let first_y = cy - (lines.len() as f64 - 1.0) * 8.5;
    for (i, line) in lines.into_iter().enumerate() {
        let y = first_y + i as f64 * 17.0;
        scene.text(
            (MARGIN + 8.0, y),
            line,
            Font::LABEL,
            palette::INK,
            Align::Left,
        );
    }
    let mut start = 0u64;
    for status in Status::ALL {
        let count = u64::from(group.count(status));
        if count == 0 {
            continue;
        }
        let (x0, x1) = (scale.map(start as f64), scale.map((start + count) as f64));
        let colour = palette::status(status);
        scene.rect(Rect::new(x0, cy - BAR / 2.0, x1, cy + BAR / 2.0), colour);
        scene.line(
            &[(x1, cy - BAR / 2.0), (x1, cy + BAR / 2.0)],
            palette::PAPER,
            1.0,
        );
        let text = count.to_string();
        if text_width(&text, Font::LABEL.bolded()) + 8.0 <= x1 - x0 {
            let at = ((x0 + x1) / 2.0, cy);
            scene.text(
                at,
                text,
                Font::LABEL.bolded(),
                palette::text_on(colour),
                Align::Center,
            );
        }
        start += count;
    }
    let end = scale.map(total(group) as f64);
    scene.text(
        (end + 8.0, cy),
        total(group).to_string(),
        Font::LABEL.bolded(),
        palette::INK,
        Align::Left,
    );
    if group.overdue > 0 {
        layout::overdue_flag(scene, (OVERDUE_X, cy));
        let text = match lang {
            Lang::Vi => format!("{} quá hạn", group.overdue),
            Lang::En => format!("{} overdue", group.overdue),
        };
        scene.text(
            (OVERDUE_X + 14.0, cy),
            nfc(&text),
            Font::LABEL,
            palette::ALERT,
            Align::Left,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, assert_print_png, assert_svg, keep};
    use crate::charts;
    use crate::model::{ChartFormat, Lang};

    #[test]
    fn png_is_drawn_for_print() {
        let png = charts::status(&fixtures::status(), Lang::Vi, ChartFormat::Png).unwrap();
        keep("status.png", &png);
        assert_print_png(&png);
    }

    #[test]
    fn svg_counts_groups_and_statuses() {
        let data = fixtures::status();
        let vi = assert_svg(&charts::status(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        keep("status.svg", vi.as_bytes());
        for label in [
            "theo nhiệm vụ chủ yếu",
            "II.1. Phát triển hạ tầng kỹ thuật",
            "Hoàn thành",
            "Vướng mắc",
            "2 quá hạn",
            "31/12/2020",
        ] {
            assert!(vi.contains(label), "missing {label}");
        }
        let en = assert_svg(&charts::status(&data, Lang::En, ChartFormat::Svg).unwrap());
        for label in [
            "by main task",
            "II.2. Applications and services",
            "Blocked",
            "2 overdue",
        ] {
            assert!(en.contains(label), "missing {label}");
        }
        assert_eq!(
            charts::status(&data, Lang::En, ChartFormat::Svg).unwrap(),
            en.into_bytes()
        );
    }

    #[test]
    fn empty_groups_still_draw() {
        let mut data = fixtures::status();
        for group in &mut data.groups {
            (group.completed, group.in_progress, group.overdue) = (0, 0, 0);
            (group.not_started, group.blocked) = (0, 0);
        }
        assert_svg(&charts::status(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        data.groups[0].completed = u32::MAX;
        data.groups[0].blocked = u32::MAX;
        assert_svg(&charts::status(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        data.groups.clear();
        let svg = assert_svg(&charts::status(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        assert!(svg.contains("Không có dữ liệu"));
    }
}
