//! Wallet-bound key authentication: the registry keeps a wallet's public key (a JWK) for a
//! person, sends a fresh challenge, and the wallet answers with a JWT signed by that key.
//!
//! The answer is a compact JWS with header `typ: inkan-wallet-auth+jwt` and claims
//! `{"nonce": <challenge nonce>, "aud": <registry id>, "iat": <now>}`, verified through
//! inkan-core's JWS (so `alg: none`, HMAC and algorithm/key mismatches are refused) with
//! `iat` checked by core's time rules. A challenge lives 2 minutes and is answered once.
//!
//! ```
//! use inkan_core::clock::FixedClock;
//! use inkan_core::crypto::{Algorithm, SoftwareKey};
//! use inkan_idp::factors::wallet::{WalletChallenge, WalletKey, sign_response};
//! let wallet = SoftwareKey::generate(Algorithm::Es256)?;
//! let bound = WalletKey::from_jwk(&wallet.public_key().to_jwk())?; // stored at binding time
//! let clock = FixedClock::at_unix(1_000);
//! let challenge = WalletChallenge::new("ref-1", &clock)?;
//! // On the phone:
//! let answer = sign_response(&challenge.nonce, "https://id.example", &wallet, &clock)?;
//! // Back on the registry:
//! let done = challenge.verify(&answer, &bound, "https://id.example", &clock);
//! assert!(done.outcome.is_ok());
//! let replay = done.challenge.verify(&answer, &bound, "https://id.example", &clock);
//! assert_eq!(replay.outcome.unwrap_err().code(), "idp.challenge_used");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use inkan_core::claims::TimeRules;
use inkan_core::clock::Clock;
use inkan_core::crypto::{Jwk, PublicKey, Signer};
use inkan_core::encoding::b64url_encode;
use inkan_core::jose::{Header, jwt};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};

use super::FactorError;

/// The JOSE `typ` of a wallet's answer.
pub const RESPONSE_TYP: &str = "inkan-wallet-auth+jwt";
/// Seconds a challenge stays open.
pub const CHALLENGE_TTL_SECS: i64 = 120;
/// Largest answer accepted, in bytes.
pub const MAX_RESPONSE_LEN: usize = 8 * 1024;

/// A wallet's bound public key (public only: a JWK with private members is refused).
#[derive(Debug, Clone)]
pub struct WalletKey(PublicKey);

impl WalletKey {
    /// Reads and validates the key a wallet presents at binding time.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_idp::factors::wallet::WalletKey;
    /// let k = SoftwareKey::generate(Algorithm::EdDsa)?;
    /// assert!(WalletKey::from_jwk(&k.public_key().to_jwk()).is_ok());
    /// assert_eq!(WalletKey::from_jwk(&k.to_jwk()?).unwrap_err().code(), "idp.wallet_bad_key");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, FactorError> {
        if jwk.is_private() {
            return Err(FactorError::WalletKey(
                "a private key was sent; send the public key only".into(),
            ));
        }
        PublicKey::from_jwk(jwk)
            .map(Self)
            .map_err(|e| FactorError::WalletKey(e.to_string()))
    }

    /// The public JWK to store.
    pub fn to_jwk(&self) -> Jwk {
        self.0.to_jwk()
    }

    /// The key's RFC 7638 thumbprint (a stable id for the binding).
    pub fn thumbprint(&self) -> String {
        self.0.thumbprint()
    }
}

/// One open challenge, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletChallenge {
    /// The person (registry reference) the challenge is for.
    pub subject: String,
    /// 32 random bytes, base64url.
    pub nonce: String,
    /// Unix seconds after which answers are refused.
    pub expires_at: i64,
    /// Whether it was answered.
    pub used: bool,
}

/// The result of checking an answer: the challenge to persist, and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct WalletAttempt {
    /// The challenge after the attempt (used once answered correctly).
    pub challenge: WalletChallenge,
    /// `Ok` if the answer verified.
    pub outcome: Result<(), FactorError>,
}

impl WalletChallenge {
    /// A fresh challenge for `subject`, open [`CHALLENGE_TTL_SECS`].
    pub fn new(subject: &str, clock: &dyn Clock) -> Result<Self, FactorError> {
        let mut nonce = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|e| FactorError::Random(e.to_string()))?;
        Ok(Self {
            subject: subject.to_owned(),
            nonce: b64url_encode(nonce),
            expires_at: clock.now_unix().saturating_add(CHALLENGE_TTL_SECS),
            used: false,
        })
    }

    /// Checks the wallet's `answer` against this challenge, the bound `key` and the registry's
    /// `audience`. Only a verified answer changes the challenge (to used).
    pub fn verify(&self, answer: &str, key: &WalletKey, audience: &str, clock: &dyn Clock) -> WalletAttempt {
        let outcome = self.check(answer, key, audience, clock);
        let challenge = WalletChallenge {
            used: self.used || outcome.is_ok(),
            ..self.clone()
        };
        WalletAttempt { challenge, outcome }
    }

    fn check(
        &self,
        answer: &str,
        key: &WalletKey,
        audience: &str,
        clock: &dyn Clock,
    ) -> Result<(), FactorError> {
        if self.used {
            return Err(FactorError::ChallengeUsed);
        }
        if clock.now_unix() >= self.expires_at {
            return Err(FactorError::ChallengeExpired);
        }
        let bad = |why: String| FactorError::WalletResponse(why);
        let mut rules = jwt::JwtValidation::default()
            .with_audience(audience)
            .with_typ(RESPONSE_TYP);
        rules.jws.max_len = MAX_RESPONSE_LEN;
        rules.time = TimeRules {
            require_exp: false,
            max_age_secs: Some(CHALLENGE_TTL_SECS),
            ..TimeRules::default()
        };
        let verified =
            jwt::verify(answer, &key.0, &rules, clock).map_err(|e| bad(format!("{} ({})", e, e.code())))?;
        if verified.claims.get("iat").is_none() {
            return Err(bad("iat is required".into()));
        }
        match verified.claims.get("nonce").and_then(|n| n.as_str()) {
            Some(nonce) if nonce == self.nonce => Ok(()),
            _ => Err(bad("the nonce is not this challenge's".into())),
        }
    }
}

/// The wallet side: signs the answer to `nonce` for `audience` (used by tests, the CLI and
/// the mobile bindings).
pub fn sign_response(
    nonce: &str,
    audience: &str,
    signer: &dyn Signer,
    clock: &dyn Clock,
) -> Result<String, FactorError> {
    let mut claims = Map::new();
    claims.insert("nonce".into(), json!(nonce));
    claims.insert("aud".into(), json!(audience));
    claims.insert("iat".into(), json!(clock.now_unix()));
    jwt::sign(
        &claims,
        &Header::for_signer(signer).with_typ(RESPONSE_TYP),
        signer,
    )
    .map_err(|e| FactorError::WalletResponse(e.to_string()))
}
