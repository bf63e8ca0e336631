//! Signing in: login with throttling, access tokens, rotating refresh tokens and the
//! per-request check of who a token belongs to.
//!
//! A sign-in starts a session capped at the configured length (8 hours by default, OWASP);
//! refreshing rotates the refresh token within the session. Presenting a refresh token that was
//! already used revokes the whole session (reuse detection).

use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::{agency, login_failure, refresh_token, user};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set, TransactionTrait,
};

use super::access::Viewer;
use super::users;
use crate::auth::{self, Claims, Keys};
use crate::error::{Error, Result};

/// Failed attempts for one username or client before sign-in is refused for a while.
pub const MAX_FAILURES: u32 = 10;
/// How long failures are remembered, and how long sign-in stays refused after the last one.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts failed sign-ins per username and per client address in the `login_failures` table,
/// so that every instance serving the database throttles the same way.
#[derive(Debug, Default)]
pub struct LoginThrottle;

impl LoginThrottle {
    fn keys(username: &str, client: Option<&str>) -> Vec<String> {
        let mut keys = vec![format!("user:{}", username.trim().to_lowercase())];
        if let Some(client) = client {
            keys.push(format!("client:{client}"));
        }
        keys
    }

    fn cutoff(now: DateTime<Utc>) -> i64 {
        now.timestamp() - FAILURE_WINDOW.as_secs() as i64
    }

    async fn check(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        let blocked = login_failure::Entity::find()
            .filter(login_failure::Column::ThrottleKey.is_in(keys.iter().cloned()))
            .filter(login_failure::Column::LastFailedAt.gte(Self::cutoff(Utc::now())))
            .filter(login_failure::Column::Failures.gte(MAX_FAILURES as i32))
            .count(db)
            .await?;
        if blocked > 0 {
            return Err(Error::TooManyRequests);
        }
        Ok(())
    }

    /// Adds one failure to each key; a count whose last failure is older than the window starts
    /// again at one. Counts past the window are pruned.
    async fn record_failure(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        let now = Utc::now();
        let cutoff = Self::cutoff(now);
        let restart = Expr::case(
            Expr::col((login_failure::Entity, login_failure::Column::LastFailedAt)).lt(cutoff),
            1,
        )
        .finally(Expr::col((login_failure::Entity, login_failure::Column::Failures)).add(1));
        for key in keys {
            login_failure::Entity::insert(login_failure::ActiveModel {
                throttle_key: Set(key.clone()),
                failures: Set(1),
                last_failed_at: Set(now.timestamp()),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::column(login_failure::Column::ThrottleKey)
                    .value(login_failure::Column::Failures, restart.clone())
                    .update_column(login_failure::Column::LastFailedAt)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        }
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::LastFailedAt.lt(cutoff))
            .exec(db)
            .await?;
        Ok(())
    }

    async fn record_success(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        if let Some(user_key) = keys.first() {
            login_failure::Entity::delete_many()
                .filter(login_failure::Column::ThrottleKey.eq(user_key.as_str()))
                .exec(db)
                .await?;
        }
        Ok(())
    }
}

/// Everything needed to issue and check tokens.
pub struct Sessions {
    pub keys: Keys,
    pub access_ttl: Duration,
    pub session_ttl: Duration,
    pub throttle: LoginThrottle,
}

/// The result of a sign-in or refresh.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub user: user::Model,
    pub agency: Option<agency::Model>,
}

fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::hours(8))
}

impl Sessions {
    /// Settings for issuing tokens.
    pub fn new(keys: Keys, access_ttl: Duration, session_ttl: Duration) -> Self {
        Self {
            keys,
            access_ttl,
            session_ttl,
            throttle: LoginThrottle,
        }
    }

    /// Signs a user in with a password; `client` is the caller's address for throttling.
    pub async fn login(
        &self,
        db: &DatabaseConnection,
        username: &str,
        password: String,
        client: Option<&str>,
    ) -> Result<Issued> {
        let keys = LoginThrottle::keys(username, client);
        self.throttle.check(db, &keys).await?;
        let found = users::by_username(db, username).await?;
        let usable = found.filter(|u| !u.disabled);
        let matches =
            auth::verify_password(password, usable.as_ref().map(|u| u.password_hash.clone()))
                .await?;
        let Some(user) = usable.filter(|_| matches) else {
            self.throttle.record_failure(db, &keys).await?;
            return Err(Error::InvalidCredentials);
        };
        self.throttle.record_success(db, &keys).await?;
        let now = Utc::now();
        let family = uuid::Uuid::new_v4().simple().to_string();
        self.issue(
            db,
            user,
            family,
            now,
            now + chrono_duration(self.session_ttl),
        )
        .await
    }

