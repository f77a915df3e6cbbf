//! SD-JWT VC issuance: claims JSON + a [`DisclosurePolicy`] → a signed `dc+sd-jwt` with its
//! Disclosures (inkan-core's [`sdjwt`] does the SD-JWT work).
//!
//! The issuer, not the claims, sets `iss`, `vct`, `iat`, `exp`, `cnf` and `status`; none of them
//! may be selectively disclosable (SD-JWT VC), and claims that try to set them are refused.

use inkan_core::clock::Clock;
use inkan_core::crypto::{Jwk, Signer};
use inkan_core::jose::Header;
use inkan_core::sdjwt::{self, ClaimPath, DisclosureFrame, HashAlg, SaltSource, SdJwt, vc};
use inkan_core::{Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};

/// What an issuer decides for one credential type: its `vct` and issuer, which claims are
/// selectively disclosable, decoys, validity, status reference. Its JSON form is the policy file
/// of `inkan sd-jwt issue --policy`.
///
/// ```
/// use inkan_issuer::sd_jwt_vc::DisclosurePolicy;
/// let p = DisclosurePolicy::from_json(r#"{"vct": "urn:eudi:pid:1", "iss": "https://issuer.example",
///     "sd": ["given_name", "address.street_address"], "decoys": 2, "validity_secs": 86400}"#)?;
/// assert_eq!(p.sd.len(), 2);
/// assert!(DisclosurePolicy::from_json(r#"{"vct": "v", "iss": "i", "sd": ["exp"]}"#).is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosurePolicy {
    /// The credential type (`vct`).
    pub vct: String,
    /// The issuer identifier (`iss`).
    pub iss: String,
    /// Paths of the claims (and array elements) that are selectively disclosable; a path and a
    /// path inside it give recursive Disclosures.
    #[serde(default)]
    pub sd: Vec<String>,
    /// Decoy digests added at the top level.
    #[serde(default)]
    pub decoys: usize,
    /// Lifetime from `iat` to `exp`, in seconds; none means no `exp`.
    #[serde(default)]
    pub validity_secs: Option<i64>,
    /// The `status` claim (e.g. `{"status_list": {"idx": 7, "uri": "https://…"}}`).
    #[serde(default)]
    pub status: Option<Map<String, Value>>,
    /// `vct#integrity` of the type metadata, if published.
    #[serde(default, rename = "vct#integrity")]
    pub vct_integrity: Option<String>,
    /// `_sd_alg` (default `sha-256`).
    #[serde(default = "default_hash")]
    pub hash: String,
}

fn default_hash() -> String {
    HashAlg::Sha256.name().to_owned()
}

/// Largest policy document accepted, in bytes.
pub const MAX_POLICY_LEN: usize = 64 * 1024;

/// Claims the issuer sets itself.
const ISSUER_SET: [&str; 7] = ["iss", "vct", "vct#integrity", "iat", "exp", "cnf", "status"];

impl DisclosurePolicy {
    /// A policy with no selectively disclosable claims, no expiry, no status.
    pub fn new(vct: impl Into<String>, iss: impl Into<String>) -> Self {
        Self {
            vct: vct.into(),
            iss: iss.into(),
            sd: Vec::new(),
            decoys: 0,
            validity_secs: None,
            status: None,
            vct_integrity: None,
            hash: default_hash(),
        }
    }

