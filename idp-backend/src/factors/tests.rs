// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::jose::{Header, jwt};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::demographic::{DemographicClaims, match_demographics};
use super::notify::{FileNotifier, Message, Notifier, SmtpConfig, SmtpNotifier, SmtpSecurity};
use super::pin::{PinAttempts, PinHasher};
use super::wallet::{RESPONSE_TYP, WalletChallenge, WalletKey, sign_response};
use super::*;
use crate::dedup::{ExactTemplateMatcher, Gender};

// --- PIN ---

#[test]
fn pin_hash_verify_and_rehash() {
    let hasher = PinHasher::default();
    let started = std::time::Instant::now();
    let phc = hasher.hash("739154").unwrap();
    let hashed = started.elapsed();
    hasher.verify("739154", &phc).unwrap();
    // argon2 is built with opt-level 3 even in tests (root Cargo.toml), so this is near the
    // release cost; printed, not asserted.
    eprintln!(
        "argon2id 19 MiB t=2 p=1: hash {hashed:?}, verify {:?}",
        started.elapsed() - hashed
    );
    let again = hasher.hash("739154").unwrap();
    assert_ne!(phc, again); // fresh salt each time
    hasher.verify("739154", &phc).unwrap();
    assert_eq!(
        hasher.verify("739155", &phc).unwrap_err(),
        FactorError::PinMismatch
    );
    assert_eq!(hasher.verify("", &phc).unwrap_err(), FactorError::PinMismatch);
    assert_eq!(
        hasher.verify(&"7".repeat(10_000), &phc).unwrap_err(),
        FactorError::PinMismatch
    );
    assert!(!hasher.needs_rehash(&phc));
    assert_eq!(
        hasher.verify("739154", "$2b$10$notargon").unwrap_err().code(),
        "idp.bad_factor_config"
    );
    assert_eq!(
        hasher.verify("739154", "garbage").unwrap_err().code(),
        "idp.bad_factor_config"
    );
    // A hash made with other parameters still verifies (parameters come from the PHC string).
    let light = PinHasher::new(8 * 1024, 1, 1).unwrap();
    let old = light.hash("739154").unwrap();
    hasher.verify("739154", &old).unwrap();
    assert!(hasher.needs_rehash(&old));
}

#[test]
fn pin_lock_after_five_failures() {
    let mut a = PinAttempts::default();
    for _ in 0..4 {
        a = a.failed(&FixedClock::at_unix(0));
        a.check(&FixedClock::at_unix(0)).unwrap();
    }
    a = a.failed(&FixedClock::at_unix(10));
    assert_eq!(
        a.check(&FixedClock::at_unix(20)).unwrap_err(),
        FactorError::PinLocked { retry_after: 890 }
    );
    a.check(&FixedClock::at_unix(910)).unwrap();
}

// --- demographics ---

fn record() -> serde_json::Value {
    json!({
        "fullName": [{"language": "eng", "value": "Maria Ivanova"}, {"language": "rus", "value": "Мария Иванова"}],
        "dateOfBirth": "1979-06-01", "gender": "female", "phone": "+79161234567", "email": "Maria@Example.org"
    })
}

