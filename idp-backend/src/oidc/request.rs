//! The authorization request (OIDC Core §3.1.2.1, RFC 7636, RFC 9126): parsed and checked
//! against the client's registration, with no I/O.
//!
//! Errors found before the redirect URI is known to be the client's are shown to the person
//! ([`RequestError::NoRedirect`]); later ones go back to the client ([`RequestError::Redirect`]),
//! as §3.1.2.6 requires.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::clients::Client;
use super::{Acr, OAuthError, Params};
use crate::ekyc::EkycClaim;

/// One claim the client asks for, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedClaim {
    /// The claim.
    pub claim: EkycClaim,
    /// Marked `essential` in the `claims` parameter (the person cannot untick it).
    pub essential: bool,
    /// Asked for in the ID token (else only in userinfo).
    pub id_token: bool,
}

/// `prompt` (OIDC Core §3.1.2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// `none`: no page may be shown.
    pub none: bool,
    /// `login`: authenticate again even with a session.
    pub login: bool,
    /// `consent`: ask again even if consent is remembered.
    pub consent: bool,
}

/// A checked authorization request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequest {
    /// The client.
    pub client_id: String,
    /// One of its registered redirect URIs, exactly.
    pub redirect_uri: String,
    /// Requested scopes (all allowed for the client; `openid` among them).
    pub scopes: Vec<String>,
    /// Opaque client state, returned as is.
    pub state: Option<String>,
    /// Echoed in the ID token.
    pub nonce: String,
    /// PKCE S256 challenge.
    pub code_challenge: String,
    /// `prompt`.
    pub prompt: Prompt,
    /// `max_age` in seconds.
    pub max_age: Option<i64>,
    /// The UI language chosen from `ui_locales` (`en` or `ar`).
    pub locale: String,
    /// Acceptable factors, best first (from `acr_values`; every known one when absent).
    pub acr: Vec<Acr>,
    /// Claims requested (from the scopes and the `claims` parameter) that the client may have.
    pub claims: Vec<RequestedClaim>,
}

/// Why a request was refused, and whether the client's redirect URI may hear about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// Unknown client or bad redirect URI: show the error, never redirect.
    NoRedirect(OAuthError),
    /// Send the error to the client's redirect URI.
    Redirect {
        /// The (checked) redirect URI.
        redirect_uri: String,
        /// The client's `state`.
        state: Option<String>,
        /// The error.
        error: OAuthError,
    },
}

const MAX_STATE: usize = 2048;

/// Scope → claims (OIDC Core §5.4).
fn scope_claims(scope: &str) -> &'static [EkycClaim] {
    use EkycClaim::*;
    match scope {
        "profile" => &[Name, GivenName, MiddleName, FamilyName, Birthdate, Gender, Locale],
        "email" => &[Email],
        "phone" => &[PhoneNumber],
        "address" => &[Address],
        _ => &[],
    }
}

/// Parses and checks `p` for `client` (already looked up by `client_id`).
///
/// ```
/// use inkan_idp::oidc::{Params, clients::Client, request::parse};
/// let client: Client = serde_json::from_value(serde_json::json!({
///     "client_id": "rp", "redirect_uris": ["https://rp.example/cb"], "scopes": ["openid", "profile"],
///     "claims": ["name"], "jwks": {"keys": []}})).unwrap();
/// let q = "client_id=rp&response_type=code&scope=openid%20profile&redirect_uri=https%3A%2F%2Frp.example%2Fcb\
///          &nonce=n&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
/// let r = parse(&Params::parse(q.as_bytes()).unwrap(), &client).unwrap();
/// assert_eq!(r.claims.len(), 1); // only `name` of the profile claims is allowed
/// ```
pub fn parse(p: &Params, client: &Client) -> Result<AuthRequest, RequestError> {
    let no_redirect = |d: &str| RequestError::NoRedirect(OAuthError::bad("invalid_request", d));
    let redirect_uri = p
        .get("redirect_uri")
        .ok_or_else(|| no_redirect("redirect_uri is required"))?;
    if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return Err(no_redirect("redirect_uri is not registered for this client"));
    }
    let state = p.get("state").map(str::to_string);
    let fail = |error: OAuthError| RequestError::Redirect {
        redirect_uri: redirect_uri.to_string(),
        state: state.clone(),
        error,
    };
    checked(p, client, redirect_uri, state.clone()).map_err(fail)
}

