//! JWT-secured authorization requests (JAR, RFC 9101): the `request` parameter, signed with a key
//! of the client's registered JWKS. Its claims replace the query parameters (§5); the outer
//! `client_id` must match. Found invalid, it cannot vouch for its `redirect_uri`, so the error is
//! shown, never redirected.

use inkan_core::clock::SystemClock;
use inkan_core::crypto::Algorithm;
use inkan_core::jose::jws::VerifyOptions;
use inkan_core::jose::jwt::{self, JwtValidation};
use serde_json::Value;

use super::clients::Client;
use super::{OAuthError, Oidc, Params};

/// Largest request object accepted.
const MAX_REQUEST: usize = 16 * 1024;
/// Claims of the JWT itself, not authorization parameters.
const ENVELOPE: [&str; 6] = ["iss", "aud", "exp", "iat", "nbf", "jti"];

fn bad(d: impl Into<String>) -> OAuthError {
    OAuthError::bad("invalid_request_object", d)
}

/// `p` itself, or — when it carries `request` — the parameters of the verified request object.
pub(crate) fn unpack(o: &Oidc, client: &Client, p: &Params) -> Result<Params, OAuthError> {
    let Some(token) = p.get("request") else {
        return Ok(p.clone());
    };
    if token.len() > MAX_REQUEST {
        return Err(bad("the request object is too large"));
    }
    let keys = client.public_keys().map_err(OAuthError::server)?;
    let mut rules = JwtValidation::default()
        .with_issuer(client.client_id.clone())
        .with_audience(o.issuer.clone());
    rules.jws = VerifyOptions {
        algorithms: vec![
            Algorithm::Es256,
            Algorithm::Es384,
            Algorithm::EdDsa,
            Algorithm::Ps256,
            Algorithm::Rs256,
        ],
        max_len: MAX_REQUEST,
        ..VerifyOptions::default()
    };
    rules.time.require_exp = true;
    let v = jwt::verify_with(token, &rules, &SystemClock, |h, _| {
        if let Some(typ) = &h.typ
            && !typ.eq_ignore_ascii_case("oauth-authz-req+jwt")
            && !typ.eq_ignore_ascii_case("jwt")
        {
            return Err(inkan_core::Error::JoseMalformed(format!(
                "typ {typ} is not a request object"
            )));
        }
        let found = match &h.kid {
            Some(kid) => keys.iter().find(|(k, _)| k.as_deref() == Some(kid)),
            None if keys.len() == 1 => keys.first(),
            None => None,
        };
        found
            .map(|(_, k)| k)
            .ok_or_else(|| inkan_core::Error::InvalidKey("unknown signing key".into()))
    })
    .map_err(|e| bad(format!("request object: {} ({e})", e.code())))?;
    if v.claims.get("client_id").and_then(Value::as_str) != Some(client.client_id.as_str()) {
        return Err(bad("the request object's client_id must be the client's"));
    }
    let mut pairs = Vec::new();
    for (k, val) in &v.claims {
        if ENVELOPE.contains(&k.as_str()) || k == "request" || k == "request_uri" {
            continue;
        }
        let text = match val {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Object(_) => val.to_string(),
            _ => return Err(bad(format!("request object member {k} has an unsupported type"))),
        };
        pairs.push((k.clone(), text));
    }
    Ok(Params::from_pairs(pairs))
}