    /// Parses and checks a policy document.
    pub fn from_json(text: &str) -> Result<Self> {
        if text.len() > MAX_POLICY_LEN {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: MAX_POLICY_LEN,
            });
        }
        let policy: Self =
            serde_json::from_str(text).map_err(|e| Error::SdJwtBadFrame(format!("policy: {e}")))?;
        policy.frame()?;
        Ok(policy)
    }

    /// The disclosure frame the policy describes; refuses paths SD-JWT VC keeps in the clear.
    pub fn frame(&self) -> Result<DisclosureFrame> {
        let paths = self
            .sd
            .iter()
            .map(|p| p.parse::<ClaimPath>())
            .collect::<Result<Vec<_>>>()?;
        if let Some(p) = paths
            .iter()
            .find(|p| p.steps().len() == 1 && vc::NEVER_DISCLOSABLE.contains(&p.to_string().as_str()))
        {
            return Err(Error::SdJwtBadFrame(format!(
                "{p} must not be selectively disclosable in an SD-JWT VC"
            )));
        }
        Ok(DisclosureFrame::from_paths(&paths).with_decoys(&ClaimPath::default(), self.decoys))
    }

    fn hash_alg(&self) -> Result<HashAlg> {
        HashAlg::from_name(&self.hash)
    }
}

/// Issues SD-JWT VCs with one signer under one policy.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey, Signer};
/// use inkan_core::sdjwt::OsSalts;
/// use inkan_issuer::sd_jwt_vc::{DisclosurePolicy, SdJwtVcIssuer};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let holder = SoftwareKey::generate(Algorithm::Es256)?;
/// let mut policy = DisclosurePolicy::new("urn:eudi:pid:1", "https://issuer.example");
/// policy.sd = vec!["given_name".into()];
/// policy.validity_secs = Some(3600);
/// let clock = FixedClock::at_unix(1_700_000_000);
/// let issuer = SdJwtVcIssuer::new(&key, &clock, policy);
/// let claims = serde_json::json!({"given_name": "Ada", "family_name": "Lovelace"});
/// let sd = issuer.issue(claims.as_object().unwrap(), Some(&holder.public_jwk()), &mut OsSalts)?;
/// let payload = sd.unverified_claims()?;
/// assert_eq!((payload["vct"].as_str(), payload["exp"].as_i64()), (Some("urn:eudi:pid:1"), Some(1_700_003_600)));
/// assert!(payload.get("given_name").is_none());
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub struct SdJwtVcIssuer<'a> {
    signer: &'a dyn Signer,
    clock: &'a dyn Clock,
    policy: DisclosurePolicy,
    x5c: Option<Vec<String>>,
}

impl<'a> SdJwtVcIssuer<'a> {
    /// An issuer signing with `signer`, dating credentials by `clock`.
    pub fn new(signer: &'a dyn Signer, clock: &'a dyn Clock, policy: DisclosurePolicy) -> Self {
        Self {
            signer,
            clock,
            policy,
            x5c: None,
        }
    }

    /// Puts the issuer's certificate chain (standard base64 DER, leaf first) in `x5c`, as HAIP
    /// asks; verifiers then validate it against their anchors.
    pub fn with_x5c(mut self, chain: Vec<String>) -> Self {
        self.x5c = Some(chain);
        self
    }

    /// Issues one credential for `claims`, bound to `holder` (`cnf.jwk`) when given.
    ///
    /// Errors: [`Error::SdJwtBadFrame`] (claims that set issuer-controlled members, paths that
    /// name no claim), [`Error::InvalidKey`] (a private holder key), signing errors.
    pub fn issue(
        &self,
        claims: &Map<String, Value>,
        holder: Option<&Jwk>,
        salts: &mut dyn SaltSource,
    ) -> Result<SdJwt> {
        if let Some(name) = ISSUER_SET.iter().find(|n| claims.contains_key(**n)) {
            return Err(Error::SdJwtBadFrame(format!(
                "the claims set {name:?}, which the issuer sets itself"
            )));
        }
        let iat = self.clock.now_unix();
        let mut payload = Map::with_capacity(claims.len() + 6);
        payload.insert("iss".into(), self.policy.iss.clone().into());
        payload.insert("vct".into(), self.policy.vct.clone().into());
        if let Some(integrity) = &self.policy.vct_integrity {
            payload.insert("vct#integrity".into(), integrity.clone().into());
        }
        payload.insert("iat".into(), iat.into());
        if let Some(secs) = self.policy.validity_secs {
            payload.insert("exp".into(), iat.saturating_add(secs).into());
        }
        if let Some(jwk) = holder {
            if jwk.is_private() {
                return Err(Error::InvalidKey("the holder key must be a public key".into()));
            }
            let mut cnf = Map::new();
            cnf.insert("jwk".into(), serde_json::to_value(jwk)?);
            payload.insert("cnf".into(), Value::Object(cnf));
        }
        if let Some(status) = &self.policy.status {
            payload.insert("status".into(), Value::Object(status.clone()));
        }
        payload.extend(claims.iter().map(|(k, v)| (k.clone(), v.clone())));
        let header = Header {
            x5c: self.x5c.clone(),
            ..Header::for_signer(self.signer)
        }
        .with_typ(vc::TYP);
        sdjwt::issue(
            &payload,
            &self.policy.frame()?,
            &header,
            self.signer,
            salts,
            self.policy.hash_alg()?,
        )
    }
}

