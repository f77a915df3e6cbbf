//! Authentication of registered people, persisted: OTP, PIN, demographic, biometric and
//! wallet-key factors over the pure pieces in [`crate::factors`], plus the claims the OIDC
//! provider and e-KYC release afterwards.
//!
//! Every operation is one write transaction: the individual is resolved (a UIN, or a VID whose
//! policy is applied and whose use is counted on success), the identity must be active
//! (`idp.identity_inactive` otherwise), the factor's state is read under a row lock, and what
//! changed (attempt counters, lock, used code, VID transactions) is written with its audit entry.
//! A refusal that changes nothing writes nothing. OTP codes are sent after the commit.

use std::sync::Arc;

use axum::http::StatusCode;
use inkan_core::clock::Clock;
use inkan_core::crypto::{Jwk, Signer, SoftwareKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Actor, Registry, identity_aad};
use crate::audit::{self, Event};
use crate::dedup::BiometricSample;
use crate::ekyc::{self, EkycClaim, EkycError, EkycRequest, PartnerPolicy};
use crate::error::ApiError;
use crate::factors::FactorError;
use crate::factors::demographic::{DemographicClaims, match_demographics};
use crate::factors::notify::{FileNotifier, LogNotifier, Message, Notifier, SmtpConfig, SmtpNotifier};
use crate::factors::otp::{OtpKey, OtpPolicy, OtpRecord, OtpState};
use crate::factors::pin::{PinAttempts, PinHasher};
use crate::factors::wallet::{WalletChallenge, WalletKey};
use crate::ids::{IdError, PairwiseKey, VidPolicy, VidUsage};
use crate::store::WriteTx;

/// An authentication factor, by its RFC 8176 method.
///
/// ```
/// use inkan_idp::registry::authn::Factor;
/// assert_eq!(Factor::Otp.amr(), "otp");
/// assert_eq!(Factor::WalletKey.amr(), "hwk");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// One-time password sent to the person's phone or email.
    Otp,
    /// PIN.
    Pin,
    /// Stated demographic data (knowledge-based).
    Demographic,
    /// A biometric sample.
    Biometric,
    /// A challenge signed by the person's bound wallet key.
    WalletKey,
}

impl Factor {
    /// The `amr` value: `otp`, `pin`, `kba`, `bio`, `hwk`.
    pub fn amr(self) -> &'static str {
        match self {
            Factor::Otp => "otp",
            Factor::Pin => "pin",
            Factor::Demographic => "kba",
            Factor::Biometric => "bio",
            Factor::WalletKey => "hwk",
        }
    }
}

/// Proof that a person authenticated; only [`Authn`] makes one.
///
/// ```
/// use inkan_idp::registry::authn::{Authenticated, Factor};
/// let a = Authenticated { uin: "6936894708".into(), factor: Factor::Pin, auth_time: 1_000 };
/// assert_eq!(a.factor.amr(), "pin");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    /// The person's UIN (also when they authenticated with a VID).
    pub uin: String,
    /// The factor used.
    pub factor: Factor,
    /// Unix seconds.
    pub auth_time: i64,
}

/// Where and until when an OTP was sent.
///
/// ```
/// let s = inkan_idp::registry::authn::OtpSent { masked_destination: "+2547******12".into(), expires_at: 180, resend_after: 30 };
/// assert!(s.resend_after < s.expires_at);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OtpSent {
    /// The phone number or email address, mostly masked.
    pub masked_destination: String,
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
    /// Unix seconds from which a resend is allowed.
    pub resend_after: i64,
}

/// Which contact an OTP goes to first (the other is used when the first is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OtpChannel {
    /// The record's `phone`, as a text message.
    #[default]
    Sms,
    /// The record's `email`.
    Email,
}

/// The `[authn]` section of the configuration.
///
/// ```
/// let c = inkan_idp::registry::authn::AuthnConfig::default();
/// assert_eq!((c.notifier.as_str(), c.otp.ttl_secs, c.pin_memory_kib), ("log", 180, 19 * 1024));
/// let file: inkan_idp::config::Config = toml::from_str(
///     "[authn]\nnotifier = \"file:/var/lib/inkan/outbox.ndjson\"\notp_channel = \"email\"\n[authn.otp]\nttl_secs = 120\n")?;
/// assert_eq!((file.authn.otp.ttl_secs, file.authn.otp.max_attempts), (120, 5));
/// assert!(file.authn.build_notifier().is_ok());
/// # Ok::<(), toml::de::Error>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthnConfig {
    /// The registry's identifier: `iss` of e-KYC tokens, `aud` of wallet answers
    /// (`INKAN_AUTHN_ISSUER`).
    pub issuer: String,
    /// OTP limits (`[authn.otp]`: `ttl_secs`, `max_attempts`, `max_sends`, `resend_after_secs`).
    pub otp: OtpPolicy,
    /// `sms` (default) or `email` (`INKAN_AUTHN_OTP_CHANNEL`).
    pub otp_channel: OtpChannel,
    /// Open OTPs (other purposes, not expired) one person may have at once.
    pub max_open_otps: u32,
    /// argon2id memory for PINs in KiB, at least 8192 (`INKAN_AUTHN_PIN_MEMORY_KIB`).
    pub pin_memory_kib: u32,
    /// argon2id passes (`INKAN_AUTHN_PIN_PASSES`).
    pub pin_passes: u32,
    /// argon2id lanes.
    pub pin_lanes: u32,
    /// `log` (development: codes in the log), `file:PATH` (one JSON line per message) or
    /// `smtp` (settings in `[authn.smtp]`) (`INKAN_AUTHN_NOTIFIER`).
    pub notifier: String,
    /// SMTP relay, for `notifier = "smtp"`.
    pub smtp: Option<SmtpConfig>,
}

impl Default for AuthnConfig {
    fn default() -> Self {
        Self {
            issuer: "http://127.0.0.1:8080".into(),
            otp: OtpPolicy::default(),
            otp_channel: OtpChannel::Sms,
            max_open_otps: 5,
            pin_memory_kib: 19 * 1024,
            pin_passes: 2,
            pin_lanes: 1,
            notifier: "log".into(),
            smtp: None,
        }
    }
}

