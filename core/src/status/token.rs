//! Status list tokens: a [`StatusList`] signed as a `statuslist+jwt` or an
//! `application/statuslist+cwt`, with `sub` (the list's URI), `iat`, `exp` and `ttl`.

use ciborium::Value as Cbor;
use coset::{HeaderBuilder, Label};
use serde_json::{Map, Value};

use super::list::{Bits, MAX_ENTRIES, StatusList};
use super::reference::text_key;
use crate::claims::TimeRules;
use crate::clock::Clock;
use crate::cose::cwt::CwtClaims;
use crate::cose::{DecodeOptions, Sign1, Sign1Builder, TAG_CWT, TAG_SIGN1, cbor};
use crate::crypto::{Algorithm, PublicKey, Signer};
use crate::encoding::b64url_decode;
use crate::jose::{Header, jws, jwt};
use crate::{Error, Result};

/// The JWT `typ` of a status list token.
pub const JWT_TYP: &str = "statuslist+jwt";
/// The CWT `typ` (protected header 16) of a status list token.
pub const CWT_TYP: &str = "application/statuslist+cwt";
/// CWT claim key of `status_list`.
pub const CWT_STATUS_LIST: i64 = 65533;
/// CWT claim key of `ttl`.
pub const CWT_TTL: i64 = 65534;
/// COSE header label of `typ` (RFC 9596).
const COSE_TYP: i64 = 16;

/// The claims of a status list token.
///
/// ```
/// use inkan_core::clock::FixedClock;
/// use inkan_core::crypto::{Algorithm, SoftwareKey};
/// use inkan_core::status::{Bits, StatusList, StatusListToken, UnverifiedStatusList};
/// let key = SoftwareKey::generate(Algorithm::Es256)?.with_kid("12");
/// let mut list = StatusList::new(Bits::One, 16)?;
/// list.set(3, 1)?;
/// let token = StatusListToken { exp: Some(2_000), ttl: Some(300), ..StatusListToken::new("https://example.com/statuslists/1", 1_000, list) };
/// let jwt = token.sign_jwt(&key)?;
/// let parsed = UnverifiedStatusList::parse(jwt.as_bytes())?;
/// assert_eq!(parsed.kid().as_deref(), Some("12"));
/// parsed.verify_signature(key.public_key(), &[Algorithm::Es256])?;
/// parsed.token().check(Some("https://example.com/statuslists/1"), 60, &FixedClock::at_unix(1_500))?;
/// assert_eq!(parsed.token().list.get(3)?, 1);
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    /// The list's URI: referenced tokens point at it.
    pub sub: String,
    /// The issuer, if named.
    pub iss: Option<String>,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expiry, seconds since the epoch.
    pub exp: Option<i64>,
    /// How long, in seconds, the list may be cached before it is fetched again.
    pub ttl: Option<u64>,
    /// The statuses.
    pub list: StatusList,
    /// Where to find every list of this issuer (`aggregation_uri`).
    pub aggregation_uri: Option<String>,
}

impl StatusListToken {
    /// A token for `list` published at `sub`, issued at `iat`, with no `exp` or `ttl`.
    pub fn new(sub: impl Into<String>, iat: i64, list: StatusList) -> Self {
        Self {
            sub: sub.into(),
            iss: None,
            iat,
            exp: None,
            ttl: None,
            list,
            aggregation_uri: None,
        }
    }

    /// Checks the claims as a relying party must (draft §8.3): `sub` equals the reference's
    /// `uri` (when given), the token is not expired and not issued in the future (`leeway_secs`
    /// of skew allowed).
    ///
    /// Errors: [`Error::StatusSubjectMismatch`], [`Error::StatusListExpired`],
    /// [`Error::IssuedInFuture`].
    pub fn check(&self, uri: Option<&str>, leeway_secs: i64, clock: &dyn Clock) -> Result<()> {
        if let Some(uri) = uri.filter(|uri| *uri != self.sub) {
            return Err(Error::StatusSubjectMismatch {
                sub: self.sub.clone(),
                uri: uri.to_owned(),
            });
        }
        let rules = TimeRules {
            leeway_secs,
            ..TimeRules::default()
        };
        rules
            .check(self.exp, None, Some(self.iat), clock)
            .map_err(|e| match (e, self.exp) {
                (Error::Expired, Some(exp)) => Error::StatusListExpired { exp },
                (other, _) => other,
            })
    }

