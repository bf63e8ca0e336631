//! The architecture map: the province's e-government architecture as layers of components with
//! their relations, coloured by lifecycle or by the progress of the tasks that deliver them, sized
//! to be read on an A3 print.

use std::collections::BTreeMap;

use plotters::style::{Color, RGBColor};

use super::layout::{self, LegendItem, Swatch, MARGIN};
use super::palette;
use super::scene::{truncate, wrap, Align, Font, Rect, Scene};
use crate::model::{nfc, ArchitectureMap, Lang, Lifecycle, MapColouring, MapComponent};

const WIDTH: f64 = 1680.0;
/// A3 landscape at [`WIDTH`].
const MIN_HEIGHT: f64 = 1190.0;
const LAYER_RIGHT: f64 = MARGIN + 200.0;
const AREA_LEFT: f64 = LAYER_RIGHT + 24.0;
const AREA_RIGHT: f64 = WIDTH - MARGIN - 16.0;
const COLUMNS: usize = 8;
const GAP_X: f64 = 16.0;
const GAP_Y: f64 = 16.0;
const BOX_HEIGHT: f64 = 62.0;
const BAND_PAD: f64 = 16.0;
/// Height a band may gain to fill the page when the map is small.
const MAX_STRETCH: f64 = 90.0;
/// Components drawn at most; the rest are counted in a note.
const MAX_COMPONENTS: usize = 240;
const NAME: Font = Font::regular(12.0);
const CODE: Font = Font::regular(10.5);

fn box_width() -> f64 {
    (AREA_RIGHT - AREA_LEFT - GAP_X * (COLUMNS - 1) as f64) / COLUMNS as f64
}

/// A band of the map: a layer's name and its components, in input order.
struct Band<'a> {
    name: String,
    components: Vec<&'a MapComponent>,
}

/// Lays out the architecture map.
pub(crate) fn scene(data: &ArchitectureMap, lang: Lang) -> Scene {
    let mut scene = Scene::new(WIDTH, MIN_HEIGHT);
    let shown = &data.components[..data.components.len().min(MAX_COMPONENTS)];
    let colouring = match data.colouring {
        MapColouring::Lifecycle => {
            layout::fixed(lang, "màu theo vòng đời", "coloured by lifecycle")
        }
        MapColouring::Progress => layout::fixed(
            lang,
            "màu theo tiến độ các nhiệm vụ triển khai",
            "coloured by the progress of the delivering tasks",
        ),
    };
    let (components, relations) = (data.components.len(), data.relations.len());
    let subtitle = match lang {
        Lang::Vi => format!(
            "{} lớp · {components} thành phần · {relations} quan hệ · {colouring}",
            data.layers.len()
        ),
        Lang::En => format!(
            "{} layers · {components} components · {relations} relations · {colouring}",
            data.layers.len()
        ),
    };
    let title = layout::fixed(
        lang,
        "Bản đồ kiến trúc Chính quyền điện tử",
        "E-government architecture map",
    );
    let top = layout::header(&mut scene, WIDTH, &title, data.as_of, lang, &nfc(&subtitle));
    let top = layout::legend(
        &mut scene,
        (MARGIN, top),
        WIDTH - MARGIN,
        &legend(data.colouring, lang),
    ) + 20.0;

    let bands = bands(data, shown, lang);
    if bands.is_empty() {
        layout::no_data(
            &mut scene,
            Rect::new(MARGIN, top, WIDTH - MARGIN, MIN_HEIGHT - MARGIN),
            lang,
        );
        return scene;
    }
    let rows: Vec<usize> = bands
        .iter()
        .map(|band| band.components.len().div_ceil(COLUMNS).max(1))
        .collect();
    let natural =
        |rows: usize| 2.0 * BAND_PAD + rows as f64 * BOX_HEIGHT + (rows - 1) as f64 * GAP_Y;
    let used: f64 = rows.iter().map(|r| natural(*r)).sum();
    let spare = (MIN_HEIGHT - MARGIN - top - used) / bands.len() as f64;
    let stretch = spare.clamp(0.0, MAX_STRETCH);
    let mut boxes: BTreeMap<&str, Rect> = BTreeMap::new();
    let mut placed: Vec<(&MapComponent, Rect)> = Vec::new();
    let mut y = top;
    for (i, (band, rows)) in bands.iter().zip(rows).enumerate() {
        let height = natural(rows) + stretch;
        let band_rect = Rect::new(MARGIN, y, WIDTH - MARGIN, y + height);
        draw_band(&mut scene, band, band_rect, i);
        for (row, chunk) in band.components.chunks(COLUMNS).enumerate() {
            let row_width = chunk.len() as f64 * (box_width() + GAP_X) - GAP_X;
            let x0 = AREA_LEFT + (AREA_RIGHT - AREA_LEFT - row_width) / 2.0;
            let y0 = y + BAND_PAD + stretch / 2.0 + row as f64 * (BOX_HEIGHT + GAP_Y);
            for (column, component) in chunk.iter().enumerate() {
                let left = x0 + column as f64 * (box_width() + GAP_X);
                let rect = Rect::new(left, y0, left + box_width(), y0 + BOX_HEIGHT);
                boxes.entry(component.code.as_str()).or_insert(rect);
                placed.push((component, rect));
            }
        }
        y += height;
    }
    let arrows = draw_relations(&mut scene, data, &boxes);
    for (component, rect) in &placed {
        draw_component(&mut scene, component, *rect, data.colouring, lang);
    }
    for (tip, base) in arrows {
        arrowhead(&mut scene, tip, base);
    }
    if data.components.len() > shown.len() {
        let more = data.components.len() - shown.len();
        let note = match lang {
            Lang::Vi => format!("… và {more} thành phần khác"),
            Lang::En => format!("… and {more} more components"),
        };
        y += 24.0;
        scene.text(
            (MARGIN, y),
            nfc(&note),
            Font::LABEL,
            palette::MUTED,
            Align::Left,
        );
    }
    scene.height = (y + MARGIN).max(MIN_HEIGHT);
    scene
}