impl AuthnConfig {
    /// The configured notifier.
    ///
    /// ```
    /// let c = inkan_idp::registry::authn::AuthnConfig { notifier: "pigeon".into(), ..Default::default() };
    /// assert_eq!(c.build_notifier().err().map(|e| e.code()), Some("idp.bad_factor_config"));
    /// ```
    pub fn build_notifier(&self) -> Result<Arc<dyn Notifier>, FactorError> {
        match self.notifier.as_str() {
            "log" => Ok(Arc::new(LogNotifier)),
            "smtp" => match &self.smtp {
                Some(c) => Ok(Arc::new(SmtpNotifier::new(c)?)),
                None => Err(FactorError::BadConfig("notifier smtp needs [authn.smtp]".into())),
            },
            other => match other.strip_prefix("file:") {
                Some(path) if !path.is_empty() => Ok(Arc::new(FileNotifier::new(path))),
                _ => Err(FactorError::BadConfig(
                    "notifier must be log, file:PATH or smtp".into(),
                )),
            },
        }
    }
}

/// The authentication service. Cheap to clone; held in `AppState` as `authn`.
#[derive(Clone)]
pub struct Authn {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    issuer: String,
    otp: OtpPolicy,
    otp_channel: OtpChannel,
    max_open_otps: u32,
    otp_key: OtpKey,
    pairwise: PairwiseKey,
    pin: PinHasher,
    signing: SoftwareKey,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Authn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authn")
            .field("issuer", &self.inner.issuer)
            .field("otp", &self.inner.otp)
            .finish_non_exhaustive()
    }
}

/// Longest OTP purpose (the OIDC provider's transaction id, a partner's reference).
pub const MAX_PURPOSE: usize = 200;
/// Default audit purpose of authentication events.
const AUTHN_PURPOSE: &str = "authentication";
/// Actor recorded for the contract methods (the person, through the OIDC provider).
const SELF_ACTOR: &str = "individual";

fn bad_config(what: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "idp.bad_config",
        what.to_string(),
    )
}

/// A factor's refusal as a problem: 401 for a failed check, 429 for locks and resend limits,
/// 4xx for bad input, 502 when the message could not be delivered, each with the factor's code.
///
/// ```
/// use inkan_idp::factors::FactorError;
/// use inkan_idp::registry::authn::factor_error;
/// let e = factor_error(FactorError::OtpMismatch { attempts_left: 2 });
/// assert_eq!((e.status().as_u16(), e.code()), (401, "idp.otp_mismatch"));
/// assert_eq!(factor_error(FactorError::OtpLocked).status().as_u16(), 429);
/// ```
pub fn factor_error(e: FactorError) -> ApiError {
    use FactorError as F;
    let status = match &e {
        F::OtpLocked | F::OtpResendLimit | F::OtpResendTooSoon { .. } | F::PinLocked { .. } => {
            StatusCode::TOO_MANY_REQUESTS
        }
        F::PinWeak(_) | F::WalletKey(_) => StatusCode::UNPROCESSABLE_ENTITY,
        F::BadDemographics(_) | F::NoBiometric => StatusCode::BAD_REQUEST,
        F::Notify(_) | F::UnsupportedChannel(_) => StatusCode::BAD_GATEWAY,
        other if !other.is_client_error() => return ApiError::internal(other),
        _ => StatusCode::UNAUTHORIZED,
    };
    let extra = match &e {
        F::OtpMismatch { attempts_left } => Some(json!({ "attemptsLeft": attempts_left })),
        F::OtpResendTooSoon { retry_after } | F::PinLocked { retry_after } => {
            Some(json!({ "retryAfter": retry_after }))
        }
        _ => None,
    };
    let err = ApiError::new(status, e.code(), e.to_string());
    match extra {
        Some(x) => err.with(x),
        None => err,
    }
}

/// 429 `idp.factor_locked` for a demographic or biometric lock (`PinAttempts` reports it as a
/// PIN lock, whose code would mislead).
fn factor_locked(e: FactorError) -> ApiError {
    let retry_after = match e {
        FactorError::PinLocked { retry_after } => retry_after,
        _ => 0,
    };
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "idp.factor_locked",
        format!("too many failed attempts with this factor; locked for {retry_after} s"),
    )
    .with(json!({ "retryAfter": retry_after }))
}

fn vid_error(e: IdError) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, e.code(), e.to_string())
}

fn ekyc_error(e: EkycError) -> ApiError {
    let status = match e {
        EkycError::NoConsent => StatusCode::BAD_REQUEST,
        EkycError::ClaimNotAllowed { .. } => StatusCode::FORBIDDEN,
        _ => return ApiError::internal(e),
    };
    ApiError::new(status, e.code(), e.to_string())
}

fn inactive() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "idp.identity_inactive",
        "the identity is deactivated or blocked and cannot authenticate",
    )
}

fn not_found() -> ApiError {
    ApiError::not_found("no identity with that UIN or VID")
}

/// The person behind an individual id, and the VID used, if any.
struct Subject {
    uin: String,
    vid: Option<VidUse>,
}

struct VidUse {
    vid: String,
    policy: VidPolicy,
    usage: VidUsage,
}

/// (uin, kind, status, expires_at, max_transactions, transactions, created_at).
type VidRow = (String, String, String, Option<i64>, Option<i64>, i64, i64);

/// What a successful check did, for the audit entry.
struct Done<'a> {
    actor: Actor<'a>,
    action: &'a str,
}

