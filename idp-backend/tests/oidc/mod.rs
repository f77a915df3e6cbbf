//! OIDC provider scenarios, run on SQLite (tests/oidc_sqlite.rs) and PostgreSQL
//! (tests/oidc_postgres.rs): a relying party written with inkan-core's JOSE (the independent one,
//! authlib, is tests/oidc_authlib.rs).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use inkan_core::crypto::{Algorithm, SoftwareKey, Signer};
use inkan_core::encoding::b64url_encode;
use inkan_core::jose::{Header, jwt};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::common::Server;

pub const REDIRECT: &str = "http://127.0.0.1:9/cb";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mJ92K6P1-Av8v8xK7dY5rS1W2d0Q3E";

/// A relying party: its key and id.
pub struct Rp {
    pub id: String,
    pub key: SoftwareKey,
}

pub fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn challenge(verifier: &str) -> String {
    b64url_encode(Sha256::digest(verifier.as_bytes()))
}

/// Registers a client with `extra` metadata on top of a default registration.
pub async fn register(s: &Server, id: &str, extra: Value) -> Rp {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid(format!("{id}-k1"));
    let mut meta = json!({
        "client_id": id, "client_name": format!("Relying party {id}"),
        "redirect_uris": [REDIRECT],
        "jwks": {"keys": [key.public_jwk()]},
        "scopes": ["openid", "profile", "email"],
        "claims": ["name", "birthdate", "email", "gender"],
    });
    for (k, v) in extra.as_object().unwrap() {
        meta[k] = v.clone();
    }
    let r = s
        .req(Method::POST, "/v1/oidc/clients", &s.admin)
        .json(&meta)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    Rp { id: id.into(), key }
}

impl Rp {
    /// A client assertion; `edit` changes claims before signing.
    pub fn assertion_with(&self, aud: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut c = json!({
            "iss": self.id, "sub": self.id, "aud": aud, "iat": now, "exp": now + 60,
            "jti": b64url_encode(rand_bytes()),
        })
        .as_object()
        .unwrap()
        .clone();
        edit(&mut c);
        jwt::sign(&c, &Header::for_signer(&self.key).with_typ("JWT"), &self.key).unwrap()
    }

    pub fn assertion(&self, aud: &str) -> String {
        self.assertion_with(aud, |_| {})
    }
}

fn rand_bytes() -> [u8; 16] {
    use rand_core::RngCore;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    b
}

