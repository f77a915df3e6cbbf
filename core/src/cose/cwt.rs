//! CBOR Web Tokens (RFC 8392): claims sets, and signing/verifying CWTs in one call.
//!
//! A CWT is a COSE message whose payload is a claims set (a CBOR map). It may be wrapped in
//! the CWT tag 61 around the COSE tag (`61(18([...]))`); both forms are accepted on decode.
//! Time claims are checked by [`TimeRules`], the same rules JWTs use.

use ciborium::Value;
use coset::Label;

use super::cbor::{self, CborLimits};
use super::{DecodeOptions, Mac0, Sign1, Sign1Builder, TAG_CWT, TAG_SIGN1};
use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::crypto::{Signer, Verifier};
use crate::{Error, Result};

/// Claim keys registered by RFC 8392 §3.1 (and cnf, RFC 8747).
const ISS: i64 = 1;
const SUB: i64 = 2;
const AUD: i64 = 3;
const EXP: i64 = 4;
const NBF: i64 = 5;
const IAT: i64 = 6;
const CTI: i64 = 7;
const CNF: i64 = 8;

/// A CWT claims set: the registered claims typed, every other claim kept as CBOR.
///
/// Numeric dates may arrive as floats (RFC 8392 A.7); they are truncated toward −∞ to whole
/// seconds, and NaN or infinities are refused.
///
/// ```
/// use inkan_core::cose::cwt::CwtClaims;
/// use inkan_core::cose::cbor::CborLimits;
/// use inkan_core::cose::coset::Label;
/// let claims = CwtClaims {
///     iss: Some("coap://as.example.com".into()),
///     exp: Some(1_444_064_944),
///     other: vec![(Label::Int(169), ciborium::Value::Bytes(vec![0xa0]))],
///     ..CwtClaims::default()
/// };
/// let back = CwtClaims::decode(&claims.encode()?, &CborLimits::default())?;
/// assert_eq!(back, claims);
/// assert_eq!(back.claim(&Label::Int(169)), Some(&ciborium::Value::Bytes(vec![0xa0])));
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CwtClaims {
    /// Issuer (1).
    pub iss: Option<String>,
    /// Subject (2).
    pub sub: Option<String>,
    /// Audience (3).
    pub aud: Option<String>,
    /// Expiration time (4), seconds since the epoch.
    pub exp: Option<i64>,
    /// Not before (5), seconds since the epoch.
    pub nbf: Option<i64>,
    /// Issued at (6), seconds since the epoch.
    pub iat: Option<i64>,
    /// CWT ID (7).
    pub cti: Option<Vec<u8>>,
    /// Confirmation (8, RFC 8747), as CBOR.
    pub cnf: Option<Value>,
    /// Every other claim, integer or text keyed, in the order found.
    pub other: Vec<(Label, Value)>,
}

impl CwtClaims {
    /// Decodes a claims set from untrusted bytes.
    pub fn decode(bytes: &[u8], limits: &CborLimits) -> Result<Self> {
        Self::from_value(cbor::decode(bytes, limits)?)
    }