    /// Exchanges a refresh token for a new access token and a new refresh token.
    pub async fn refresh(&self, db: &DatabaseConnection, token: &str) -> Result<Issued> {
        let hash = auth::token_hash(token.trim());
        let now = Utc::now();
        let txn = db.begin().await?;
        let stored = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash))
            .one(&txn)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if stored.revoked || stored.used_at.is_some() {
            refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::Revoked, Expr::value(true))
                .filter(refresh_token::Column::Family.eq(stored.family.clone()))
                .exec(&txn)
                .await?;
            txn.commit().await?;
            tracing::warn!(
                user_id = stored.user_id,
                "a spent refresh token was presented; session revoked"
            );
            return Err(Error::Unauthenticated);
        }
        if stored.expires_at <= now {
            return Err(Error::Unauthenticated);
        }
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(stored.id))
            .filter(refresh_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Err(Error::Unauthenticated);
        }
        txn.commit().await?;
        let user = user::Entity::find_by_id(stored.user_id)
            .one(db)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(Error::Unauthenticated)?;
        self.issue(
            db,
            user,
            stored.family,
            stored.session_started_at,
            stored.expires_at,
        )
        .await
    }

    /// Ends the session a refresh token belongs to.
    pub async fn logout(&self, db: &DatabaseConnection, token: &str) -> Result<bool> {
        let hash = auth::token_hash(token.trim());
        let Some(stored) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(hash))
            .one(db)
            .await?
        else {
            return Ok(false);
        };
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::Revoked, Expr::value(true))
            .filter(refresh_token::Column::Family.eq(stored.family))
            .exec(db)
            .await?;
        Ok(true)
    }

    async fn issue(
        &self,
        db: &DatabaseConnection,
        user: user::Model,
        family: String,
        session_started_at: DateTime<Utc>,
        session_ends_at: DateTime<Utc>,
    ) -> Result<Issued> {
        let now = Utc::now();
        let expires_at = Ord::min(now + chrono_duration(self.access_ttl), session_ends_at);
        let agency = match user.agency_id {
            Some(id) => agency::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        let claims = Claims {
            sub: user.username.clone(),
            role: user.role.as_str().to_owned(),
            agency: agency.as_ref().map(|a| a.code.clone()),
            iat: auth::unix(now),
            exp: auth::unix(expires_at),
            iss: auth::ISSUER.to_owned(),
            aud: auth::AUDIENCE.to_owned(),
            typ: auth::ACCESS_TYPE.to_owned(),
            sid: family.clone(),
        };
        let access_token = self.keys.sign(&claims)?;
        let refresh = auth::new_refresh_token();
        refresh_token::ActiveModel {
            user_id: Set(user.id),
            family: Set(family),
            token_hash: Set(auth::token_hash(&refresh)),
            session_started_at: Set(session_started_at),
            expires_at: Set(session_ends_at),
            used_at: Set(None),
            revoked: Set(false),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(Issued {
            access_token,
            expires_at,
            refresh_token: refresh,
            user,
            agency,
        })
    }

    /// The account behind an access token, checked against the database on every request: a
    /// disabled account, or a session ended by logout, refresh-token reuse or a password reset,
    /// stops at once.
    pub async fn viewer(&self, db: &DatabaseConnection, token: &str) -> Result<Viewer> {
        let claims = self.keys.verify(token)?;
        let user = users::by_username(db, &claims.sub)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(Error::Unauthenticated)?;
        let live = refresh_token::Entity::find()
            .filter(refresh_token::Column::UserId.eq(user.id))
            .filter(refresh_token::Column::Family.eq(claims.sid.as_str()))
            .filter(refresh_token::Column::Revoked.eq(false))
            .filter(refresh_token::Column::ExpiresAt.gt(Utc::now()))
            .one(db)
            .await?;
        if live.is_none() {
            return Err(Error::Unauthenticated);
        }
        Ok(Viewer {
            user_id: user.id,
            username: user.username,
            role: user.role,
            agency_id: user.agency_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_per_case_folded_username_and_per_client() {
        assert_eq!(
            LoginThrottle::keys("  Someone ", Some("10.0.0.7")),
            ["user:someone", "client:10.0.0.7"]
        );
        assert_eq!(LoginThrottle::keys("x", None), ["user:x"]);
    }
}
