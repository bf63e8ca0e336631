//! Pieces every chart shares: margins, the title block, legends, the "no data" notice, the
//! report's date, numbers in the reader's language, linear scales and round axis ticks.

use chrono::NaiveDate;
use plotters::style::RGBColor;

use super::palette;
use super::scene::{text_width, truncate, Align, Font, Rect, Scene};
use crate::model::{nfc, Lang};

/// Space around every chart.
pub(crate) const MARGIN: f64 = 32.0;

/// A fixed label in `lang`, NFC-normalised.
pub(crate) fn fixed(lang: Lang, vi: &'static str, en: &'static str) -> String {
    nfc(lang.pick(vi, en))
}

/// A date as the reader writes it: 31/12/2020 in Vietnamese, 2020-12-31 in English.
pub(crate) fn date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => day.format("%d/%m/%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// "đến ngày 31/12/2020" / "as of 2020-12-31".
pub(crate) fn as_of(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => nfc(&format!("đến ngày {}", date(day, lang))),
        Lang::En => format!("as of {}", date(day, lang)),
    }
}

/// Draws the title, ending with the report's date, and the subtitle across the top of a chart
/// `width` wide; returns where the content below them starts. A long title is shortened, never
/// its date.
pub(crate) fn header(
    scene: &mut Scene,
    width: f64,
    title: &str,
    day: NaiveDate,
    lang: Lang,
    subtitle: &str,
) -> f64 {
    let max = width - 2.0 * MARGIN;
    let dated = format!(" — {}", as_of(day, lang));
    let title = truncate(title, Font::TITLE, max - text_width(&dated, Font::TITLE));
    scene.text(
        (MARGIN, MARGIN + 8.0),
        format!("{title}{dated}"),
        Font::TITLE,
        palette::INK,
        Align::Left,
    );
    let subtitle = truncate(subtitle, Font::SUBTITLE, max);
    scene.text(
        (MARGIN, MARGIN + 36.0),
        subtitle,
        Font::SUBTITLE,
        palette::MUTED,
        Align::Left,
    );
    MARGIN + 58.0
}

/// What a legend entry shows before its label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A filled square.
    Fill(RGBColor),
    /// A filled square with a border.
    Framed(RGBColor, RGBColor),
    /// A short solid line with a dot.
    LineDot(RGBColor),
    /// A short horizontal dashed line.
    DashedLine(RGBColor),
    /// A short vertical dashed line.
    DashedRule(RGBColor),
    /// A diamond.
    Diamond(RGBColor),
    /// A short arrow.
    Arrow(RGBColor),
    /// The overdue flag.
    Flag,
    /// No swatch: the label, in bold, starts a new row and names the entries after it, which
    /// line up after the widest caption.
    Caption,
}

/// A legend entry.
#[derive(Debug, Clone)]
pub(crate) struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

impl LegendItem {
    /// An entry.
    pub fn new(swatch: Swatch, label: impl Into<String>) -> LegendItem {
        LegendItem {
            swatch,
            label: label.into(),
        }
    }
}

const LEGEND_ROW: f64 = 22.0;
const SWATCH: f64 = 14.0;

/// Draws legend entries left to right from `(x, y)` (top), wrapping before `max_x`; returns the
/// y below the legend.
pub(crate) fn legend(
    scene: &mut Scene,
    (x, y): (f64, f64),
    max_x: f64,
    items: &[LegendItem],
) -> f64 {
    let font = Font::LABEL;
    let caption_width = items
        .iter()
        .filter(|item| matches!(item.swatch, Swatch::Caption))
        .map(|item| text_width(&item.label, font.bolded()) + 12.0)
        .fold(0.0, f64::max)
        .min((max_x - x) / 3.0);
    let mut left = x;
    let (mut cx, mut cy) = (x, y + LEGEND_ROW / 2.0);
    for item in items {
        let label = truncate(&item.label, font, (max_x - left - SWATCH - 8.0).max(40.0));
        if let Swatch::Caption = item.swatch {
            if cx > x {
                cy += LEGEND_ROW;
            }
            let label = truncate(&item.label, font.bolded(), caption_width - 12.0);
            scene.text((x, cy), label, font.bolded(), palette::MUTED, Align::Left);
            left = x + caption_width;
            cx = left;
            continue;
        }
        let width = SWATCH + 7.0 + text_width(&label, font);
        if cx > left && cx + width > max_x {
            cx = left;
            cy += LEGEND_ROW;
        }
        draw_swatch(
            scene,
            item.swatch,
            Rect::new(cx, cy - SWATCH / 2.0, cx + SWATCH, cy + SWATCH / 2.0),
        );
        scene.text(
            (cx + SWATCH + 7.0, cy),
            label,
            font,
            palette::INK,
            Align::Left,
        );
        cx += width + 20.0;
    }
    cy + LEGEND_ROW / 2.0
}