    /// Reads a claims set from a CBOR map.
    pub fn from_value(value: Value) -> Result<Self> {
        let Value::Map(entries) = value else {
            return Err(Error::InvalidClaim("a CWT claims set must be a map".into()));
        };
        let mut claims = Self::default();
        let mut seen = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let label = claim_label(key)?;
            if seen.contains(&label) {
                return Err(Error::InvalidClaim(format!("duplicate claim {label:?}")));
            }
            seen.push(label.clone());
            claims.set(label, value)?;
        }
        Ok(claims)
    }

    fn set(&mut self, label: Label, value: Value) -> Result<()> {
        match label {
            Label::Int(ISS) => self.iss = Some(text(value, "iss")?),
            Label::Int(SUB) => self.sub = Some(text(value, "sub")?),
            Label::Int(AUD) => self.aud = Some(text(value, "aud")?),
            Label::Int(EXP) => self.exp = Some(numeric_date(value, "exp")?),
            Label::Int(NBF) => self.nbf = Some(numeric_date(value, "nbf")?),
            Label::Int(IAT) => self.iat = Some(numeric_date(value, "iat")?),
            Label::Int(CTI) => match value {
                Value::Bytes(b) => self.cti = Some(b),
                _ => return Err(Error::InvalidClaim("cti must be a bstr".into())),
            },
            Label::Int(CNF) => match value {
                Value::Map(_) => self.cnf = Some(value),
                _ => return Err(Error::InvalidClaim("cnf must be a map".into())),
            },
            other => self.other.push((other, value)),
        }
        Ok(())
    }

    /// The claims set as a CBOR map (registered claims first, then the others).
    pub fn to_value(&self) -> Value {
        let int = |i: i64| Value::Integer(i.into());
        let registered = [
            (ISS, self.iss.clone().map(Value::Text)),
            (SUB, self.sub.clone().map(Value::Text)),
            (AUD, self.aud.clone().map(Value::Text)),
            (EXP, self.exp.map(int)),
            (NBF, self.nbf.map(int)),
            (IAT, self.iat.map(int)),
            (CTI, self.cti.clone().map(Value::Bytes)),
            (CNF, self.cnf.clone()),
        ];
        let registered = registered
            .into_iter()
            .filter_map(|(key, value)| Some((int(key), value?)));
        let others = self.other.iter().map(|(label, value)| {
            let key = match label {
                Label::Int(i) => int(*i),
                Label::Text(t) => Value::Text(t.clone()),
            };
            (key, value.clone())
        });
        Value::Map(registered.chain(others).collect())
    }

    /// Encodes the claims set deterministically (RFC 8949 §4.2.1).
    pub fn encode(&self) -> Result<Vec<u8>> {
        cbor::encode_deterministic(&self.to_value())
    }

    /// An unregistered claim by key.
    pub fn claim(&self, label: &Label) -> Option<&Value> {
        self.other.iter().find(|(l, _)| l == label).map(|(_, v)| v)
    }

    /// Checks `exp`, `nbf` and `iat` against `clock` under `rules`.
    ///
    /// ```
    /// use inkan_core::claims::TimeRules;
    /// use inkan_core::clock::FixedClock;
    /// use inkan_core::cose::cwt::CwtClaims;
    /// let claims = CwtClaims { exp: Some(100), ..CwtClaims::default() };
    /// assert!(claims.check_time(&TimeRules::default(), &FixedClock::at_unix(50)).is_ok());
    /// assert_eq!(claims.check_time(&TimeRules::default(), &FixedClock::at_unix(500)).unwrap_err().code(),
    ///            "jwt.expired");
    /// ```
    pub fn check_time(&self, rules: &TimeRules, clock: &dyn Clock) -> Result<()> {
        rules.check(self.exp, self.nbf, self.iat, clock)
    }
}

fn claim_label(key: Value) -> Result<Label> {
    match key {
        Value::Integer(i) => i64::try_from(i)
            .map(Label::Int)
            .map_err(|_| Error::InvalidClaim("claim key out of range".into())),
        Value::Text(t) => Ok(Label::Text(t)),
        _ => Err(Error::InvalidClaim("claim keys must be integers or text".into())),
    }
}

fn text(value: Value, name: &str) -> Result<String> {
    match value {
        Value::Text(t) => Ok(t),
        _ => Err(Error::InvalidClaim(format!("{name} must be text"))),
    }
}

/// A NumericDate: an integer, or a float truncated toward −∞ (RFC 8392 §2, A.7).
fn numeric_date(value: Value, name: &str) -> Result<i64> {
    let out_of_range = || Error::InvalidClaim(format!("{name} is out of range"));
    match value {
        Value::Integer(i) => i64::try_from(i).map_err(|_| out_of_range()),
        Value::Float(f) if f.is_finite() => {
            let secs = f.floor();
            // i64::MIN is exactly representable; i64::MAX rounds up to 2^63, which is excluded.
            if secs >= i64::MIN as f64 && secs < i64::MAX as f64 {
                Ok(secs as i64)
            } else {
                Err(out_of_range())
            }
        }
        Value::Float(_) => Err(Error::InvalidClaim(format!("{name} is not a finite number"))),
        _ => Err(Error::InvalidClaim(format!("{name} must be a number"))),
    }
}

/// Strips the CWT tag 61, if present.
fn strip_cwt_tag(value: Value) -> Value {
    match value {
        Value::Tag(TAG_CWT, inner) => *inner,
        other => other,
    }
}

/// How [`sign`] builds the COSE_Sign1 around the claims.
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    /// Key id for the unprotected header.
    pub kid: Option<Vec<u8>>,
    /// Certificate chain (DER, leaf first) for `x5chain`.
    pub x5chain: Vec<Vec<u8>>,
    /// External additional authenticated data.
    pub external_aad: Vec<u8>,
    /// Wrap the result in the CWT tag 61 (the COSE tag 18 is always present).
    pub cwt_tag: bool,
}

