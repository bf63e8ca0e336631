//! Draws a [`Scene`] with plotters: at 1× into an SVG string, at 2× into an RGB buffer encoded
//! as PNG. The only place that knows about backends, pixel scaling and image encoding.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ColorType, ImageEncoder};
use plotters::backend::{BitMapBackend, DrawingBackend, RGBPixel, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, RGBAColor, ShapeStyle, TextStyle, WHITE};

use super::glyphs::Bearings;
use super::scene::{
    half_cap_height, text_width, Align, Font, Rect, Scene, Shape, FONT_HEIGHT_PER_EM,
};
use crate::model::ChartFormat;
use crate::{fonts, RenderError, Result};

/// PNGs are drawn at twice the nominal size, for print.
pub(crate) const PNG_SCALE: f64 = 2.0;

/// Largest nominal side of a chart; layouts cap their rows well below it.
const MAX_SIDE: f64 = 8000.0;

/// What SVG text asks for: the embedded font when the viewer has it, any sans-serif otherwise.
const SVG_FONT_FAMILY: &str = "DejaVu Sans,sans-serif";

/// The scene as an image in `format`.
pub(crate) fn render(scene: &Scene, format: ChartFormat) -> Result<Vec<u8>> {
    match format {
        ChartFormat::Png => png(scene),
        ChartFormat::Svg => svg(scene),
    }
}

#[derive(Clone, Copy)]
enum Target {
    Svg,
    Bitmap,
}

impl Target {
    fn scale(self) -> f64 {
        match self {
            Target::Svg => 1.0,
            Target::Bitmap => PNG_SCALE,
        }
    }
}

fn chart_error(error: impl ToString) -> RenderError {
    RenderError::Chart(error.to_string())
}

fn pixel_size(scene: &Scene, scale: f64) -> (u32, u32) {
    let side = |v: f64| (v.clamp(1.0, MAX_SIDE) * scale).round() as u32;
    (side(scene.width), side(scene.height))
}

fn png(scene: &Scene) -> Result<Vec<u8>> {
    let (width, height) = pixel_size(scene, PNG_SCALE);
    let mut buffer = vec![255u8; width as usize * height as usize * 3];
    {
        let mut backend =
            BitMapBackend::<RGBPixel>::with_buffer_and_format(&mut buffer, (width, height))
                .map_err(chart_error)?;
        draw(&mut backend, scene, Target::Bitmap)?;
        backend.present().map_err(chart_error)?;
    }
    // Charts are long runs of flat colour: the Sub filter with fast deflate compresses them
    // nearly as well as adaptive filtering, several times faster.
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Sub)
        .write_image(&buffer, width, height, ColorType::Rgb8)
        .map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(bytes)
}

fn svg(scene: &Scene) -> Result<Vec<u8>> {
    let size = pixel_size(scene, 1.0);
    let mut out = String::new();
    {
        let mut backend = SVGBackend::with_string(&mut out, size);
        draw(&mut backend, scene, Target::Svg)?;
        backend.present().map_err(chart_error)?;
    }
    // Escaping turns quotes in labels into entities, so only attributes match.
    let family = format!("font-family=\"{}\"", fonts::FAMILY);
    let out = out.replace(&family, &format!("font-family=\"{SVG_FONT_FAMILY}\""));
    Ok(tidy_font_sizes(&out).into_bytes())
}