fn invalid(d: impl Into<String>) -> OAuthError {
    OAuthError::bad("invalid_request", d)
}

fn checked(
    p: &Params,
    client: &Client,
    redirect_uri: &str,
    state: Option<String>,
) -> Result<AuthRequest, OAuthError> {
    if state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
        return Err(invalid("state is too long"));
    }
    if p.get("request").is_some() {
        return Err(OAuthError::bad(
            "request_not_supported",
            "request objects are not supported",
        ));
    }
    match p.get("response_type") {
        Some("code") => {}
        Some(_) => {
            return Err(OAuthError::bad(
                "unsupported_response_type",
                "only response_type=code is supported",
            ));
        }
        None => return Err(invalid("response_type is required")),
    }
    if p.get("response_mode").is_some_and(|m| m != "query") {
        return Err(invalid("only response_mode=query is supported"));
    }
    let scopes = scopes(p, client)?;
    let nonce = p.require("nonce")?;
    if nonce.len() > MAX_STATE {
        return Err(invalid("nonce is too long"));
    }
    let code_challenge = pkce_challenge(p)?;
    let prompt = prompt(p.get("prompt"))?;
    let max_age = match p.get("max_age") {
        None => None,
        Some(v) => Some(
            v.parse::<u32>()
                .map_err(|_| invalid("max_age must be a non-negative integer"))?
                .into(),
        ),
    };
    let acr = acr_values(p.get("acr_values"), client)?;
    let claims = claims(&scopes, p.get("claims"), client)?;
    Ok(AuthRequest {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_string(),
        scopes,
        state,
        nonce: nonce.to_string(),
        code_challenge,
        prompt,
        max_age,
        locale: locale(p.get("ui_locales")),
        acr,
        claims,
    })
}

fn scopes(p: &Params, client: &Client) -> Result<Vec<String>, OAuthError> {
    let scope = p.require("scope")?;
    let scopes: Vec<String> = scope
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if !scopes.iter().any(|s| s == "openid") {
        return Err(OAuthError::bad("invalid_scope", "scope must include openid"));
    }
    if let Some(s) = scopes.iter().find(|s| !client.scopes.contains(s)) {
        return Err(OAuthError::bad(
            "invalid_scope",
            format!("scope {s:?} is not allowed for this client"),
        ));
    }
    Ok(scopes)
}

/// RFC 7636: S256 only; a missing method means `plain`, which is refused.
fn pkce_challenge(p: &Params) -> Result<String, OAuthError> {
    let challenge = p
        .get("code_challenge")
        .ok_or_else(|| invalid("code_challenge is required (PKCE S256)"))?;
    if p.get("code_challenge_method") != Some("S256") {
        return Err(invalid("code_challenge_method must be S256"));
    }
    let b64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if challenge.len() != 43 || !challenge.chars().all(b64url) {
        return Err(invalid(
            "code_challenge must be a base64url SHA-256 (43 characters)",
        ));
    }
    Ok(challenge.to_string())
}

fn prompt(v: Option<&str>) -> Result<Prompt, OAuthError> {
    let mut out = Prompt::default();
    for word in v.unwrap_or("").split(' ').filter(|w| !w.is_empty()) {
        match word {
            "none" => out.none = true,
            "login" => out.login = true,
            "consent" => out.consent = true,
            "select_account" => {}
            other => return Err(invalid(format!("unknown prompt value {other:?}"))),
        }
    }
    if out.none && (out.login || out.consent) {
        return Err(invalid("prompt=none cannot be combined with other values"));
    }
    Ok(out)
}

