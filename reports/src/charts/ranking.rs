//! The agency ranking: one horizontal bar per agency, best at the top, coloured by band, with
//! rank, name and score, so leadership sees who leads and who lags at a glance.

use super::layout::{self, LegendItem, Scale, Swatch, Ticks, MARGIN};
use super::palette;
use super::scene::{truncate, Align, Font, Rect, Scene};
use crate::model::{Band, Lang, Ranking};

const WIDTH: f64 = 1200.0;
const ROW: f64 = 26.0;
const BAR: f64 = 16.0;
/// Rows drawn at most; the rest are counted in a note.
const MAX_ROWS: usize = 120;
const RANK_RIGHT: f64 = MARGIN + 34.0;
const NAME_LEFT: f64 = MARGIN + 46.0;
const BARS_LEFT: f64 = 520.0;
const BARS_RIGHT: f64 = WIDTH - MARGIN - 60.0;

/// Lays out the ranking chart.
pub(crate) fn scene(data: &Ranking, lang: Lang) -> Scene {
    let mut scene = Scene::new(WIDTH, 0.0);
    let title = match &data.group {
        Some(group) if !group.get(lang).trim().is_empty() => format!(
            "{}: {}",
            layout::fixed(lang, "Xếp hạng cơ quan, đơn vị", "Agency ranking"),
            group.get(lang).trim()
        ),
        _ => layout::fixed(lang, "Xếp hạng cơ quan, đơn vị", "Agency ranking"),
    };
    let count = data.entries.len();
    let mut subtitle = match lang {
        Lang::Vi => format!("Điểm tổng hợp (0–100) · {count} cơ quan, đơn vị"),
        Lang::En => format!("Composite score (0–100) · {count} agencies"),
    };
    if !data.method.trim().is_empty() {
        subtitle.push_str(&match lang {
            Lang::Vi => format!(" · phương pháp {}", data.method.trim()),
            Lang::En => format!(" · method {}", data.method.trim()),
        });
    }
    let top = layout::header(
        &mut scene,
        WIDTH,
        &title,
        data.as_of,
        lang,
        &crate::model::nfc(&subtitle),
    );
    let bands = [Band::Good, Band::Fair, Band::Average, Band::Weak];
    let items: Vec<LegendItem> = bands
        .iter()
        .map(|b| LegendItem::new(Swatch::Fill(palette::band(*b)), b.label(lang)))
        .collect();
    let top = layout::legend(&mut scene, (MARGIN, top), WIDTH - MARGIN, &items) + 30.0;

    if data.entries.is_empty() {
        layout::empty_chart(&mut scene, top, lang);
        return scene;
    }

    let shown = &data.entries[..count.min(MAX_ROWS)];
    let bottom = top + shown.len() as f64 * ROW;
    let scale = Scale::new((0.0, 100.0), (BARS_LEFT, BARS_RIGHT));
    for (i, _) in shown.iter().enumerate().filter(|(i, _)| i % 2 == 1) {
        let y = top + i as f64 * ROW;
        scene.rect(
            Rect::new(MARGIN, y, WIDTH - MARGIN, y + ROW),
            palette::SHADE,
        );
    }
    let ticks = Ticks::new(0.0, 100.0, 5);
    layout::value_grid(
        &mut scene,
        &scale,
        &ticks,
        (top, bottom),
        shown.len() > 12,
        lang,
    );

    for (i, entry) in shown.iter().enumerate() {
        let cy = top + (i as f64 + 0.5) * ROW;
        scene.text(
            (RANK_RIGHT, cy),
            entry.rank.to_string(),
            Font::LABEL.bolded(),
            palette::INK,
            Align::Right,
        );
        let name = truncate(
            &entry.agency.name.get(lang),
            Font::LABEL,
            BARS_LEFT - 16.0 - NAME_LEFT,
        );
        scene.text(
            (NAME_LEFT, cy),
            name,
            Font::LABEL,
            palette::INK,
            Align::Left,
        );
        let score = if entry.score.is_finite() {
            entry.score.clamp(0.0, 100.0)
        } else {
            0.0
        };
        let end = scale.map(score);
        scene.rect(
            Rect::new(BARS_LEFT, cy - BAR / 2.0, end, cy + BAR / 2.0),
            palette::band(entry.band),
        );
        scene.text(
            (end + 6.0, cy),
            layout::number(entry.score, 1, lang),
            Font::LABEL,
            palette::INK,
            Align::Left,
        );
    }
    scene.line(&[(BARS_LEFT, top), (BARS_LEFT, bottom)], palette::AXIS, 1.0);
    let mut y = bottom + 36.0;
    scene.text(
        ((BARS_LEFT + BARS_RIGHT) / 2.0, y),
        layout::fixed(lang, "Điểm", "Score"),
        Font::SMALL,
        palette::MUTED,
        Align::Center,
    );
    if count > shown.len() {
        y += 24.0;
        let more = count - shown.len();
        let note = match lang {
            Lang::Vi => format!("… và {more} cơ quan, đơn vị khác"),
            Lang::En => format!("… and {more} more agencies"),
        };
        scene.text(
            (MARGIN, y),
            crate::model::nfc(&note),
            Font::LABEL,
            palette::MUTED,
            Align::Left,
        );
    }
    scene.height = y + MARGIN;
    scene
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, assert_print_png, assert_svg, keep};
    use crate::charts;
    use crate::model::{ChartFormat, Lang};

    #[test]
    fn png_is_drawn_for_print_and_grows_with_the_entries() {
        let few = charts::ranking(&fixtures::ranking_of(2), Lang::Vi, ChartFormat::Png).unwrap();
        let more = charts::ranking(&fixtures::ranking_of(12), Lang::Vi, ChartFormat::Png).unwrap();
        keep("ranking.png", &more);
        let (_, few_height) = assert_print_png(&few);
        let (_, more_height) = assert_print_png(&more);
        // Ten more rows of 26 px, drawn at 2×.
        assert_eq!(more_height, few_height + 2 * 10 * 26);
    }

    #[test]
    fn svg_has_vietnamese_or_english_labels() {
        let data = fixtures::ranking();
        let vi = assert_svg(&charts::ranking(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        keep("ranking.svg", vi.as_bytes());
        for label in [
            "Sở Thông tin và Truyền thông",
            "Sở, ban, ngành",
            "31/12/2020",
            "Trung bình",
            "96,5",
        ] {
            assert!(vi.contains(label), "missing {label}");
        }
        assert!(vi.contains("Ban Quản lý các khu công nghiệp") && vi.contains('…'));
        let en = assert_svg(&charts::ranking(&data, Lang::En, ChartFormat::Svg).unwrap());
        for label in [
            "Department of Home Affairs",
            "Departments",
            "2020-12-31",
            "Average",
            "96.5",
        ] {
            assert!(en.contains(label), "missing {label}");
        }
    }

    #[test]
    fn same_data_same_bytes() {
        let data = fixtures::ranking();
        for format in [ChartFormat::Png, ChartFormat::Svg] {
            let first = charts::ranking(&data, Lang::Vi, format).unwrap();
            assert_eq!(first, charts::ranking(&data, Lang::Vi, format).unwrap());
        }
    }

    #[test]
    fn no_entries_and_odd_scores_still_draw() {
        let mut data = fixtures::ranking();
        data.entries.clear();
        data.group = None;
        let svg = assert_svg(&charts::ranking(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        assert!(svg.contains("Không có dữ liệu"));
        assert_print_png(&charts::ranking(&data, Lang::En, ChartFormat::Png).unwrap());

        let mut odd = fixtures::ranking_of(3);
        odd.entries[0].score = f64::NAN;
        odd.entries[1].score = 250.0;
        odd.entries[2].score = -3.0;
        assert_svg(&charts::ranking(&odd, Lang::Vi, ChartFormat::Svg).unwrap());
        let huge = fixtures::ranking_of(400);
        let svg = assert_svg(&charts::ranking(&huge, Lang::Vi, ChartFormat::Svg).unwrap());
        assert!(svg.contains("và 280 cơ quan, đơn vị khác"));
    }
}
