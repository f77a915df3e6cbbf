//! OIDC provider scenarios, run on SQLite (tests/oidc_sqlite.rs) and PostgreSQL
//! (tests/oidc_postgres.rs): a relying party written with inkan-core's JOSE (the independent one,
//! authlib, is tests/oidc_authlib.rs).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use inkan_core::crypto::{Algorithm, Signer, SoftwareKey};
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
    let key = SoftwareKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid(format!("{id}-k1"));
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
    form.push((
        "client_assertion_type".into(),
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
    ));
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
    let meta: Value = s
        .client
        .get(format!("{}/.well-known/openid-configuration", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["issuer"], s.base);
    assert_eq!(
        meta["token_endpoint_auth_methods_supported"],
        json!(["private_key_jwt"])
    );
    assert_eq!(meta["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(meta["id_token_signing_alg_values_supported"], json!(["ES256"]));
    let oauth: Value = s
        .client
        .get(format!("{}/.well-known/oauth-authorization-server", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT state, sealed FROM oidc_keys")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for (_, sealed) in &rows {
        assert!(!String::from_utf8_lossy(sealed).contains("\"d\""));
    }
    store.close().await;

    let oidc = s.running.as_ref().unwrap().oidc().unwrap();
    let old_kid = oidc.keys.signer().key_id().unwrap().to_string();
    let next_kid: Vec<String> = keys
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .filter(|k| *k != old_kid)
        .collect();
    let new_kid = oidc.keys.rotate().await.unwrap();
    assert_eq!(
        vec![new_kid.clone()],
        next_kid,
        "the published next key is the one activated"
    );
    assert_eq!(oidc.keys.signer().key_id(), Some(new_kid.as_str()));
    let after = jwks(s).await;
    let kids: Vec<&str> = after["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 3, "retired + active + new next: {after}");
    assert!(
        kids.contains(&old_kid.as_str()),
        "the retired key stays published"
    );
    assert!(kids.contains(&new_kid.as_str()));
}

/// Client registration: administrator only, metadata checked.
pub async fn client_registration(s: &Server) {
    let rp = register(s, "rp-reg", json!({})).await;
    let r = s
        .req(Method::GET, "/v1/oidc/clients/rp-reg", &s.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.unwrap()["redirect_uris"],
        json!([REDIRECT])
    );
    let officer = s.operator("supervisor").await;
    let r = s
        .req(Method::GET, "/v1/oidc/clients/rp-reg", &officer)
        .send()
        .await
        .unwrap();
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
        let r = s
            .req(Method::POST, "/v1/oidc/clients", &s.admin)
            .json(&meta)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{c}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["code"],
            "idp.oidc_bad_client",
            "{c}"
        );
    }
    let r = s
        .req(Method::POST, "/v1/oidc/clients", &officer)
        .json(&base)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let dup = json!({"client_id": "rp-reg", "redirect_uris": [REDIRECT], "scopes": ["openid"], "jwks": {"keys": [rp.key.public_jwk()]}});
    let r = s
        .req(Method::POST, "/v1/oidc/clients", &s.admin)
        .json(&dup)
        .send()
        .await
        .unwrap();
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
    let other = SoftwareKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid("rp-par-k1");
    let stranger = Rp {
        id: rp.id.clone(),
        key: other,
    };
    let unknown_kid = Rp {
        id: rp.id.clone(),
        key: SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid("nope"),
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let alg_none = {
        let h = b64url_encode(br#"{"alg":"none","typ":"JWT"}"#);
        let c = b64url_encode(
            json!({"iss": rp.id, "sub": rp.id, "aud": s.base, "exp": now + 60, "jti": "none-1"}).to_string(),
        );
        format!("{h}.{c}.")
    };
    let bad = [
        ("replayed jti", replayed),
        (
            "expired",
            rp.assertion_with(&s.base, |c| {
                c.insert("exp".into(), json!(now - 120));
                c.insert("iat".into(), json!(now - 180));
            }),
        ),
        (
            "exp too far",
            rp.assertion_with(&s.base, |c| {
                c.insert("exp".into(), json!(now + 3600));
            }),
        ),
        ("wrong aud", rp.assertion(&format!("{}/elsewhere", s.base))),
        (
            "no jti",
            rp.assertion_with(&s.base, |c| {
                c.remove("jti");
            }),
        ),
        (
            "sub differs",
            rp.assertion_with(&s.base, |c| {
                c.insert("sub".into(), json!("someone"));
            }),
        ),
        ("wrong key, registered kid", stranger.assertion(&s.base)),
        ("unknown kid", unknown_kid.assertion(&s.base)),
        ("alg none", alg_none),
        (
            "unknown client",
            Rp {
                id: "ghost".into(),
                key: SoftwareKey::generate(Algorithm::Es256).unwrap(),
            }
            .assertion(&s.base),
        ),
    ];
    for (what, a) in bad {
        let (st, err) = error_of(par(s, &rp, &params, &a).await).await;
        assert_eq!((st.as_u16(), err.as_str()), (401, "invalid_client"), "{what}");
    }
    // No client authentication at all.
    let r = post_form(&s.client, &par_url, &params).send().await.unwrap();
    assert_eq!(
        error_of(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_client".into())
    );
    // A bad request through PAR is a JSON error.
    let mut plain = params.clone();
    set(&mut plain, "code_challenge_method", Some("plain"));
    assert_eq!(
        error_of(par(s, &rp, &plain, &rp.assertion(&s.base)).await)
            .await
            .1,
        "invalid_request"
    );
    // Repeated parameters are refused.
    let mut twice = params.clone();
    twice.push(("scope".into(), "openid".into()));
    assert_eq!(
        error_of(par(s, &rp, &twice, &rp.assertion(&s.base)).await)
            .await
            .1,
        "invalid_request"
    );

    // /authorize with the request_uri: a login page; the handle is single use.
    let q = vec![
        ("client_id".to_string(), rp.id.clone()),
        ("request_uri".to_string(), request_uri.clone()),
    ];
    let r = authorize(s, &q, None).await;
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/oidc/login?tx=")
    );
    let r = authorize(s, &q, None).await;
    assert_eq!(r.status(), 400, "a used request_uri");
    // A fresh handle used by 8 requests at once: one login page, 7 refusals.
    let r = par(s, &rp, &params, &rp.assertion(&s.base)).await;
    let fresh = r.json::<Value>().await.unwrap()["request_uri"]
        .as_str()
        .unwrap()
        .to_string();
    let q = vec![
        ("client_id".to_string(), rp.id.clone()),
        ("request_uri".to_string(), fresh),
    ];
    let racers = (0..8).map(|_| authorize(s, &q, None));
    let statuses: Vec<u16> = futures_util::future::join_all(racers)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|st| **st == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|st| **st == 400).count(),
        7,
        "{statuses:?}"
    );
    // par_required: the plain query is refused (and not redirected).
    let r = authorize(s, &params, None).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("pushed authorization"), "{html}");
}

/// The authorization endpoint's refusals.
pub async fn authorize_errors(s: &Server) {
    let rp = register(
        s,
        "rp-az",
        json!({"acr_values": ["mosip:idp:acr:generated-code"]}),
    )
    .await;
    let good = auth_params(&rp);
    // Wrong or missing redirect_uri: an error page, never a redirect.
    for v in [Some("http://127.0.0.1:9/other"), None] {
        let mut q = good.clone();
        set(&mut q, "redirect_uri", v);
        let r = authorize(s, &q, None).await;
        assert_eq!(r.status(), 400, "{v:?}");
        assert!(
            r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
    }
    let cases: [(&str, Option<&str>, &str); 8] = [
        ("code_challenge", None, "invalid_request"),
        ("code_challenge_method", Some("plain"), "invalid_request"),
        ("code_challenge_method", None, "invalid_request"),
        ("nonce", None, "invalid_request"),
        ("acr_values", Some("urn:unknown:acr"), "invalid_request"),
        (
            "acr_values",
            Some("mosip:idp:acr:knowledge"),
            "unauthorized_client",
        ),
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

/// A browser: cookies kept by name, redirects not followed.
pub struct Browser {
    pub jar: Vec<(String, String)>,
    pub client: Client,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            jar: Vec::new(),
            client: no_redirects(),
        }
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let text = v.to_str().unwrap();
            let (k, rest) = text.split_once('=').unwrap();
            let val = rest.split(';').next().unwrap();
            self.jar.retain(|(x, _)| x != k);
            self.jar.push((k.to_string(), val.to_string()));
        }
    }

    pub async fn get(&mut self, url: &str) -> reqwest::Response {
        let r = self
            .client
            .get(url)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }

    pub async fn post(&mut self, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let f: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let r = post_form(&self.client, url, &f)
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        r
    }
}

/// The value of the hidden input `name` in `html`.
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// The newest OTP written by the file notifier.
pub fn last_otp(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let body = line["body"].as_str().unwrap();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string()
}

/// Enrols a person (with a phone number, so OTPs go by SMS to the file notifier); returns the UIN.
pub async fn enrol(s: &Server, i: usize) -> String {
    let r = s
        .enrol(&s.admin, &format!("oidc-{i}"), &crate::common::person(i))
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["uin"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn base_of(location: &str, base: &str) -> String {
    if location.starts_with('/') {
        format!("{base}{location}")
    } else {
        location.to_string()
    }
}

/// Follows `/authorize`'s answer through the sign-in (OTP) and consent pages (unticking
/// `untick`); returns the final redirect's query.
pub async fn login_with_otp(
    b: &mut Browser,
    base: &str,
    first: reqwest::Response,
    uin: &str,
    otp_file: &std::path::Path,
    untick: &[&str],
) -> Vec<(String, String)> {
    assert_eq!(first.status(), 303);
    let loc = first.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("/oidc/login?tx="), "{loc}");
    let page = b.get(&base_of(&loc, base)).await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script"),
        "{csp}"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<label for=\"id-otp\">"), "labelled field");
    let (tx, csrf) = (hidden_value(&html, "tx"), hidden_value(&html, "csrf"));
    let r = b
        .post(
            &format!("{base}/oidc/login/otp"),
            &[("tx", &tx), ("csrf", &csrf), ("individual_id", uin)],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"otp\""), "{html}");
    let otp = last_otp(otp_file);
    let r = b
        .post(
            &format!("{base}/oidc/login/otp/verify"),
            &[
                ("tx", &tx),
                ("csrf", &csrf),
                ("individual_id", uin),
                ("otp", &otp),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    finish_consent(b, base, &loc, &tx, &csrf, untick).await
}

/// The consent page at `loc`: allow, with the optional claims in `untick` unticked.
pub async fn finish_consent(
    b: &mut Browser,
    base: &str,
    loc: &str,
    tx: &str,
    csrf: &str,
    untick: &[&str],
) -> Vec<(String, String)> {
    assert!(loc.starts_with("/oidc/consent?tx="), "{loc}");
    let page = b.get(&base_of(loc, base)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let mut form: Vec<(&str, String)> = vec![
        ("tx", tx.into()),
        ("csrf", csrf.into()),
        ("decision", "allow".into()),
    ];
    for piece in html.split("name=\"claim\" value=\"").skip(1) {
        let claim = piece.split('"').next().unwrap();
        if !untick.contains(&claim) {
            form.push(("claim", claim.to_string()));
        }
    }
    let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = b.post(&format!("{base}/oidc/consent"), &f).await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap();
    assert!(loc.starts_with(REDIRECT), "{loc}");
    location_query(&r)
}

/// `POST /token` for `code`; returns the status and JSON body.
pub async fn redeem(s: &Server, rp: &Rp, code: &str, redirect: &str, verifier: &str) -> (StatusCode, Value) {
    let form: Vec<(String, String)> = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect),
        ("code_verifier", verifier),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", &rp.assertion(&format!("{}/token", s.base))),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let r = post_form(&s.client, &format!("{}/token", s.base), &form)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

/// Verifies a JWT from the provider with its published keys.
pub async fn verify_jwt(s: &Server, token: &str, aud: &str) -> Map<String, Value> {
    verify_jwt_from(s, &s.base, token, aud).await
}

/// [`verify_jwt`] for a provider whose issuer is `iss`.
pub async fn verify_jwt_from(s: &Server, iss: &str, token: &str, aud: &str) -> Map<String, Value> {
    let jwks: Value = s
        .client
        .get(format!("{}/.well-known/jwks.json", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = inkan_core::jose::jws::peek_header(token).unwrap().kid.unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap();
    let key = inkan_core::crypto::PublicKey::from_jwk(&serde_json::from_value(jwk.clone()).unwrap()).unwrap();
    let rules = jwt::JwtValidation::default().with_issuer(iss).with_audience(aud);
    jwt::verify(token, &key, &rules, &inkan_core::clock::SystemClock)
        .unwrap()
        .claims
}

pub async fn userinfo(s: &Server, access: &str) -> reqwest::Response {
    s.client
        .get(format!("{}/userinfo", s.base))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

/// A whole login: PAR-less authorize → OTP → consent (gender unticked) → token → userinfo;
/// then SSO, remembered consent, prompt values, and the token endpoint's refusals.
pub async fn full_login(s: &Server, otp_file: &std::path::Path) {
    let rp = register(s, "rp-full", json!({})).await;
    let uin = enrol(s, 11).await;
    let mut b = Browser::new();
    let mut params = auth_params(&rp);
    set(
        &mut params,
        "claims",
        Some(r#"{"userinfo":{"birthdate":{"essential":true}},"id_token":{"name":null}}"#),
    );
    let first = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    let q = login_with_otp(&mut b, &s.base, first, &uin, otp_file, &["gender"]).await;
    assert_eq!(get(&q, "state"), Some("st-1"));
    assert_eq!(get(&q, "iss"), Some(s.base.as_str()));
    let code = get(&q, "code").unwrap().to_string();

    let (st, tok) = redeem(s, &rp, &code, REDIRECT, VERIFIER).await;
    assert_eq!(st, 200, "{tok}");
    assert_eq!(tok["token_type"], "Bearer");
    let id = verify_jwt(s, tok["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["acr"], "mosip:idp:acr:generated-code");
    assert_eq!(id["amr"], json!(["otp"]));
    assert!(id["auth_time"].as_i64().unwrap() > 0);
    assert_eq!(id["sub"].as_str().unwrap().len(), 43, "pairwise subject");
    assert!(!id["sub"].as_str().unwrap().contains(&uin));
    assert_eq!(
        id["name"].as_str().unwrap().split(' ').count(),
        3,
        "name asked for in the ID token: {id:?}"
    );
    let access = tok["access_token"].as_str().unwrap().to_string();
    let r = userinfo(s, &access).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/jwt");
    let info = verify_jwt(s, &r.text().await.unwrap(), &rp.id).await;
    assert_eq!(info["sub"], id["sub"]);
    let mut names: Vec<&str> = info.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        ["aud", "birthdate", "exp", "iat", "iss", "name", "sub"],
        "exactly the consented claims"
    );

    // Code reuse: refused, and the access token issued from it is revoked.
    let (st, e) = redeem(s, &rp, &code, REDIRECT, VERIFIER).await;
    assert_eq!((st.as_u16(), e["error"].as_str()), (400, Some("invalid_grant")));
    assert_eq!(userinfo(s, &access).await.status(), 401);

    // The session and remembered consent: the next authorization gives a code at once, also
    // with prompt=none; prompt=login and prompt=consent show pages again.
    let again = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    assert_eq!(again.status(), 303);
    let code2 = get(&location_query(&again), "code")
        .expect("SSO code")
        .to_string();
    let mut none = params.clone();
    set(&mut none, "prompt", Some("none"));
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&none))).await;
    let code3 = get(&location_query(&r), "code")
        .expect("prompt=none code")
        .to_string();
    for (prompt, page) in [("login", "/oidc/login"), ("consent", "/oidc/consent")] {
        let mut p = params.clone();
        set(&mut p, "prompt", Some(prompt));
        let r = b.get(&format!("{}/authorize?{}", s.base, encode(&p))).await;
        assert!(
            r.headers()["location"].to_str().unwrap().starts_with(page),
            "prompt={prompt}"
        );
    }
    // Another client without consent: prompt=none → consent_required.
    let other = register(s, "rp-other", json!({})).await;
    let mut p = auth_params(&other);
    set(&mut p, "prompt", Some("none"));
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&p))).await;
    assert_eq!(get(&location_query(&r), "error"), Some("consent_required"));

    // The token endpoint's refusals, each with a fresh code.
    let fresh = |b: &mut Browser| {
        let url = format!("{}/authorize?{}", s.base, encode(&params));
        let client = b.client.clone();
        let cookie = b.cookie_header();
        async move {
            let r = client.get(url).header("cookie", cookie).send().await.unwrap();
            get(&location_query(&r), "code").unwrap().to_string()
        }
    };
    // One code redeemed by 8 requests at once: exactly one gets tokens (on PostgreSQL the
    // requests really run in parallel; the claim on the code is a conditional UPDATE).
    let c = fresh(&mut b).await;
    let racers = (0..8).map(|_| redeem(s, &rp, &c, REDIRECT, VERIFIER));
    let results = futures_util::future::join_all(racers).await;
    let won = results.iter().filter(|(st, _)| *st == 200).count();
    assert_eq!(won, 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(st, e)| *st == 200 || e["error"] == "invalid_grant"),
        "{results:?}"
    );
    let (st, e) = redeem(s, &rp, &code2, "http://127.0.0.1:9/other", VERIFIER).await;
    assert_eq!(
        (st.as_u16(), e["error"].as_str()),
        (400, Some("invalid_grant")),
        "wrong redirect_uri"
    );
    let (st, e) = redeem(s, &rp, &code3, REDIRECT, &"x".repeat(43)).await;
    assert_eq!(
        (st.as_u16(), e["error"].as_str()),
        (400, Some("invalid_grant")),
        "wrong code_verifier"
    );
    let c = fresh(&mut b).await;
    let (st, e) = redeem(s, &rp, &c, REDIRECT, "short").await;
    assert_eq!(
        (st.as_u16(), e["error"].as_str()),
        (400, Some("invalid_request")),
        "malformed code_verifier"
    );
    let c = fresh(&mut b).await;
    let (st, e) = redeem(s, &other, &c, REDIRECT, VERIFIER).await;
    assert_eq!(
        (st.as_u16(), e["error"].as_str()),
        (400, Some("invalid_grant")),
        "another client's code"
    );
    let c = fresh(&mut b).await;
    let store = inkan_idp::store::Store::open(&s.url, 1, "normal").await.unwrap();
    sqlx::query("UPDATE oidc_codes SET expires_at = 0 WHERE used_at IS NULL")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let (st, e) = redeem(s, &rp, &c, REDIRECT, VERIFIER).await;
    assert_eq!(
        (st.as_u16(), e["error"].as_str()),
        (400, Some("invalid_grant")),
        "expired code"
    );
    let (st, e) = redeem(s, &rp, "no-such-code", REDIRECT, VERIFIER).await;
    assert_eq!(
        (st.as_u16(), e["error"].as_str()),
        (400, Some("invalid_grant")),
        "unknown code"
    );
    // Client authentication at /token: an assertion for the token endpoint signed by another key.
    let c = fresh(&mut b).await;
    let impostor = Rp {
        id: rp.id.clone(),
        key: SoftwareKey::generate(Algorithm::Es256)
            .unwrap()
            .with_kid("rp-full-k1"),
    };
    let (st, e) = redeem(s, &impostor, &c, REDIRECT, VERIFIER).await;
    assert_eq!((st.as_u16(), e["error"].as_str()), (401, Some("invalid_client")));
    let form = vec![
        ("grant_type".to_string(), "password".to_string()),
        (
            "client_assertion_type".to_string(),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".to_string(),
        ),
        (
            "client_assertion".to_string(),
            rp.assertion(&format!("{}/token", s.base)),
        ),
    ];
    let r = post_form(&s.client, &format!("{}/token", s.base), &form)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await.1, "unsupported_grant_type");
    assert_eq!(userinfo(s, "forged").await.status(), 401);

    // The person's consent page lists the client; withdrawing makes the next login ask again.
    let r = b.get(&format!("{}/oidc/consents", s.base)).await;
    let html = r.text().await.unwrap();
    assert!(html.contains("Relying party rp-full"), "{html}");
    let token = hidden_value(&html, "csrf");
    let r = b
        .post(
            &format!("{}/oidc/consents/revoke", s.base),
            &[("csrf", "forged"), ("client_id", "rp-full")],
        )
        .await;
    assert_eq!(r.status(), 401, "forged CSRF token");
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    assert!(
        get(&location_query(&r), "code").is_some(),
        "consent still remembered"
    );
    let r = b
        .post(
            &format!("{}/oidc/consents/revoke", s.base),
            &[("csrf", &token), ("client_id", "rp-full")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/oidc/consent?tx="),
        "asked again"
    );
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&none))).await;
    assert_eq!(get(&location_query(&r), "error"), Some("consent_required"));
    assert_eq!(
        Browser::new()
            .get(&format!("{}/oidc/consents", s.base))
            .await
            .status(),
        401,
        "no session"
    );
}

