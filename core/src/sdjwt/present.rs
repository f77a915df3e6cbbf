//! The holder's side (choosing Disclosures, Key Binding JWT) and the verifier's check of the
//! Key Binding JWT (RFC 9901 §4.3, §7.2, §7.3).

use serde::Deserialize as _;
use serde_json::{Map, Value};

use super::{ClaimPath, HashAlg, KB_JWT_TYP, SdJwt, malformed};
use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::crypto::{Jwk, PublicKey, Signer};
use crate::jose::jws::{self, VerifyOptions};
use crate::jose::{Header, jwt};
use crate::{Error, Result};

impl SdJwt {
    /// The presentation that discloses the claims at `paths`: for each path, the Disclosures of
    /// the claim itself, of every claim inside it, and of every claim on the way to it (a claim
    /// cannot be shown without its parents). Paths that name nothing disclosable select nothing.
    ///
    /// The SD-JWT is processed first (RFC 9901 §7.2), so a holder never forwards Disclosures that
    /// do not belong. An SD-JWT+KB is refused: key binding comes after selection ([`SdJwt::bind`]).
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::jose::Header;
    /// use inkan_core::sdjwt::{self, DisclosureFrame, HashAlg, OsSalts};
    /// let key = SoftwareKey::generate(Algorithm::Es256)?;
    /// let claims = serde_json::json!({"address": {"street": "Main St", "city": "Anytown"}});
    /// let frame = DisclosureFrame::from_paths(&["address".parse()?, "address.street".parse()?, "address.city".parse()?]);
    /// let sd = sdjwt::issue(claims.as_object().unwrap(), &frame, &Header::default(), &key, &mut OsSalts, HashAlg::Sha256)?;
    /// assert_eq!(sd.present(&["address.city".parse()?])?.disclosures().len(), 2); // address + city
    /// assert_eq!(sd.present(&["address".parse()?])?.disclosures().len(), 3);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn present(&self, paths: &[ClaimPath]) -> Result<SdJwt> {
        if self.kb_jwt().is_some() {
            return Err(malformed("an SD-JWT+KB cannot be presented again"));
        }
        let processed = self.process(&self.unverified_claims()?)?;
        let chosen = self
            .disclosures()
            .iter()
            .zip(&processed.disclosed)
            .filter(|(_, at)| {
                paths
                    .iter()
                    .any(|want| want.is_prefix_of(at) || at.is_prefix_of(want))
            })
            .map(|(d, _)| d.clone())
            .collect();
        Ok(self.with_parts(chosen, None))
    }

    /// Adds a Key Binding JWT signed by the holder's `signer` (`typ: kb+jwt`, `iat`, `aud`,
    /// `nonce`, `sd_hash` over this SD-JWT with the credential's `_sd_alg`).
    pub fn bind(&self, signer: &dyn Signer, audience: &str, nonce: &str, iat: i64) -> Result<SdJwt> {
        if self.kb_jwt().is_some() {
            return Err(malformed("the SD-JWT already carries a KB-JWT"));
        }
        let hash = match self.unverified_claims()?.get("_sd_alg") {
            None => HashAlg::Sha256,
            Some(Value::String(name)) => HashAlg::from_name(name)?,
            Some(other) => return Err(Error::SdJwtUnknownHashAlg(other.to_string())),
        };
        let mut claims = Map::new();
        claims.insert("iat".into(), iat.into());
        claims.insert("aud".into(), audience.into());
        claims.insert("nonce".into(), nonce.into());
        claims.insert("sd_hash".into(), self.sd_hash(hash).into());
        let header = Header::for_signer(signer).with_typ(KB_JWT_TYP);
        let kb = jwt::sign(&claims, &Header { kid: None, ..header }, signer)?;
        Ok(self.with_parts(self.disclosures().to_vec(), Some(kb)))
    }

    /// Verifies the Key Binding JWT (RFC 9901 §7.3 step 5): signature by `holder_key` under
    /// `opts`, `typ` `kb+jwt`, `sd_hash` over the presented SD-JWT with `hash`, `aud` and
    /// `nonce` as expected, `iat` inside the accepted window. Returns the KB-JWT's claims.
    ///
    /// Errors: [`Error::SdJwtKbMissing`], signature errors, [`Error::SdJwtKbInvalid`],
    /// [`Error::SdJwtSdHashMismatch`], [`Error::SdJwtKbAudienceMismatch`],
    /// [`Error::SdJwtKbNonceMismatch`], [`Error::SdJwtKbTooOld`], [`Error::IssuedInFuture`].
    pub fn verify_key_binding(
        &self,
        holder_key: &PublicKey,
        hash: HashAlg,
        expect: &KbExpectation,
        opts: &VerifyOptions,
        clock: &dyn Clock,
    ) -> Result<Map<String, Value>> {
        let kb = self.kb_jwt().ok_or(Error::SdJwtKbMissing)?;
        let verified = jws::verify_compact(kb, holder_key, opts)?;
        if verified.header.typ.as_deref() != Some(KB_JWT_TYP) {
            return Err(Error::SdJwtKbInvalid(format!(
                "typ is {:?}, expected {KB_JWT_TYP:?}",
                verified.header.typ
            )));
        }
        let claims: Map<String, Value> = serde_json::from_slice(&verified.payload)
            .map_err(|e| Error::SdJwtKbInvalid(format!("claims are not a JSON object: {e}")))?;
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| Error::SdJwtKbInvalid(format!("{name} must be a string")))
        };
        if text("sd_hash")? != self.sd_hash(hash) {
            return Err(Error::SdJwtSdHashMismatch);
        }
        if text("aud")? != expect.audience {
            return Err(Error::SdJwtKbAudienceMismatch);
        }
        if text("nonce")? != expect.nonce {
            return Err(Error::SdJwtKbNonceMismatch);
        }
        let time = |name: &str| match claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| Error::SdJwtKbInvalid(format!("{name} must be an integer"))),
        };
        let iat = time("iat")?.ok_or_else(|| Error::SdJwtKbInvalid("iat is required".into()))?;
        let rules = TimeRules {
            leeway_secs: expect.leeway_secs,
            max_age_secs: Some(expect.max_age_secs),
            ..TimeRules::default()
        };
        match rules.check(time("exp")?, time("nbf")?, Some(iat), clock) {
            Err(Error::Expired) => Err(Error::SdJwtKbTooOld),
            other => other,
        }?;
        Ok(claims)
    }
}