#[cfg(test)]
mod tests {
    use inkan_core::clock::FixedClock;
    use inkan_core::crypto::{Algorithm, SoftwareKey};
    use inkan_core::jose::jws::VerifyOptions;
    use inkan_core::sdjwt::{Limits, OsSalts};
    use serde_json::json;

    use super::*;

    #[test]
    fn issued_credential_verifies_and_follows_the_vc_rules() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let policy = DisclosurePolicy::from_json(
            r#"{"vct": "urn:x", "iss": "https://i", "sd": ["a", "list.0"], "decoys": 3,
                "status": {"status_list": {"idx": 1, "uri": "https://i/s"}}, "hash": "sha-512"}"#,
        )
        .unwrap();
        let clock = FixedClock::at_unix(100);
        let claims = json!({"a": 1, "b": 2, "list": ["x", "y"]});
        let sd = SdJwtVcIssuer::new(&key, &clock, policy)
            .issue(claims.as_object().unwrap(), None, &mut OsSalts)
            .unwrap();
        let sd = SdJwt::parse(&sd.serialize(), &Limits::default()).unwrap();
        let signed = sd
            .verify_signature(&VerifyOptions::default(), |_, _| Ok(key.public_key()))
            .unwrap();
        assert_eq!(signed.header.typ.as_deref(), Some("dc+sd-jwt"));
        let processed = sd.process(&signed.claims).unwrap();
        assert_eq!(processed.hash_alg, HashAlg::Sha512);
        let info = vc::check_claims(&processed.claims, &processed.disclosed).unwrap();
        assert_eq!((info.vct.as_str(), info.iat), ("urn:x", Some(100)));
        assert_eq!(processed.claims["list"], json!(["x", "y"]));
        assert_eq!(signed.claims["_sd"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn issuer_controlled_claims_and_bad_policies_are_refused() {
        let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let clock = FixedClock::at_unix(0);
        let issuer = SdJwtVcIssuer::new(&key, &clock, DisclosurePolicy::new("v", "i"));
        let claims = json!({"iss": "someone else"});
        let err = issuer
            .issue(claims.as_object().unwrap(), None, &mut OsSalts)
            .unwrap_err();
        assert_eq!(err.code(), "sdjwt.bad_frame");
        let private = key.to_jwk().unwrap();
        let err = issuer
            .issue(&Map::new(), Some(&private), &mut OsSalts)
            .unwrap_err();
        assert_eq!(err.code(), "crypto.invalid_key");
        for bad in [
            r#"{"vct": "v", "iss": "i", "sd": ["cnf"]}"#,
            r#"{"vct": "v"}"#,
            r#"{"vct": "v", "iss": "i", "x": 1}"#,
        ] {
            assert_eq!(
                DisclosurePolicy::from_json(bad).unwrap_err().code(),
                "sdjwt.bad_frame",
                "{bad}"
            );
        }
    }
}