impl Authn {
    /// The service over `registry` (its sealed OTP, pairwise and e-KYC keys), with `cfg`'s
    /// limits, sending OTPs through `notifier`, checking times against `clock`.
    pub fn new(
        registry: Registry,
        cfg: &AuthnConfig,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ApiError> {
        cfg.otp.validate().map_err(bad_config)?;
        let secret = |purpose: &str| {
            registry
                .sealer
                .secret(purpose)
                .ok_or_else(|| bad_config(format!("registry secret {purpose} missing")))
        };
        let otp_key = OtpKey::from_bytes(secret("otp")?).map_err(bad_config)?;
        let pairwise = PairwiseKey::from_bytes(secret("pairwise")?).map_err(bad_config)?;
        let jwk_text = std::str::from_utf8(secret("ekyc_signing")?).map_err(bad_config)?;
        let signing = Jwk::from_json(jwk_text)
            .and_then(|j| SoftwareKey::from_jwk(&j))
            .map_err(bad_config)?;
        let pin = PinHasher::new(cfg.pin_memory_kib, cfg.pin_passes, cfg.pin_lanes).map_err(bad_config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                registry,
                issuer: cfg.issuer.clone(),
                otp: cfg.otp,
                otp_channel: cfg.otp_channel,
                max_open_otps: cfg.max_open_otps.max(1),
                otp_key,
                pairwise,
                pin,
                signing,
                notifier,
                clock,
            }),
        })
    }

    fn now(&self) -> i64 {
        self.inner.clock.now_unix()
    }

    fn clock(&self) -> &dyn Clock {
        self.inner.clock.as_ref()
    }

    /// The registry's identifier (`iss` of e-KYC tokens, `aud` of wallet answers).
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The public key that signs e-KYC tokens, as a JWK Set.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.inner.signing.public_jwk()] })
    }

    // --- resolution, shared by every factor ---

    /// Resolves a UIN or VID (VIDs first: their table is the authority on which numbers are
    /// VIDs), applies the VID's limits and requires an active identity. The VID's row is
    /// locked until the transaction ends, so concurrent uses are counted one by one.
    async fn resolve(&self, w: &mut WriteTx, individual_id: &str) -> Result<Subject, ApiError> {
        if individual_id.is_empty()
            || individual_id.len() > 32
            || !individual_id.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(not_found());
        }
        sqlx::query("UPDATE vids SET transactions = transactions WHERE vid = $1")
            .bind(individual_id)
            .execute(&mut *w.tx)
            .await?;
        let row: Option<VidRow> = sqlx::query_as(
            "SELECT uin, kind, status, expires_at, max_transactions, transactions, created_at \
             FROM vids WHERE vid = $1",
        )
        .bind(individual_id)
        .fetch_optional(&mut *w.tx)
        .await?;
        let (uin, vid) = match row {
            None => (individual_id.to_owned(), None),
            Some((uin, kind, status, expires_at, max_tx, transactions, created_at)) => {
                let base = if kind == "temporary" {
                    VidPolicy::temporary()
                } else {
                    VidPolicy::perpetual()
                };
                // The limits stored at issue are the VID's own, whatever the policy says now.
                let policy = VidPolicy {
                    valid_for_secs: expires_at.map(|e| u64::try_from(e - created_at).unwrap_or(0)),
                    transactions_allowed: max_tx.map(|m| u32::try_from(m).unwrap_or(u32::MAX)),
                    ..base
                };
                let usage = VidUsage {
                    issued_at: created_at,
                    transactions: u32::try_from(transactions).unwrap_or(u32::MAX),
                    revoked: status != "active",
                };
                policy.check_use(&usage, self.clock()).map_err(vid_error)?;
                let vid = VidUse {
                    vid: individual_id.to_owned(),
                    policy,
                    usage,
                };
                (uin, Some(vid))
            }
        };
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM identities WHERE uin = $1")
            .bind(&uin)
            .fetch_optional(&mut *w.tx)
            .await?;
        match status.as_deref() {
            None => Err(not_found()),
            Some("active") => Ok(Subject { uin, vid }),
            Some(_) => Err(inactive()),
        }
    }

    /// The identity document of `uin` (decrypted).
    async fn document(&self, w: &mut WriteTx, uin: &str) -> Result<Value, ApiError> {
        let (doc, _) = self.document_and_status(w, uin).await?;
        Ok(doc)
    }

    /// The document of an identity that must still be active (claims are released after the
    /// authentication, and the identity may have been blocked in between).
    async fn active_document(&self, w: &mut WriteTx, uin: &str) -> Result<Value, ApiError> {
        match self.document_and_status(w, uin).await? {
            (doc, status) if status == "active" => Ok(doc),
            _ => Err(inactive()),
        }
    }

    async fn document_and_status(&self, w: &mut WriteTx, uin: &str) -> Result<(Value, String), ApiError> {
        let row: Option<(String, Vec<u8>, String)> =
            sqlx::query_as("SELECT key_id, data, status FROM identities WHERE uin = $1")
                .bind(uin)
                .fetch_optional(&mut *w.tx)
                .await?;
        let (key_id, data, status) = row.ok_or_else(not_found)?;
        let plain = self
            .inner
            .registry
            .sealer
            .open(&key_id, &identity_aad(uin), &data)
            .map_err(ApiError::internal)?;
        let doc = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
        Ok((doc, status))
    }

    /// Counts the VID use, appends the audit entry, commits, and returns the proof.
    async fn succeed(
        &self,
        mut w: WriteTx,
        subject: Subject,
        factor: Factor,
        done: Done<'_>,
    ) -> Result<Authenticated, ApiError> {
        if let Some(v) = &subject.vid {
            let used = v.policy.record_use(&v.usage, self.clock()).map_err(vid_error)?;
            sqlx::query("UPDATE vids SET transactions = $1 WHERE vid = $2")
                .bind(i64::from(used.transactions))
                .bind(&v.vid)
                .execute(&mut *w.tx)
                .await?;
        }
        audit_event(&mut w, done.actor, done.action, &subject.uin).await?;
        w.commit().await?;
        Ok(Authenticated {
            uin: subject.uin,
            factor,
            auth_time: self.now(),
        })
    }

    // --- OTP ---

    /// Sends an OTP for `purpose` to the person's phone (or email). `individual_id`: a UIN or
    /// a VID (the VID's use limits are applied). `purpose` binds the OTP (the OIDC provider
    /// passes its transaction id), so an OTP sent for one login can't finish another.
    pub async fn send_otp(&self, individual_id: &str, purpose: &str) -> Result<OtpSent, ApiError> {
        self.send_otp_by(self_actor(), individual_id, purpose).await
    }

    /// [`Authn::send_otp`] on behalf of `actor` (audited with its id and purpose).
    pub async fn send_otp_by(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        purpose: &str,
    ) -> Result<OtpSent, ApiError> {
        check_purpose(purpose)?;
        let now = self.now();
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        let uin = subject.uin.as_str();
        sqlx::query("DELETE FROM otp_records WHERE uin = $1 AND expires_at <= $2")
            .bind(uin)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        let existing = load_otp(&mut w, uin, purpose).await?;
        let (record, code) = match existing {
            Some(r) if r.state != OtpState::Used => r
                .resend(&self.inner.otp, &self.inner.otp_key, self.clock())
                .map_err(factor_error)?,
            _ => {
                self.check_open_otps(&mut w, uin, purpose, now).await?;
                OtpRecord::issue(uin, purpose, &self.inner.otp, &self.inner.otp_key, self.clock())
                    .map_err(factor_error)?
            }
        };
        let doc = self.document(&mut w, uin).await?;
        let (to, masked) = self.destination(&doc)?;
        store_otp(&mut w, &record).await?;
        audit_event(&mut w, actor, "authn.otp_send", uin).await?;
        w.commit().await?;
        let body = format!(
            "Your verification code is {} (valid {} s). Never share it.",
            code.as_str(),
            self.inner.otp.ttl_secs
        );
        let message = match to {
            Destination::Sms(phone) => Message::sms(phone, body),
            Destination::Email(email) => Message::email(email, "Your verification code", body),
        };
        self.inner.notifier.send(&message).await.map_err(factor_error)?;
        Ok(OtpSent {
            masked_destination: masked,
            expires_at: record.expires_at,
            resend_after: record.sent_at.saturating_add(self.inner.otp.resend_after_secs),
        })
    }

    /// Refuses a new OTP when the person already has `max_open_otps` open ones (so an attacker
    /// cannot multiply guesses by inventing purposes).
    async fn check_open_otps(
        &self,
        w: &mut WriteTx,
        uin: &str,
        purpose: &str,
        now: i64,
    ) -> Result<(), ApiError> {
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM otp_records WHERE uin = $1 AND purpose <> $2 AND state = 'active' \
             AND expires_at > $3",
        )
        .bind(uin)
        .bind(purpose)
        .bind(now)
        .fetch_one(&mut *w.tx)
        .await?;
        if open >= i64::from(self.inner.max_open_otps) {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "idp.otp_too_many_open",
                "too many one-time passwords are open for this person; use or let them expire",
            ));
        }
        Ok(())
    }

    fn destination(&self, doc: &Value) -> Result<(Destination, String), ApiError> {
        let field = |name: &str| doc.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
        let sms = field("phone").map(|p| Destination::Sms(p.to_owned()));
        let email = field("email").map(|e| Destination::Email(e.to_owned()));
        let pick = match self.inner.otp_channel {
            OtpChannel::Sms => sms.or(email),
            OtpChannel::Email => email.or(sms),
        };
        let d = pick.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idp.no_otp_destination",
                "the identity has neither phone nor email",
            )
        })?;
        let masked = match &d {
            Destination::Sms(p) => mask(p),
            Destination::Email(e) => match e.split_once('@') {
                Some((local, domain)) => format!("{}@{domain}", mask(local)),
                None => mask(e),
            },
        };
        Ok((d, masked))
    }

    /// Checks the OTP sent for `purpose`. A wrong code counts an attempt (committed, with its
    /// audit entry) and the last allowed one locks the OTP; the right one marks it used.
    pub async fn verify_otp(
        &self,
        individual_id: &str,
        purpose: &str,
        code: &str,
    ) -> Result<Authenticated, ApiError> {
        self.verify_otp_by(self_actor(), individual_id, purpose, code)
            .await
    }

    /// [`Authn::verify_otp`] on behalf of `actor`.
    pub async fn verify_otp_by(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        purpose: &str,
        code: &str,
    ) -> Result<Authenticated, ApiError> {
        check_purpose(purpose)?;
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        // Row lock (PostgreSQL) before reading, so concurrent guesses are counted one by one.
        sqlx::query("UPDATE otp_records SET attempts = attempts WHERE uin = $1 AND purpose = $2")
            .bind(&subject.uin)
            .bind(purpose)
            .execute(&mut *w.tx)
            .await?;
        let record = load_otp(&mut w, &subject.uin, purpose).await?.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "idp.otp_not_sent",
                "no one-time password was sent for this purpose",
            )
        })?;
        let attempt = record.verify(code, &self.inner.otp, &self.inner.otp_key, self.clock());
        if !attempt.changed(&record) {
            // Nothing to persist (expired, used or locked): the transaction rolls back.
            attempt.outcome.clone().map_err(factor_error)?;
        }
        store_otp(&mut w, &attempt.record).await?;
        match attempt.outcome {
            Ok(()) => {
                let done = Done {
                    actor,
                    action: "authn.otp_verify",
                };
                self.succeed(w, subject, Factor::Otp, done).await
            }
            Err(e) => {
                audit_event(&mut w, actor, "authn.otp_failed", &subject.uin).await?;
                w.commit().await?;
                Err(factor_error(e))
            }
        }
    }

    // --- PIN ---

    /// Sets (or replaces) the person's PIN; the PIN rules apply. Clears any PIN lock.
    pub async fn set_pin(&self, actor: Actor<'_>, individual_id: &str, pin: &str) -> Result<(), ApiError> {
        let hasher = self.inner.pin.clone();
        let owned = zeroize::Zeroizing::new(pin.to_owned());
        let phc = tokio::task::spawn_blocking(move || hasher.hash(&owned))
            .await
            .map_err(ApiError::internal)?
            .map_err(factor_error)?;
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        sqlx::query(
            "INSERT INTO pins (uin, phc, failures, locked_until, updated_at) VALUES ($1, $2, 0, NULL, $3) \
             ON CONFLICT (uin) DO UPDATE SET phc = $2, failures = 0, locked_until = NULL, updated_at = $3",
        )
        .bind(&subject.uin)
        .bind(&phc)
        .bind(self.now())
        .execute(&mut *w.tx)
        .await?;
        audit_event(&mut w, actor, "authn.pin_set", &subject.uin).await?;
        w.commit().await?;
        Ok(())
    }

    /// Checks the person's PIN; five wrong PINs in a row lock the factor for 15 minutes.
    pub async fn verify_pin(&self, individual_id: &str, pin: &str) -> Result<Authenticated, ApiError> {
        self.verify_pin_by(self_actor(), individual_id, pin).await
    }

    /// [`Authn::verify_pin`] on behalf of `actor`. The PIN row stays locked during the argon2
    /// check, so parallel guesses are counted one by one.
    pub async fn verify_pin_by(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        pin: &str,
    ) -> Result<Authenticated, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        sqlx::query("UPDATE pins SET failures = failures WHERE uin = $1")
            .bind(&subject.uin)
            .execute(&mut *w.tx)
            .await?;
        let row: Option<(String, i64, Option<i64>)> =
            sqlx::query_as("SELECT phc, failures, locked_until FROM pins WHERE uin = $1")
                .bind(&subject.uin)
                .fetch_optional(&mut *w.tx)
                .await?;
        let (phc, failures, locked_until) = row.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "idp.pin_not_set",
                "no PIN is set for this person",
            )
        })?;
        let before = PinAttempts {
            failures: u32::try_from(failures).unwrap_or(u32::MAX),
            locked_until,
        };
        before.check(self.clock()).map_err(factor_error)?;
        let hasher = self.inner.pin.clone();
        let owned = zeroize::Zeroizing::new(pin.to_owned());
        let stored = phc.clone();
        let verdict = tokio::task::spawn_blocking(move || hasher.verify(&owned, &stored))
            .await
            .map_err(ApiError::internal)?;
        let after = match &verdict {
            Ok(()) => before.succeeded(),
            Err(FactorError::PinMismatch) => before.failed(self.clock()),
            Err(other) => return Err(ApiError::internal(other)),
        };
        if after != before {
            sqlx::query("UPDATE pins SET failures = $1, locked_until = $2, updated_at = $3 WHERE uin = $4")
                .bind(i64::from(after.failures))
                .bind(after.locked_until)
                .bind(self.now())
                .bind(&subject.uin)
                .execute(&mut *w.tx)
                .await?;
        }
        match verdict {
            Ok(()) => {
                let done = Done {
                    actor,
                    action: "authn.pin_verify",
                };
                self.succeed(w, subject, Factor::Pin, done).await
            }
            Err(e) => {
                audit_event(&mut w, actor, "authn.pin_failed", &subject.uin).await?;
                w.commit().await?;
                // The failure that locks says so.
                Err(factor_error(match after.check(self.clock()) {
                    Err(locked) => locked,
                    Ok(()) => e,
                }))
            }
        }
    }

    // --- demographic and biometric ---

    /// Checks stated demographics against the record (which field disagreed is not said).
    pub async fn verify_demographics(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        claims: &DemographicClaims,
    ) -> Result<Authenticated, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        let before = self.failures(&mut w, &subject.uin, Factor::Demographic).await?;
        let doc = self.document(&mut w, &subject.uin).await?;
        let verdict = match_demographics(claims, &doc);
        self.finish_limited(w, subject, Factor::Demographic, actor, before, verdict)
            .await
    }

    /// Checks biometric samples (the default schema's `biometrics` entries) against the
    /// record's, through the built-in exact-template matcher (1:1, the record's samples only).
    pub async fn verify_biometrics(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        probe: &[BiometricSample],
    ) -> Result<Authenticated, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        let before = self.failures(&mut w, &subject.uin, Factor::Biometric).await?;
        let doc = self.document(&mut w, &subject.uin).await?;
        let enrolled = BiometricSample::from_record(&doc).map_err(ApiError::internal)?;
        let matcher = crate::dedup::ExactTemplateMatcher::new();
        crate::dedup::BiometricMatcher::insert(&matcher, &subject.uin, &enrolled)
            .await
            .map_err(ApiError::internal)?;
        let verdict = crate::factors::match_biometrics(&matcher, &subject.uin, probe).await;
        self.finish_limited(w, subject, Factor::Biometric, actor, before, verdict)
            .await
    }

    /// The failure count of `factor` for `uin` (row locked), refusing while it is locked.
    async fn failures(&self, w: &mut WriteTx, uin: &str, factor: Factor) -> Result<PinAttempts, ApiError> {
        sqlx::query("UPDATE factor_failures SET failures = failures WHERE uin = $1 AND factor = $2")
            .bind(uin)
            .bind(factor.amr())
            .execute(&mut *w.tx)
            .await?;
        let row: Option<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT failures, locked_until FROM factor_failures WHERE uin = $1 AND factor = $2",
        )
        .bind(uin)
        .bind(factor.amr())
        .fetch_optional(&mut *w.tx)
        .await?;
        let attempts = row.map_or(PinAttempts::default(), |(failures, locked_until)| PinAttempts {
            failures: u32::try_from(failures).unwrap_or(u32::MAX),
            locked_until,
        });
        match attempts.check(self.clock()) {
            Ok(()) => Ok(attempts),
            Err(e) => Err(factor_locked(e)),
        }
    }

    /// Ends a demographic or biometric check: a mismatch counts a failure (the same rule as
    /// PINs: five in a row lock the factor for 15 minutes) and commits only that; bad input
    /// writes nothing; a match clears the count and succeeds.
    async fn finish_limited(
        &self,
        mut w: WriteTx,
        subject: Subject,
        factor: Factor,
        actor: Actor<'_>,
        before: PinAttempts,
        verdict: Result<(), FactorError>,
    ) -> Result<Authenticated, ApiError> {
        let after = match &verdict {
            Ok(()) => before.succeeded(),
            Err(FactorError::DemographicMismatch | FactorError::BiometricMismatch) => {
                before.failed(self.clock())
            }
            Err(other) => return Err(factor_error(other.clone())),
        };
        if after != before {
            sqlx::query(
                "INSERT INTO factor_failures (uin, factor, failures, locked_until) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (uin, factor) DO UPDATE SET failures = $3, locked_until = $4",
            )
            .bind(&subject.uin)
            .bind(factor.amr())
            .bind(i64::from(after.failures))
            .bind(after.locked_until)
            .execute(&mut *w.tx)
            .await?;
        }
        let (ok, failed) = match factor {
            Factor::Demographic => ("authn.demographic_verify", "authn.demographic_failed"),
            _ => ("authn.biometric_verify", "authn.biometric_failed"),
        };
        match verdict {
            Ok(()) => self.succeed(w, subject, factor, Done { actor, action: ok }).await,
            Err(e) => {
                audit_event(&mut w, actor, failed, &subject.uin).await?;
                w.commit().await?;
                Err(match after.check(self.clock()) {
                    Err(locked) => factor_locked(locked),
                    Ok(()) => factor_error(e),
                })
            }
        }
    }

    // --- wallet key ---

    /// Binds `jwk` (public) as the person's wallet key, replacing any earlier one. Returns the
    /// key's thumbprint.
    pub async fn bind_wallet_key(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        jwk: &Jwk,
    ) -> Result<String, ApiError> {
        let key = WalletKey::from_jwk(jwk).map_err(factor_error)?;
        let thumbprint = key.thumbprint();
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        sqlx::query(
            "INSERT INTO wallet_keys (uin, thumbprint, jwk, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (uin) DO UPDATE SET thumbprint = $2, jwk = $3, created_at = $4",
        )
        .bind(&subject.uin)
        .bind(&thumbprint)
        .bind(key.to_jwk().to_json())
        .bind(self.now())
        .execute(&mut *w.tx)
        .await?;
        audit_event(&mut w, actor, "authn.wallet_bind", &subject.uin).await?;
        w.commit().await?;
        Ok(thumbprint)
    }

    /// Opens a challenge for the person's bound wallet key; returns it (the nonce to sign).
    pub async fn wallet_challenge(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
    ) -> Result<WalletChallenge, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        self.wallet_key(&mut w, &subject.uin).await?;
        sqlx::query("DELETE FROM wallet_challenges WHERE uin = $1 AND expires_at <= $2")
            .bind(&subject.uin)
            .bind(self.now())
            .execute(&mut *w.tx)
            .await?;
        let challenge = WalletChallenge::new(&subject.uin, self.clock()).map_err(factor_error)?;
        sqlx::query(
            "INSERT INTO wallet_challenges (nonce, uin, expires_at, used, created_at) VALUES ($1, $2, $3, 0, $4)",
        )
        .bind(&challenge.nonce)
        .bind(&subject.uin)
        .bind(challenge.expires_at)
        .bind(self.now())
        .execute(&mut *w.tx)
        .await?;
        audit_event(&mut w, actor, "authn.wallet_challenge", &subject.uin).await?;
        w.commit().await?;
        Ok(challenge)
    }

    async fn wallet_key(&self, w: &mut WriteTx, uin: &str) -> Result<WalletKey, ApiError> {
        let jwk: Option<String> = sqlx::query_scalar("SELECT jwk FROM wallet_keys WHERE uin = $1")
            .bind(uin)
            .fetch_optional(&mut *w.tx)
            .await?;
        let jwk = jwk.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "idp.wallet_not_bound",
                "no wallet key is bound to this person",
            )
        })?;
        let jwk = Jwk::from_json(&jwk).map_err(ApiError::internal)?;
        WalletKey::from_jwk(&jwk).map_err(ApiError::internal)
    }

    /// Checks the wallet's `answer` (a JWT over the challenge `nonce`, audience
    /// [`Authn::issuer`]) with the bound key; a challenge is answered once.
    pub async fn verify_wallet(
        &self,
        actor: Actor<'_>,
        individual_id: &str,
        nonce: &str,
        answer: &str,
    ) -> Result<Authenticated, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let subject = self.resolve(&mut w, individual_id).await?;
        sqlx::query("UPDATE wallet_challenges SET used = used WHERE nonce = $1")
            .bind(nonce)
            .execute(&mut *w.tx)
            .await?;
        let row: Option<(i64, i64)> =
            sqlx::query_as("SELECT expires_at, used FROM wallet_challenges WHERE nonce = $1 AND uin = $2")
                .bind(nonce)
                .bind(&subject.uin)
                .fetch_optional(&mut *w.tx)
                .await?;
        let (expires_at, used) = row.ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "idp.challenge_unknown",
                "no such wallet challenge for this person",
            )
        })?;
        let challenge = WalletChallenge {
            subject: subject.uin.clone(),
            nonce: nonce.to_owned(),
            expires_at,
            used: used != 0,
        };
        let key = self.wallet_key(&mut w, &subject.uin).await?;
        let attempt = challenge.verify(answer, &key, &self.inner.issuer, self.clock());
        attempt.outcome.map_err(factor_error)?;
        sqlx::query("UPDATE wallet_challenges SET used = 1 WHERE nonce = $1")
            .bind(nonce)
            .execute(&mut *w.tx)
            .await?;
        let done = Done {
            actor,
            action: "authn.wallet_verify",
        };
        self.succeed(w, subject, Factor::WalletKey, done).await
    }

    // --- claims and e-KYC ---

    /// OIDC Core §5.1 claims of the person (same mapping as `ekyc`), restricted to `wanted`,
    /// read with an audit entry naming `party_id` and `purpose`.
    pub async fn claims(
        &self,
        auth: &Authenticated,
        party_id: &str,
        purpose: &str,
        wanted: &[EkycClaim],
    ) -> Result<Map<String, Value>, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let doc = self.active_document(&mut w, &auth.uin).await?;
        let actor = Actor {
            id: party_id,
            purpose: Some(purpose),
        };
        audit_event(&mut w, actor, "authn.claims", &auth.uin).await?;
        w.commit().await?;
        ekyc::claims_of(&doc, wanted).map_err(ekyc_error)
    }

    /// The pairwise `sub` of this person for `party_id` (`ids::PairwiseKey`; key sealed at rest).
    pub fn subject_for(&self, auth: &Authenticated, party_id: &str) -> String {
        self.inner.pairwise.subject_of(party_id, &auth.uin)
    }

    /// The e-KYC token for `partner` (an `ekyc+jwt` signed with the registry's ES256 key):
    /// the consented claims, which the partner's policy must all allow. Audited as `ekyc.issue`.
    pub async fn ekyc(
        &self,
        actor: Actor<'_>,
        partner: &PartnerPolicy,
        auth: &Authenticated,
        consented: &[EkycClaim],
    ) -> Result<String, ApiError> {
        let mut w = self.inner.registry.store.begin_write().await?;
        let doc = self.active_document(&mut w, &auth.uin).await?;
        let subject = self.subject_for(auth, &partner.partner_id);
        let amr = [auth.factor.amr()];
        let request = EkycRequest {
            subject: &subject,
            consented,
            amr: &amr,
        };
        let token = ekyc::issue(
            &self.inner.issuer,
            partner,
            &request,
            &doc,
            &self.inner.signing,
            self.clock(),
        )
        .map_err(ekyc_error)?;
        audit_event(&mut w, actor, "ekyc.issue", &auth.uin).await?;
        w.commit().await?;
        Ok(token)
    }
}

