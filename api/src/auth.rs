//! Credentials and tokens: Argon2id password hashes, HS256 access tokens, opaque refresh tokens.
//!
//! Access tokens are JWTs (RFC 7519) with the algorithm pinned to HS256 and `sub`, `exp`, `iss`,
//! `aud` required (RFC 8725). Refresh tokens are random strings stored only as their SHA-256.
//! Password hashing runs on the blocking pool so it never stalls the async runtime, and at most
//! [`MAX_CONCURRENT_HASHES`] hashes run at once (each takes 19 MiB), so a burst of sign-ins
//! queues instead of taking the memory of the machine.

use std::path::Path;

use anyhow::Context;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::config::Config;
use crate::error::{Error, Result};

/// Issuer of access tokens.
pub const ISSUER: &str = "egov-tracker";
/// Audience of access tokens.
pub const AUDIENCE: &str = "egov-tracker-api";
/// The `typ` claim of an access token.
pub const ACCESS_TYPE: &str = "access";
/// Shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// File in the data directory holding the generated secret.
pub const SECRET_FILE: &str = "jwt-secret";

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Username.
    pub sub: String,
    /// `PLANNER`, `AGENCY` or `LEADER` when issued (the database stays authoritative).
    pub role: String,
    /// Agency code of an agency officer.
    pub agency: Option<String>,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// Always `access`: refresh tokens are not JWTs and cannot be replayed as access tokens.
    pub typ: String,
    /// The sign-in session this token belongs to; logging out, reusing a spent refresh token,
    /// resetting the password or disabling the account ends it, and its access tokens with it.
    pub sid: String,
}

/// Signing and verification keys with a pinned validation policy.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Keys {
    /// Keys from a secret of at least [`MIN_SECRET_BYTES`] bytes.
    pub fn new(secret: &[u8]) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "the token secret must be at least {MIN_SECRET_BYTES} bytes"
        );
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        })
    }

    /// Signs an access token for `claims`.
    pub fn sign(&self, claims: &Claims) -> Result<String> {
        jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &self.encoding,
        )
        .map_err(|err| Error::Internal(err.into()))
    }

    /// Verifies an access token's signature, algorithm, issuer, audience, expiry and type.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| Error::Unauthenticated)?;
        if data.claims.typ != ACCESS_TYPE {
            return Err(Error::Unauthenticated);
        }
        Ok(data.claims)
    }
}

/// The configured secret, or the one kept in the data directory (created on first use with
/// owner-only permissions).
pub fn load_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.expose().as_bytes().to_vec());
    }
    let path = config.data_dir.join(SECRET_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return Ok(text.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let secret = hex::encode(random_bytes::<48>());
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a token secret");
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A new opaque refresh token.
pub fn new_refresh_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Hex SHA-256 of a token, the only form in which refresh tokens are stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Argon2id with OWASP's recommended minimum: 19 MiB memory, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Most Argon2 hashes or verifications running at once in this process; more wait their turn.
/// With 19 MiB each, hashing never holds more than about 76 MiB.
pub const MAX_CONCURRENT_HASHES: usize = 4;

/// Permits to run one Argon2 computation.
static HASHING: Semaphore = Semaphore::const_new(MAX_CONCURRENT_HASHES);

/// Runs Argon2 `work` on the blocking pool once a permit is free. The permit moves into the
/// blocking task, so it is held until the work ends even if the caller stops waiting.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let permit = HASHING
        .acquire()
        .await
        .map_err(|err| Error::Internal(err.into()))?;
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        result
    })
    .await
    .map_err(|err| Error::Internal(err.into()))?
}

/// Hashes a password on the blocking pool.
pub async fn hash_password(password: String) -> Result<String> {
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| Error::Internal(anyhow::anyhow!("hashing a password: {err}")))
    })
    .await
}

/// Checks a password against a stored hash on the blocking pool. With no stored hash (unknown
/// user) it still does the same work, so timing does not reveal whether an account exists.
pub async fn verify_password(password: String, stored: Option<String>) -> Result<bool> {
    hashing(move || {
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let matches = PasswordHash::new(&hash)
            .map(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        Ok(matches && hash != DUMMY_HASH)
    })
    .await
}

/// An Argon2id hash of a random password, verified against when the user does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3UeB5Xi0oTxU3Cq8aW3o1Kc5XDAFHnN9DZAvcE6qMrA";

/// Unix seconds of a timestamp.
pub fn unix(time: DateTime<Utc>) -> i64 {
    time.timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(b"0123456789abcdef0123456789abcdef").expect("keys")
    }

    fn claims(exp_in: i64) -> Claims {
        let now = Utc::now().timestamp();
        Claims {
            sub: "planner".into(),
            role: "PLANNER".into(),
            agency: None,
            iat: now,
            exp: now + exp_in,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            typ: ACCESS_TYPE.into(),
            sid: "session".into(),
        }
    }

    #[test]
    fn a_signed_token_verifies_and_an_expired_one_does_not() {
        let keys = keys();
        let token = keys.sign(&claims(60)).expect("sign");
        assert_eq!(keys.verify(&token).expect("valid").sub, "planner");
        let expired = keys.sign(&claims(-60)).expect("sign");
        assert!(keys.verify(&expired).is_err());
    }

    #[test]
    fn tokens_signed_with_another_key_or_none_are_refused() {
        let token = Keys::new(b"another-secret-another-secret-xx")
            .expect("keys")
            .sign(&claims(60))
            .expect("sign");
        assert!(keys().verify(&token).is_err());
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(60)).expect("json"));
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(keys().verify(&format!("{header}.{payload}.")).is_err());
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(Keys::new(b"too short").is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_allowed_number_of_hashes_run_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let work = (0..3 * MAX_CONCURRENT_HASHES).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            hashing(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
        });
        for done in futures_util::future::join_all(work).await {
            done.expect("the work runs");
        }
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=MAX_CONCURRENT_HASHES).contains(&most),
            "{most} at once"
        );
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(!verify_password("wrong".into(), Some(hash))
            .await
            .expect("verify"));
        assert!(!verify_password("anything".into(), None)
            .await
            .expect("verify"));
    }
}
