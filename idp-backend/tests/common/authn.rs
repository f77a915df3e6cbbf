//! Authentication-factor and e-KYC scenarios (`tests/authn.rs` runs each on SQLite and on
//! PostgreSQL). OTPs are read from the file notifier's outbox, as a person would read an SMS.

use std::time::Duration;

use inkan_core::clock::SystemClock;
use inkan_core::crypto::{Algorithm, Jwk, PublicKey, SoftwareKey};
use inkan_core::jose::jwt;
use inkan_idp::config::Config;
use inkan_idp::factors::wallet::sign_response;
use reqwest::Method;
use serde_json::{Value, json};

use super::{Server, person};

/// Factor tests: OTPs to `outbox.ndjson` in the server's directory, cheap argon2 (8 MiB, one
/// pass), resends 1 s apart.
pub fn config(c: &mut Config) {
    let dir = c.master_key_file.as_ref().unwrap().parent().unwrap().to_owned();
    c.authn.notifier = format!("file:{}", dir.join("outbox.ndjson").display());
    c.authn.pin_memory_kib = 8 * 1024;
    c.authn.pin_passes = 1;
    c.authn.otp.resend_after_secs = 2;
}

/// As [`config`], with OTPs that live 2 s.
pub fn short_otp_config(c: &mut Config) {
    config(c);
    c.authn.otp.ttl_secs = 2;
}

async fn call(s: &Server, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = s.req(method, path, token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, v)
}

async fn post(s: &Server, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(s, Method::POST, path, token, Some(body)).await
}

/// Asserts a refusal: `status` and `code`, served as problem+json.
fn refused(got: &(u16, Value), status: u16, code: &str) {
    assert_eq!((got.0, got.1["code"].as_str()), (status, Some(code)), "{}", got.1);
}

