//! VP-JWT: a VCDM 1.1 presentation in the `vp` claim, signed by the holder (`iss`) for one
//! verifier (`aud`) and one request (`nonce`), carrying VC-JWTs.

use serde_json::{Map, Value, json};

use super::{
    CONTEXT_V1, KeySources, ParsedVcJwt, TYP, check_shape, date_claim, decode_token, malformed, object_claim,
    parse_vc, resolve_keys, string_claim, vc_alg_error, vc_time_error, verify_vc,
};
use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::crypto::{Algorithm, PublicKey, Signer};
use crate::did::Relationship;
use crate::jose::{Header, jws, jwt};
use crate::{Error, Result};

/// Most credentials one presentation may carry.
pub const MAX_VP_CREDENTIALS: usize = 32;

/// The base type every presentation lists.
const VP_TYPE: &str = "VerifiablePresentation";

/// What a holder signs a presentation for.
///
/// ```
/// let options = inkan_core::vcjwt::PresentationOptions::new("x509_san_dns:verifier.example", "n-0S6", 1_700_000_000);
/// assert_eq!(options.lifetime_secs, 300);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentationOptions {
    /// The verifier's client identifier (`aud`).
    pub audience: String,
    /// The verifier's nonce (`nonce`).
    pub nonce: String,
    /// Signing time, seconds since the epoch (`iat` and `nbf`).
    pub issued_at: i64,
    /// Seconds until `exp` (default 300).
    pub lifetime_secs: i64,
}

impl PresentationOptions {
    /// Options for `audience` and `nonce` at `issued_at`, valid five minutes.
    pub fn new(audience: impl Into<String>, nonce: impl Into<String>, issued_at: i64) -> Self {
        Self {
            audience: audience.into(),
            nonce: nonce.into(),
            issued_at,
            lifetime_secs: 300,
        }
    }
}

/// Signs a VP-JWT from `holder` (its `iss`, usually a DID: give `signer` its DID URL as key id)
/// carrying `credentials` (compact VC-JWTs, each of which must parse: see [`parse_vc`]).
///
/// ```
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::did::did_jwk;
/// use inkan_core::vcjwt::{parse_vp, sign_vp, PresentationOptions};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let holder = did_jwk(key.public_key());
/// let key = key.with_kid(format!("{holder}#0"));
/// let vp = sign_vp(&holder, &[], &PresentationOptions::new("aud", "n", 1_000), &key)?;
/// let parsed = parse_vp(&vp)?;
/// assert_eq!(parsed.holder(), holder);
/// parsed.check_request("aud", "n")?;
/// assert_eq!(parsed.check_request("aud", "other").unwrap_err().code(), "vcjwt.nonce_mismatch");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign_vp(
    holder: &str,
    credentials: &[&str],
    options: &PresentationOptions,
    signer: &dyn Signer,
) -> Result<String> {
    if credentials.len() > MAX_VP_CREDENTIALS {
        return Err(Error::TooLarge {
            size: credentials.len(),
            limit: MAX_VP_CREDENTIALS,
        });
    }
    for credential in credentials {
        parse_vc(credential)?;
    }
    let claims = json!({
        "iss": holder,
        "aud": options.audience,
        "nonce": options.nonce,
        "iat": options.issued_at,
        "nbf": options.issued_at,
        "exp": options.issued_at.saturating_add(options.lifetime_secs),
        "vp": {
            "@context": [CONTEXT_V1],
            "type": [VP_TYPE],
            "verifiableCredential": credentials,
        },
    });
    let Value::Object(claims) = claims else {
        return Err(malformed("presentation claims are an object"));
    };
    jwt::sign(&claims, &Header::for_signer(signer).with_typ(TYP), signer)
}

/// Parses a VP-JWT without verifying it: the `vp` claim must be a VCDM 1.1 presentation whose
/// `holder` (if any) is `iss` and whose `verifiableCredential` holds at most
/// [`MAX_VP_CREDENTIALS`] compact VC-JWTs (each parsed with [`parse_vc`]).
///
/// ```
/// let err = inkan_core::vcjwt::parse_vp("eyJhbGciOiJub25lIn0.eyJ2cCI6MX0.").unwrap_err();
/// assert_eq!(err.code(), "vcjwt.malformed"); // "vp" is not an object
/// ```
pub fn parse_vp(token: &str) -> Result<ParsedVpJwt> {
    let (header, claims) = decode_token(token)?;
    let vp = object_claim(&claims, "vp")?;
    check_shape(vp, "presentation", VP_TYPE)?;
    let holder = match (string_claim(&claims, "iss")?, string_claim(vp, "holder")?) {
        (Some(iss), Some(holder)) if iss != holder => {
            return Err(Error::VcJwtIssuerMismatch(format!(
                "iss is {iss:?} but vp.holder is {holder:?}"
            )));
        }
        (Some(one), _) | (None, Some(one)) => one.to_owned(),
        (None, None) => return Err(malformed("neither iss nor vp.holder names the holder")),
    };
    if let (Some(jti), Some(id)) = (string_claim(&claims, "jti")?, string_claim(vp, "id")?)
        && jti != id
    {
        return Err(Error::VcJwtIdMismatch(format!(
            "jti is {jti:?} but vp.id is {id:?}"
        )));
    }
    let credentials = embedded(vp)?
        .into_iter()
        .map(parse_vc)
        .collect::<Result<Vec<_>>>()?;
    Ok(ParsedVpJwt {
        token: token.to_owned(),
        header,
        claims,
        holder,
        credentials,
    })
}

