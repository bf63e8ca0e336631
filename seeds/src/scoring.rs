//! The published scoring method for agency rankings (`seeds/data/scoring.toml`).

use serde::Deserialize;

use crate::SeedError;

const FILE: &str = include_str!("../data/scoring.toml");

/// What a criterion measures; every measure is a rate between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Measure {
    CompletionRate,
    OnTimeRate,
    NotOverdueRate,
    ReportingRegularity,
    EvidenceRate,
    MeanProgress,
}

/// One scored criterion.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub measure: Measure,
    pub max_points: f64,
}

/// Lower bounds of the score bands.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub good: f64,
    pub fair: f64,
    pub average: f64,
}

/// The method: criteria with weights, and bands.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringMethod {
    pub version: String,
    pub name_vi: String,
    pub name_en: String,
    pub source: String,
    pub bands: Bands,
    pub criterion: Vec<Criterion>,
}

impl ScoringMethod {
    /// Parses and checks the compiled-in method.
    pub fn parse() -> Result<Self, SeedError> {
        Self::from_toml(FILE)
    }

    /// Parses and checks a method from TOML text.
    pub fn from_toml(text: &str) -> Result<Self, SeedError> {
        let method: ScoringMethod = toml::from_str(text).map_err(|source| SeedError::Parse {
            file: "scoring.toml",
            source,
        })?;
        let invalid = |m: String| Err(SeedError::Invalid(format!("scoring.toml: {m}")));
        if method.criterion.is_empty() {
            return invalid("no criteria".into());
        }
        for c in &method.criterion {
            if !(c.max_points.is_finite() && c.max_points > 0.0) {
                return invalid(format!("criterion {} needs positive max_points", c.code));
            }
        }
        let b = method.bands;
        if !(b.good > b.fair && b.fair > b.average && b.average >= 0.0) {
            return invalid("bands must satisfy good > fair > average >= 0".into());
        }
        Ok(method)
    }

    /// Sum of the criteria's maximum points.
    pub fn max_score(&self) -> f64 {
        self.criterion.iter().map(|c| c.max_points).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_method_parses_and_totals_100_points() {
        let method = ScoringMethod::parse().expect("scoring.toml is valid");
        assert!((method.max_score() - 100.0).abs() < 1e-9);
        assert_eq!(method.bands.good, 80.0);
    }

    #[test]
    fn bands_out_of_order_are_refused() {
        let text = FILE.replace("good = 80.0", "good = 10.0");
        assert!(ScoringMethod::from_toml(&text).is_err());
    }
}