/// Rounds the font sizes plotters writes (size / 1.24, e.g. `13.000000000000002`) to 0.01 px.
fn tidy_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        match tail[..end].parse::<f64>() {
            Ok(size) => out.push_str(&format!("{}", (size * 100.0).round() / 100.0)),
            Err(_) => out.push_str(&tail[..end]),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn draw<DB: DrawingBackend>(backend: &mut DB, scene: &Scene, target: Target) -> Result<()> {
    let s = target.scale();
    let px = |v: f64| (v * s).round() as i32;
    let pt = |(x, y): (f64, f64)| (px(x), px(y));
    let style = |color: &RGBAColor, width: f64| ShapeStyle {
        color: *color,
        filled: true,
        stroke_width: (width * s).round().max(1.0) as u32,
    };
    backend.ensure_prepared().map_err(chart_error)?;
    let page = Rect::new(0.0, 0.0, scene.width, scene.height);
    let white = style(&RGBAColor::from(WHITE), 1.0);
    backend
        .draw_rect(pt((page.x0, page.y0)), pt((page.x1, page.y1)), &white, true)
        .map_err(chart_error)?;
    for shape in &scene.shapes {
        match shape {
            Shape::Rect { rect, color } => {
                // Hairlines keep at least one device pixel.
                let ul = pt((rect.x0, rect.y0));
                let br = pt((rect.x1, rect.y1));
                let br = (br.0.max(ul.0 + 1), br.1.max(ul.1 + 1));
                backend
                    .draw_rect(ul, br, &style(color, 1.0), true)
                    .map_err(chart_error)?;
            }
            Shape::Line {
                points,
                color,
                width,
            } => backend
                .draw_path(points.iter().map(|p| pt(*p)), &style(color, *width))
                .map_err(chart_error)?,
            Shape::Polygon { points, color } => backend
                .fill_polygon(points.iter().map(|p| pt(*p)), &style(color, 1.0))
                .map_err(chart_error)?,
            Shape::Circle {
                center,
                radius,
                color,
            } => {
                let radius = (radius * s).round().max(1.0) as u32;
                backend
                    .draw_circle(pt(*center), radius, &style(color, 1.0), true)
                    .map_err(chart_error)?;
            }
            Shape::Text {
                x,
                y,
                text,
                font,
                color,
                align,
            } => {
                let anchor = (x * s, (y + half_cap_height(*font)) * s);
                match target {
                    Target::Svg => svg_text(backend, text, *font, color, anchor, *align)?,
                    Target::Bitmap => bitmap_text(backend, text, *font, color, anchor, *align, s)?,
                }
            }
        }
    }
    Ok(())
}

fn text_style(size: f64, font: Font, color: &RGBAColor, align: Align) -> TextStyle<'_> {
    let h_pos = match align {
        Align::Left => HPos::Left,
        Align::Center => HPos::Center,
        Align::Right => HPos::Right,
    };
    TextStyle::from(FontDesc::new(
        FontFamily::Name(fonts::FAMILY),
        size,
        font.style(),
    ))
    .color(color)
    .pos(Pos::new(h_pos, VPos::Top))
}

/// SVG text: plotters writes a font-size of size / 1.24 and puts the baseline 0.76 em below a top
/// anchor.
fn svg_text<DB: DrawingBackend>(
    backend: &mut DB,
    text: &str,
    font: Font,
    color: &RGBAColor,
    (x, baseline): (f64, f64),
    align: Align,
) -> Result<()> {
    let style = text_style(font.size * 1.24, font, color, align);
    let top = baseline - 0.76 * font.size;
    backend
        .draw_text(text, &style, (x.round() as i32, top.round() as i32))
        .map_err(chart_error)
}

/// Bitmap text, one glyph at a time: plotters sizes glyphs by their full height, puts the
/// baseline half that height below a top anchor and starts each glyph's ink at the pen, so each
/// glyph is moved right by its left side bearing.
fn bitmap_text<DB: DrawingBackend>(
    backend: &mut DB,
    text: &str,
    font: Font,
    color: &RGBAColor,
    (x, baseline): (f64, f64),
    align: Align,
    scale: f64,
) -> Result<()> {
    let em = font.size * scale;
    let size = em * FONT_HEIGHT_PER_EM;
    let top = (baseline - size / 2.0).round() as i32;
    let style = text_style(size, font, color, Align::Left);
    let Some(bearings) = Bearings::of(font.bold) else {
        let style = text_style(size, font, color, align);
        return backend
            .draw_text(text, &style, (x.round() as i32, top))
            .map_err(chart_error);
    };
    let scaled = Font::regular(em).with_bold(font.bold);
    let left = match align {
        Align::Left => x,
        Align::Center => x - text_width(text, scaled) / 2.0,
        Align::Right => x - text_width(text, scaled),
    };
    let per_unit = size / bearings.height;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let pen = left + text_width(&text[..at], scaled) + bearings.left(c) * per_unit;
        let glyph = &text[at..at + c.len_utf8()];
        backend
            .draw_text(glyph, &style, (pen.round() as i32, top))
            .map_err(chart_error)?;
    }
    Ok(())
}