/// The authorization request parameters of `rp`, PKCE S256 over [`VERIFIER`].
pub fn auth_params(rp: &Rp) -> Vec<(String, String)> {
    [
        ("client_id", rp.id.as_str()),
        ("response_type", "code"),
        ("scope", "openid profile"),
        ("redirect_uri", REDIRECT),
        ("state", "st-1"),
        ("nonce", "n-1"),
        ("code_challenge", &challenge(VERIFIER)),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `application/x-www-form-urlencoded` text of `params`.
pub fn encode(params: &[(String, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        q.append_pair(k, v);
    }
    q.finish()
}

/// POSTs `params` as a form.
pub fn post_form(c: &Client, url: &str, params: &[(String, String)]) -> reqwest::RequestBuilder {
    c.post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(params))
}

pub fn set(params: &mut Vec<(String, String)>, k: &str, v: Option<&str>) {
    params.retain(|(x, _)| x != k);
    if let Some(v) = v {
        params.push((k.into(), v.into()));
    }
}

pub async fn par(s: &Server, rp: &Rp, params: &[(String, String)], assertion: &str) -> reqwest::Response {
    let mut form = params.to_vec();
    form.push(("client_assertion_type".into(), "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into()));
    form.push(("client_assertion".into(), assertion.into()));
    let _ = rp;
    post_form(&s.client, &format!("{}/par", s.base), &form)
        .send()
        .await
        .unwrap()
}

pub async fn error_of(r: reqwest::Response) -> (StatusCode, String) {
    let st = r.status();
    let body: Value = r.json().await.unwrap();
    (st, body["error"].as_str().unwrap_or("").to_string())
}

/// `GET /authorize?…` without following redirects: the Location's query, or the status.
pub async fn authorize(s: &Server, query: &[(String, String)], cookie: Option<&str>) -> reqwest::Response {
    let mut r = no_redirects().get(format!("{}/authorize?{}", s.base, encode(query)));
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    r.send().await.unwrap()
}

pub fn location_query(r: &reqwest::Response) -> Vec<(String, String)> {
    let loc = r.headers()["location"].to_str().unwrap();
    let q = loc.split_once('?').map(|x| x.1).unwrap_or("");
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

pub fn get<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
}

/// Discovery, JWKS and key rotation: the next key is published before it signs; the retired
/// one stays published.
pub async fn discovery_and_keys(s: &Server) {
    let meta: Value = s.client.get(format!("{}/.well-known/openid-configuration", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(meta["issuer"], s.base);
    assert_eq!(meta["token_endpoint_auth_methods_supported"], json!(["private_key_jwt"]));
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(meta["id_token_signing_alg_values_supported"], json!(["ES256"]));
    let oauth: Value = s.client.get(format!("{}/.well-known/oauth-authorization-server", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(oauth, meta);
    let jwks = |s: &Server| {
        let url = format!("{}/.well-known/jwks.json", s.base);
        let c = s.client.clone();
        async move { c.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let before = jwks(s).await;
    let keys = before["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "active + next: {before}");
    for k in keys {
        assert!(k.get("d").is_none(), "no private member published");
        assert_eq!(k["kty"], "EC");
    }
    // The sealed private keys are not in the clear in the database.
    let store = inkan_idp::store::Store::open(&s.url, 1, "normal").await.unwrap();
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT state, sealed FROM oidc_keys").fetch_all(store.pool()).await.unwrap();
    assert_eq!(rows.len(), 2);
    for (_, sealed) in &rows {
        assert!(!String::from_utf8_lossy(sealed).contains("\"d\""));
    }
    store.close().await;

    let oidc = s.running.as_ref().unwrap().oidc().unwrap();
    let old_kid = oidc.keys.signer().key_id().unwrap().to_string();
    let next_kid: Vec<String> = keys.iter().map(|k| k["kid"].as_str().unwrap().to_string()).filter(|k| *k != old_kid).collect();
    let new_kid = oidc.keys.rotate().await.unwrap();
    assert_eq!(vec![new_kid.clone()], next_kid, "the published next key is the one activated");
    assert_eq!(oidc.keys.signer().key_id(), Some(new_kid.as_str()));
    let after = jwks(s).await;
    let kids: Vec<&str> = after["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(kids.len(), 3, "retired + active + new next: {after}");
    assert!(kids.contains(&old_kid.as_str()), "the retired key stays published");
    assert!(kids.contains(&new_kid.as_str()));
}

/// Client registration: administrator only, metadata checked.
pub async fn client_registration(s: &Server) {
    let rp = register(s, "rp-reg", json!({})).await;
    let r = s.req(Method::GET, "/v1/oidc/clients/rp-reg", &s.admin).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["redirect_uris"], json!([REDIRECT]));
    let officer = s.operator("supervisor").await;
    let r = s.req(Method::GET, "/v1/oidc/clients/rp-reg", &officer).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let base = json!({"client_id": "x", "redirect_uris": [REDIRECT], "scopes": ["openid"],
        "jwks": {"keys": [rp.key.public_jwk()]}});
    let cases = [
        json!({"redirect_uris": ["http://rp.example/cb"]}),
        json!({"redirect_uris": ["https://rp.example/cb#frag"]}),
        json!({"redirect_uris": []}),
        json!({"scopes": ["profile"]}),
        json!({"scopes": ["openid", "admin"]}),
        json!({"acr_values": ["urn:unknown"]}),
        json!({"jwks": {"keys": [rp.key.to_jwk().unwrap()]}}),
        json!({"jwks": null, "jwks_uri": "https://rp.example/jwks"}),
        json!({"client_id": "bad id"}),
    ];
    for c in cases {
        let mut meta = base.clone();
        for (k, v) in c.as_object().unwrap() {
            meta[k] = v.clone();
        }
        let r = s.req(Method::POST, "/v1/oidc/clients", &s.admin).json(&meta).send().await.unwrap();
        assert_eq!(r.status(), 400, "{c}");
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "idp.oidc_bad_client", "{c}");
    }
    let r = s.req(Method::POST, "/v1/oidc/clients", &officer).json(&base).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let dup = json!({"client_id": "rp-reg", "redirect_uris": [REDIRECT], "scopes": ["openid"], "jwks": {"keys": [rp.key.public_jwk()]}});
    let r = s.req(Method::POST, "/v1/oidc/clients", &s.admin).json(&dup).send().await.unwrap();
    assert_eq!(r.status(), 409);
}

/// PAR, and every client-authentication refusal (tested at /par, which authenticates the same
/// way as /token).
pub async fn par_and_client_auth(s: &Server) {
    let rp = register(s, "rp-par", json!({"par_required": true})).await;
    let par_url = format!("{}/par", s.base);
    let params = auth_params(&rp);
    let r = par(s, &rp, &params, &rp.assertion(&s.base)).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["expires_in"], 60);
    let request_uri = body["request_uri"].as_str().unwrap().to_string();
    assert!(request_uri.starts_with("urn:ietf:params:oauth:request_uri:"));
    // aud = the PAR endpoint is accepted too.
    let r = par(s, &rp, &params, &rp.assertion(&par_url)).await;
    assert_eq!(r.status(), 201);

    // Client authentication failures: invalid_client, 401.
    let replayed = rp.assertion(&s.base);
    assert_eq!(par(s, &rp, &params, &replayed).await.status(), 201);
    let other = SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid("rp-par-k1");
    let stranger = Rp { id: rp.id.clone(), key: other };
    let unknown_kid = Rp { id: rp.id.clone(), key: SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid("nope") };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let alg_none = {
        let h = b64url_encode(br#"{"alg":"none","typ":"JWT"}"#);
        let c = b64url_encode(json!({"iss": rp.id, "sub": rp.id, "aud": s.base, "exp": now + 60, "jti": "none-1"}).to_string());
        format!("{h}.{c}.")
    };
    let bad = [
        ("replayed jti", replayed),
        ("expired", rp.assertion_with(&s.base, |c| {
            c.insert("exp".into(), json!(now - 120));
            c.insert("iat".into(), json!(now - 180));
        })),
        ("exp too far", rp.assertion_with(&s.base, |c| {
            c.insert("exp".into(), json!(now + 3600));
        })),
        ("wrong aud", rp.assertion(&format!("{}/elsewhere", s.base))),
        ("no jti", rp.assertion_with(&s.base, |c| {
            c.remove("jti");
        })),
        ("sub differs", rp.assertion_with(&s.base, |c| {
            c.insert("sub".into(), json!("someone"));
        })),
        ("wrong key, registered kid", stranger.assertion(&s.base)),
        ("unknown kid", unknown_kid.assertion(&s.base)),
        ("alg none", alg_none),
        ("unknown client", Rp { id: "ghost".into(), key: SoftwareKey::generate(Algorithm::Es256).unwrap() }.assertion(&s.base)),
    ];
    for (what, a) in bad {
        let (st, err) = error_of(par(s, &rp, &params, &a).await).await;
        assert_eq!((st.as_u16(), err.as_str()), (401, "invalid_client"), "{what}");
    }
    // No client authentication at all.
    let r = post_form(&s.client, &par_url, &params).send().await.unwrap();
    assert_eq!(error_of(r).await, (StatusCode::UNAUTHORIZED, "invalid_client".into()));
    // A bad request through PAR is a JSON error.
    let mut plain = params.clone();
    set(&mut plain, "code_challenge_method", Some("plain"));
    assert_eq!(error_of(par(s, &rp, &plain, &rp.assertion(&s.base)).await).await.1, "invalid_request");
    // Repeated parameters are refused.
    let mut twice = params.clone();
    twice.push(("scope".into(), "openid".into()));
    assert_eq!(error_of(par(s, &rp, &twice, &rp.assertion(&s.base)).await).await.1, "invalid_request");

    // /authorize with the request_uri: a login page; the handle is single use.
    let q = vec![("client_id".to_string(), rp.id.clone()), ("request_uri".to_string(), request_uri.clone())];
    let r = authorize(s, &q, None).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/oidc/login?tx="));
    let r = authorize(s, &q, None).await;
    assert_eq!(r.status(), 400, "a used request_uri");
    // par_required: the plain query is refused (and not redirected).
    let r = authorize(s, &params, None).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("pushed authorization"), "{html}");
}

/// The authorization endpoint's refusals.
pub async fn authorize_errors(s: &Server) {
    let rp = register(s, "rp-az", json!({"acr_values": ["mosip:idp:acr:generated-code"]})).await;
    let good = auth_params(&rp);
    // Wrong or missing redirect_uri: an error page, never a redirect.
    for v in [Some("http://127.0.0.1:9/other"), None] {
        let mut q = good.clone();
        set(&mut q, "redirect_uri", v);
        let r = authorize(s, &q, None).await;
        assert_eq!(r.status(), 400, "{v:?}");
        assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    }
    let cases: [(&str, Option<&str>, &str); 8] = [
        ("code_challenge", None, "invalid_request"),
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge_method", None, "invalid_request"),
        ("nonce", None, "invalid_request"),
        ("acr_values", Some("urn:unknown:acr"), "invalid_request"),
        ("acr_values", Some("mosip:idp:acr:knowledge"), "unauthorized_client"),
        ("scope", Some("openid phone"), "invalid_scope"),
        ("response_type", Some("token"), "unsupported_response_type"),
    ];
    for (k, v, want) in cases {
        let mut q = good.clone();
        set(&mut q, k, v);
        let r = authorize(s, &q, None).await;
        assert_eq!(r.status(), 303, "{k}={v:?}");
        let lq = location_query(&r);
        assert_eq!(get(&lq, "error"), Some(want), "{k}={v:?}");
        assert_eq!(get(&lq, "state"), Some("st-1"));
        assert_eq!(get(&lq, "iss"), Some(s.base.as_str()));
    }
    // prompt=none without a session.
    let mut q = good.clone();
    set(&mut q, "prompt", Some("none"));
    let r = authorize(s, &q, None).await;
    assert_eq!(get(&location_query(&r), "error"), Some("login_required"));
    // A bogus session cookie is no session.
    let r = authorize(s, &q, Some("inkan_sid=forged")).await;
    assert_eq!(get(&location_query(&r), "error"), Some("login_required"));
    // A good request: the login page, with the transaction cookie.
    let r = authorize(s, &good, None).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("HttpOnly"));
    // Unknown client: an error page.
    let mut q = good.clone();
    set(&mut q, "client_id", Some("ghost"));
    assert_eq!(authorize(s, &q, None).await.status(), 400);
}
