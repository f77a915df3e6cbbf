//! SD-JWT for holders: read what a credential holds, then present a chosen part of it, bound to a
//! verifier's audience and nonce by a key that may live in a platform keystore
//! ([`SigningKey::foreign`]); and, for issuers and tests, issuing an SD-JWT VC.

use std::sync::Arc;

use inkan_core::clock::{Clock, FixedClock, SystemClock};
use inkan_core::crypto::Jwk;
use inkan_core::sdjwt::{ClaimPath, Limits, OsSalts, SdJwt};
use inkan_issuer::sd_jwt_vc::{DisclosurePolicy, SdJwtVcIssuer};

use crate::error::{Domain, InDomain, Result};
use crate::keys::SigningKey;

/// What an SD-JWT holds, read WITHOUT checking its signature: for a wallet's display and for
/// choosing what to disclose.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SdJwtContents {
    /// The processed payload (every Disclosure the holder has, in place) as JSON.
    pub claims_json: String,
    /// The path of each selectively disclosable claim (`address.street_address`, `nationalities.0`),
    /// in the order of the Disclosures.
    pub disclosable_paths: Vec<String>,
}

fn parse(sd_jwt: &str) -> Result<SdJwt> {
    SdJwt::parse(sd_jwt, &Limits::default()).in_domain(Domain::SdJwt)
}

/// Reads an issued SD-JWT (see [`SdJwtContents`]).
///
/// ```
/// let err = inkan::sd_jwt_contents("not an sd-jwt".into()).unwrap_err();
/// assert!(matches!(err, inkan::InkanError::SdJwt { .. }));
/// ```
#[uniffi::export]
pub fn sd_jwt_contents(sd_jwt: String) -> Result<SdJwtContents> {
    let sd = parse(&sd_jwt)?;
    let processed = sd
        .unverified_claims()
        .and_then(|claims| sd.process(&claims))
        .in_domain(Domain::SdJwt)?;
    Ok(SdJwtContents {
        claims_json: serde_json::Value::Object(processed.claims).to_string(),
        disclosable_paths: processed.disclosed.iter().map(ToString::to_string).collect(),
    })
}

/// The SD-JWT with only the Disclosures `disclose` needs (a path keeps the claim, what is inside
/// it and what leads to it), with no Key Binding JWT.
///
/// ```
/// let err = inkan::sd_jwt_present("eyJ.e30.c2ln~".into(), vec!["".into()]).unwrap_err();
/// assert_eq!(err.code(), "sdjwt.bad_frame");
/// ```
#[uniffi::export]
pub fn sd_jwt_present(sd_jwt: String, disclose: Vec<String>) -> Result<String> {
    let paths = paths(&disclose)?;
    let presented = parse(&sd_jwt)?.present(&paths).in_domain(Domain::SdJwt)?;
    Ok(presented.serialize())
}

/// As [`sd_jwt_present`], then a Key Binding JWT (`aud` = `audience`, `nonce`, `iat` =
/// `issued_at` in Unix seconds, `sd_hash`) signed by `holder_key` — a software key or a foreign
/// signer, whose private bytes never enter Rust.
///
/// ```
/// use inkan::{SignatureAlgorithm, SigningKey};
/// let holder = SigningKey::generate(SignatureAlgorithm::Es256)?;
/// let err = inkan::sd_jwt_present_bound("x~".into(), vec![], holder, "aud".into(), "n".into(), 0).unwrap_err();
/// assert_eq!(err.code(), "sdjwt.malformed");
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn sd_jwt_present_bound(
    sd_jwt: String,
    disclose: Vec<String>,
    holder_key: Arc<SigningKey>,
    audience: String,
    nonce: String,
    issued_at: i64,
) -> Result<String> {
    let paths = paths(&disclose)?;
    let presented = parse(&sd_jwt)?.present(&paths).in_domain(Domain::SdJwt)?;
    let signer = holder_key.for_call();
    let bound = presented.bind(&signer, &audience, &nonce, issued_at);
    Ok(signer.finish(bound, Domain::SdJwt)?.serialize())
}

fn paths(disclose: &[String]) -> Result<Vec<ClaimPath>> {
    disclose
        .iter()
        .map(|p| p.parse::<ClaimPath>())
        .collect::<inkan_core::Result<_>>()
        .in_domain(Domain::SdJwt)
}

/// Issues an SD-JWT VC: `claims_json` (an object) under `policy_json` (inkan-issuer's
/// disclosure policy: `vct`, `iss`, `sd` paths, `decoys`, `validity_secs`, `status`), signed by
/// `issuer_key`, bound to `holder_jwk` (`cnf.jwk`) when given, dated `now_unix` (the system
/// clock when `None`).
///
/// ```
/// use inkan::{SignatureAlgorithm, SigningKey};
/// let issuer = SigningKey::generate(SignatureAlgorithm::Es256)?;
/// let holder = SigningKey::generate(SignatureAlgorithm::Es256)?;
/// let policy = r#"{"vct": "urn:example:pid:1", "iss": "https://issuer.example", "sd": ["given_name"]}"#;
/// let issued = inkan::sd_jwt_vc_issue(r#"{"given_name": "Ada"}"#.into(), policy.into(), issuer,
///                                     Some(holder.public_jwk()), Some(1_700_000_000))?;
/// assert_eq!(inkan::sd_jwt_contents(issued)?.disclosable_paths, ["given_name"]);
/// # Ok::<(), inkan::InkanError>(())
/// ```
#[uniffi::export]
pub fn sd_jwt_vc_issue(
    claims_json: String,
    policy_json: String,
    issuer_key: Arc<SigningKey>,
    holder_jwk: Option<String>,
    now_unix: Option<i64>,
) -> Result<String> {
    let bad_json = |e: serde_json::Error| inkan_core::Error::from(e);
    let claims: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&claims_json)
        .map_err(bad_json)
        .in_domain(Domain::SdJwt)?;
    let policy = DisclosurePolicy::from_json(&policy_json).in_domain(Domain::SdJwt)?;
    let holder = holder_jwk
        .map(|text| Jwk::from_json(&text))
        .transpose()
        .in_domain(Domain::SdJwt)?;
    let clock: Box<dyn Clock> = match now_unix {
        Some(now) => Box::new(FixedClock::at_unix(now)),
        None => Box::new(SystemClock),
    };
    let signer = issuer_key.for_call();
    let issued =
        SdJwtVcIssuer::new(&signer, clock.as_ref(), policy).issue(&claims, holder.as_ref(), &mut OsSalts);
    Ok(signer.finish(issued, Domain::SdJwt)?.serialize())
}