/// The compact VC-JWTs of `verifiableCredential` (absent: none).
fn embedded(vp: &Map<String, Value>) -> Result<Vec<&str>> {
    let list: &[Value] = match vp.get("verifiableCredential") {
        None => &[],
        Some(one @ Value::String(_)) => std::slice::from_ref(one),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(malformed("verifiableCredential must be a string or an array")),
    };
    if list.len() > MAX_VP_CREDENTIALS {
        return Err(Error::TooLarge {
            size: list.len(),
            limit: MAX_VP_CREDENTIALS,
        });
    }
    list.iter()
        .map(|v| {
            v.as_str()
                .ok_or_else(|| malformed("a VP-JWT carries VC-JWTs (compact JWT strings) only"))
        })
        .collect()
}

/// Parses and verifies a VP-JWT and every credential in it: the holder's signature with the key
/// of its DID (`authentication`) or of the trust store, `aud` and `nonce` against the request,
/// the presentation's validity period, each credential as [`verify_vc`] does, and that every
/// credential's subject is the holder ([`ParsedVpJwt::check_subjects`]).
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::did::{did_key, KeyDidResolver};
/// use inkan_core::trust::StaticTrustStore;
/// use inkan_core::vcjwt::{self, KeySources, PresentationOptions};
/// let issuer_key = SoftwareKey::generate(Algorithm::Es256)?;
/// let holder_key = SoftwareKey::generate(Algorithm::EdDsa)?;
/// let holder = did_key(holder_key.public_key());
/// let holder_key = holder_key.with_kid(format!("{holder}#{}", &holder["did:key:".len()..]));
/// let vc = vcjwt::sign_vc(&serde_json::json!({
///     "@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
///     "issuer": "https://issuer.example", "issuanceDate": "2025-01-01T00:00:00Z",
///     "credentialSubject": {"id": holder}}), &issuer_key)?;
/// let vp = vcjwt::sign_vp(&holder, &[&vc], &PresentationOptions::new("verifier", "n1", 1_750_000_000), &holder_key)?;
/// let trust = StaticTrustStore::builder().issuer_key("https://issuer.example", None, issuer_key.public_key().clone()).build();
/// let keys = KeySources { trust: &trust, dids: &KeyDidResolver };
/// let now = FixedClock::at_unix(1_750_000_060);
/// let verified = vcjwt::verify_vp(&vp, &keys, "verifier", "n1", &Default::default(), &now)?;
/// assert_eq!(verified.credentials()[0].subject(), Some(holder.as_str()));
/// let replay = vcjwt::verify_vp(&vp, &keys, "verifier", "n2", &Default::default(), &now);
/// assert_eq!(replay.unwrap_err().code(), "vcjwt.nonce_mismatch");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_vp(
    token: &str,
    sources: &KeySources<'_>,
    audience: &str,
    nonce: &str,
    rules: &TimeRules,
    clock: &dyn Clock,
) -> Result<ParsedVpJwt> {
    let vp = parse_vp(token)?;
    let resolved = resolve_keys(vp.header(), vp.holder(), Relationship::Authentication, sources)?;
    let options = jws::VerifyOptions::default();
    resolved.verify_with(|key| vp.verify_signature(key, &options))?;
    vp.check_request(audience, nonce)?;
    vp.check_time(rules, clock)?;
    for vc in vp.credentials() {
        verify_vc(vc.token(), sources, rules, clock)?;
    }
    vp.check_subjects()?;
    Ok(vp)
}

/// A VP-JWT that parsed, with its credentials parsed; nothing verified yet.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedVpJwt {
    token: String,
    header: Header,
    claims: Map<String, Value>,
    holder: String,
    credentials: Vec<ParsedVcJwt>,
}

impl ParsedVpJwt {
    /// The JOSE header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The JWT claims as signed.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The holder (`iss` = `vp.holder`).
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// The embedded credentials, parsed but not verified.
    pub fn credentials(&self) -> &[ParsedVcJwt] {
        &self.credentials
    }

    /// Verifies the holder's signature with `key`; returns the algorithm used.
    pub fn verify_signature(&self, key: &PublicKey, options: &jws::VerifyOptions) -> Result<Algorithm> {
        jws::verify_compact(&self.token, key, options)
            .map(|v| v.algorithm)
            .map_err(vc_alg_error)
    }

    /// Checks `aud` (a string or an array) contains `audience` and `nonce` equals `nonce`.
    ///
    /// Errors: [`Error::VcJwtAudienceMismatch`] (also when `aud` is absent or mistyped),
    /// [`Error::VcJwtNonceMismatch`] (also when `nonce` is absent).
    pub fn check_request(&self, audience: &str, nonce: &str) -> Result<()> {
        let aud_ok = match self.claims.get("aud") {
            Some(Value::String(one)) => one == audience,
            Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        };
        if !aud_ok {
            return Err(Error::VcJwtAudienceMismatch);
        }
        if string_claim(&self.claims, "nonce").ok().flatten() != Some(nonce) {
            return Err(Error::VcJwtNonceMismatch);
        }
        Ok(())
    }

    /// Checks the presentation's own `exp`/`nbf`/`iat`.
    pub fn check_time(&self, rules: &TimeRules, clock: &dyn Clock) -> Result<()> {
        let time = |name| date_claim(&self.claims, name);
        rules
            .check(time("exp")?, time("nbf")?, time("iat")?, clock)
            .map_err(vc_time_error)
    }

    /// Checks that every credential is about the holder (`sub` = the VP's `iss`): a credential
    /// about someone else, or about no one in particular, is [`Error::VcJwtHolderMismatch`].
    pub fn check_subjects(&self) -> Result<()> {
        for (i, vc) in self.credentials.iter().enumerate() {
            if vc.subject() != Some(self.holder.as_str()) {
                return Err(Error::VcJwtHolderMismatch(format!(
                    "credential {i} is about {:?}, presented by {:?}",
                    vc.subject(),
                    self.holder
                )));
            }
        }
        Ok(())
    }
}
