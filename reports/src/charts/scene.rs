//! A chart as a list of shapes in nominal pixels, drawn later at any scale.
//!
//! Chart modules lay out into a [`Scene`] rather than onto a plotters backend so that one layout
//! serves the 1× SVG and the 2× PNG, text is measured and truncated once (with the embedded font at
//! the nominal size), and a layout can be checked without decoding an image.

use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor};

use crate::fonts;

/// Height (ascent + descent) of DejaVu Sans per em: plotters' bitmap text sizes glyphs by this
/// height, SVG by the em.
pub(crate) const FONT_HEIGHT_PER_EM: f64 = 2384.0 / 2048.0;

/// Cap height of DejaVu Sans per em: text is centred vertically on its capitals.
const CAP_HEIGHT_PER_EM: f64 = 1493.0 / 2048.0;

/// A font size (CSS pixels per em) and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Font {
    pub size: f64,
    pub bold: bool,
}

impl Font {
    /// The chart's title.
    pub const TITLE: Font = Font::regular(22.0).bolded();
    /// The line under the title.
    pub const SUBTITLE: Font = Font::regular(14.0);
    /// Row labels, legends and most text.
    pub const LABEL: Font = Font::regular(13.0);
    /// Axis ticks and notes.
    pub const SMALL: Font = Font::regular(11.5);

    /// A regular font of `size` pixels per em.
    pub const fn regular(size: f64) -> Font {
        Font { size, bold: false }
    }

    /// The same size in bold.
    pub const fn bolded(self) -> Font {
        self.with_bold(true)
    }

    /// The same size, bold or not.
    pub const fn with_bold(self, bold: bool) -> Font {
        Font {
            size: self.size,
            bold,
        }
    }

    /// The plotters style.
    pub fn style(self) -> FontStyle {
        if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        }
    }
}

/// Horizontal alignment of a text on its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// An axis-aligned rectangle in nominal pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// From its corners.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// Width.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Centre.
    pub fn center(&self) -> (f64, f64) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Shrunk by `d` on every side.
    pub fn inset(&self, d: f64) -> Rect {
        Rect::new(self.x0 + d, self.y0 + d, self.x1 - d, self.y1 - d)
    }
}

/// One drawable shape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// A filled rectangle.
    Rect { rect: Rect, color: RGBAColor },
    /// An open polyline.
    Line {
        points: Vec<(f64, f64)>,
        color: RGBAColor,
        width: f64,
    },
    /// A filled polygon.
    Polygon {
        points: Vec<(f64, f64)>,
        color: RGBAColor,
    },
    /// A filled circle.
    Circle {
        center: (f64, f64),
        radius: f64,
        color: RGBAColor,
    },
    /// A line of text; `y` is the middle of its capitals.
    Text {
        x: f64,
        y: f64,
        text: String,
        font: Font,
        color: RGBAColor,
        align: Align,
    },
}

/// A chart laid out in nominal pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

impl Scene {
    /// An empty white scene.
    pub fn new(width: f64, height: f64) -> Scene {
        Scene {
            width,
            height,
            shapes: Vec::new(),
        }
    }

    /// A filled rectangle; nothing when it is empty or not finite.
    pub fn rect(&mut self, rect: Rect, color: impl Into<RGBAColor>) {
        let finite = [rect.x0, rect.y0, rect.x1, rect.y1]
            .iter()
            .all(|v| v.is_finite());
        if finite && rect.width() > 0.0 && rect.height() > 0.0 {
            self.shapes.push(Shape::Rect {
                rect,
                color: color.into(),
            });
        }
    }

    /// A rectangle's outline, `width` thick, drawn inside the rectangle.
    pub fn outline(&mut self, rect: Rect, color: impl Into<RGBAColor>, width: f64) {
        let color = color.into();
        let w = width.min(rect.width() / 2.0).min(rect.height() / 2.0);
        self.rect(Rect::new(rect.x0, rect.y0, rect.x1, rect.y0 + w), color);
        self.rect(Rect::new(rect.x0, rect.y1 - w, rect.x1, rect.y1), color);
        self.rect(
            Rect::new(rect.x0, rect.y0 + w, rect.x0 + w, rect.y1 - w),
            color,
        );
        self.rect(
            Rect::new(rect.x1 - w, rect.y0 + w, rect.x1, rect.y1 - w),
            color,
        );
    }

    /// A filled rectangle with an outline.
    pub fn boxed(
        &mut self,
        rect: Rect,
        fill: impl Into<RGBAColor>,
        border: impl Into<RGBAColor>,
        width: f64,
    ) {
        self.rect(rect, fill);
        self.outline(rect, border, width);
    }

    /// A line through `points`; horizontal and vertical segments become crisp rectangles.
    pub fn line(&mut self, points: &[(f64, f64)], color: impl Into<RGBAColor>, width: f64) {
        let color = color.into();
        let points: Vec<(f64, f64)> = points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        if let [(x0, y0), (x1, y1)] = points[..] {
            let h = width / 2.0;
            if y0 == y1 {
                self.rect(Rect::new(x0.min(x1), y0 - h, x0.max(x1), y0 + h), color);
                return;
            }
            if x0 == x1 {
                self.rect(Rect::new(x0 - h, y0.min(y1), x0 + h, y0.max(y1)), color);
                return;
            }
        }
        if points.len() >= 2 {
            self.shapes.push(Shape::Line {
                points,
                color,
                width,
            });
        }
    }

