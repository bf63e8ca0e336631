//! Accounts: creating, listing, disabling and resetting passwords.
//!
//! Used by the `egov-tracker user` commands and by planners through GraphQL. Disabling an account
//! or resetting its password ends its sessions (refresh tokens are revoked, and access tokens are
//! checked against the account on every request).

use chrono::Utc;
use entities::{refresh_token, user, UserRole};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{agencies, fetch_by};
use crate::auth;
use crate::error::{Error, Result};

/// Shortest password accepted (OWASP ASVS 2.1.1 asks for at least 12 characters).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (bounds hashing cost).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Shortest username accepted.
pub const MIN_USERNAME_CHARS: usize = 3;
/// Longest username accepted; sign-in refuses longer names before looking them up.
pub const MAX_USERNAME_CHARS: usize = 64;

/// What it takes to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: UserRole,
    /// Agency code; required for `AGENCY`, refused for other roles.
    pub agency_code: Option<String>,
    /// Where reminders are mailed; optional.
    pub email: Option<String>,
}

/// Longest e-mail address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Checks an e-mail address: empty means none; otherwise one address as SMTP takes it.
pub fn check_email(email: Option<String>) -> Result<Option<String>> {
    let Some(email) = email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    if email.len() > MAX_EMAIL_LEN || email.parse::<lettre::Address>().is_err() {
        return Err(Error::bad_input(format!(
            "{email:?} is not an e-mail address such as vanthu.syt@haiduong.gov.vn"
        )));
    }
    Ok(Some(email))
}

/// Sets or clears an account's e-mail address: planners for any account, anyone for their own.
pub async fn update_email(
    db: &DatabaseConnection,
    viewer: Option<&super::access::Viewer>,
    username: &str,
    email: Option<String>,
) -> Result<user::Model> {
    let viewer = super::access::signed_in(viewer)?;
    let account = require(db, username).await?;
    if !viewer.is_planner() && viewer.user_id != account.id {
        return Err(Error::forbidden(
            "only planners change other accounts; you may change your own address",
        ));
    }
    let email = check_email(email)?;
    let mut active: user::ActiveModel = account.into();
    active.email = Set(email);
    active.updated_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// Parses `planner`, `agency` or `leader` (any case).
pub fn parse_role(text: &str) -> Result<UserRole> {
    match text.trim().to_ascii_lowercase().as_str() {
        "planner" => Ok(UserRole::Planner),
        "agency" => Ok(UserRole::Agency),
        "leader" => Ok(UserRole::Leader),
        other => Err(Error::bad_input(format!(
            "role must be planner, agency or leader, not {other:?}"
        ))),
    }
}

/// Usernames: 3-64 characters of lower-case letters, digits, `.`, `_` and `-`.
pub fn normalise_username(username: &str) -> Result<String> {
    let name = username.trim().to_lowercase();
    let valid = (MIN_USERNAME_CHARS..=MAX_USERNAME_CHARS).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(name)
    } else {
        Err(Error::bad_input(
            "username must be 3-64 characters: lower-case letters, digits, '.', '_' or '-'",
        ))
    }
}

fn check_password(password: &str) -> Result<()> {
    let length = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&length) {
        Ok(())
    } else {
        Err(Error::bad_input(format!(
            "password must be {MIN_PASSWORD_CHARS}-{MAX_PASSWORD_CHARS} characters"
        )))
    }
}

/// The account with this username, if any.
pub async fn by_username(db: &DatabaseConnection, username: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username.trim().to_lowercase()))
        .one(db)
        .await?)
}

async fn require(db: &DatabaseConnection, username: &str) -> Result<user::Model> {
    by_username(db, username)
        .await?
        .ok_or_else(|| Error::NotFound(format!("user {}", username.trim())))
}

fetch_by!(
    /// Accounts by id.
    by_ids, user, Id
);

