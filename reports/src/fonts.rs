//! The one font every output uses: DejaVu Sans (open licence, full Vietnamese coverage), embedded
//! from the `dejavu` crate so that a fresh machine without system fonts draws the same bytes.

use std::sync::OnceLock;

use plotters::style::FontStyle;

/// The family name charts ask plotters for.
pub const FAMILY: &str = "sans-serif";

/// DejaVu Sans Regular.
pub fn regular() -> &'static [u8] {
    dejavu::sans::regular()
}

/// DejaVu Sans Bold.
pub fn bold() -> &'static [u8] {
    dejavu::sans::bold()
}

/// Registers the embedded fonts with plotters under [`FAMILY`] (normal and bold), once per
/// process. Chart functions call it before drawing.
pub fn register() -> crate::Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FAMILY, FontStyle::Normal, regular())
                .map_err(|_| "DejaVu Sans Regular is not a usable font".to_owned())?;
            plotters::style::register_font(FAMILY, FontStyle::Bold, bold())
                .map_err(|_| "DejaVu Sans Bold is not a usable font".to_owned())?;
            Ok(())
        })
        .clone()
        .map_err(crate::RenderError::Chart)
}