    /// A dashed straight line: dashes of `dash` pixels with gaps of the same length.
    pub fn dashed(
        &mut self,
        from: (f64, f64),
        to: (f64, f64),
        color: impl Into<RGBAColor>,
        width: f64,
        dash: f64,
    ) {
        let color = color.into();
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let length = dx.hypot(dy);
        if !length.is_finite() || length <= 0.0 || dash <= 0.0 {
            return;
        }
        let steps = (length / dash).ceil().min(10_000.0) as usize;
        for i in (0..steps).step_by(2) {
            let t0 = i as f64 * dash / length;
            let t1 = ((i + 1) as f64 * dash / length).min(1.0);
            self.line(
                &[
                    (from.0 + dx * t0, from.1 + dy * t0),
                    (from.0 + dx * t1, from.1 + dy * t1),
                ],
                color,
                width,
            );
        }
    }

    /// A filled polygon.
    pub fn polygon(&mut self, points: &[(f64, f64)], color: impl Into<RGBAColor>) {
        if points.len() >= 3 && points.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
            self.shapes.push(Shape::Polygon {
                points: points.to_vec(),
                color: color.into(),
            });
        }
    }

    /// A filled circle.
    pub fn circle(&mut self, center: (f64, f64), radius: f64, color: impl Into<RGBAColor>) {
        if center.0.is_finite() && center.1.is_finite() && radius > 0.0 {
            self.shapes.push(Shape::Circle {
                center,
                radius,
                color: color.into(),
            });
        }
    }

    /// A filled diamond of half-diagonal `r`.
    pub fn diamond(&mut self, (x, y): (f64, f64), r: f64, color: impl Into<RGBAColor>) {
        self.polygon(&[(x, y - r), (x + r, y), (x, y + r), (x - r, y)], color);
    }

    /// One line of text whose capitals are centred on `y`.
    pub fn text(
        &mut self,
        (x, y): (f64, f64),
        text: impl Into<String>,
        font: Font,
        color: impl Into<RGBAColor>,
        align: Align,
    ) {
        let text = text.into();
        if !text.trim().is_empty() && x.is_finite() && y.is_finite() {
            self.shapes.push(Shape::Text {
                x,
                y,
                text,
                font,
                color: color.into(),
                align,
            });
        }
    }

    /// One line of text on a white ground, to stay readable over lines and grid.
    pub fn halo_text(
        &mut self,
        (x, y): (f64, f64),
        text: impl Into<String>,
        font: Font,
        color: impl Into<RGBAColor>,
        align: Align,
    ) {
        let text = text.into();
        let width = text_width(&text, font);
        let x0 = match align {
            Align::Left => x,
            Align::Center => x - width / 2.0,
            Align::Right => x - width,
        };
        let ground = Rect::new(
            x0 - 2.0,
            y - 0.75 * font.size,
            x0 + width + 2.0,
            y + 0.55 * font.size,
        );
        self.rect(ground, RGBAColor(0xff, 0xff, 0xff, 0.85));
        self.text((x, y), text, font, color, align);
    }
}

/// Distance from the middle of the capitals down to the baseline, in pixels per em.
pub(crate) fn half_cap_height(font: Font) -> f64 {
    font.size * CAP_HEIGHT_PER_EM / 2.0
}

/// Advance width of `text` in `font`, in nominal pixels.
pub(crate) fn text_width(text: &str, font: Font) -> f64 {
    const OVERSAMPLE: f64 = 8.0;
    let desc = FontDesc::new(
        FontFamily::Name(fonts::FAMILY),
        font.size * FONT_HEIGHT_PER_EM * OVERSAMPLE,
        font.style(),
    );
    match desc.box_size(text) {
        Ok((width, _)) => f64::from(width) / OVERSAMPLE,
        Err(_) => text.chars().count() as f64 * font.size * 0.6,
    }
}

/// `text` cut to fit `max_width`, ending with "…" when anything was cut.
pub(crate) fn truncate(text: &str, font: Font, max_width: f64) -> String {
    let text = text.trim();
    if text_width(text, font) <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let ellipsized = |n: usize| format!("{}…", chars[..n].iter().collect::<String>().trim_end());
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        if text_width(&ellipsized(mid), font) <= max_width {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    if fits == 0 {
        return String::new();
    }
    ellipsized(fits)
}

/// `text` broken at spaces into at most `max_lines` lines of `max_width`; the last line is
/// truncated when the text does not fit.
pub(crate) fn wrap(text: &str, font: Font, max_width: f64, max_lines: usize) -> Vec<String> {
    let max_lines = max_lines.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if current.is_empty() {
            current = word.to_owned();
            continue;
        }
        let candidate = format!("{current} {word}");
        if lines.len() + 1 < max_lines && text_width(&candidate, font) > max_width {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
        .iter()
        .map(|line| truncate(line, font, max_width))
        .filter(|line| !line.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_with_the_embedded_font() {
        fonts::register().unwrap();
        // DejaVu Sans 'm' advances 1995/2048 em.
        let width = text_width("mmmmmmmmmm", Font::regular(100.0));
        assert!((width - 974.1).abs() < 2.0, "{width}");
    }

    #[test]
    fn truncates_and_wraps_vietnamese() {
        fonts::register().unwrap();
        let name = "Sở Thông tin và Truyền thông";
        assert_eq!(truncate(name, Font::LABEL, 1000.0), name);
        let short = truncate(name, Font::LABEL, 80.0);
        assert!(short.ends_with('…') && short.starts_with("Sở"), "{short}");
        assert!(text_width(&short, Font::LABEL) <= 80.0);
        let lines = wrap(name, Font::LABEL, 120.0, 2);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "Sở Thông tin và");
        let one = wrap(name, Font::LABEL, 120.0, 1);
        assert!(one[0].ends_with('…'));
        assert!(wrap("", Font::LABEL, 120.0, 2).is_empty());
    }
}