    /// The JWT claims set.
    pub fn to_jwt_claims(&self) -> Map<String, Value> {
        let mut list = Map::new();
        list.insert("bits".into(), self.list.bits().get().into());
        list.insert("lst".into(), self.list.to_lst().into());
        if let Some(uri) = &self.aggregation_uri {
            list.insert("aggregation_uri".into(), uri.clone().into());
        }
        let mut claims = Map::new();
        if let Some(exp) = self.exp {
            claims.insert("exp".into(), exp.into());
        }
        claims.insert("iat".into(), self.iat.into());
        if let Some(iss) = &self.iss {
            claims.insert("iss".into(), iss.clone().into());
        }
        claims.insert("status_list".into(), list.into());
        claims.insert("sub".into(), self.sub.clone().into());
        if let Some(ttl) = self.ttl {
            claims.insert("ttl".into(), ttl.into());
        }
        claims
    }

    /// Reads a JWT claims set (the list inflated under the [`MAX_ENTRIES`] cap).
    pub fn from_jwt_claims(claims: &Map<String, Value>) -> Result<Self> {
        let text = |name: &str| {
            claims
                .get(name)
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| malformed(format!("{name} must be a string")))
                })
                .transpose()
        };
        let int = |name: &str| {
            claims
                .get(name)
                .map(|v| {
                    v.as_i64()
                        .ok_or_else(|| malformed(format!("{name} must be an integer")))
                })
                .transpose()
        };
        let list = claims
            .get("status_list")
            .and_then(Value::as_object)
            .ok_or_else(|| malformed("status_list must be an object"))?;
        let bits = list
            .get("bits")
            .and_then(Value::as_u64)
            .ok_or_else(|| malformed("status_list.bits must be an integer"))?;
        let lst = list
            .get("lst")
            .and_then(Value::as_str)
            .ok_or_else(|| malformed("status_list.lst must be a string"))?;
        let aggregation_uri = match list.get("aggregation_uri") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| malformed("aggregation_uri must be a string"))?
                    .to_owned(),
            ),
        };
        let ttl = claims
            .get("ttl")
            .map(|v| {
                v.as_u64()
                    .filter(|t| *t > 0)
                    .ok_or_else(|| malformed("ttl must be a positive integer"))
            })
            .transpose()?;
        Ok(Self {
            sub: text("sub")?.ok_or_else(|| malformed("sub is required"))?,
            iss: text("iss")?,
            iat: int("iat")?.ok_or_else(|| malformed("iat is required"))?,
            exp: int("exp")?,
            ttl,
            list: StatusList::from_lst(Bits::try_from(bits)?, lst)?,
            aggregation_uri,
        })
    }

    /// Signs the token as a `statuslist+jwt` with `signer` (its `kid`, if any, in the header).
    pub fn sign_jwt(&self, signer: &dyn Signer) -> Result<String> {
        self.sign_jwt_with(signer, Header::for_signer(signer))
    }

    /// Signs the token as a JWT with `header` (for `x5c`, say); `typ` is set to [`JWT_TYP`].
    pub fn sign_jwt_with(&self, signer: &dyn Signer, header: Header) -> Result<String> {
        jwt::sign(&self.to_jwt_claims(), &header.with_typ(JWT_TYP), signer)
    }

    /// The CWT claims set.
    pub fn to_cwt_claims(&self) -> CwtClaims {
        let mut list = vec![
            (
                Cbor::Text("bits".into()),
                Cbor::Integer(self.list.bits().get().into()),
            ),
            (Cbor::Text("lst".into()), Cbor::Bytes(self.list.compress())),
        ];
        if let Some(uri) = &self.aggregation_uri {
            list.push((Cbor::Text("aggregation_uri".into()), Cbor::Text(uri.clone())));
        }
        let mut other = Vec::new();
        if let Some(ttl) = self.ttl {
            other.push((Label::Int(CWT_TTL), Cbor::Integer(ttl.into())));
        }
        other.push((Label::Int(CWT_STATUS_LIST), Cbor::Map(list)));
        CwtClaims {
            iss: self.iss.clone(),
            sub: Some(self.sub.clone()),
            exp: self.exp,
            iat: Some(self.iat),
            other,
            ..CwtClaims::default()
        }
    }

    /// Reads a CWT claims set.
    pub fn from_cwt_claims(claims: &CwtClaims) -> Result<Self> {
        let list = claims
            .claim(&Label::Int(CWT_STATUS_LIST))
            .and_then(Cbor::as_map)
            .ok_or_else(|| malformed("claim 65533 (status_list) must be a map"))?;
        let bits = text_key(list, "bits")
            .and_then(Cbor::as_integer)
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| malformed("status_list bits must be an unsigned integer"))?;
        let lst = text_key(list, "lst")
            .and_then(Cbor::as_bytes)
            .ok_or_else(|| malformed("status_list lst must be a bstr"))?;
        let aggregation_uri = match text_key(list, "aggregation_uri") {
            None => None,
            Some(v) => Some(
                v.as_text()
                    .ok_or_else(|| malformed("aggregation_uri must be text"))?
                    .to_owned(),
            ),
        };
        let ttl = claims
            .claim(&Label::Int(CWT_TTL))
            .map(|v| {
                v.as_integer()
                    .and_then(|i| u64::try_from(i).ok())
                    .filter(|t| *t > 0)
                    .ok_or_else(|| malformed("ttl must be a positive integer"))
            })
            .transpose()?;
        Ok(Self {
            sub: claims.sub.clone().ok_or_else(|| malformed("sub is required"))?,
            iss: claims.iss.clone(),
            iat: claims.iat.ok_or_else(|| malformed("iat is required"))?,
            exp: claims.exp,
            ttl,
            list: StatusList::from_compressed(Bits::try_from(bits)?, lst, MAX_ENTRIES)?,
            aggregation_uri,
        })
    }

    /// Signs the token as a CWT (COSE_Sign1, tag 18) with `typ` [`CWT_TYP`] in the protected
    /// header and `kid` (if given) in the unprotected one.
    ///
    /// ```
    /// use inkan_core::crypto::{Algorithm, SoftwareKey};
    /// use inkan_core::status::{Bits, StatusList, StatusListToken, UnverifiedStatusList};
    /// let key = SoftwareKey::generate(Algorithm::EdDsa)?;
    /// let token = StatusListToken::new("https://example.com/statuslists/1", 1_000, StatusList::new(Bits::Eight, 4)?);
    /// let cwt = token.sign_cwt(&key, Some(b"12".to_vec()))?;
    /// let parsed = UnverifiedStatusList::parse(&cwt)?;
    /// parsed.verify_signature(key.public_key(), &[Algorithm::EdDsa])?;
    /// assert_eq!(parsed.token(), &token);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn sign_cwt(&self, signer: &dyn Signer, kid: Option<Vec<u8>>) -> Result<Vec<u8>> {
        let protected = HeaderBuilder::new()
            .value(COSE_TYP, Cbor::Text(CWT_TYP.into()))
            .build();
        let mut builder = Sign1Builder::new(self.to_cwt_claims().encode()?).protected(protected);
        if let Some(kid) = kid {
            builder = builder.kid(kid);
        }
        cbor::encode(&Cbor::Tag(TAG_SIGN1, Box::new(builder.sign(signer)?.to_value()?)))
    }
}