/// Creates an account.
pub async fn create(db: &DatabaseConnection, new: NewUser) -> Result<user::Model> {
    let username = normalise_username(&new.username)?;
    if username == SERVICE_ACCOUNT {
        return Err(Error::bad_input(format!(
            "{SERVICE_ACCOUNT} is the service's own account; choose another username"
        )));
    }
    check_password(&new.password)?;
    let email = check_email(new.email)?;
    let agency_id = match (new.role, new.agency_code.as_deref().map(str::trim)) {
        (UserRole::Agency, Some(code)) if !code.is_empty() => Some(
            agencies::by_code(db, code)
                .await?
                .ok_or_else(|| Error::bad_input(format!("unknown agency code {code:?}")))?
                .id,
        ),
        (UserRole::Agency, _) => {
            return Err(Error::bad_input("an agency account needs an agency code"))
        }
        (_, Some(code)) if !code.is_empty() => {
            return Err(Error::bad_input("only agency accounts belong to an agency"))
        }
        _ => None,
    };
    if by_username(db, &username).await?.is_some() {
        return Err(Error::Conflict(format!("user {username} already exists")));
    }
    let password_hash = auth::hash_password(new.password).await?;
    let now = Utc::now();
    let created = user::ActiveModel {
        username: Set(username),
        password_hash: Set(password_hash),
        role: Set(new.role),
        agency_id: Set(agency_id),
        disabled: Set(false),
        email: Set(email),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(created)
}

/// The username of the service's own account, which automatic work (freezing a period's report
/// after its deadline) is attributed to.
pub const SERVICE_ACCOUNT: &str = "egov-tracker";

/// The service's own account: a disabled planner account that nobody can sign in with (its
/// password hash is not a hash), created the first time automatic work needs it.
pub async fn service_account(db: &DatabaseConnection) -> Result<user::Model> {
    if let Some(found) = by_username(db, SERVICE_ACCOUNT).await? {
        return Ok(found);
    }
    let now = Utc::now();
    let created = user::Entity::insert(user::ActiveModel {
        username: Set(SERVICE_ACCOUNT.to_owned()),
        password_hash: Set("!service-account-no-password".to_owned()),
        role: Set(UserRole::Planner),
        agency_id: Set(None),
        disabled: Set(true),
        email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(user::Column::Username)
            .do_nothing()
            .to_owned(),
    )
    .exec(db)
    .await;
    match created {
        Ok(_) | Err(sea_orm::DbErr::RecordNotInserted) => require(db, SERVICE_ACCOUNT).await,
        Err(err) => Err(err.into()),
    }
}

/// All accounts, by username.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<user::Model>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?)
}

async fn revoke_sessions(db: &DatabaseConnection, user_id: i32) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::Revoked, Expr::value(true))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Disables an account and ends its sessions.
pub async fn disable(db: &DatabaseConnection, username: &str) -> Result<user::Model> {
    let existing = require(db, username).await?;
    revoke_sessions(db, existing.id).await?;
    let mut row: user::ActiveModel = existing.into();
    row.disabled = Set(true);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

/// Sets a new password and ends the account's sessions.
pub async fn reset_password(
    db: &DatabaseConnection,
    username: &str,
    password: String,
) -> Result<user::Model> {
    check_password(&password)?;
    let existing = require(db, username).await?;
    let hash = auth::hash_password(password).await?;
    revoke_sessions(db, existing.id).await?;
    let mut row: user::ActiveModel = existing.into();
    row.password_hash = Set(hash);
    row.updated_at = Set(Utc::now());
    Ok(row.update(db).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(
            normalise_username(" DIC.Planner ").ok(),
            Some("dic.planner".into())
        );
        assert!(normalise_username("ab").is_err());
        assert!(normalise_username("có dấu").is_err());
    }

    #[test]
    fn roles_parse_in_any_case() {
        assert_eq!(parse_role("Planner").ok(), Some(UserRole::Planner));
        assert!(parse_role("admin").is_err());
    }
}