#[test]
fn demographic_match_any_script_every_field() {
    let all = DemographicClaims {
        name: Some("मारिया इवानोवा".into()),
        date_of_birth: Some("1979-06-01".into()),
        gender: Some(Gender::Female),
        phone: Some("+7 916 123-45-67".into()),
        email: Some("maria@example.ORG".into()),
    };
    match_demographics(&all, &record()).unwrap();
    let cases = [
        DemographicClaims {
            name: Some("Maria Petrova".into()),
            ..all.clone()
        },
        DemographicClaims {
            date_of_birth: Some("1979-06-02".into()),
            ..all.clone()
        },
        DemographicClaims {
            gender: Some(Gender::Male),
            ..all.clone()
        },
        DemographicClaims {
            phone: Some("+79161234568".into()),
            ..all.clone()
        },
        DemographicClaims {
            email: Some("maria@example.com".into()),
            ..all.clone()
        },
    ];
    for c in cases {
        assert_eq!(
            match_demographics(&c, &record()).unwrap_err(),
            FactorError::DemographicMismatch,
            "{c:?}"
        );
    }
    assert_eq!(
        match_demographics(&DemographicClaims::default(), &record())
            .unwrap_err()
            .code(),
        "idp.bad_demographics"
    );
    let bad_date = DemographicClaims {
        date_of_birth: Some("1979-02-30".into()),
        ..Default::default()
    };
    assert_eq!(
        match_demographics(&bad_date, &record()).unwrap_err().code(),
        "idp.bad_demographics"
    );
    // A field the record lacks does not match.
    let no_phone = json!({"fullName": [{"language": "eng", "value": "Maria Ivanova"}], "dateOfBirth": "1979-06-01", "gender": "female"});
    let phone_only = DemographicClaims {
        phone: Some("+79161234567".into()),
        ..Default::default()
    };
    assert_eq!(
        match_demographics(&phone_only, &no_phone).unwrap_err(),
        FactorError::DemographicMismatch
    );
    assert!(serde_json::from_str::<DemographicClaims>(r#"{"name":"x","ssn":"1"}"#).is_err());
}

// --- biometrics ---

#[tokio::test(flavor = "current_thread")]
async fn biometric_factor_through_the_matcher() {
    use inkan_core::claim169::{BiometricFormat, BodyPart};
    let m = ExactTemplateMatcher::new();
    let iris = crate::dedup::BiometricSample {
        body_part: BodyPart::LeftIris,
        format: BiometricFormat::Template,
        sub_format: None,
        quality: Some(90),
        data: b"iris-code".to_vec(),
    };
    m.insert("ref-1", std::slice::from_ref(&iris)).await.unwrap();
    match_biometrics(&m, "ref-1", std::slice::from_ref(&iris))
        .await
        .unwrap();
    assert_eq!(
        match_biometrics(&m, "ref-1", &[]).await.unwrap_err(),
        FactorError::NoBiometric
    );
    let other = crate::dedup::BiometricSample {
        data: b"iris-code2".to_vec(),
        ..iris
    };
    assert_eq!(
        match_biometrics(&m, "ref-1", &[other]).await.unwrap_err(),
        FactorError::BiometricMismatch
    );
}

// --- wallet ---

#[test]
fn wallet_challenge_response() {
    let aud = "https://id.example";
    let clock = FixedClock::at_unix(1_000);
    for alg in [Algorithm::Es256, Algorithm::EdDsa, Algorithm::Es384] {
        let wallet = SoftwareKey::generate(alg).unwrap();
        let bound = WalletKey::from_jwk(&wallet.public_key().to_jwk()).unwrap();
        let c = WalletChallenge::new("ref-1", &clock).unwrap();
        let answer = sign_response(&c.nonce, aud, &wallet, &clock).unwrap();
        let done = c.verify(&answer, &bound, aud, &clock);
        assert_eq!(done.outcome, Ok(()));
        assert!(done.challenge.used);
    }
}

#[test]
fn wallet_answers_that_must_fail() {
    let aud = "https://id.example";
    let clock = FixedClock::at_unix(1_000);
    let wallet = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let thief = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let bound = WalletKey::from_jwk(&wallet.public_key().to_jwk()).unwrap();
    let c = WalletChallenge::new("ref-1", &clock).unwrap();
    let code = |answer: &str| c.verify(answer, &bound, aud, &clock).outcome.unwrap_err().code();
    // Another key, another nonce, another audience, another typ, a stale iat.
    assert_eq!(
        code(&sign_response(&c.nonce, aud, &thief, &clock).unwrap()),
        "idp.wallet_bad_response"
    );
    assert_eq!(
        code(&sign_response("other-nonce", aud, &wallet, &clock).unwrap()),
        "idp.wallet_bad_response"
    );
    assert_eq!(
        code(&sign_response(&c.nonce, "https://evil.example", &wallet, &clock).unwrap()),
        "idp.wallet_bad_response"
    );
    let claims = json!({"nonce": c.nonce, "aud": aud, "iat": 1_000});
    let wrong_typ = jwt::sign(
        claims.as_object().unwrap(),
        &Header::for_signer(&wallet).with_typ("JWT"),
        &wallet,
    )
    .unwrap();
    assert_eq!(code(&wrong_typ), "idp.wallet_bad_response");
    let no_iat = json!({"nonce": c.nonce, "aud": aud});
    let no_iat = jwt::sign(
        no_iat.as_object().unwrap(),
        &Header::for_signer(&wallet).with_typ(RESPONSE_TYP),
        &wallet,
    )
    .unwrap();
    assert_eq!(code(&no_iat), "idp.wallet_bad_response");
    let stale = sign_response(&c.nonce, aud, &wallet, &FixedClock::at_unix(1_000 - 500)).unwrap();
    assert_eq!(code(&stale), "idp.wallet_bad_response");
    // alg none and junk.
    let none = format!(
        "{}.{}.",
        inkan_core::encoding::b64url_encode(br#"{"alg":"none","typ":"inkan-wallet-auth+jwt"}"#),
        inkan_core::encoding::b64url_encode(claims.to_string())
    );
    assert_eq!(code(&none), "idp.wallet_bad_response");
    assert_eq!(code("not a jwt"), "idp.wallet_bad_response");
    assert_eq!(code(&"a".repeat(100_000)), "idp.wallet_bad_response");
    // Failed answers leave the challenge open; an expired one refuses even a right answer.
    let good = sign_response(&c.nonce, aud, &wallet, &clock).unwrap();
    assert!(
        !c.verify(
            &sign_response(&c.nonce, aud, &thief, &clock).unwrap(),
            &bound,
            aud,
            &clock
        )
        .challenge
        .used
    );
    let late = FixedClock::at_unix(1_000 + 120);
    assert_eq!(
        c.verify(&good, &bound, aud, &late).outcome.unwrap_err(),
        FactorError::ChallengeExpired
    );
}

// --- notifiers ---

#[tokio::test(flavor = "current_thread")]
async fn file_notifier_appends_one_line_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.ndjson");
    let n = Arc::new(FileNotifier::new(&path));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let n = n.clone();
        tasks.push(tokio::spawn(async move {
            n.send(&Message::sms("+254700123456", format!("code {i:06}")))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Message> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 20);
    assert!(
        lines
            .iter()
            .all(|m| m.to == super::notify::Channel::Sms("+254700123456".into()))
    );
    let missing = FileNotifier::new(dir.path().join("no/such/dir/outbox"));
    assert_eq!(
        missing.send(&Message::sms("+1", "x")).await.unwrap_err().code(),
        "idp.notify_failed"
    );
}

/// A minimal SMTP server on loopback: accepts one session, records the DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut data: Option<String> = None;
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(buf) = data.as_mut() {
                if line == "." {
                    store.lock().unwrap().push(data.take().unwrap_or_default());
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    buf.push_str(&line);
                    buf.push('\n');
                }
                continue;
            }
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 sink\r\n",
                "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
                "DATA" => {
                    data = Some(String::new());
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"502 no\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
    });
    (port, received, task)
}

#[tokio::test(flavor = "current_thread")]
async fn smtp_notifier_delivers_to_a_loopback_sink() {
    let (port, received, sink) = smtp_sink().await;
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: SmtpSecurity::Loopback,
        username: None,
        password: None,
        from: "ID Registry <no-reply@id.example>".into(),
    };
    let smtp = SmtpNotifier::new(&config).unwrap();
    smtp.send(&Message::email(
        "maria@example.org",
        "Your code",
        "Your code is 482913",
    ))
    .await
    .unwrap();
    sink.await.unwrap();
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("Subject: Your code"), "{}", mails[0]);
    assert!(mails[0].contains("To: maria@example.org"));
    assert!(mails[0].contains("Your code is 482913"));
    // SMS over SMTP, a bad recipient, and a closed port are typed errors.
    assert_eq!(
        smtp.send(&Message::sms("+1555", "x")).await.unwrap_err().code(),
        "idp.notify_unsupported_channel"
    );
    assert_eq!(
        smtp.send(&Message::email("not an address", "s", "b"))
            .await
            .unwrap_err()
            .code(),
        "idp.notify_failed"
    );
    assert_eq!(
        smtp.send(&Message::email("a@example.org", "s", "b"))
            .await
            .unwrap_err()
            .code(),
        "idp.notify_failed"
    );
    // TLS modes build (no connection yet); bad sender refused.
    let tls = SmtpConfig {
        host: "smtp.example".into(),
        security: SmtpSecurity::StartTls,
        ..config.clone()
    };
    SmtpNotifier::new(&tls).unwrap();
    let bad_from = SmtpConfig {
        from: "nobody".into(),
        ..config
    };
    assert_eq!(
        SmtpNotifier::new(&bad_from).unwrap_err().code(),
        "idp.bad_factor_config"
    );
}