/// A status list token parsed (type and claims checked) but whose signature is not verified
/// yet: read [`kid`](Self::kid) / [`x5chain`](Self::x5chain) / the issuer to choose the key,
/// then [`verify_signature`](Self::verify_signature).
#[derive(Debug, Clone)]
pub struct UnverifiedStatusList {
    signed: Signed,
    token: StatusListToken,
}

#[derive(Debug, Clone)]
enum Signed {
    Jwt { compact: String, header: Box<Header> },
    Cwt(Box<Sign1>),
}

impl UnverifiedStatusList {
    /// Parses a status list token: a compact JWT (text) or a CWT (CBOR, tag 18 or 61).
    ///
    /// Errors: [`Error::StatusWrongTyp`] for any other `typ`; the JOSE/COSE errors for a
    /// malformed envelope; [`Error::StatusMalformed`], [`Error::StatusBadBits`],
    /// [`Error::StatusListTooLarge`] for bad claims.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        match std::str::from_utf8(bytes) {
            Ok(text) if text.trim_start().starts_with("ey") => Self::parse_jwt(text.trim()),
            _ => Self::parse_cwt(bytes),
        }
    }

    /// Parses a `statuslist+jwt`.
    pub fn parse_jwt(token: &str) -> Result<Self> {
        let header = jws::peek_header(token)?;
        jwt::check_typ(JWT_TYP, header.typ.as_deref())
            .map_err(|_| Error::StatusWrongTyp(format!("{:?}, expected {JWT_TYP:?}", header.typ)))?;
        let payload = token
            .split('.')
            .nth(1)
            .ok_or_else(|| Error::JoseMalformed("a compact JWS has three parts".into()))?;
        let claims: Map<String, Value> = serde_json::from_slice(&b64url_decode(payload)?)
            .map_err(|e| Error::JoseMalformed(format!("JWT claims are not a JSON object: {e}")))?;
        Ok(Self {
            token: StatusListToken::from_jwt_claims(&claims)?,
            signed: Signed::Jwt {
                compact: token.to_owned(),
                header: Box::new(header),
            },
        })
    }

    /// Parses an `application/statuslist+cwt`.
    pub fn parse_cwt(bytes: &[u8]) -> Result<Self> {
        let options = DecodeOptions::default();
        let value = match cbor::decode(bytes, &options.limits)? {
            Cbor::Tag(TAG_CWT, inner) => *inner,
            other => other,
        };
        let sign1 = Sign1::from_value(value, &options)?;
        let typ = sign1
            .protected()
            .rest
            .iter()
            .find(|(label, _)| *label == Label::Int(COSE_TYP))
            .map(|(_, v)| v);
        let typ_text = typ.and_then(Cbor::as_text);
        if jwt::check_typ(CWT_TYP, typ_text).is_err() {
            return Err(Error::StatusWrongTyp(format!("{typ:?}, expected {CWT_TYP:?}")));
        }
        let payload = sign1
            .payload()
            .ok_or_else(|| Error::CoseMalformed("a CWT cannot have a detached payload".into()))?;
        let claims = CwtClaims::decode(payload, &options.limits)?;
        Ok(Self {
            token: StatusListToken::from_cwt_claims(&claims)?,
            signed: Signed::Cwt(Box::new(sign1)),
        })
    }

    /// The (unverified) claims.
    pub fn token(&self) -> &StatusListToken {
        &self.token
    }

    /// The verified claims: call only after [`verify_signature`](Self::verify_signature).
    pub fn into_token(self) -> StatusListToken {
        self.token
    }

    /// The key id, as text (a CWT's non-UTF-8 `kid` as lowercase hex).
    pub fn kid(&self) -> Option<String> {
        match &self.signed {
            Signed::Jwt { header, .. } => header.kid.clone(),
            Signed::Cwt(sign1) => sign1.kid().map(|kid| match std::str::from_utf8(kid) {
                Ok(text) => text.to_owned(),
                Err(_) => kid.iter().map(|b| format!("{b:02x}")).collect(),
            }),
        }
    }

    /// The signer's certificate chain (DER, leaf first), empty if none is carried.
    pub fn x5chain(&self) -> Result<Vec<Vec<u8>>> {
        match &self.signed {
            Signed::Jwt { header, .. } => header
                .x5c
                .iter()
                .flatten()
                .map(|c| crate::encoding::b64_decode(c))
                .collect(),
            Signed::Cwt(sign1) => Ok(sign1.x5chain()?.into_iter().map(<[u8]>::to_vec).collect()),
        }
    }

    /// The signature algorithm the token names.
    pub fn algorithm(&self) -> Result<Algorithm> {
        match &self.signed {
            Signed::Jwt { header, .. } => Algorithm::from_jose(
                header
                    .alg
                    .as_deref()
                    .ok_or_else(|| Error::JoseMalformed("header lacks alg".into()))?,
            ),
            Signed::Cwt(sign1) => sign1.algorithm(),
        }
    }

    /// Verifies the signature with `key`, accepting only `algorithms`.
    pub fn verify_signature(&self, key: &PublicKey, algorithms: &[Algorithm]) -> Result<()> {
        let alg = self.algorithm()?;
        if !algorithms.contains(&alg) {
            return Err(Error::UnsupportedAlgorithm(format!(
                "{alg:?} is not allowed here"
            )));
        }
        match &self.signed {
            Signed::Jwt { compact, .. } => {
                let options = jws::VerifyOptions {
                    algorithms: algorithms.to_vec(),
                    ..jws::VerifyOptions::default()
                };
                jws::verify_compact(compact, key, &options).map(|_| ())
            }
            Signed::Cwt(sign1) => sign1.verify(key, b""),
        }
    }
}

