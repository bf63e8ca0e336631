//! Signing in: login with throttling, access tokens, rotating refresh tokens and the
//! per-request check of who a token belongs to.
//!
//! A sign-in starts a session capped at the configured length (8 hours by default, OWASP);
//! refreshing rotates the refresh token within the session. Presenting a refresh token that was
//! already used revokes the whole session (reuse detection).
//!
//! Browsers sign in through the same [`Sessions::login`] and keep the refresh token in a cookie:
//! [`Sessions::browser_session`] checks such a token on every request (never spending it), and
//! [`Sessions::csrf_token`] derives the anti-forgery token that the session's forms and GraphQL
//! calls must carry. Ending the session (logout, reuse, password reset, disabling the account)
//! revokes its rows, which ends the browser's session too.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::{agency, login_failure, refresh_token, user};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::access::Viewer;
use super::users;
use crate::auth::{self, Claims, Keys};
use crate::error::{Error, Result};

/// Failed attempts for one username or client before sign-in is refused for a while.
pub const MAX_FAILURES: u32 = 10;
/// How long failures are remembered, and how long sign-in stays refused after the last one.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts sign-in attempts per username and per client address in the `login_failures` table,
/// so that every instance serving the database throttles the same way.
///
/// An attempt is counted before its password is hashed, by one atomic upsert over its keys that
/// returns their new counts ([`LoginThrottle::claim`]). An attempt that takes a key past
/// [`MAX_FAILURES`] is refused with `TOO_MANY_REQUESTS` without hashing, and its counts are given
/// back; so however many attempts arrive at once, on however many instances, at most
/// [`MAX_FAILURES`] wrong passwords per username or client are evaluated in a window. A wrong
/// password keeps its count and restarts the window; a right one clears the username's count and
/// gives back the client's, so that sign-ins from a busy office behind one address do not add
/// up. Keys have a fixed size: `user:` and the hex SHA-256 of the trimmed, case-folded username,
/// or `client:` and the address.
#[derive(Debug, Default)]
pub struct LoginThrottle;

/// Hex SHA-256 of a text.
fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Longest client address stored as it is (an IPv6 address takes at most 45 characters);
/// anything longer is stored as its hash.
const MAX_CLIENT_KEY_CHARS: usize = 64;

impl LoginThrottle {
    fn keys(username: &str, client: Option<&str>) -> Vec<String> {
        let mut keys = vec![format!("user:{}", digest(&username.trim().to_lowercase()))];
        if let Some(client) = client {
            if client.len() <= MAX_CLIENT_KEY_CHARS {
                keys.push(format!("client:{client}"));
            } else {
                keys.push(format!("client:{}", digest(client)));
            }
        }
        keys
    }

    fn cutoff(now: DateTime<Utc>) -> i64 {
        now.timestamp() - FAILURE_WINDOW.as_secs() as i64
    }

    /// Counts an attempt against each key before its password is checked: one upsert adds one
    /// to every key (or starts it again at one when its last failure is older than the window)
    /// and returns the new counts. When any count passes [`MAX_FAILURES`] the attempt is given
    /// back and refused with `TOO_MANY_REQUESTS`. The time of the last failure moves only when a
    /// count starts again, or when a failure is recorded ([`LoginThrottle::record_failure`]).
    ///
    /// All keys go in one statement, so concurrent attempts are counted in the same order on
    /// each key (SQLite runs one write at a time; PostgreSQL locks the rows in the order given,
    /// always the username's first) and exactly [`MAX_FAILURES`] of a burst are let through.
    async fn claim(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        let now = Utc::now();
        let expired = Expr::col((login_failure::Entity, login_failure::Column::LastFailedAt))
            .lt(Self::cutoff(now));
        let count = Expr::case(expired.clone(), 1)
            .finally(Expr::col((login_failure::Entity, login_failure::Column::Failures)).add(1));
        let since = Expr::case(expired, now.timestamp()).finally(Expr::col((
            login_failure::Entity,
            login_failure::Column::LastFailedAt,
        )));
        let rows =
            login_failure::Entity::insert_many(keys.iter().map(|key| login_failure::ActiveModel {
                throttle_key: Set(key.clone()),
                failures: Set(1),
                last_failed_at: Set(now.timestamp()),
                ..Default::default()
            }))
            .on_conflict(
                OnConflict::column(login_failure::Column::ThrottleKey)
                    .value(login_failure::Column::Failures, count)
                    .value(login_failure::Column::LastFailedAt, since)
                    .to_owned(),
            )
            .exec_with_returning(db)
            .await?;
        if rows
            .iter()
            .any(|row| i64::from(row.failures) > i64::from(MAX_FAILURES))
        {
            self.give_back(db, keys).await?;
            return Err(Error::TooManyRequests);
        }
        Ok(())
    }