#[test]
fn error_codes_are_unique_and_namespaced() {
    let all = [
        FactorError::OtpExpired,
        FactorError::OtpUsed,
        FactorError::OtpMismatch { attempts_left: 1 },
        FactorError::OtpLocked,
        FactorError::OtpResendLimit,
        FactorError::OtpResendTooSoon { retry_after: 1 },
        FactorError::PinWeak(String::new()),
        FactorError::PinMismatch,
        FactorError::PinLocked { retry_after: 1 },
        FactorError::DemographicMismatch,
        FactorError::BadDemographics(String::new()),
        FactorError::BiometricMismatch,
        FactorError::NoBiometric,
        FactorError::ChallengeExpired,
        FactorError::ChallengeUsed,
        FactorError::WalletResponse(String::new()),
        FactorError::WalletKey(String::new()),
        FactorError::Notify(String::new()),
        FactorError::UnsupportedChannel("sms"),
        FactorError::BadConfig(String::new()),
        FactorError::Random(String::new()),
    ];
    let codes: std::collections::HashSet<&str> = all.iter().map(FactorError::code).collect();
    assert_eq!(codes.len(), all.len());
    assert!(codes.iter().all(|c| c.starts_with("idp.")));
    assert!(!FactorError::Notify(String::new()).is_client_error());
    assert!(FactorError::OtpLocked.is_client_error());
}