/// Longest partner id.
pub const MAX_PARTNER_ID: usize = 100;
/// Longest e-KYC token lifetime a partner policy may set, in seconds.
pub const MAX_TOKEN_TTL_SECS: i64 = 3600;

impl Authn {
    /// Registers an e-KYC partner: an operator with the `partner` role and its policy, in one
    /// transaction. Returns (operator id, bearer token shown once).
    pub async fn create_partner(
        &self,
        actor: Actor<'_>,
        policy: &PartnerPolicy,
    ) -> Result<(String, String), ApiError> {
        let id = &policy.partner_id;
        if id.is_empty() || id.len() > MAX_PARTNER_ID || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "idp.bad_partner",
                "partnerId must be 1-100 visible ASCII characters",
            ));
        }
        if policy.allowed_claims.is_empty() || !(1..=MAX_TOKEN_TTL_SECS).contains(&policy.token_ttl_secs) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "idp.bad_partner",
                "a partner needs at least one allowed claim and a token lifetime of 1-3600 s",
            ));
        }
        let claims = serde_json::to_string(&policy.allowed_claims).map_err(ApiError::internal)?;
        let mut w = self.inner.registry.store.begin_write().await?;
        let taken: Option<String> =
            sqlx::query_scalar("SELECT partner_id FROM partners WHERE partner_id = $1")
                .bind(id)
                .fetch_optional(&mut *w.tx)
                .await?;
        if taken.is_some() {
            return Err(ApiError::conflict("a partner with that id exists"));
        }
        let (op_id, token) =
            crate::auth::insert_operator(&mut w, &format!("partner {id}"), crate::auth::Role::Partner)
                .await?;
        sqlx::query(
            "INSERT INTO partners (partner_id, operator_id, allowed_claims, token_ttl_secs, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&op_id)
        .bind(&claims)
        .bind(policy.token_ttl_secs)
        .bind(self.now())
        .execute(&mut *w.tx)
        .await
        .map_err(|e| {
            if crate::store::is_unique_violation(&e) {
                ApiError::conflict("a partner with that id exists")
            } else {
                e.into()
            }
        })?;
        let e = Event {
            actor: actor.id,
            action: "partner.create",
            purpose: actor.purpose("partners"),
            subject: "-",
        };
        audit::append(&mut w, e).await?;
        w.commit().await?;
        Ok((op_id, token))
    }

    /// The e-KYC policy of the partner behind `operator_id`, if it is one.
    pub async fn partner_for(&self, operator_id: &str) -> Result<Option<PartnerPolicy>, ApiError> {
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT partner_id, allowed_claims, token_ttl_secs FROM partners WHERE operator_id = $1",
        )
        .bind(operator_id)
        .fetch_optional(self.inner.registry.store.pool())
        .await?;
        row.map(|(partner_id, claims, token_ttl_secs)| {
            Ok(PartnerPolicy {
                partner_id,
                allowed_claims: serde_json::from_str(&claims).map_err(ApiError::internal)?,
                token_ttl_secs,
            })
        })
        .transpose()
    }
}