fn legend(colouring: MapColouring, lang: Lang) -> Vec<LegendItem> {
    let mut items = Vec::new();
    match colouring {
        MapColouring::Lifecycle => {
            let stages = [
                Lifecycle::Planned,
                Lifecycle::Building,
                Lifecycle::Operational,
                Lifecycle::Retiring,
                Lifecycle::Retired,
            ];
            for stage in stages {
                let (fill, border) = palette::lifecycle(stage);
                items.push(LegendItem::new(
                    Swatch::Framed(fill, border),
                    stage.label(lang),
                ));
            }
        }
        MapColouring::Progress => {
            items.push(LegendItem::new(
                Swatch::Caption,
                layout::fixed(
                    lang,
                    "Tiến độ nhiệm vụ triển khai:",
                    "Progress of the delivering tasks:",
                ),
            ));
            for (i, fill) in palette::PROGRESS_STEPS.iter().enumerate() {
                let label = format!("{}–{}%", i * 20, (i + 1) * 20);
                items.push(LegendItem::new(
                    Swatch::Framed(*fill, palette::PLANNED_EDGE),
                    label,
                ));
            }
            items.push(LegendItem::new(
                Swatch::Framed(palette::NO_VALUE, palette::AXIS),
                layout::fixed(lang, "Chưa có nhiệm vụ triển khai", "No delivering task"),
            ));
        }
    }
    items.push(LegendItem::new(
        Swatch::Arrow(palette::RELATION),
        layout::fixed(lang, "Quan hệ", "Relation"),
    ));
    items
}

