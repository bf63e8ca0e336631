//! The action plan itself: one row per plan document (681/KH-UBND is the first).

use sea_orm::entity::prelude::*;

/// The action plan itself: one row per plan document (681/KH-UBND is the first).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub issued_on: Date,
    pub title_vi: String,
    pub title_en: String,
    pub issuer_agency_id: Option<i32>,
    pub place_vi: String,
    pub signed_by: String,
    pub signer_title_vi: String,
    pub signer_title_en: String,
    pub implements_code: String,
    pub implements_issued_on: Date,
    pub implements_title_vi: String,
    pub implements_title_en: String,
    #[sea_orm(column_type = "Text")]
    pub summary_vi: String,
    #[sea_orm(column_type = "Text")]
    pub summary_en: String,
}

/// Relations are followed with explicit queries in the services layer.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