enum Destination {
    Sms(String),
    Email(String),
}

/// All but the first four and last two characters replaced by `*`.
fn mask(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 4.min(n / 3) || i + 2 >= n { c } else { '*' })
        .collect()
}

fn self_actor() -> Actor<'static> {
    Actor {
        id: SELF_ACTOR,
        purpose: Some(AUTHN_PURPOSE),
    }
}

fn check_purpose(purpose: &str) -> Result<(), ApiError> {
    if purpose.is_empty() || purpose.len() > MAX_PURPOSE || purpose.chars().any(char::is_control) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idp.bad_purpose",
            "purpose must be 1-200 characters without control characters",
        ));
    }
    Ok(())
}

async fn audit_event(w: &mut WriteTx, actor: Actor<'_>, action: &str, uin: &str) -> Result<(), sqlx::Error> {
    let e = Event {
        actor: actor.id,
        action,
        purpose: actor.purpose(AUTHN_PURPOSE),
        subject: uin,
    };
    audit::append(w, e).await
}

/// (code_hash, sent_at, expires_at, attempts, sends, state).
type OtpRow = (String, i64, i64, i64, i64, String);

async fn load_otp(w: &mut WriteTx, uin: &str, purpose: &str) -> Result<Option<OtpRecord>, ApiError> {
    let row: Option<OtpRow> = sqlx::query_as(
        "SELECT code_hash, sent_at, expires_at, attempts, sends, state FROM otp_records \
         WHERE uin = $1 AND purpose = $2",
    )
    .bind(uin)
    .bind(purpose)
    .fetch_optional(&mut *w.tx)
    .await?;
    let Some((code_hash, sent_at, expires_at, attempts, sends, state)) = row else {
        return Ok(None);
    };
    let state = match state.as_str() {
        "active" => OtpState::Active,
        "used" => OtpState::Used,
        "locked" => OtpState::Locked,
        _ => return Err(ApiError::internal("bad OTP state in database")),
    };
    let count = |n: i64| u32::try_from(n).map_err(|_| ApiError::internal("bad OTP counter"));
    Ok(Some(OtpRecord {
        subject: uin.to_owned(),
        purpose: purpose.to_owned(),
        code_hash,
        sent_at,
        expires_at,
        attempts: count(attempts)?,
        sends: count(sends)?,
        state,
    }))
}