fn draw_swatch(scene: &mut Scene, swatch: Swatch, rect: Rect) {
    let (cx, cy) = rect.center();
    match swatch {
        Swatch::Fill(color) => scene.rect(rect, color),
        Swatch::Framed(fill, border) => scene.boxed(rect, fill, border, 1.5),
        Swatch::LineDot(color) => {
            scene.line(&[(rect.x0 - 3.0, cy), (rect.x1 + 3.0, cy)], color, 2.5);
            scene.circle((cx, cy), 4.0, color);
        }
        Swatch::DashedLine(color) => {
            scene.dashed((rect.x0 - 3.0, cy), (rect.x1 + 3.0, cy), color, 2.5, 5.0)
        }
        Swatch::DashedRule(color) => {
            scene.dashed((cx, rect.y0 - 2.0), (cx, rect.y1 + 2.0), color, 2.0, 4.0)
        }
        Swatch::Diamond(color) => scene.diamond((cx, cy), 6.0, color),
        Swatch::Arrow(color) => {
            scene.line(&[(rect.x0 - 6.0, cy), (rect.x1 - 6.0, cy)], color, 1.5);
            scene.polygon(
                &[
                    (rect.x1 + 2.0, cy),
                    (rect.x1 - 6.0, cy - 4.5),
                    (rect.x1 - 6.0, cy + 4.5),
                ],
                color,
            );
        }
        Swatch::Flag => overdue_flag(scene, (cx, cy)),
        Swatch::Caption => {}
    }
}

/// The overdue flag: a white "!" in a red disc centred on `center`.
pub(crate) fn overdue_flag(scene: &mut Scene, center: (f64, f64)) {
    scene.circle(center, 7.5, palette::ALERT);
    scene.text(
        center,
        "!",
        Font::regular(12.0).bolded(),
        RGBColor(0xff, 0xff, 0xff),
        Align::Center,
    );
}

/// Ends a chart that has nothing to draw: the notice under its header, `top` down.
pub(crate) fn empty_chart(scene: &mut Scene, top: f64, lang: Lang) {
    let width = scene.width;
    no_data(
        scene,
        Rect::new(MARGIN, top, width - MARGIN, top + 200.0),
        lang,
    );
    scene.height = top + 200.0 + MARGIN;
}

/// A framed notice that there is nothing to draw in `area`.
pub(crate) fn no_data(scene: &mut Scene, area: Rect, lang: Lang) {
    scene.outline(area, palette::GRID, 1.0);
    scene.text(
        area.center(),
        fixed(lang, "Không có dữ liệu", "No data"),
        Font::SUBTITLE,
        palette::MUTED,
        Align::Center,
    );
}

/// A number in `lang`: "1.234,5" in Vietnamese, "1,234.5" in English; "–" when not finite.
pub(crate) fn number(value: f64, decimals: usize, lang: Lang) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let digits = format!("{:.*}", decimals.min(6), value.abs());
    let (int, frac) = digits.split_once('.').unwrap_or((digits.as_str(), ""));
    let (group, point) = match lang {
        Lang::Vi => ('.', ','),
        Lang::En => (',', '.'),
    };
    let mut out = String::new();
    if value < 0.0 && digits.chars().any(|c| ('1'..='9').contains(&c)) {
        out.push('−');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A measured value with as few decimals as it needs (at most two).
pub(crate) fn value(value: f64, lang: Lang) -> String {
    let decimals = if (value - value.round()).abs() < 0.005 {
        0
    } else if ((value * 10.0) - (value * 10.0).round()).abs() < 0.05 {
        1
    } else {
        2
    };
    number(value, decimals, lang)
}

/// A linear map from a domain of values onto a range of pixels, clamped to the range.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    /// `domain.0` maps to `range.0`, `domain.1` to `range.1`.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Scale {
        Scale { domain, range }
    }

    /// The pixel of `v`.
    pub fn map(&self, v: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let t = if d1 == d0 || !v.is_finite() {
            0.0
        } else {
            ((v - d0) / (d1 - d0)).clamp(0.0, 1.0)
        };
        r0 + t * (r1 - r0)
    }
}