/// Signs `claims` as a CWT: a tagged COSE_Sign1 whose payload is the claims set.
///
/// ```
/// use inkan_core::claims::TimeRules;
/// use inkan_core::clock::FixedClock;
/// use inkan_core::cose::cwt::{self, CwtClaims, SignOptions, VerifyOptions};
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// let key = SoftwareKey::generate(Algorithm::Es256)?;
/// let claims = CwtClaims { iss: Some("issuer".into()), exp: Some(2_000), ..CwtClaims::default() };
/// let token = cwt::sign(&claims, &key, &SignOptions { cwt_tag: true, ..SignOptions::default() })?;
/// assert_eq!(token[..2], [0xd8, 0x3d]); // tag 61
/// let verified = cwt::verify(&token, key.public_key(), &VerifyOptions::default(), &FixedClock::at_unix(1_000))?;
/// assert_eq!(verified.claims, claims);
/// let late = cwt::verify(&token, key.public_key(), &VerifyOptions::default(), &FixedClock::at_unix(9_000));
/// assert_eq!(late.unwrap_err().code(), "jwt.expired");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn sign(claims: &CwtClaims, signer: &dyn Signer, options: &SignOptions) -> Result<Vec<u8>> {
    let mut builder = Sign1Builder::new(claims.encode()?)
        .x5chain(options.x5chain.clone())
        .external_aad(options.external_aad.clone());
    if let Some(kid) = &options.kid {
        builder = builder.kid(kid.clone());
    }
    let cose = Value::Tag(TAG_SIGN1, Box::new(builder.sign(signer)?.to_value()?));
    cbor::encode(&if options.cwt_tag {
        Value::Tag(TAG_CWT, Box::new(cose))
    } else {
        cose
    })
}

/// How [`verify`] checks a CWT.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Decoding caps and tag policy for the COSE layer; the caps also apply to the claims set.
    pub decode: DecodeOptions,
    /// Time-claim rules.
    pub time: TimeRules,
    /// External additional authenticated data.
    pub external_aad: Vec<u8>,
}

/// A verified CWT: its claims and the COSE message (for `kid`, `x5chain`, headers).
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCwt {
    /// The claims, signature and time checked.
    pub claims: CwtClaims,
    /// The COSE_Sign1 the claims came in.
    pub message: Sign1,
}

/// Decodes the COSE_Sign1 of a CWT (with or without tag 61) without verifying it, e.g. to read
/// the `kid` or `x5chain` that selects the key.
pub fn decode_sign1(bytes: &[u8], options: &DecodeOptions) -> Result<Sign1> {
    Sign1::from_value(strip_cwt_tag(cbor::decode(bytes, &options.limits)?), options)
}

/// Decodes the COSE_Mac0 of a MACed CWT (with or without tag 61) without verifying it.
pub fn decode_mac0(bytes: &[u8], options: &DecodeOptions) -> Result<Mac0> {
    Mac0::from_value(strip_cwt_tag(cbor::decode(bytes, &options.limits)?), options)
}

/// Decodes, verifies the signature of, and time-checks a signed CWT.
pub fn verify(
    bytes: &[u8],
    key: &dyn Verifier,
    options: &VerifyOptions,
    clock: &dyn Clock,
) -> Result<VerifiedCwt> {
    verify_sign1(decode_sign1(bytes, &options.decode)?, key, options, clock)
}

/// Verifies an already decoded CWT COSE_Sign1 (see [`decode_sign1`]) and time-checks it.
pub fn verify_sign1(
    message: Sign1,
    key: &dyn Verifier,
    options: &VerifyOptions,
    clock: &dyn Clock,
) -> Result<VerifiedCwt> {
    message.verify(key, &options.external_aad)?;
    let claims = payload_claims(message.payload(), options, clock)?;
    Ok(VerifiedCwt { claims, message })
}

/// Decodes, verifies the MAC of, and time-checks a MACed CWT.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::cose::cwt::{self, CwtClaims, VerifyOptions};
/// use inkan_core::cose::{Mac0Builder, MacAlgorithm};
/// let claims = CwtClaims { sub: Some("erikw".into()), ..CwtClaims::default() };
/// let token = Mac0Builder::new(claims.encode()?).create(MacAlgorithm::Hmac256_64, &[1; 32])?.encode(true)?;
/// let back = cwt::verify_mac(&token, &[1; 32], &VerifyOptions::default(), &FixedClock::at_unix(0))?;
/// assert_eq!(back, claims);
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn verify_mac(bytes: &[u8], key: &[u8], options: &VerifyOptions, clock: &dyn Clock) -> Result<CwtClaims> {
    let message = decode_mac0(bytes, &options.decode)?;
    message.verify(key, &options.external_aad)?;
    payload_claims(message.payload(), options, clock)
}

