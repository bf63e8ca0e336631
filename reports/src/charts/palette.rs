//! The colours every chart uses, in one place so that a status, band, period or lifecycle looks
//! the same in all of them.
//!
//! Hues follow the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies
//! and in greyscale print), darkened where white text sits on them.

use plotters::style::RGBColor;

use crate::model::{Band, Lifecycle, PeriodState, Status};

/// The background, and outlines that separate a mark from what it covers.
pub(crate) const PAPER: RGBColor = RGBColor(0xff, 0xff, 0xff);
/// Main text.
pub(crate) const INK: RGBColor = RGBColor(0x21, 0x25, 0x29);
/// Secondary text: subtitles, axis labels, notes.
pub(crate) const MUTED: RGBColor = RGBColor(0x5f, 0x66, 0x6d);
/// Axis lines.
pub(crate) const AXIS: RGBColor = RGBColor(0x9a, 0xa1, 0xa9);
/// Grid lines.
pub(crate) const GRID: RGBColor = RGBColor(0xe2, 0xe5, 0xe9);
/// Shading of every other row or band.
pub(crate) const SHADE: RGBColor = RGBColor(0xf4, 0xf6, 0xf8);
/// Overdue tasks, warnings.
pub(crate) const ALERT: RGBColor = RGBColor(0xc6, 0x28, 0x28);
/// The report's date line.
pub(crate) const AS_OF: RGBColor = RGBColor(0x6a, 0x1b, 0x9a);
/// A planned span with no progress yet.
pub(crate) const PLANNED: RGBColor = RGBColor(0xdc, 0xe3, 0xea);
/// Outline of a planned span.
pub(crate) const PLANNED_EDGE: RGBColor = RGBColor(0x90, 0x9c, 0xa8);
/// KPI targets.
pub(crate) const TARGET: RGBColor = RGBColor(0xd5, 0x8a, 0x00);
/// KPI measurements.
pub(crate) const MEASURED: RGBColor = RGBColor(0x00, 0x72, 0xb2);
/// KPI baseline.
pub(crate) const BASELINE: RGBColor = RGBColor(0x45, 0x4c, 0x53);
/// Relations on the architecture map.
pub(crate) const RELATION: RGBColor = RGBColor(0x54, 0x6e, 0x7a);
/// Boxes with no progress to show.
pub(crate) const NO_VALUE: RGBColor = RGBColor(0xe6, 0xe8, 0xeb);

const GREEN: RGBColor = RGBColor(0x00, 0x8f, 0x68);
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const SKY: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
const ORANGE: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
const VERMILLION: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
const GREY: RGBColor = RGBColor(0xb4, 0xbb, 0xc2);

/// Colour of a task status.
pub(crate) fn status(status: Status) -> RGBColor {
    match status {
        Status::Completed => GREEN,
        Status::InProgress => BLUE,
        Status::NotStarted => GREY,
        Status::Blocked => VERMILLION,
    }
}

/// Colour of a ranking band.
pub(crate) fn band(band: Band) -> RGBColor {
    match band {
        Band::Good => GREEN,
        Band::Fair => SKY,
        Band::Average => ORANGE,
        Band::Weak => VERMILLION,
    }
}

/// Colour of a reporting period's state: tints of the status hues, so that the progress drawn
/// over the periods stands out.
pub(crate) fn period(state: PeriodState) -> RGBColor {
    match state {
        PeriodState::Met => RGBColor(0x8f, 0xd3, 0xbc),
        PeriodState::Open => RGBColor(0xb3, 0xdc, 0xf4),
        PeriodState::Missed => RGBColor(0xf2, 0xab, 0x80),
        PeriodState::Upcoming => PLANNED,
    }
}

/// Fill and border of a component in a lifecycle stage.
pub(crate) fn lifecycle(stage: Lifecycle) -> (RGBColor, RGBColor) {
    match stage {
        Lifecycle::Planned => (RGBColor(0xec, 0xe6, 0xf5), RGBColor(0x7e, 0x5c, 0xb8)),
        Lifecycle::Building => (RGBColor(0xfd, 0xef, 0xcc), ORANGE),
        Lifecycle::Operational => (RGBColor(0xd6, 0xf0, 0xe6), GREEN),
        Lifecycle::Retiring => (RGBColor(0xfa, 0xe0, 0xcf), VERMILLION),
        Lifecycle::Retired => (RGBColor(0xec, 0xee, 0xf0), RGBColor(0x90, 0x99, 0xa2)),
    }
}

/// Fills of the five progress classes (0-20 % ... 80-100 %), light to dark.
pub(crate) const PROGRESS_STEPS: [RGBColor; 5] = [
    RGBColor(0xea, 0xf2, 0xfb),
    RGBColor(0xbf, 0xd8, 0xee),
    RGBColor(0x7f, 0xb4, 0xdc),
    RGBColor(0x3a, 0x86, 0xc2),
    RGBColor(0x0b, 0x55, 0x94),
];

/// Fill of a component whose delivering tasks are `percent` done.
pub(crate) fn progress(percent: f64) -> RGBColor {
    PROGRESS_STEPS[progress_step(percent)]
}

/// Which of the five progress classes `percent` falls in.
pub(crate) fn progress_step(percent: f64) -> usize {
    if percent.is_nan() {
        return 0;
    }
    ((percent.clamp(0.0, 100.0) / 20.0).floor() as usize).min(4)
}

/// Perceived lightness of a colour, 0 (black) to 255 (white).
pub(crate) fn luma(colour: RGBColor) -> f64 {
    let RGBColor(r, g, b) = colour;
    0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)
}

/// Text colour readable on `background`: white on dark fills, ink on light ones.
pub(crate) fn text_on(background: RGBColor) -> RGBColor {
    if luma(background) < 150.0 {
        PAPER
    } else {
        INK
    }
}