/// Round axis ticks covering `lo..=hi`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    /// Decimals the labels need.
    pub decimals: usize,
}

impl Ticks {
    /// At most about `count` ticks at 1, 2 or 5 times a power of ten, from at or below `lo` to
    /// at or above `hi`.
    pub fn new(lo: f64, hi: f64, count: usize) -> Ticks {
        let (lo, hi) = if lo.is_finite() && hi.is_finite() {
            (lo.min(hi), lo.max(hi))
        } else {
            (0.0, 1.0)
        };
        let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
        let raw = span / count.max(1) as f64;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let first = (lo / step).floor();
        let last = (hi / step).ceil().max(first + 1.0);
        let values = (0..=((last - first) as usize).min(100))
            .map(|i| (first + i as f64) * step)
            .collect();
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10()).ceil().min(6.0) as usize
        };
        Ticks { values, decimals }
    }

    /// The lowest and highest tick.
    pub fn bounds(&self) -> (f64, f64) {
        let first = self.values.first().copied().unwrap_or(0.0);
        let last = self.values.last().copied().unwrap_or(1.0);
        (first, last)
    }
}

/// Vertical grid lines at `ticks` from `y0` to `y1` with their labels under the grid and, for
/// long charts, above it too.
pub(crate) fn value_grid(
    scene: &mut Scene,
    scale: &Scale,
    ticks: &Ticks,
    (y0, y1): (f64, f64),
    labels_on_top: bool,
    lang: Lang,
) {
    for &tick in &ticks.values {
        let x = scale.map(tick);
        scene.line(&[(x, y0), (x, y1)], palette::GRID, 1.0);
        let label = number(tick, ticks.decimals, lang);
        if labels_on_top {
            scene.text(
                (x, y0 - 12.0),
                label.clone(),
                Font::SMALL,
                palette::MUTED,
                Align::Center,
            );
        }
        scene.text(
            (x, y1 + 13.0),
            label,
            Font::SMALL,
            palette::MUTED,
            Align::Center,
        );
    }
    if let (Some(first), Some(last)) = (ticks.values.first(), ticks.values.last()) {
        scene.line(
            &[(scale.map(*first), y1), (scale.map(*last), y1)],
            palette::AXIS,
            1.0,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_follow_the_language() {
        assert_eq!(number(1234.5, 1, Lang::Vi), "1.234,5");
        assert_eq!(number(1234.5, 1, Lang::En), "1,234.5");
        assert_eq!(number(-0.01, 0, Lang::En), "0");
        assert_eq!(number(f64::NAN, 1, Lang::Vi), "–");
        assert_eq!(value(87.5, Lang::Vi), "87,5");
        assert_eq!(value(20.0, Lang::Vi), "20");
        let day = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
        assert_eq!(as_of(day, Lang::Vi), "đến ngày 31/12/2020");
        assert_eq!(as_of(day, Lang::En), "as of 2020-12-31");
    }

    #[test]
    fn ticks_are_round_and_cover_the_values() {
        assert_eq!(Ticks::new(20.0, 31.0, 5).bounds(), (20.0, 35.0));
        assert_eq!(Ticks::new(20.0, 31.0, 6).bounds(), (20.0, 32.0));
        assert_eq!(
            Ticks::new(0.0, 100.0, 5).values,
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(Ticks::new(0.1, 0.45, 4).decimals, 1);
        assert_eq!(Ticks::new(f64::NAN, 3.0, 4).bounds(), (0.0, 1.0));
        assert!(Ticks::new(5.0, 5.0, 4).values.len() >= 2);
    }
}