    /// Takes back one claimed attempt from each key, one key at a time (so that it never holds
    /// one key's row while waiting for another's).
    async fn give_back(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        for key in keys {
            login_failure::Entity::update_many()
                .col_expr(
                    login_failure::Column::Failures,
                    Expr::col(login_failure::Column::Failures).sub(1),
                )
                .filter(login_failure::Column::ThrottleKey.eq(key.as_str()))
                .filter(login_failure::Column::Failures.gt(0))
                .exec(db)
                .await?;
        }
        Ok(())
    }

    /// Keeps the claimed attempt as a failure and restarts each key's window from now, one key at
    /// a time. A key pruned meanwhile starts again at one. Counts past the window are pruned.
    async fn record_failure(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        let now = Utc::now();
        for key in keys {
            login_failure::Entity::insert(login_failure::ActiveModel {
                throttle_key: Set(key.clone()),
                failures: Set(1),
                last_failed_at: Set(now.timestamp()),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::column(login_failure::Column::ThrottleKey)
                    .update_column(login_failure::Column::LastFailedAt)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        }
        let pruned = login_failure::Entity::delete_many()
            .filter(login_failure::Column::LastFailedAt.lt(Self::cutoff(now)))
            .exec(db)
            .await;
        if let Err(err) = pruned {
            // Only housekeeping: an expired count starts again at one when it is next claimed.
            tracing::warn!(error = ?err, "pruning expired sign-in failures failed");
        }
        Ok(())
    }

    /// Clears the username's count and gives back the client's claimed attempt.
    async fn record_success(&self, db: &DatabaseConnection, keys: &[String]) -> Result<()> {
        if let Some((user_key, client_keys)) = keys.split_first() {
            login_failure::Entity::delete_many()
                .filter(login_failure::Column::ThrottleKey.eq(user_key.as_str()))
                .exec(db)
                .await?;
            self.give_back(db, client_keys).await?;
        }
        Ok(())
    }
}

/// Whether a submitted username could name an account at all; longer names are refused before
/// anything is looked up, hashed or counted.
fn plausible_username(username: &str) -> bool {
    let name = username.trim();
    name.len() <= 4 * users::MAX_USERNAME_CHARS && name.chars().count() <= users::MAX_USERNAME_CHARS
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

/// A browser's live session: who is signed in, and the token its forms and GraphQL calls carry
/// against cross-site request forgery.
#[derive(Debug, Clone)]
pub struct BrowserSession {
    /// The signed-in account.
    pub viewer: Viewer,
    /// The session's anti-forgery token ([`Sessions::csrf_token`]).
    pub csrf_token: String,
}

/// Whether a submitted anti-forgery token equals the expected one, compared in constant time;
/// an empty expected token never matches.
pub fn csrf_matches(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// A new random token for a form shown before anyone is signed in (a double-submit value).
pub fn new_form_token() -> String {
    auth::new_refresh_token()
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
    ///
    /// A username longer than any account's ([`users::MAX_USERNAME_CHARS`]) is refused at once
    /// as invalid credentials, and nothing is counted or stored for it. Otherwise the attempt is
    /// counted before the password is hashed (see [`LoginThrottle`]).
    pub async fn login(
        &self,
        db: &DatabaseConnection,
        username: &str,
        password: String,
        client: Option<&str>,
    ) -> Result<Issued> {
        if !plausible_username(username) {
            return Err(Error::InvalidCredentials);
        }
        let keys = LoginThrottle::keys(username, client);
        self.throttle.claim(db, &keys).await?;
        let checked = async {
            let usable = users::by_username(db, username)
                .await?
                .filter(|u| !u.disabled);
            let matches =
                auth::verify_password(password, usable.as_ref().map(|u| u.password_hash.clone()))
                    .await?;
            Ok::<_, Error>(usable.filter(|_| matches))
        }
        .await;
        let user = match checked {
            Ok(Some(user)) => user,
            Ok(None) => {
                self.throttle.record_failure(db, &keys).await?;
                return Err(Error::InvalidCredentials);
            }
            Err(err) => {
                if let Err(give_back) = self.throttle.give_back(db, &keys).await {
                    tracing::warn!(error = ?give_back, "giving back a sign-in attempt failed");
                }
                return Err(err);
            }
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

    /// The anti-forgery token of the session whose refresh token is `session_token`: the hex
    /// SHA-256 of `csrf:` and the token's stored hash. It changes with every session, cannot be
    /// computed without the cookie, and gives nothing of the cookie away.
    pub fn csrf_token(session_token: &str) -> String {
        digest(&format!("csrf:{}", auth::token_hash(session_token.trim())))
    }

    /// The session behind a browser's cookie (a refresh token issued by [`Sessions::login`]),
    /// checked against the database on every request: the token must be known, not revoked,
    /// never spent by a refresh (a cookie whose token was refreshed over GraphQL is ended),
    /// within the session's length, and its account not disabled. Anything else is
    /// `UNAUTHENTICATED`. The token is never spent here.
    pub async fn browser_session(
        &self,
        db: &DatabaseConnection,
        session_token: &str,
    ) -> Result<BrowserSession> {
        let token = session_token.trim();
        if token.is_empty() || token.len() > 256 {
            return Err(Error::Unauthenticated);
        }
        let stored = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(auth::token_hash(token)))
            .filter(refresh_token::Column::Revoked.eq(false))
            .filter(refresh_token::Column::UsedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(Utc::now()))
            .one(db)
            .await?
            .ok_or(Error::Unauthenticated)?;
        let user = user::Entity::find_by_id(stored.user_id)
            .one(db)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(Error::Unauthenticated)?;
        Ok(BrowserSession {
            viewer: Viewer {
                user_id: user.id,
                username: user.username,
                role: user.role,
                agency_id: user.agency_id,
            },
            csrf_token: Self::csrf_token(token),
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
        let someone = "user:2a59d59e3809f827ce709d3815e3950eef4a6a93af5557a93a7fdfba71460843";
        assert_eq!(
            LoginThrottle::keys("  Someone ", Some("10.0.0.7")),
            [someone, "client:10.0.0.7"]
        );
        assert_eq!(LoginThrottle::keys("SOMEONE", None), [someone]);
    }

    #[test]
    fn keys_have_a_fixed_size_whatever_was_submitted() {
        let huge = "a".repeat(900 * 1024);
        for key in LoginThrottle::keys(&huge, Some(&huge)) {
            assert!(key.len() <= 5 + 2 * 32 + 2, "{} bytes", key.len());
        }
    }

    #[test]
    fn csrf_tokens_belong_to_one_session_and_match_only_themselves() {
        let one = Sessions::csrf_token("first-session-token");
        assert_eq!(one, Sessions::csrf_token(" first-session-token "));
        assert_ne!(one, Sessions::csrf_token("second-session-token"));
        assert!(!one.contains("first"));
        assert!(csrf_matches(&one, &one));
        assert!(!csrf_matches(&one, &one[1..]));
        assert!(!csrf_matches(&one, ""));
        assert!(!csrf_matches("", ""));
    }

    #[test]
    fn usernames_longer_than_any_account_are_implausible() {
        let longest = "a".repeat(users::MAX_USERNAME_CHARS);
        assert!(plausible_username(&longest));
        assert!(plausible_username(&format!("  {longest}  ")));
        assert!(!plausible_username(&format!("{longest}a")));
        assert!(!plausible_username(&"a".repeat(900 * 1024)));
        assert!(plausible_username(&"đ".repeat(users::MAX_USERNAME_CHARS)));
    }
}