fn malformed(msg: impl Into<String>) -> Error {
    Error::StatusMalformed(msg.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::crypto::SoftwareKey;

    fn token() -> StatusListToken {
        let mut list = StatusList::new(Bits::Two, 8).unwrap();
        list.set(1, 1).unwrap();
        list.set(2, 2).unwrap();
        StatusListToken {
            exp: Some(2_000),
            ttl: Some(100),
            iss: Some("https://example.com".into()),
            ..StatusListToken::new("https://example.com/statuslists/1", 1_000, list)
        }
    }

    #[test]
    fn jwt_and_cwt_round_trip() {
        let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let jwt = token().sign_jwt(&key).unwrap();
        let cwt = token().sign_cwt(&key, None).unwrap();
        for bytes in [jwt.as_bytes(), &cwt] {
            let parsed = UnverifiedStatusList::parse(bytes).unwrap();
            parsed
                .verify_signature(key.public_key(), &Algorithm::ALL)
                .unwrap();
            assert_eq!(parsed.into_token(), token());
        }
    }

    #[test]
    fn checks_have_their_own_codes() {
        let t = token();
        let at = |s| FixedClock::at_unix(s);
        assert!(t.check(Some(&t.sub), 0, &at(1_500)).is_ok());
        let code = |r: Result<()>| r.unwrap_err().code();
        assert_eq!(
            code(t.check(Some("https://other"), 0, &at(1_500))),
            "status.sub_mismatch"
        );
        assert_eq!(code(t.check(None, 0, &at(2_001))), "status.list_expired");
        assert_eq!(code(t.check(None, 0, &at(900))), "jwt.issued_in_future");
    }

    #[test]
    fn wrong_typ_and_bad_signature() {
        let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
        let as_jwt = jwt::sign(&token().to_jwt_claims(), &Header::default().with_typ("JWT"), &key).unwrap();
        assert_eq!(
            UnverifiedStatusList::parse(as_jwt.as_bytes()).unwrap_err().code(),
            "status.wrong_typ"
        );
        let untyped = crate::cose::cwt::sign(&token().to_cwt_claims(), &key, &Default::default()).unwrap();
        assert_eq!(
            UnverifiedStatusList::parse(&untyped).unwrap_err().code(),
            "status.wrong_typ"
        );
        let jwt = token().sign_jwt(&key).unwrap();
        let parsed = UnverifiedStatusList::parse(jwt.as_bytes()).unwrap();
        assert_eq!(
            parsed
                .verify_signature(other.public_key(), &Algorithm::ALL)
                .unwrap_err()
                .code(),
            "crypto.bad_signature"
        );
        assert_eq!(
            parsed
                .verify_signature(key.public_key(), &[Algorithm::EdDsa])
                .unwrap_err()
                .code(),
            "crypto.unsupported_algorithm"
        );
    }

    #[test]
    fn bad_claims_are_typed() {
        let mut claims = token().to_jwt_claims();
        claims["status_list"]["bits"] = 3.into();
        assert_eq!(
            StatusListToken::from_jwt_claims(&claims).unwrap_err().code(),
            "status.bad_bits"
        );
        let mut claims = token().to_jwt_claims();
        claims.remove("sub");
        assert_eq!(
            StatusListToken::from_jwt_claims(&claims).unwrap_err().code(),
            "status.malformed"
        );
        let mut claims = token().to_jwt_claims();
        claims["ttl"] = 0.into();
        assert_eq!(
            StatusListToken::from_jwt_claims(&claims).unwrap_err().code(),
            "status.malformed"
        );
    }
}
