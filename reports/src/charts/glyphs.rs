//! Left side bearings of the embedded fonts, read from their `cmap`, `hhea` and `hmtx` tables.
//!
//! plotters 0.3.7 rasterises bitmap text glyph by glyph but places each glyph's ink box at the pen
//! position, dropping the glyph's left side bearing, which makes letter spacing visibly uneven
//! ("Tru yền"). The PNG renderer draws each glyph itself, shifted by the bearing read here. SVG
//! text is laid out by the viewer and needs none of this.

use std::sync::OnceLock;

use crate::fonts;

/// The tables of one font needed to find a character's left side bearing.
pub(crate) struct Bearings {
    font: &'static [u8],
    cmap: usize,
    hmtx: usize,
    long_metrics: u16,
    /// Ascent minus descent, in font units: plotters' bitmap text size.
    pub height: f64,
}

impl Bearings {
    /// DejaVu Sans regular or bold, read once.
    pub fn of(bold: bool) -> Option<&'static Bearings> {
        static REGULAR: OnceLock<Option<Bearings>> = OnceLock::new();
        static BOLD: OnceLock<Option<Bearings>> = OnceLock::new();
        if bold {
            BOLD.get_or_init(|| Bearings::read(fonts::bold())).as_ref()
        } else {
            REGULAR
                .get_or_init(|| Bearings::read(fonts::regular()))
                .as_ref()
        }
    }

    fn read(font: &'static [u8]) -> Option<Bearings> {
        let tables = u16_at(font, 4)? as usize;
        let find = |tag: &[u8; 4]| {
            (0..tables)
                .map(|i| 12 + 16 * i)
                .find(|&record| font.get(record..record + 4) == Some(&tag[..]))
                .and_then(|record| u32_at(font, record + 8))
                .map(|offset| offset as usize)
        };
        let (hhea, hmtx, cmap_table) = (find(b"hhea")?, find(b"hmtx")?, find(b"cmap")?);
        let ascent = f64::from(u16_at(font, hhea + 4)? as i16);
        let descent = f64::from(u16_at(font, hhea + 6)? as i16);
        let long_metrics = u16_at(font, hhea + 34)?;
        let subtables = u16_at(font, cmap_table + 2)? as usize;
        let cmap = (0..subtables)
            .filter_map(|i| {
                let record = cmap_table + 4 + 8 * i;
                let platform = u16_at(font, record)?;
                let encoding = u16_at(font, record + 2)?;
                let offset = cmap_table + u32_at(font, record + 4)? as usize;
                let format = u16_at(font, offset)?;
                (platform == 3 && encoding == 1 && format == 4).then_some(offset)
            })
            .next()?;
        Some(Bearings {
            font,
            cmap,
            hmtx,
            long_metrics,
            height: ascent - descent,
        })
    }

    /// The left side bearing of `c`, in font units; 0 for a character the font lacks.
    pub fn left(&self, c: char) -> f64 {
        let glyph = self.glyph(c).unwrap_or(0);
        let offset = if glyph < self.long_metrics {
            self.hmtx + 4 * glyph as usize + 2
        } else {
            self.hmtx + 4 * self.long_metrics as usize + 2 * (glyph - self.long_metrics) as usize
        };
        u16_at(self.font, offset).map_or(0.0, |v| f64::from(v as i16))
    }

    /// The glyph of `c` from the format 4 (Basic Multilingual Plane) character map.
    fn glyph(&self, c: char) -> Option<u16> {
        let code = u16::try_from(u32::from(c)).ok()?;
        let (font, base) = (self.font, self.cmap);
        let segments = u16_at(font, base + 6)? as usize / 2;
        let ends = base + 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let ranges = deltas + 2 * segments;
        let (mut lo, mut hi) = (0, segments);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if u16_at(font, ends + 2 * mid)? < code {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let segment = lo;
        if segment >= segments {
            return None;
        }
        let start = u16_at(font, starts + 2 * segment)?;
        if code < start {
            return None;
        }
        let delta = u16_at(font, deltas + 2 * segment)?;
        let range_at = ranges + 2 * segment;
        let range = u16_at(font, range_at)? as usize;
        if range == 0 {
            return Some(code.wrapping_add(delta));
        }
        let glyph = u16_at(font, range_at + range + 2 * (code - start) as usize)?;
        (glyph != 0).then(|| glyph.wrapping_add(delta))
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
        *data.get(at + 2)?,
        *data.get(at + 3)?,
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::scene::FONT_HEIGHT_PER_EM;

    #[test]
    fn reads_dejavu_sans_metrics() {
        for bold in [false, true] {
            let bearings = Bearings::of(bold).expect("DejaVu Sans has the tables");
            assert_eq!(bearings.height / 2048.0, FONT_HEIGHT_PER_EM);
            // 'i' and 'n' sit well right of the pen, 'T' and 'y' barely.
            assert!(bearings.left('n') > 150.0, "{}", bearings.left('n'));
            assert!(bearings.left('T').abs() < 20.0);
            assert!(bearings.left('ề') > 50.0, "{}", bearings.left('ề'));
            assert_eq!(bearings.left('\u{10FFFF}'), bearings.left('\u{E000}'));
        }
    }
}
