//! Accounts and sign-in results.

use async_graphql::{ComplexObject, Context, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::user;

use super::{Agency, UserRole};
use crate::graphql::loaders::{self, AgencyById};
use crate::services::sessions::Issued;

/// An account.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct User {
    #[graphql(skip)]
    pub agency_id: Option<i32>,
    pub username: String,
    pub role: UserRole,
    pub disabled: bool,
    /// Where reminders are mailed (the account itself and planners see it).
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> Self {
        Self {
            agency_id: m.agency_id,
            username: m.username,
            role: m.role.into(),
            disabled: m.disabled,
            email: m.email,
            created_at: m.created_at,
        }
    }
}

#[ComplexObject]
impl User {
    /// Code of the agency an agency officer reports for.
    async fn agency(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(self.agency_detail(ctx).await?.map(|a| a.code))
    }

    /// The agency an agency officer reports for.
    async fn agency_detail(&self, ctx: &Context<'_>) -> Result<Option<Agency>> {
        let Some(id) = self.agency_id else {
            return Ok(None);
        };
        Ok(loaders::one(ctx, AgencyById(id)).await?.map(Agency::from))
    }
}

/// Tokens issued by `login` and `refresh`.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Access token: send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
    /// Single-use token for `refresh`; the session it belongs to ends at most 8 hours after sign-in.
    pub refresh_token: String,
    pub user: User,
}

impl From<Issued> for AuthPayload {
    fn from(issued: Issued) -> Self {
        Self {
            token: issued.access_token,
            expires_at: issued.expires_at,
            refresh_token: issued.refresh_token,
            user: issued.user.into(),
        }
    }
}