/// The pages' safety and language: Arabic is right-to-left; a form post with a wrong CSRF
/// token or without the transaction cookie is refused; a wrong OTP gives a message.
pub async fn pages(s: &Server, otp_file: &std::path::Path) {
    let rp = register(s, "rp-pages", json!({})).await;
    let uin = enrol(s, 12).await;
    let mut b = Browser::new();
    let mut params = auth_params(&rp);
    set(&mut params, "ui_locales", Some("ar en"));
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let html = b.get(&base_of(&loc, &s.base)).await.text().await.unwrap();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    let (tx, csrf) = (hidden_value(&html, "tx"), hidden_value(&html, "csrf"));
    let url = format!("{}/oidc/login/otp", s.base);
    let r = b
        .post(&url, &[("tx", &tx), ("csrf", "forged"), ("individual_id", &uin)])
        .await;
    assert_eq!(r.status(), 400, "wrong CSRF token");
    let mut stranger = Browser::new();
    let r = stranger
        .post(&url, &[("tx", &tx), ("csrf", &csrf), ("individual_id", &uin)])
        .await;
    assert_eq!(r.status(), 400, "no transaction cookie");
    let r = b
        .post(&url, &[("tx", &tx), ("csrf", &csrf), ("individual_id", &uin)])
        .await;
    assert_eq!(r.status(), 200);
    let _ = last_otp(otp_file);
    let r = b
        .post(
            &format!("{}/oidc/login/otp/verify", s.base),
            &[
                ("tx", &tx),
                ("csrf", &csrf),
                ("individual_id", &uin),
                ("otp", "000000"),
            ],
        )
        .await;
    assert_eq!(r.status(), 401);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("role=\"alert\"") && html.contains("dir=\"rtl\""),
        "{html}"
    );
    // Declining consent sends access_denied to the client.
    let otp_url = format!("{}/oidc/login/otp", s.base);
    let _ = b
        .post(&otp_url, &[("tx", &tx), ("csrf", &csrf), ("individual_id", &uin)])
        .await;
    let otp = last_otp(otp_file);
    let r = b
        .post(
            &format!("{}/oidc/login/otp/verify", s.base),
            &[
                ("tx", &tx),
                ("csrf", &csrf),
                ("individual_id", &uin),
                ("otp", &otp),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = b
        .post(
            &format!("{}/oidc/consent", s.base),
            &[("tx", &tx), ("csrf", &csrf), ("decision", "deny")],
        )
        .await;
    assert_eq!(get(&location_query(&r), "error"), Some("access_denied"));
}

/// Two instances on one database, one issuer: a login started on `a` continues on `b` and
/// back; the code is redeemed on `b`, userinfo read from `a`; an assertion `jti` used on one
/// is refused on the other.
pub async fn two_instances(a: &Server, b: &Server, issuer: &str, otp_file: &std::path::Path) {
    let rp = register(a, "rp-two", json!({"par_required": true})).await;
    let uin = enrol(a, 31).await;
    let params = auth_params(&rp);
    let assertion = rp.assertion(issuer);
    let r = par(a, &rp, &params, &assertion).await;
    assert_eq!(r.status(), 201);
    let request_uri = r.json::<Value>().await.unwrap()["request_uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        error_of(par(b, &rp, &params, &assertion).await).await.1,
        "invalid_client",
        "jti replay across instances"
    );
    let mut br = Browser::new();
    let q = [
        ("client_id".to_string(), rp.id.clone()),
        ("request_uri".to_string(), request_uri),
    ];
    let r = br.get(&format!("{}/authorize?{}", b.base, encode(&q))).await;
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let html = br.get(&format!("{}{loc}", a.base)).await.text().await.unwrap();
    let (tx, csrf) = (hidden_value(&html, "tx"), hidden_value(&html, "csrf"));
    let r = br
        .post(
            &format!("{}/oidc/login/otp", b.base),
            &[("tx", &tx), ("csrf", &csrf), ("individual_id", &uin)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let otp = last_otp(otp_file);
    let r = br
        .post(
            &format!("{}/oidc/login/otp/verify", a.base),
            &[
                ("tx", &tx),
                ("csrf", &csrf),
                ("individual_id", &uin),
                ("otp", &otp),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let q = finish_consent(&mut br, &b.base, &loc, &tx, &csrf, &[]).await;
    assert_eq!(get(&q, "iss"), Some(issuer));
    let code = get(&q, "code").unwrap();
    let form: Vec<(String, String)> = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", &rp.assertion(&format!("{issuer}/token"))),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let r = post_form(&b.client, &format!("{}/token", b.base), &form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tok: Value = r.json().await.unwrap();
    let id = verify_jwt_from(a, issuer, tok["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(id["nonce"], "n-1");
    let r = userinfo(a, tok["access_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), 200);
    let info = verify_jwt_from(b, issuer, &r.text().await.unwrap(), &rp.id).await;
    assert_eq!(info["sub"], id["sub"]);
    // The assertion's jti is spent on both instances, and so is the code.
    let r = post_form(&a.client, &format!("{}/token", a.base), &form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(r).await.1,
        "invalid_client",
        "the assertion's jti is spent too"
    );
    let mut fresh = form.clone();
    set(&mut fresh, "client_assertion", Some(&rp.assertion(issuer)));
    let r = post_form(&a.client, &format!("{}/token", a.base), &fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(r).await.1,
        "invalid_grant",
        "the code is spent on the other instance"
    );
}

/// Sets a PIN through the registry's `Authn` (opened beside the running server, on its database).
pub async fn set_pin(s: &Server, uin: &str, pin: &str) {
    let cfg = crate::common::config(s.dir.path(), &s.url);
    let registry = inkan_idp::server::open_registry(&cfg).await.unwrap();
    let authn = inkan_idp::registry::authn::Authn::new(
        registry.clone(),
        &cfg.authn,
        std::sync::Arc::new(inkan_idp::factors::notify::LogNotifier),
        std::sync::Arc::new(inkan_core::clock::SystemClock),
    )
    .unwrap();
    let actor = inkan_idp::registry::Actor {
        id: "test",
        purpose: None,
    };
    authn.set_pin(actor, uin, pin).await.unwrap();
    registry.store.close().await;
}

/// The PIN flow: `acr_values=mosip:idp:acr:knowledge` shows only the PIN form; a wrong PIN is
/// refused with a message; the right one ends with an ID token whose acr/amr say PIN.
pub async fn pin_login(s: &Server) {
    let rp = register(s, "rp-pin", json!({})).await;
    let uin = enrol(s, 51).await;
    set_pin(s, &uin, "482915").await;
    let mut params = auth_params(&rp);
    set(&mut params, "acr_values", Some("mosip:idp:acr:knowledge"));
    let mut b = Browser::new();
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let html = b.get(&base_of(&loc, &s.base)).await.text().await.unwrap();
    assert!(
        html.contains("action=\"/oidc/login/pin\"") && !html.contains("action=\"/oidc/login/otp\""),
        "{html}"
    );
    let (tx, csrf) = (hidden_value(&html, "tx"), hidden_value(&html, "csrf"));
    let url = format!("{}/oidc/login/pin", s.base);
    let r = b
        .post(
            &url,
            &[
                ("tx", &tx),
                ("csrf", &csrf),
                ("individual_id", &uin),
                ("pin", "111111"),
            ],
        )
        .await;
    assert_eq!(r.status(), 401, "wrong PIN");
    // The OTP route is closed for a PIN-only request.
    let r = b
        .post(
            &format!("{}/oidc/login/otp", s.base),
            &[("tx", &tx), ("csrf", &csrf), ("individual_id", &uin)],
        )
        .await;
    assert_eq!(r.status(), 400);
    let r = b
        .post(
            &url,
            &[
                ("tx", &tx),
                ("csrf", &csrf),
                ("individual_id", &uin),
                ("pin", "482915"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let q = finish_consent(&mut b, &s.base, &loc, &tx, &csrf, &[]).await;
    let (st, tok) = redeem(s, &rp, get(&q, "code").unwrap(), REDIRECT, VERIFIER).await;
    assert_eq!(st, 200);
    let id = verify_jwt(s, tok["id_token"].as_str().unwrap(), &rp.id).await;
    assert_eq!(
        (id["acr"].as_str(), id["amr"].clone()),
        (Some("mosip:idp:acr:knowledge"), json!(["pin"]))
    );
    // A PIN session does not satisfy an OTP-only request: back to the login page.
    set(&mut params, "acr_values", Some("mosip:idp:acr:generated-code"));
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/oidc/login")
    );
}

/// A DPoP proof (RFC 9449) by `key` for `htm` `htu`, with `ath` when `token` is given.
pub fn dpop_proof(key: &SoftwareKey, htm: &str, htu: &str, token: Option<&str>) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut c = json!({"jti": b64url_encode(rand_bytes()), "htm": htm, "htu": htu, "iat": now});
    if let Some(t) = token {
        c["ath"] = json!(b64url_encode(Sha256::digest(t.as_bytes())));
    }
    let h = Header {
        jwk: Some(key.public_jwk()),
        ..Header::default()
    }
    .with_typ("dpop+jwt");
    jwt::sign(c.as_object().unwrap(), &h, key).unwrap()
}

/// DPoP-bound tokens: required by the client, proof checked at /token and /userinfo, replay
/// refused, the bound token useless as a Bearer token or with another key's proof.
pub async fn dpop(s: &Server, otp_file: &std::path::Path) {
    let rp = register(s, "rp-dpop", json!({"dpop_required": true})).await;
    let uin = enrol(s, 61).await;
    let mut b = Browser::new();
    let first = b
        .get(&format!("{}/authorize?{}", s.base, encode(&auth_params(&rp))))
        .await;
    let q = login_with_otp(&mut b, &s.base, first, &uin, otp_file, &[]).await;
    let code = get(&q, "code").unwrap().to_string();
    let token_url = format!("{}/token", s.base);
    let form = |assertion: String| -> Vec<(String, String)> {
        [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    // Without a proof: refused, and the code survives.
    let r = post_form(&s.client, &token_url, &form(rp.assertion(&token_url)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(r).await,
        (StatusCode::BAD_REQUEST, "invalid_dpop_proof".into())
    );
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    // A proof for another URL.
    let wrong = dpop_proof(&key, "POST", &format!("{}/par", s.base), None);
    let r = post_form(&s.client, &token_url, &form(rp.assertion(&token_url)))
        .header("dpop", wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await.1, "invalid_dpop_proof");
    let proof = dpop_proof(&key, "POST", &token_url, None);
    let r = post_form(&s.client, &token_url, &form(rp.assertion(&token_url)))
        .header("dpop", &proof)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tok: Value = r.json().await.unwrap();
    assert_eq!(tok["token_type"], "DPoP");
    let access = tok["access_token"].as_str().unwrap().to_string();
    // The same proof again (replay): refused before the code is looked at.
    let r = post_form(&s.client, &token_url, &form(rp.assertion(&token_url)))
        .header("dpop", &proof)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(r).await.1, "invalid_dpop_proof");

    let info_url = format!("{}/userinfo", s.base);
    let call = |scheme: &str, proof: Option<String>| {
        let mut r = s
            .client
            .get(&info_url)
            .header("authorization", format!("{scheme} {access}"));
        if let Some(p) = proof {
            r = r.header("dpop", p);
        }
        r.send()
    };
    assert_eq!(
        call("Bearer", None).await.unwrap().status(),
        401,
        "a bound token as a Bearer token"
    );
    assert_eq!(call("DPoP", None).await.unwrap().status(), 401, "no proof");
    let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let r = call("DPoP", Some(dpop_proof(&other, "GET", &info_url, Some(&access))))
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "another key's proof");
    let r = call("DPoP", Some(dpop_proof(&key, "GET", &info_url, None)))
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "no ath");
    let good = dpop_proof(&key, "GET", &info_url, Some(&access));
    let r = call("DPoP", Some(good.clone())).await.unwrap();
    assert_eq!(r.status(), 200);
    let info = verify_jwt(s, &r.text().await.unwrap(), &rp.id).await;
    assert!(info.contains_key("name"));
    assert_eq!(
        call("DPoP", Some(good)).await.unwrap().status(),
        401,
        "proof replay at userinfo"
    );
}

/// A request object (RFC 9101) carrying `params`, signed by `key`.
pub fn request_object(rp_id: &str, key: &SoftwareKey, aud: &str, params: &[(String, String)]) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut c = json!({"iss": rp_id, "aud": aud, "iat": now, "exp": now + 60});
    for (k, v) in params {
        c[k] = json!(v);
    }
    jwt::sign(
        c.as_object().unwrap(),
        &Header::for_signer(key).with_typ("oauth-authz-req+jwt"),
        key,
    )
    .unwrap()
}

/// JAR: a signed request object by query and through PAR; bad ones are shown, not redirected.
pub async fn request_objects(s: &Server) {
    let rp = register(s, "rp-jar", json!({})).await;
    let params = auth_params(&rp);
    let q = |ro: String| {
        vec![
            ("client_id".to_string(), rp.id.clone()),
            ("request".to_string(), ro),
        ]
    };
    let r = authorize(s, &q(request_object(&rp.id, &rp.key, &s.base, &params)), None).await;
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/oidc/login?tx=")
    );
    // The request object's parameters are checked like query parameters.
    let mut plain = params.clone();
    set(&mut plain, "code_challenge_method", Some("plain"));
    let r = authorize(s, &q(request_object(&rp.id, &rp.key, &s.base, &plain)), None).await;
    assert_eq!(get(&location_query(&r), "error"), Some("invalid_request"));
    let stranger = SoftwareKey::generate(Algorithm::Es256)
        .unwrap()
        .with_kid("rp-jar-k1");
    let alg_none = format!(
        "{}.{}.",
        b64url_encode(br#"{"alg":"none"}"#),
        b64url_encode(
            json!({"iss": rp.id, "aud": s.base, "client_id": rp.id, "exp": 4_000_000_000_i64}).to_string()
        )
    );
    for (what, ro) in [
        ("another key", request_object(&rp.id, &stranger, &s.base, &params)),
        (
            "wrong aud",
            request_object(&rp.id, &rp.key, "https://elsewhere", &params),
        ),
        ("alg none", alg_none),
    ] {
        let r = authorize(s, &q(ro), None).await;
        assert_eq!(r.status(), 400, "{what}");
        assert!(
            r.text().await.unwrap().contains("invalid_request_object"),
            "{what}"
        );
    }
    // Through PAR.
    let form = vec![
        ("client_id".to_string(), rp.id.clone()),
        (
            "request".to_string(),
            request_object(&rp.id, &rp.key, &s.base, &params),
        ),
    ];
    let r = par(s, &rp, &form, &rp.assertion(&s.base)).await;
    assert_eq!(r.status(), 201);
}

/// RP-initiated logout: the session ends (prompt=none then needs a login), the browser goes to
/// a registered post-logout URI with `state`; unregistered ones and forged hints are refused.
pub async fn logout(s: &Server, otp_file: &std::path::Path) {
    let after = "http://127.0.0.1:9/signed-out";
    let rp = register(s, "rp-logout", json!({"post_logout_redirect_uris": [after]})).await;
    let uin = enrol(s, 71).await;
    let mut b = Browser::new();
    let params = auth_params(&rp);
    let first = b.get(&format!("{}/authorize?{}", s.base, encode(&params))).await;
    let q = login_with_otp(&mut b, &s.base, first, &uin, otp_file, &[]).await;
    let (_, tok) = redeem(s, &rp, get(&q, "code").unwrap(), REDIRECT, VERIFIER).await;
    let id_token = tok["id_token"].as_str().unwrap().to_string();
    let mut none = params.clone();
    set(&mut none, "prompt", Some("none"));
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&none))).await;
    assert!(get(&location_query(&r), "code").is_some(), "logged in");

    let logout = |q: Vec<(&str, &str)>| {
        let q: Vec<(String, String)> = q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        format!("{}/logout?{}", s.base, encode(&q))
    };
    // Refusals change nothing.
    let r = b
        .get(&logout(vec![
            ("client_id", "rp-logout"),
            ("post_logout_redirect_uri", "http://127.0.0.1:9/evil"),
        ]))
        .await;
    assert_eq!(r.status(), 400);
    let forged = format!("{}.{}", &id_token[..id_token.rfind('.').unwrap()], "AAAA");
    let r = b
        .get(&logout(vec![
            ("id_token_hint", &forged),
            ("post_logout_redirect_uri", after),
        ]))
        .await;
    assert_eq!(r.status(), 400);
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&none))).await;
    assert!(get(&location_query(&r), "code").is_some(), "still logged in");

    let r = b
        .get(&logout(vec![
            ("id_token_hint", &id_token),
            ("post_logout_redirect_uri", after),
            ("state", "bye"),
        ]))
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("{after}?state=bye").as_str());
    let r = b.get(&format!("{}/authorize?{}", s.base, encode(&none))).await;
    assert_eq!(
        get(&location_query(&r), "error"),
        Some("login_required"),
        "the session is gone"
    );
    let r = b.get(&logout(vec![])).await;
    assert_eq!(r.status(), 200, "a signed-out page without a redirect");
}