async fn store_otp(w: &mut WriteTx, r: &OtpRecord) -> Result<(), sqlx::Error> {
    let state = match r.state {
        OtpState::Active => "active",
        OtpState::Used => "used",
        OtpState::Locked => "locked",
    };
    sqlx::query(
        "INSERT INTO otp_records (uin, purpose, code_hash, sent_at, expires_at, attempts, sends, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (uin, purpose) DO UPDATE SET \
         code_hash = $3, sent_at = $4, expires_at = $5, attempts = $6, sends = $7, state = $8",
    )
    .bind(&r.subject)
    .bind(&r.purpose)
    .bind(&r.code_hash)
    .bind(r.sent_at)
    .bind(r.expires_at)
    .bind(i64::from(r.attempts))
    .bind(i64::from(r.sends))
    .bind(state)
    .execute(&mut *w.tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    // Test code: a failed unwrap is a failed test.
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::sync::Arc;

    use inkan_core::clock::SystemClock;
    use serde_json::json;

    use super::{Actor, Authn, AuthnConfig, Factor, mask};
    use crate::factors::notify::FileNotifier;

    #[test]
    fn masks_all_but_the_ends() {
        assert_eq!(mask("+254700000012"), "+254*******12");
        assert_eq!(mask("ab"), "ab");
        assert_eq!(mask("person3"), "pe***n3");
    }

    /// The contract end to end on a SQLite file: OTP send → code from the file notifier →
    /// verify; PIN set → verify; claims and pairwise subject.
    #[tokio::test]
    async fn otp_and_pin_against_the_database() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("m.key"), "42".repeat(32)).unwrap();
        let cfg = crate::config::Config {
            database_url: format!("sqlite://{}", dir.path().join("t.db").display()),
            master_key_file: Some(dir.path().join("m.key")),
            ..Default::default()
        };
        let reg = crate::server::open_registry(&cfg).await.unwrap();
        let who = Actor {
            id: "t",
            purpose: None,
        };
        let person = json!({"fullName": [{"language": "eng", "value": "Amina Diallo"}],
            "dateOfBirth": "1980-02-03", "gender": "female", "phone": "+254700000012"});
        let uin = reg.enrol(who, "k1", &person).await.unwrap().body["uin"]
            .as_str()
            .unwrap()
            .to_owned();
        let outbox = dir.path().join("outbox.ndjson");
        let acfg = AuthnConfig {
            pin_memory_kib: 8 * 1024,
            pin_passes: 1,
            ..Default::default()
        };
        let authn = Authn::new(
            reg,
            &acfg,
            Arc::new(FileNotifier::new(&outbox)),
            Arc::new(SystemClock),
        )
        .unwrap();
        let sent = authn.send_otp(&uin, "login-1").await.unwrap();
        assert_eq!(sent.masked_destination, "+254*******12");
        let line = std::fs::read_to_string(&outbox).unwrap();
        let body: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        let code: String = body["body"]
            .as_str()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        assert_eq!(
            authn.verify_otp(&uin, "login-2", &code).await.unwrap_err().code(),
            "idp.otp_not_sent"
        );
        let auth = authn.verify_otp(&uin, "login-1", &code).await.unwrap();
        assert_eq!((auth.uin.as_str(), auth.factor), (uin.as_str(), Factor::Otp));
        assert_eq!(
            authn.verify_otp(&uin, "login-1", &code).await.unwrap_err().code(),
            "idp.otp_used"
        );
        authn.set_pin(who, &uin, "739154").await.unwrap();
        assert_eq!(
            authn.verify_pin(&uin, "739155").await.unwrap_err().code(),
            "idp.pin_mismatch"
        );
        assert_eq!(
            authn.verify_pin(&uin, "739154").await.unwrap().factor,
            Factor::Pin
        );
        let claims = authn
            .claims(&auth, "rp-1", "login", &[crate::ekyc::EkycClaim::Birthdate])
            .await
            .unwrap();
        assert_eq!(
            serde_json::Value::Object(claims),
            json!({"birthdate": "1980-02-03"})
        );
        assert_ne!(authn.subject_for(&auth, "rp-1"), authn.subject_for(&auth, "rp-2"));
        // The sealed keys were created on the first start and are reused on the next one.
        let (sub, jwks) = (authn.subject_for(&auth, "rp-1"), authn.jwks());
        drop(authn);
        let reg = crate::server::open_registry(&cfg).await.unwrap();
        let again = Authn::new(
            reg.clone(),
            &acfg,
            Arc::new(FileNotifier::new(&outbox)),
            Arc::new(SystemClock),
        )
        .unwrap();
        assert_eq!((again.subject_for(&auth, "rp-1"), again.jwks()), (sub, jwks));
        assert_eq!(
            again.verify_pin(&uin, "739154").await.unwrap().factor,
            Factor::Pin
        );
        // Blocked after authenticating: no claims are released.
        let block = crate::registry::identity::StatusChange::Block;
        reg.change_status(who, &uin, block, "fraud", false).await.unwrap();
        let refused = again
            .claims(&auth, "rp-1", "login", &[crate::ekyc::EkycClaim::Name])
            .await;
        assert_eq!(refused.unwrap_err().code(), "idp.identity_inactive");
    }
}
