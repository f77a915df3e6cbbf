//! SD-JWT for holders: read what a credential holds, then present a chosen part of it, bound to a
//! verifier's audience and nonce by a key that may live in a platform keystore
//! ([`SigningKey::foreign`]).

use std::sync::Arc;

use inkan_core::sdjwt::{ClaimPath, Limits, SdJwt};

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