fn acr_values(v: Option<&str>, client: &Client) -> Result<Vec<Acr>, OAuthError> {
    let Some(v) = v else {
        return Ok(Acr::ALL
            .into_iter()
            .filter(|a| client.allows_acr(a.as_str()))
            .collect());
    };
    let mut out = Vec::new();
    for word in v.split(' ').filter(|w| !w.is_empty()) {
        let acr = Acr::parse(word).ok_or_else(|| invalid(format!("unknown acr value {word:?}")))?;
        if !client.allows_acr(word) {
            return Err(OAuthError::bad(
                "unauthorized_client",
                format!("acr {word:?} is not allowed for this client"),
            ));
        }
        if !out.contains(&acr) {
            out.push(acr);
        }
    }
    if out.is_empty() {
        return Err(invalid("acr_values is empty"));
    }
    Ok(out)
}

fn locale(v: Option<&str>) -> String {
    v.unwrap_or("")
        .split(' ')
        .filter_map(|tag| tag.split('-').next())
        .find(|l| ["en", "ar"].contains(l))
        .unwrap_or("en")
        .to_string()
}

/// The requested claims: from the scopes, plus the `claims` parameter (OIDC Core §5.5), kept
/// to those the client may receive. Unknown claim names are ignored, as §5.5 says.
fn claims(
    scopes: &[String],
    param: Option<&str>,
    client: &Client,
) -> Result<Vec<RequestedClaim>, OAuthError> {
    let mut out: Vec<RequestedClaim> = Vec::new();
    let mut add = |claim: EkycClaim, essential: bool, id_token: bool| {
        if !client.claims.contains(&claim) {
            return;
        }
        match out.iter_mut().find(|r| r.claim == claim) {
            Some(r) => {
                r.essential |= essential;
                r.id_token |= id_token;
            }
            None => out.push(RequestedClaim {
                claim,
                essential,
                id_token,
            }),
        }
    };
    for s in scopes {
        for c in scope_claims(s) {
            add(*c, false, false);
        }
    }
    if let Some(text) = param {
        let v: Value = serde_json::from_str(text).map_err(|_| invalid("claims must be a JSON object"))?;
        let obj = v
            .as_object()
            .ok_or_else(|| invalid("claims must be a JSON object"))?;
        for (target, id_token) in [("userinfo", false), ("id_token", true)] {
            let Some(members) = obj.get(target) else { continue };
            let members = members
                .as_object()
                .ok_or_else(|| invalid(format!("claims.{target} must be an object")))?;
            for (name, spec) in members {
                let essential = match spec {
                    Value::Null => false,
                    Value::Object(o) => o.get("essential").and_then(Value::as_bool).unwrap_or(false),
                    _ => {
                        return Err(invalid(format!(
                            "claims.{target}.{name} must be null or an object"
                        )));
                    }
                };
                if let Ok(claim) = serde_json::from_value::<EkycClaim>(Value::String(name.clone())) {
                    add(claim, essential, id_token);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        serde_json::from_value(serde_json::json!({
            "client_id": "rp", "redirect_uris": ["https://rp.example/cb"],
            "scopes": ["openid", "profile", "email"], "claims": ["name", "email", "birthdate"],
            "acr_values": ["mosip:idp:acr:generated-code"], "jwks": {"keys": []}}))
        .unwrap()
    }

    const BASE: &str = "client_id=rp&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Frp.example%2Fcb\
        &nonce=n&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";

    fn run(extra: &str) -> Result<AuthRequest, RequestError> {
        parse(
            &Params::parse(format!("{BASE}{extra}").as_bytes()).unwrap(),
            &client(),
        )
    }

    fn redirect_error(r: Result<AuthRequest, RequestError>) -> &'static str {
        match r {
            Err(RequestError::Redirect { error, state, .. }) => {
                assert_eq!(state.as_deref(), Some("s"));
                error.error()
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_request_parses() {
        let r = run("&ui_locales=ar-EG%20en&max_age=60").unwrap();
        assert_eq!((r.locale.as_str(), r.max_age), ("ar", Some(60)));
        assert_eq!(r.acr, vec![Acr::GeneratedCode]);
    }

    #[test]
    fn redirect_uri_must_match_exactly_and_is_never_redirected_to() {
        for bad in [
            "https://rp.example/cb/",
            "https://rp.example/cb?x=1",
            "https://evil.example/cb",
        ] {
            let q = BASE.replace(
                "https%3A%2F%2Frp.example%2Fcb",
                &form_urlencoded::byte_serialize(bad.as_bytes()).collect::<String>(),
            );
            let r = parse(&Params::parse(q.as_bytes()).unwrap(), &client());
            assert!(matches!(r, Err(RequestError::NoRedirect(_))), "{bad}");
        }
        let q = BASE.replace("&redirect_uri=https%3A%2F%2Frp.example%2Fcb", "");
        assert!(matches!(
            parse(&Params::parse(q.as_bytes()).unwrap(), &client()),
            Err(RequestError::NoRedirect(_))
        ));
    }

    #[test]
    fn pkce_is_s256_only() {
        let no_method = BASE.replace("&code_challenge_method=S256", "");
        let r = parse(&Params::parse(no_method.as_bytes()).unwrap(), &client());
        assert_eq!(redirect_error(r), "invalid_request");
        let plain = BASE.replace("S256", "plain");
        assert_eq!(
            redirect_error(parse(&Params::parse(plain.as_bytes()).unwrap(), &client())),
            "invalid_request"
        );
        let none = BASE.replace("&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "");
        assert_eq!(
            redirect_error(parse(&Params::parse(none.as_bytes()).unwrap(), &client())),
            "invalid_request"
        );
    }

    #[test]
    fn refusals_carry_the_spec_error() {
        assert_eq!(redirect_error(run("&acr_values=urn:x")), "invalid_request");
        assert_eq!(
            redirect_error(run("&acr_values=mosip:idp:acr:knowledge")),
            "unauthorized_client"
        );
        assert_eq!(redirect_error(run("&prompt=none%20login")), "invalid_request");
        assert_eq!(redirect_error(run("&request=eyJ")), "request_not_supported");
        let bad_scope = BASE.replace("scope=openid", "scope=openid%20phone");
        assert_eq!(
            redirect_error(parse(&Params::parse(bad_scope.as_bytes()).unwrap(), &client())),
            "invalid_scope"
        );
        let no_nonce = BASE.replace("&nonce=n", "");
        assert_eq!(
            redirect_error(parse(&Params::parse(no_nonce.as_bytes()).unwrap(), &client())),
            "invalid_request"
        );
    }

    #[test]
    fn claims_from_scopes_and_the_claims_parameter() {
        let claims = r#"{"userinfo":{"email":{"essential":true},"verified_claims":null},"id_token":{"birthdate":null,"gender":null}}"#;
        let q = format!(
            "&scope=openid%20profile&claims={}",
            form_urlencoded::byte_serialize(claims.as_bytes()).collect::<String>()
        );
        let r = run(&q.replace("&scope=openid%20profile", "")).unwrap();
        let email = r.claims.iter().find(|c| c.claim == EkycClaim::Email).unwrap();
        assert!(email.essential && !email.id_token);
        let birth = r.claims.iter().find(|c| c.claim == EkycClaim::Birthdate).unwrap();
        assert!(birth.id_token && !birth.essential);
        assert!(
            !r.claims.iter().any(|c| c.claim == EkycClaim::Gender),
            "not allowed for the client"
        );
    }
}