/// The layers in order with their components; components of an unknown layer go to a last
/// "other" band.
fn bands<'a>(data: &ArchitectureMap, shown: &'a [MapComponent], lang: Lang) -> Vec<Band<'a>> {
    let mut bands: Vec<Band> = data
        .layers
        .iter()
        .map(|layer| Band {
            name: layer.name.get(lang),
            components: shown.iter().filter(|c| c.layer == layer.code).collect(),
        })
        .collect();
    let others: Vec<&MapComponent> = shown
        .iter()
        .filter(|c| !data.layers.iter().any(|layer| layer.code == c.layer))
        .collect();
    if !others.is_empty() {
        bands.push(Band {
            name: layout::fixed(lang, "Khác", "Other"),
            components: others,
        });
    }
    bands
}

fn draw_band(scene: &mut Scene, band: &Band, rect: Rect, index: usize) {
    if index % 2 != 1 {
        scene.rect(rect, palette::SHADE);
    }
    scene.rect(
        Rect::new(rect.x0, rect.y0, LAYER_RIGHT, rect.y1),
        RGBColor(0xe6, 0xea, 0xee),
    );
    scene.line(
        &[(rect.x0, rect.y0), (rect.x1, rect.y0)],
        palette::AXIS,
        1.0,
    );
    let font = Font::LABEL.bolded();
    let lines = wrap(&band.name, font, LAYER_RIGHT - rect.x0 - 24.0, 3);
    let (_, cy) = rect.center();
    let first = cy - (lines.len() as f64 - 1.0) * 9.0;
    for (i, line) in lines.into_iter().enumerate() {
        scene.text(
            (rect.x0 + 12.0, first + i as f64 * 18.0),
            line,
            font,
            palette::INK,
            Align::Left,
        );
    }
}

fn draw_component(
    scene: &mut Scene,
    component: &MapComponent,
    rect: Rect,
    colouring: MapColouring,
    lang: Lang,
) {
    let (fill, border) = match colouring {
        MapColouring::Lifecycle => palette::lifecycle(component.lifecycle),
        MapColouring::Progress => match component.progress.filter(|p| p.is_finite()) {
            Some(progress) => (palette::progress(progress), RGBColor(0x4a, 0x6b, 0x8a)),
            None => (palette::NO_VALUE, palette::AXIS),
        },
    };
    scene.boxed(rect, fill, border, 1.5);
    let ink = palette::text_on(fill);
    let muted = if palette::luma(fill) > 215.0 {
        palette::MUTED
    } else {
        ink
    };
    let inner = rect.inset(8.0);
    let mut code_room = inner.width();
    if colouring == MapColouring::Progress {
        if let Some(progress) = component.progress.filter(|p| p.is_finite()) {
            let text = format!("{}%", progress.clamp(0.0, 100.0).round());
            code_room -= super::scene::text_width(&text, CODE.bolded()) + 6.0;
            scene.text(
                (inner.x1, rect.y0 + 12.0),
                text,
                CODE.bolded(),
                ink,
                Align::Right,
            );
        }
    }
    let code = truncate(&component.code, CODE, code_room);
    scene.text((inner.x0, rect.y0 + 12.0), code, CODE, muted, Align::Left);
    let lines = wrap(&component.name.get(lang), NAME, inner.width(), 2);
    let first = rect.y0 + if lines.len() > 1 { 31.0 } else { 38.0 };
    for (i, line) in lines.into_iter().enumerate() {
        scene.text(
            (rect.center().0, first + i as f64 * 16.0),
            line,
            NAME,
            ink,
            Align::Center,
        );
    }
}

/// Where the segment from the centre of `rect` towards `to` leaves the rectangle.
fn exit_point(rect: &Rect, to: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = rect.center();
    let (dx, dy) = (to.0 - cx, to.1 - cy);
    let tx = if dx == 0.0 {
        f64::INFINITY
    } else {
        rect.width() / 2.0 / dx.abs()
    };
    let ty = if dy == 0.0 {
        f64::INFINITY
    } else {
        rect.height() / 2.0 / dy.abs()
    };
    let t = tx.min(ty).min(1.0);
    (cx + dx * t, cy + dy * t)
}

const ARROW_LENGTH: f64 = 10.0;

