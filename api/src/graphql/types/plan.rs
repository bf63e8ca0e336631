//! The plan document and its baseline.

use async_graphql::{ComplexObject, Context, Result, ResultExt, SimpleObject};
use entities::{baseline_fact, plan};

use super::Agency;
use crate::graphql::loaders::{self, AgencyById};
use crate::graphql::Date;

/// Plan 681/KH-UBND: the provincial action plan implementing Resolution 36a/NQ-CP.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Plan {
    #[graphql(skip)]
    pub id: i32,
    #[graphql(skip)]
    pub issuer_agency_id: Option<i32>,
    /// Document number, e.g. `681/KH-UBND`.
    pub code: String,
    /// Date of issue.
    pub issued_on: Date,
    pub title_vi: String,
    pub title_en: String,
    /// Where it was issued.
    pub place_vi: String,
    /// Who signed it.
    pub signed_by: String,
    pub signer_title_vi: String,
    pub signer_title_en: String,
    /// Number of the resolution it implements, e.g. `36a/NQ-CP`.
    pub implements: String,
    pub implements_issued_on: Date,
    pub implements_title_vi: String,
    pub implements_title_en: String,
    /// The situation the plan describes before its objectives (Vietnamese, as written).
    pub summary_vi: String,
    pub summary_en: String,
}

impl From<plan::Model> for Plan {
    fn from(m: plan::Model) -> Self {
        Self {
            id: m.id,
            issuer_agency_id: m.issuer_agency_id,
            code: m.code,
            issued_on: m.issued_on.into(),
            title_vi: m.title_vi,
            title_en: m.title_en,
            place_vi: m.place_vi,
            signed_by: m.signed_by,
            signer_title_vi: m.signer_title_vi,
            signer_title_en: m.signer_title_en,
            implements: m.implements_code,
            implements_issued_on: m.implements_issued_on.into(),
            implements_title_vi: m.implements_title_vi,
            implements_title_en: m.implements_title_en,
            summary_vi: m.summary_vi,
            summary_en: m.summary_en,
        }
    }
}

#[ComplexObject]
impl Plan {
    /// Name of the issuing body in Vietnamese.
    async fn issuer(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(self
            .issuer_agency(ctx)
            .await?
            .map(|a| a.name_vi)
            .unwrap_or_default())
    }

    /// The issuing body.
    async fn issuer_agency(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        let Some(id) = self.issuer_agency_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, AgencyById(id)).await?.map(Agency::from))
    }

    /// Figures the plan states about the situation when it was issued.
    async fn baseline(&self, ctx: &Context<'_>) -> Result<Vec<BaselineFact>> {
        let db = ctx.data::<sea_orm::DatabaseConnection>()?;
        Ok(crate::services::plan::baseline(db, self.id)
            .await
            .extend()?
            .into_iter()
            .map(BaselineFact::from)
            .collect())
    }
}

/// A figure from the plan's description of the starting situation.
#[derive(SimpleObject, Clone)]
pub struct BaselineFact {
    pub code: String,
    pub label_vi: String,
    pub label_en: String,
    pub value: f64,
    pub unit: String,
    /// For a rank, the number of ranked units (63 provinces).
    pub out_of: Option<f64>,
    /// Year the figure refers to, where the plan gives one.
    pub year: Option<i32>,
    /// The plan's own words.
    pub quote_vi: String,
}

impl From<baseline_fact::Model> for BaselineFact {
    fn from(m: baseline_fact::Model) -> Self {
        Self {
            code: m.code,
            label_vi: m.label_vi,
            label_en: m.label_en,
            value: m.value,
            unit: m.unit,
            out_of: m.out_of,
            year: m.year,
            quote_vi: m.quote_vi,
        }
    }
}