fn payload_claims(payload: Option<&[u8]>, options: &VerifyOptions, clock: &dyn Clock) -> Result<CwtClaims> {
    let payload =
        payload.ok_or_else(|| Error::CoseMalformed("a CWT cannot have a detached payload".into()))?;
    let claims = CwtClaims::decode(payload, &options.decode.limits)?;
    claims.check_time(&options.time, clock)?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::crypto::{Algorithm, SoftwareKey};
    use proptest::prelude::*;

    fn date(v: Value) -> Result<i64> {
        numeric_date(v, "exp")
    }

    #[test]
    fn numeric_dates_floor_and_refuse_non_finite() {
        assert_eq!(date(Value::Float(1443944944.5)), Ok(1443944944));
        assert_eq!(date(Value::Float(-1.5)), Ok(-2));
        assert_eq!(date(Value::Float(-0.0)), Ok(0));
        assert_eq!(date(Value::Float(i64::MIN as f64)), Ok(i64::MIN));
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9.3e18,
            -9.3e18,
            i64::MAX as f64,
        ] {
            assert_eq!(date(Value::Float(bad)).unwrap_err().code(), "jwt.invalid_claim");
        }
        assert_eq!(
            date(Value::Integer(u64::MAX.into())).unwrap_err().code(),
            "jwt.invalid_claim"
        );
        assert_eq!(
            date(Value::Text("1".into())).unwrap_err().code(),
            "jwt.invalid_claim"
        );
    }

    #[test]
    fn claim_types_and_duplicates_are_checked() {
        let bad =
            |entries: Vec<(Value, Value)>| CwtClaims::from_value(Value::Map(entries)).unwrap_err().code();
        assert_eq!(bad(vec![(1.into(), 1.into())]), "jwt.invalid_claim");
        assert_eq!(bad(vec![(7.into(), "x".into())]), "jwt.invalid_claim");
        assert_eq!(bad(vec![(8.into(), 1.into())]), "jwt.invalid_claim");
        assert_eq!(bad(vec![(Value::Bytes(vec![]), 1.into())]), "jwt.invalid_claim");
        assert_eq!(
            bad(vec![(9.into(), 1.into()), (9.into(), 2.into())]),
            "jwt.invalid_claim"
        );
        assert_eq!(
            CwtClaims::from_value(Value::Null).unwrap_err().code(),
            "jwt.invalid_claim"
        );
        let ok =
            CwtClaims::from_value(Value::Map(vec![("iss".into(), 1.into()), (9.into(), 2.into())])).unwrap();
        assert_eq!(ok.iss, None);
        assert_eq!(ok.claim(&Label::Text("iss".into())), Some(&Value::from(1)));
    }

    #[test]
    fn sign_and_verify_with_and_without_cwt_tag() {
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let claims = CwtClaims {
            iss: Some("i".into()),
            nbf: Some(10),
            cnf: Some(Value::Map(vec![(1.into(), Value::Map(vec![]))])),
            ..CwtClaims::default()
        };
        for cwt_tag in [false, true] {
            let options = SignOptions {
                kid: Some(b"k".to_vec()),
                cwt_tag,
                ..SignOptions::default()
            };
            let token = sign(&claims, &key, &options).unwrap();
            let ok = verify(
                &token,
                key.public_key(),
                &VerifyOptions::default(),
                &FixedClock::at_unix(100),
            )
            .unwrap();
            assert_eq!(ok.claims, claims);
            assert_eq!(ok.message.kid(), Some(&b"k"[..]));
            let early = verify(
                &token,
                key.public_key(),
                &VerifyOptions::default(),
                &FixedClock::at_unix(-100),
            );
            assert_eq!(early.unwrap_err(), Error::NotYetValid);
        }
    }

    #[test]
    fn a_mac0_is_not_a_signed_cwt() {
        let token = super::super::Mac0Builder::new(CwtClaims::default().encode().unwrap())
            .create(super::super::MacAlgorithm::Hmac256, &[1; 32])
            .unwrap()
            .encode(true)
            .unwrap();
        let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap();
        let err = verify(
            &token,
            key.public_key(),
            &VerifyOptions::default(),
            &FixedClock::at_unix(0),
        );
        assert_eq!(
            err.unwrap_err(),
            Error::CoseWrongTag {
                expected: 18,
                found: 17
            }
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = CwtClaims::decode(&bytes, &CborLimits::default());
            let _ = decode_sign1(&bytes, &DecodeOptions::default());
            let _ = verify_mac(&bytes, &[0; 32], &VerifyOptions::default(), &FixedClock::at_unix(0));
        }

        #[test]
        fn claims_round_trip(
            iss in proptest::option::of(".{0,12}"),
            exp in proptest::option::of(any::<i64>()),
            cti in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
            extra in proptest::collection::btree_map(9i64..1000, any::<i64>(), 0..4),
        ) {
            let claims = CwtClaims {
                iss, exp, cti,
                other: extra.into_iter().map(|(k, v)| (Label::Int(k), Value::from(v))).collect(),
                ..CwtClaims::default()
            };
            let bytes = claims.encode().unwrap();
            prop_assert_eq!(CwtClaims::decode(&bytes, &CborLimits::default()).unwrap(), claims);
        }
    }
}