/// Draws each relation's line from box edge to box edge and returns its arrowheads (tip, base),
/// drawn after the boxes.
fn draw_relations(
    scene: &mut Scene,
    data: &ArchitectureMap,
    boxes: &BTreeMap<&str, Rect>,
) -> Vec<((f64, f64), (f64, f64))> {
    let colour = palette::RELATION.mix(0.75);
    let mut arrows = Vec::new();
    for relation in &data.relations {
        let (Some(from), Some(to)) = (
            boxes.get(relation.from.as_str()),
            boxes.get(relation.to.as_str()),
        ) else {
            continue;
        };
        if from == to {
            continue;
        }
        let start = exit_point(from, to.center());
        let tip = exit_point(to, from.center());
        let (dx, dy) = (tip.0 - start.0, tip.1 - start.1);
        let length = dx.hypot(dy);
        if length <= ARROW_LENGTH + 2.0 {
            continue;
        }
        let (ux, uy) = (dx / length, dy / length);
        let tip = (tip.0 - ux * 2.0, tip.1 - uy * 2.0);
        let base = (tip.0 - ux * ARROW_LENGTH, tip.1 - uy * ARROW_LENGTH);
        scene.line(&[start, base], colour, 1.4);
        arrows.push((tip, base));
    }
    arrows
}

fn arrowhead(scene: &mut Scene, tip: (f64, f64), base: (f64, f64)) {
    let (dx, dy) = (tip.0 - base.0, tip.1 - base.1);
    let (nx, ny) = (-dy / 2.0, dx / 2.0);
    scene.polygon(
        &[tip, (base.0 + nx, base.1 + ny), (base.0 - nx, base.1 - ny)],
        palette::RELATION,
    );
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, assert_print_png, assert_svg, keep};
    use crate::charts;
    use crate::model::{ChartFormat, Lang, MapColouring};

    #[test]
    fn png_is_a3_for_print() {
        let png =
            charts::architecture(&fixtures::architecture(), Lang::Vi, ChartFormat::Png).unwrap();
        keep("architecture.png", &png);
        let (width, height) = assert_print_png(&png);
        assert!(width >= 3360 && height >= 2380, "{width}×{height}");
    }

    #[test]
    fn svg_labels_layers_and_components() {
        let mut data = fixtures::architecture();
        let vi = assert_svg(&charts::architecture(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        keep("architecture.svg", vi.as_bytes());
        for label in [
            "Kênh giao tiếp",
            "Cổng dịch vụ công",
            "Đang vận hành",
            "Khác",
            "Quan hệ",
        ] {
            assert!(vi.contains(label), "missing {label}");
        }
        assert!(vi.contains("<polygon"), "arrowheads");
        data.colouring = MapColouring::Progress;
        let en = assert_svg(&charts::architecture(&data, Lang::En, ChartFormat::Svg).unwrap());
        keep("architecture-progress.svg", en.as_bytes());
        for label in [
            "Business applications",
            "45%",
            "No delivering task",
            "80–100%",
        ] {
            assert!(en.contains(label), "missing {label}");
        }
        assert_eq!(
            charts::architecture(&data, Lang::En, ChartFormat::Svg).unwrap(),
            en.into_bytes()
        );
    }

    #[test]
    fn a_province_sized_map_fits_a3() {
        let data = fixtures::large_architecture();
        assert_eq!(data.components.len(), 58);
        let scene = super::scene(&data, Lang::Vi);
        assert!(scene.width >= 1680.0 && scene.height >= 1190.0);
        assert!(scene.height < 1700.0, "{}", scene.height);
        let svg = charts::architecture(&data, Lang::Vi, ChartFormat::Svg).unwrap();
        assert!(assert_svg(&svg).contains("Quản lý giáo dục"));
        keep("architecture-large.svg", &svg);
    }

    #[test]
    fn empty_maps_still_draw() {
        let mut data = fixtures::architecture();
        data.components.clear();
        assert_svg(&charts::architecture(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        data.layers.clear();
        let svg = assert_svg(&charts::architecture(&data, Lang::Vi, ChartFormat::Svg).unwrap());
        assert!(svg.contains("Không có dữ liệu"));
    }
}