/// What the verifier expects of a Key Binding JWT.
///
/// ```
/// use inkan_core::sdjwt::KbExpectation;
/// let e = KbExpectation::new("https://verifier.example", "n-42").max_age_secs(60);
/// assert_eq!((e.audience.as_str(), e.max_age_secs), ("https://verifier.example", 60));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbExpectation {
    /// The expected `aud` (the verifier's identifier).
    pub audience: String,
    /// The expected `nonce` of this transaction.
    pub nonce: String,
    /// Oldest `iat` accepted, in seconds before now (default 300).
    pub max_age_secs: i64,
    /// Clock skew allowed, in seconds (default 60).
    pub leeway_secs: i64,
}

impl KbExpectation {
    /// Default freshness window for a KB-JWT, in seconds.
    pub const DEFAULT_MAX_AGE_SECS: i64 = 300;

    /// Expects `aud` = `audience` and `nonce` = `nonce`, with the default window.
    pub fn new(audience: impl Into<String>, nonce: impl Into<String>) -> Self {
        Self {
            audience: audience.into(),
            nonce: nonce.into(),
            max_age_secs: Self::DEFAULT_MAX_AGE_SECS,
            leeway_secs: TimeRules::default().leeway_secs,
        }
    }

    /// Sets the freshness window.
    pub fn max_age_secs(mut self, secs: i64) -> Self {
        self.max_age_secs = secs;
        self
    }

    /// Sets the allowed clock skew.
    pub fn leeway_secs(mut self, secs: i64) -> Self {
        self.leeway_secs = secs;
        self
    }
}

/// The holder's public key from a processed payload's `cnf` (RFC 7800): `cnf.jwk` directly, or
/// `cnf.kid` through `resolve_kid`.
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey, Signer};
/// use inkan_core::sdjwt::holder_key;
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let cnf = serde_json::json!({"jwk": key.public_jwk()});
/// assert_eq!(&holder_key(Some(&cnf), |_| None)?, key.public_key());
/// assert_eq!(holder_key(None, |_| None).unwrap_err().code(), "sdjwt.no_holder_key");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn holder_key(
    cnf: Option<&Value>,
    resolve_kid: impl FnOnce(&str) -> Option<PublicKey>,
) -> Result<PublicKey> {
    let cnf = cnf.ok_or_else(|| Error::SdJwtNoHolderKey("the credential has no cnf claim".into()))?;
    if let Some(jwk) = cnf.get("jwk") {
        // Read from the borrowed value: no copy of the JWK object.
        let jwk = Jwk::deserialize(jwk)
            .map_err(|e| Error::SdJwtNoHolderKey(format!("cnf.jwk is not a JWK: {e}")))?;
        if jwk.is_private() {
            return Err(Error::SdJwtNoHolderKey(
                "cnf.jwk holds private key members".into(),
            ));
        }
        return PublicKey::from_jwk(&jwk);
    }
    if let Some(kid) = cnf.get("kid").and_then(Value::as_str) {
        return resolve_kid(kid)
            .ok_or_else(|| Error::SdJwtNoHolderKey(format!("cnf.kid {kid:?} cannot be resolved")));
    }
    Err(Error::SdJwtNoHolderKey("cnf has neither jwk nor kid".into()))
}