async fn enrolled(s: &Server, identity: &Value) -> String {
    let key = format!("k-{}", identity["email"].as_str().unwrap_or("x"));
    let r = s.enrol(&s.admin, &key, identity).await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["uin"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn partner(s: &Server, id: &str, claims: &[&str]) -> String {
    let body = json!({ "partnerId": id, "allowedClaims": claims, "tokenTtlSecs": 300 });
    let (status, v) = post(s, "/v1/partners", &s.admin, body).await;
    assert_eq!(status, 201, "{v}");
    v["token"].as_str().unwrap().to_string()
}

/// Every message the file notifier wrote.
fn outbox(s: &Server) -> Vec<Value> {
    let text = std::fs::read_to_string(s.dir.path().join("outbox.ndjson")).unwrap_or_default();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The code in the last message.
fn last_code(s: &Server) -> String {
    let last = outbox(s).pop().expect("a message was sent");
    let body = last["body"].as_str().unwrap();
    let code: String = body.chars().filter(char::is_ascii_digit).take(6).collect();
    assert_eq!(code.len(), 6, "{body}");
    code
}

/// A six-digit code that is not `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

async fn send_otp(s: &Server, token: &str, id: &str, purpose: &str) -> (u16, Value) {
    post(
        s,
        "/v1/auth/otp/send",
        token,
        json!({ "individualId": id, "purpose": purpose }),
    )
    .await
}

async fn verify_otp(s: &Server, token: &str, id: &str, purpose: &str, otp: &str) -> (u16, Value) {
    let body = json!({ "individualId": id, "purpose": purpose, "otp": otp });
    post(s, "/v1/auth/otp/verify", token, body).await
}

/// (attempts, sends, state) of every OTP record of `uin`, read from the database; also checks
/// that no column holds the code.
async fn otp_rows(s: &Server, uin: &str, code: &str) -> Vec<(i64, i64, String)> {
    let store = inkan_idp::store::Store::open(&s.url, 1, "normal").await.unwrap();
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT purpose, code_hash, attempts, sends, state FROM otp_records WHERE uin = $1 ORDER BY purpose",
    )
    .bind(uin)
    .fetch_all(store.pool())
    .await
    .unwrap();
    store.close().await;
    rows.into_iter()
        .map(|(purpose, hash, a, n, state)| {
            assert!(
                !hash.contains(code) && !purpose.contains(code),
                "the code is stored in clear"
            );
            (a, n, state)
        })
        .collect()
}

/// Send, read the code from the outbox, verify; wrong purpose, reuse and another caller are
/// refused; the code is stored only as a hash.
pub async fn otp_happy_path(s: &Server) {
    let uin = enrolled(s, &person(1)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    let shop = partner(s, "shop-1", &["name"]).await;
    let (status, sent) = send_otp(s, &bank, &uin, "login-1").await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["maskedDestination"], "+254*******01");
    assert!(sent["expiresAt"].as_i64().unwrap() > sent["resendAfter"].as_i64().unwrap());
    let msg = outbox(s).pop().unwrap();
    assert_eq!(msg["to"], json!({ "channel": "sms", "address": "+254700000001" }));
    let code = last_code(s);
    assert_eq!(otp_rows(s, &uin, &code).await, [(0, 1, "active".to_string())]);
    refused(
        &verify_otp(s, &bank, &uin, "login-2", &code).await,
        401,
        "idp.otp_not_sent",
    );
    refused(
        &verify_otp(s, &shop, &uin, "login-1", &code).await,
        401,
        "idp.otp_not_sent",
    );
    let (status, ok) = verify_otp(s, &bank, &uin, "login-1", &code).await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(
        (ok["factor"].as_str(), ok["amr"].as_str()),
        (Some("otp"), Some("otp"))
    );
    let sub = ok["sub"].as_str().unwrap();
    assert!(sub.len() == 43 && !sub.contains(&uin));
    refused(
        &verify_otp(s, &bank, &uin, "login-1", &code).await,
        401,
        "idp.otp_used",
    );
    assert_eq!(otp_rows(s, &uin, &code).await, [(0, 1, "used".to_string())]);
    // A used purpose can be sent again (a new challenge).
    assert_eq!(send_otp(s, &bank, &uin, "login-1").await.0, 200);
    let code = last_code(s);
    assert_eq!(verify_otp(s, &bank, &uin, "login-1", &code).await.0, 200);
    s.audit_ok().await;
}

/// Wrong codes count; the 5th locks; then even the right code, and a resend, are refused.
/// Only the attempt counter changes; the audit chain still verifies.
pub async fn otp_brute_force(s: &Server) {
    let uin = enrolled(s, &person(2)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    assert_eq!(send_otp(s, &bank, &uin, "p").await.0, 200);
    let code = last_code(s);
    let before = s.counts().await;
    for left in (1..=4).rev() {
        let r = verify_otp(s, &bank, &uin, "p", &wrong(&code)).await;
        refused(&r, 401, "idp.otp_mismatch");
        assert_eq!(r.1["attemptsLeft"], left);
    }
    // Malformed input counts as a wrong code too; this is the 5th.
    refused(
        &verify_otp(s, &bank, &uin, "p", "12a").await,
        429,
        "idp.otp_locked",
    );
    refused(
        &verify_otp(s, &bank, &uin, "p", &code).await,
        429,
        "idp.otp_locked",
    );
    refused(&send_otp(s, &bank, &uin, "p").await, 429, "idp.otp_locked");
    assert_eq!(otp_rows(s, &uin, &code).await, [(5, 1, "locked".to_string())]);
    assert_eq!(s.counts().await, before);
    s.audit_ok().await;
}

/// Resends: not within `resend_after_secs` (2 s here), at most `max_sends` (3) in all; only the newest code
/// works; the attempt counter survives resends.
pub async fn otp_resend_limits(s: &Server) {
    let uin = enrolled(s, &person(3)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    assert_eq!(send_otp(s, &bank, &uin, "r").await.0, 200);
    let first = last_code(s);
    refused(
        &verify_otp(s, &bank, &uin, "r", &wrong(&first)).await,
        401,
        "idp.otp_mismatch",
    );
    let r = send_otp(s, &bank, &uin, "r").await;
    refused(&r, 429, "idp.otp_resend_too_soon");
    assert!(r.1["retryAfter"].as_i64().unwrap() >= 1);
    let mut last = first.clone();
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert_eq!(send_otp(s, &bank, &uin, "r").await.0, 200);
        last = last_code(s);
    }
    refused(&send_otp(s, &bank, &uin, "r").await, 429, "idp.otp_resend_limit");
    assert_eq!(otp_rows(s, &uin, &last).await, [(1, 3, "active".to_string())]);
    if first != last {
        let r = verify_otp(s, &bank, &uin, "r", &first).await;
        refused(&r, 401, "idp.otp_mismatch");
        assert_eq!(r.1["attemptsLeft"], 3);
    }
    assert_eq!(verify_otp(s, &bank, &uin, "r", &last).await.0, 200);
    // Inventing purposes does not multiply guesses: at most 5 open OTPs per person.
    for i in 0..5 {
        assert_eq!(send_otp(s, &bank, &uin, &format!("many-{i}")).await.0, 200);
    }
    refused(
        &send_otp(s, &bank, &uin, "many-5").await,
        429,
        "idp.otp_too_many_open",
    );
    s.audit_ok().await;
}

/// An expired code is refused even when right (server with 2-second OTPs).
pub async fn otp_expiry(s: &Server) {
    let uin = enrolled(s, &person(4)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    assert_eq!(send_otp(s, &bank, &uin, "e").await.0, 200);
    let code = last_code(s);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let before = s.counts().await;
    refused(
        &verify_otp(s, &bank, &uin, "e", &code).await,
        401,
        "idp.otp_expired",
    );
    assert_eq!(otp_rows(s, &uin, &code).await, [(0, 1, "active".to_string())]);
    assert_eq!(s.counts().await, before);
    // An expired challenge is replaced by a fresh one on the next send.
    assert_eq!(send_otp(s, &bank, &uin, "e").await.0, 200);
    assert_eq!(verify_otp(s, &bank, &uin, "e", &last_code(s)).await.0, 200);
    s.audit_ok().await;
}

/// PINs: set by a supervisor (not by a partner), the rules apply, wrong PINs lock.
pub async fn pin(s: &Server) {
    let uin = enrolled(s, &person(5)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    let supervisor = s.operator("supervisor").await;
    let set = |pin: &str| json!({ "individualId": uin, "pin": pin });
    refused(
        &post(s, "/v1/auth/pin", &bank, set("739154")).await,
        403,
        "idp.forbidden",
    );
    refused(
        &post(s, "/v1/auth/pin", &supervisor, set("123456")).await,
        422,
        "idp.pin_weak",
    );
    let verify = |pin: &str| post(s, "/v1/auth/pin/verify", &bank, set(pin));
    refused(&verify("739154").await, 401, "idp.pin_not_set");
    assert_eq!(post(s, "/v1/auth/pin", &supervisor, set("739154")).await.0, 204);
    let (status, ok) = verify("739154").await;
    assert_eq!((status, ok["amr"].as_str()), (200, Some("pin")), "{ok}");
    for _ in 0..4 {
        refused(&verify("739155").await, 401, "idp.pin_mismatch");
    }
    let r = verify("739155").await;
    refused(&r, 429, "idp.pin_locked");
    assert!(r.1["retryAfter"].as_i64().unwrap() > 800);
    refused(&verify("739154").await, 429, "idp.pin_locked");
    // Setting a new PIN clears the lock.
    assert_eq!(post(s, "/v1/auth/pin", &supervisor, set("582046")).await.0, 204);
    assert_eq!(verify("582046").await.0, 200);
    refused(&verify("739154").await, 401, "idp.pin_mismatch");
    s.audit_ok().await;
}

/// A VID authenticates within its policy: a temporary VID once, a revoked VID never; its
/// subject is the person's.
pub async fn vid_limits(s: &Server) {
    let uin = enrolled(s, &person(6)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    let vids = format!("/v1/identities/{uin}/vids");
    let issue = |t: &str| post(s, &vids, &s.admin, json!({ "vid_type": t }));
    let (status, temp) = issue("Temporary").await;
    assert_eq!(status, 201, "{temp}");
    let temp = temp["vid"].as_str().unwrap().to_string();
    assert_eq!(
        post(
            s,
            "/v1/auth/pin",
            &s.admin,
            json!({ "individualId": uin, "pin": "739154" })
        )
        .await
        .0,
        204
    );
    let verify = |id: &str| {
        post(
            s,
            "/v1/auth/pin/verify",
            &bank,
            json!({ "individualId": id, "pin": "739154" }),
        )
    };
    let (status, by_uin) = verify(&uin).await;
    assert_eq!(status, 200);
    // A wrong PIN with the VID does not use it up.
    refused(
        &post(
            s,
            "/v1/auth/pin/verify",
            &bank,
            json!({ "individualId": temp, "pin": "739155" }),
        )
        .await,
        401,
        "idp.pin_mismatch",
    );
    let (status, by_vid) = verify(&temp).await;
    assert_eq!(status, 200, "{by_vid}");
    assert_eq!(by_vid["sub"], by_uin["sub"]);
    refused(&verify(&temp).await, 403, "idp.vid_exhausted");
    refused(&send_otp(s, &bank, &temp, "v").await, 403, "idp.vid_exhausted");
    let (_, list) = call(
        s,
        Method::GET,
        &format!("/v1/identities/{uin}/vids"),
        &s.admin,
        None,
    )
    .await;
    assert_eq!(list[0]["transactions"], 1);
    let (_, perm) = issue("Perpetual").await;
    let perm = perm["vid"].as_str().unwrap().to_string();
    assert_eq!(send_otp(s, &bank, &perm, "v").await.0, 200);
    assert_eq!(verify_otp(s, &bank, &perm, "v", &last_code(s)).await.0, 200);
    assert_eq!(
        post(s, &format!("/v1/vids/{perm}/revoke"), &s.admin, json!({}))
            .await
            .0,
        200
    );
    refused(&verify(&perm).await, 403, "idp.vid_revoked");
    refused(&verify("1234567890123456").await, 404, "idp.not_found");
    s.audit_ok().await;
}

/// Blocked and deactivated identities cannot authenticate.
pub async fn inactive_identity(s: &Server) {
    let bank = partner(s, "bank-1", &["name"]).await;
    for (i, action) in [(7, "block"), (8, "deactivate")] {
        let uin = enrolled(s, &person(i)).await;
        assert_eq!(
            post(
                s,
                "/v1/auth/pin",
                &s.admin,
                json!({ "individualId": uin, "pin": "739154" })
            )
            .await
            .0,
            204
        );
        let (status, v) = post(
            s,
            &format!("/v1/identities/{uin}/{action}"),
            &s.admin,
            json!({ "reason": "test" }),
        )
        .await;
        assert_eq!(status, 200, "{v}");
        let before = s.counts().await;
        refused(&send_otp(s, &bank, &uin, "x").await, 403, "idp.identity_inactive");
        let pin = json!({ "individualId": uin, "pin": "739154" });
        refused(
            &post(s, "/v1/auth/pin/verify", &bank, pin).await,
            403,
            "idp.identity_inactive",
        );
        let demo =
            json!({ "individualId": uin, "demographics": { "dateOfBirth": person(i)["dateOfBirth"] } });
        refused(
            &post(s, "/v1/auth/demographic", &bank, demo).await,
            403,
            "idp.identity_inactive",
        );
        assert_eq!(s.counts().await, before);
    }
    assert!(outbox(s).is_empty());
    s.audit_ok().await;
}

fn thumb(data: &[u8]) -> Value {
    use base64::Engine;
    json!({ "modality": "finger", "bodyPart": "leftThumb", "format": "template",
            "data": base64::engine::general_purpose::STANDARD.encode(data) })
}

/// Demographic and biometric match and mismatch; repeated mismatches lock the factor.
pub async fn demographic_and_biometric(s: &Server) {
    let mut p = person(9);
    p["biometrics"] = json!([thumb(b"minutiae-of-person-9")]);
    let uin = enrolled(s, &p).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    let demo = |d: Value| {
        post(
            s,
            "/v1/auth/demographic",
            &bank,
            json!({ "individualId": uin, "demographics": d }),
        )
    };
    let name = p["fullName"][0]["value"].as_str().unwrap().to_uppercase();
    let (status, ok) =
        demo(json!({ "name": name, "dateOfBirth": p["dateOfBirth"], "phone": "+254 700 000 009" })).await;
    assert_eq!((status, ok["amr"].as_str()), (200, Some("kba")), "{ok}");
    refused(
        &demo(json!({ "name": name, "dateOfBirth": "1901-01-01" })).await,
        401,
        "idp.demographic_mismatch",
    );
    refused(&demo(json!({})).await, 400, "idp.bad_demographics");
    refused(
        &demo(json!({ "dateOfBirth": "1990-02-30" })).await,
        400,
        "idp.bad_demographics",
    );
    // Guessing is limited like PINs: the 5th mismatch in a row locks the factor, and then even
    // the right answer is refused. Bad input above did not count.
    for _ in 0..3 {
        refused(
            &demo(json!({ "dateOfBirth": "1901-01-01" })).await,
            401,
            "idp.demographic_mismatch",
        );
    }
    let r = demo(json!({ "dateOfBirth": "1901-01-01" })).await;
    refused(&r, 429, "idp.factor_locked");
    assert!(r.1["retryAfter"].as_i64().unwrap() > 800);
    refused(
        &demo(json!({ "dateOfBirth": p["dateOfBirth"] })).await,
        429,
        "idp.factor_locked",
    );
    let bio = |b: Value| {
        post(
            s,
            "/v1/auth/biometric",
            &bank,
            json!({ "individualId": uin, "biometrics": b }),
        )
    };
    let (status, ok) = bio(json!([thumb(b"minutiae-of-person-9")])).await;
    assert_eq!((status, ok["amr"].as_str()), (200, Some("bio")), "{ok}");
    refused(
        &bio(json!([thumb(b"minutiae-of-someone-else")])).await,
        401,
        "idp.biometric_mismatch",
    );
    refused(&bio(json!([])).await, 400, "idp.no_biometric");
    refused(
        &bio(json!([{ "bodyPart": "nose" }])).await,
        400,
        "idp.bad_biometrics",
    );
    // Another person's sample does not match this person.
    let mut q = person(10);
    q["biometrics"] = json!([thumb(b"minutiae-of-person-10")]);
    enrolled(s, &q).await;
    refused(
        &bio(json!([thumb(b"minutiae-of-person-10")])).await,
        401,
        "idp.biometric_mismatch",
    );
    s.audit_ok().await;
}

/// Wallet key binding and challenge–response, signed with inkan-core's `SoftwareKey`.
pub async fn wallet(s: &Server) {
    let uin = enrolled(s, &person(12)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let bind = |jwk: Value| {
        post(
            s,
            "/v1/auth/wallet/keys",
            &s.admin,
            json!({ "individualId": uin, "jwk": jwk }),
        )
    };
    let private: Value = serde_json::from_str(&key.to_jwk().unwrap().to_json()).unwrap();
    refused(&bind(private).await, 422, "idp.wallet_bad_key");
    let challenge = || {
        post(
            s,
            "/v1/auth/wallet/challenge",
            &bank,
            json!({ "individualId": uin }),
        )
    };
    refused(&challenge().await, 401, "idp.wallet_not_bound");
    let public: Value = serde_json::from_str(&key.public_key().to_jwk().to_json()).unwrap();
    let (status, bound) = bind(public).await;
    assert_eq!(
        (status, bound["thumbprint"].as_str()),
        (201, Some(key.public_key().thumbprint().as_str()))
    );
    let (status, c) = challenge().await;
    assert_eq!(status, 200, "{c}");
    let (nonce, aud) = (c["nonce"].as_str().unwrap(), c["audience"].as_str().unwrap());
    let verify = |nonce: &str, answer: &str| {
        post(
            s,
            "/v1/auth/wallet/verify",
            &bank,
            json!({ "individualId": uin, "nonce": nonce, "response": answer }),
        )
    };
    let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let forged = sign_response(nonce, aud, &other, &SystemClock).unwrap();
    refused(&verify(nonce, &forged).await, 401, "idp.wallet_bad_response");
    let wrong_aud = sign_response(nonce, "https://elsewhere.example", &key, &SystemClock).unwrap();
    refused(&verify(nonce, &wrong_aud).await, 401, "idp.wallet_bad_response");
    let answer = sign_response(nonce, aud, &key, &SystemClock).unwrap();
    let (status, ok) = verify(nonce, &answer).await;
    assert_eq!((status, ok["amr"].as_str()), (200, Some("hwk")), "{ok}");
    refused(&verify(nonce, &answer).await, 401, "idp.challenge_used");
    refused(
        &verify("no-such-nonce", &answer).await,
        401,
        "idp.challenge_unknown",
    );
    s.audit_ok().await;
}

/// e-KYC: only consented and allowed claims, in an ES256 `ekyc+jwt` that verifies against the
/// published JWKS with inkan-core's `jwt::verify`; refusals consume nothing.
pub async fn ekyc(s: &Server) {
    let p = person(13);
    let uin = enrolled(s, &p).await;
    let bank = partner(s, "bank-1", &["name", "birthdate", "gender"]).await;
    let ekyc = |token: String, consent: Value, proof: Value| {
        let body = json!({ "individualId": uin, "consent": consent, "authentication": proof });
        async move { post(s, "/v1/ekyc", &token, body).await }
    };
    assert_eq!(send_otp(s, &bank, &uin, "kyc").await.0, 200);
    let code = last_code(s);
    let proof = json!({ "factor": "otp", "purpose": "kyc", "otp": code });
    refused(
        &ekyc(bank.clone(), json!(["name", "email"]), proof.clone()).await,
        403,
        "idp.ekyc_claim_not_allowed",
    );
    refused(
        &ekyc(bank.clone(), json!([]), proof.clone()).await,
        400,
        "idp.ekyc_no_consent",
    );
    refused(
        &ekyc(s.admin.clone(), json!(["name"]), proof.clone()).await,
        403,
        "idp.not_a_partner",
    );
    let officer = s.operator("registration_officer").await;
    refused(
        &ekyc(officer.clone(), json!(["name"]), proof.clone()).await,
        403,
        "idp.forbidden",
    );
    // The refusals above consumed nothing: the OTP still works.
    let (status, v) = ekyc(bank.clone(), json!(["name", "birthdate"]), proof.clone()).await;
    assert_eq!(status, 200, "{v}");
    let token = v["token"].as_str().unwrap();
    let (status, jwks) = call(s, Method::GET, "/v1/ekyc/jwks", "", None).await;
    assert_eq!(status, 200);
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert!(jwks["keys"][0].get("d").is_none(), "the private key is published");
    let jwk = Jwk::from_json(&jwks["keys"][0].to_string()).unwrap();
    let key = PublicKey::from_jwk(&jwk).unwrap();
    let rules = jwt::JwtValidation::default()
        .with_issuer("http://127.0.0.1:8080")
        .with_audience("bank-1")
        .with_typ("ekyc+jwt");
    let verified = jwt::verify(token, &key, &rules, &SystemClock).unwrap();
    // An independent implementation (jwcrypto, pinned) verifies it with the published key too.
    let jwk_file = s.dir.path().join("ekyc-jwk.json");
    std::fs::write(&jwk_file, jwks["keys"][0].to_string()).unwrap();
    let oracle = inkan_test_vectors::run_oracle(
        "jose_oracle.py",
        &["verify-jws", jwk_file.to_str().unwrap(), token],
    );
    let payload: Value = serde_json::from_str(oracle.trim().strip_prefix("valid:").expect(&oracle)).unwrap();
    assert_eq!(Value::Object(verified.claims.clone()), payload);
    let mut tampered = token.to_string();
    tampered.replace_range(tampered.len() - 4.., "AAAA");
    assert!(
        inkan_test_vectors::run_oracle(
            "jose_oracle.py",
            &["verify-jws", jwk_file.to_str().unwrap(), &tampered]
        )
        .starts_with("invalid:")
    );
    assert_eq!(verified.algorithm, Algorithm::Es256);
    let c = &verified.claims;
    assert_eq!(c["name"], p["fullName"][0]["value"]);
    assert_eq!(c["birthdate"], p["dateOfBirth"]);
    assert_eq!(c["amr"], json!(["otp"]));
    for absent in ["gender", "email", "phone_number", "address"] {
        assert!(
            c.get(absent).is_none(),
            "{absent} released without consent or permission"
        );
    }
    assert!(!token.contains(&uin) && c["sub"].as_str().unwrap().len() == 43);
    // The OTP is used now; a PIN works as the factor too, and the subject is stable.
    refused(
        &ekyc(bank.clone(), json!(["name"]), proof).await,
        401,
        "idp.otp_used",
    );
    assert_eq!(
        post(
            s,
            "/v1/auth/pin",
            &s.admin,
            json!({ "individualId": uin, "pin": "739154" })
        )
        .await
        .0,
        204
    );
    let (status, v) = ekyc(
        bank.clone(),
        json!(["gender"]),
        json!({ "factor": "pin", "pin": "739154" }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let again = jwt::verify(v["token"].as_str().unwrap(), &key, &rules, &SystemClock).unwrap();
    assert_eq!(
        (again.claims["sub"].clone(), again.claims["gender"].clone()),
        (c["sub"].clone(), p["gender"].clone())
    );
    refused(
        &ekyc(
            bank.clone(),
            json!(["name"]),
            json!({ "factor": "pin", "pin": "739155" }),
        )
        .await,
        401,
        "idp.pin_mismatch",
    );
    // Partners: administrators only, ids unique, policies sane.
    let make = |token: String, body: Value| async move { post(s, "/v1/partners", &token, body).await };
    let good = json!({ "partnerId": "bank-2", "allowedClaims": ["name"], "tokenTtlSecs": 60 });
    refused(&make(bank.clone(), good.clone()).await, 403, "idp.forbidden");
    assert_eq!(make(s.admin.clone(), good.clone()).await.0, 201);
    refused(&make(s.admin.clone(), good).await, 409, "idp.conflict");
    let none = json!({ "partnerId": "bank-3", "allowedClaims": [], "tokenTtlSecs": 60 });
    refused(&make(s.admin.clone(), none).await, 400, "idp.bad_partner");
    // Every endpoint is in the OpenAPI document.
    let (_, doc) = call(s, Method::GET, "/openapi.json", "", None).await;
    for path in [
        "/v1/auth/otp/send",
        "/v1/auth/otp/verify",
        "/v1/auth/pin",
        "/v1/auth/pin/verify",
        "/v1/auth/demographic",
        "/v1/auth/biometric",
        "/v1/auth/wallet/keys",
        "/v1/auth/wallet/challenge",
        "/v1/auth/wallet/verify",
        "/v1/ekyc",
        "/v1/ekyc/jwks",
        "/v1/partners",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    s.audit_ok().await;
}

/// SQL metacharacters in every string field of every factor endpoint: a clear 4xx (or, for a
/// purpose, the value kept verbatim), never a 5xx, tables intact, audit chain verifying.
pub async fn factor_sql_metacharacters(s: &Server) {
    const EVIL: [&str; 4] = [
        "'; DROP TABLE otp_records; --",
        "\" OR 1=1 --",
        "x'); DELETE FROM audit_log; --",
        "\\'%_$1",
    ];
    let uin = enrolled(s, &person(14)).await;
    let bank = partner(s, "bank-1", &["name"]).await;
    assert_eq!(
        post(
            s,
            "/v1/auth/pin",
            &s.admin,
            json!({ "individualId": uin, "pin": "739154" })
        )
        .await
        .0,
        204
    );
    for (i, evil) in EVIL.iter().enumerate() {
        let before = s.counts().await;
        // A purpose is the caller's free text: stored and matched verbatim.
        assert_eq!(send_otp(s, &bank, &uin, evil).await.0, 200);
        let code = last_code(s);
        refused(
            &verify_otp(s, &bank, &uin, evil, evil).await,
            401,
            "idp.otp_mismatch",
        );
        let (status, _) = verify_otp(s, &bank, &uin, evil, &code).await;
        assert_eq!(status, 200);
        let cases: Vec<(&str, Value)> = vec![
            (
                "/v1/auth/otp/send",
                json!({ "individualId": evil, "purpose": "p" }),
            ),
            (
                "/v1/auth/otp/verify",
                json!({ "individualId": evil, "purpose": "p", "otp": "123456" }),
            ),
            (
                "/v1/auth/otp/verify",
                json!({ "individualId": uin, "purpose": "never-sent", "otp": evil }),
            ),
            (
                "/v1/auth/pin/verify",
                json!({ "individualId": evil, "pin": "739154" }),
            ),
            ("/v1/auth/pin/verify", json!({ "individualId": uin, "pin": evil })),
            ("/v1/auth/pin", json!({ "individualId": uin, "pin": evil })),
            (
                "/v1/auth/demographic",
                json!({ "individualId": uin, "demographics": { "name": evil } }),
            ),
            (
                "/v1/auth/demographic",
                json!({ "individualId": uin, "demographics": { "email": evil } }),
            ),
            (
                "/v1/auth/demographic",
                json!({ "individualId": uin, "demographics": { "phone": evil } }),
            ),
            (
                "/v1/auth/demographic",
                json!({ "individualId": uin, "demographics": { "dateOfBirth": evil } }),
            ),
            (
                "/v1/auth/biometric",
                json!({ "individualId": uin, "biometrics": [{ "modality": evil, "bodyPart": evil, "format": evil, "data": evil }] }),
            ),
            (
                "/v1/auth/wallet/keys",
                json!({ "individualId": uin, "jwk": { "kty": evil, "x": evil } }),
            ),
            ("/v1/auth/wallet/challenge", json!({ "individualId": evil })),
            (
                "/v1/auth/wallet/verify",
                json!({ "individualId": uin, "nonce": evil, "response": evil }),
            ),
            (
                "/v1/ekyc",
                json!({ "individualId": uin, "consent": ["name"], "authentication": { "factor": "otp", "purpose": evil, "otp": evil } }),
            ),
            (
                "/v1/ekyc",
                json!({ "individualId": uin, "consent": [evil], "authentication": { "factor": "pin", "pin": "739154" } }),
            ),
        ];
        for (path, body) in cases {
            let token = if path == "/v1/auth/pin" || path.contains("keys") {
                s.admin.clone()
            } else {
                bank.clone()
            };
            let resp = s
                .req(Method::POST, path, &token)
                .header("X-Purpose", *evil)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            let problem: Value = resp.json().await.unwrap();
            assert!((400..500).contains(&status), "{path} {body}: {status} {problem}");
            assert!(problem["code"].as_str().unwrap().starts_with("idp."), "{problem}");
        }
        // A partner id is free text too: kept verbatim when it is visible ASCII, refused else.
        let body = json!({ "partnerId": evil, "allowedClaims": ["name"], "tokenTtlSecs": 60 });
        let r = post(s, "/v1/partners", &s.admin, body).await;
        match r.0 {
            201 => assert_eq!(r.1["partnerId"].as_str(), Some(*evil)),
            _ => refused(&r, 400, "idp.bad_partner"),
        }
        assert_eq!(s.counts().await, before, "round {i}");
    }
    // The PIN survived: four wrong PINs above counted, below the lock.
    let ok = post(
        s,
        "/v1/auth/pin/verify",
        &bank,
        json!({ "individualId": uin, "pin": "739154" }),
    )
    .await;
    assert_eq!(ok.0, 200, "{}", ok.1);
    s.audit_ok().await;
}
