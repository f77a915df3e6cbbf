// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use inkan_core::clock::FixedClock;

use super::*;

fn key() -> OtpKey {
    OtpKey::from_bytes(&[5; 32]).unwrap()
}

fn at(t: i64) -> FixedClock {
    FixedClock::at_unix(t)
}

/// A code that is certainly not `code`.
fn wrong(code: &OtpCode) -> String {
    let n: u32 = code.as_str().parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[test]
fn codes_are_six_uniformish_digits() {
    let (k, p) = (key(), OtpPolicy::default());
    let mut seen = HashSet::new();
    let mut first_digits = [0u32; 10];
    for _ in 0..2_000 {
        let (_, code) = OtpRecord::issue("s", "login", &p, &k, &at(0)).unwrap();
        assert!(code.as_str().len() == 6 && code.as_str().bytes().all(|b| b.is_ascii_digit()));
        first_digits[usize::from(code.as_str().as_bytes()[0] - b'0')] += 1;
        seen.insert(code.as_str().to_owned());
    }
    assert!(seen.len() > 1_990, "{}", seen.len()); // ~2 birthday collisions expected
    assert!(first_digits.iter().all(|&n| n > 120), "{first_digits:?}"); // leading zeros occur
}

#[test]
fn record_holds_no_code_and_is_bound_to_subject_and_purpose() {
    let (k, p) = (key(), OtpPolicy::default());
    let (record, code) = OtpRecord::issue("alice", "login", &p, &k, &at(100)).unwrap();
    let json = serde_json::to_string(&record).unwrap();
    assert!(!json.contains(code.as_str()));
    assert_eq!((record.expires_at, record.sends, record.attempts), (280, 1, 0));
    // The same hash moved to another subject or purpose does not verify.
    let moved = OtpRecord {
        subject: "mallory".into(),
        ..record.clone()
    };
    assert_eq!(
        moved
            .verify(code.as_str(), &p, &k, &at(110))
            .outcome
            .unwrap_err()
            .code(),
        "idp.otp_mismatch"
    );
    let other_purpose = OtpRecord {
        purpose: "ekyc".into(),
        ..record.clone()
    };
    assert!(
        other_purpose
            .verify(code.as_str(), &p, &k, &at(110))
            .outcome
            .is_err()
    );
    // Another server key does not verify either.
    let other_key = OtpKey::from_bytes(&[6; 32]).unwrap();
    assert!(
        record
            .verify(code.as_str(), &p, &other_key, &at(110))
            .outcome
            .is_err()
    );
    assert!(record.verify(code.as_str(), &p, &k, &at(110)).outcome.is_ok());
    let back: OtpRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
}

#[test]
fn expired_codes_are_refused_without_change() {
    let (k, p) = (key(), OtpPolicy::default());
    let (record, code) = OtpRecord::issue("s", "login", &p, &k, &at(0)).unwrap();
    assert!(record.verify(code.as_str(), &p, &k, &at(179)).outcome.is_ok());
    let late = record.verify(code.as_str(), &p, &k, &at(180));
    assert_eq!(late.outcome, Err(FactorError::OtpExpired));
    assert!(!late.changed(&record));
}

#[test]
fn brute_force_locks_after_the_limit_even_for_the_right_code() {
    let (k, p) = (key(), OtpPolicy::default());
    let (mut record, code) = OtpRecord::issue("s", "login", &p, &k, &at(0)).unwrap();
    for left in (1..5).rev() {
        let a = record.verify(&wrong(&code), &p, &k, &at(10));
        assert_eq!(a.outcome, Err(FactorError::OtpMismatch { attempts_left: left }));
        record = a.record;
    }
    let fifth = record.verify(&wrong(&code), &p, &k, &at(10));
    assert_eq!(fifth.outcome, Err(FactorError::OtpLocked));
    assert_eq!(fifth.record.state, OtpState::Locked);
    let right = fifth.record.verify(code.as_str(), &p, &k, &at(11));
    assert_eq!(right.outcome, Err(FactorError::OtpLocked));
    // A locked record cannot be resent to reset the counter.
    assert_eq!(
        fifth.record.resend(&p, &k, &at(100)).unwrap_err(),
        FactorError::OtpLocked
    );
}

#[test]
fn malformed_input_counts_as_an_attempt() {
    let (k, p) = (key(), OtpPolicy::default());
    let (record, code) = OtpRecord::issue("s", "login", &p, &k, &at(0)).unwrap();
    for junk in [
        "",
        "12345",
        "1234567",
        "abcdef",
        " 123456",
        &format!("{} ", code.as_str()),
        "١٢٣٤٥٦",
    ] {
        let a = record.verify(junk, &p, &k, &at(1));
        assert_eq!(a.outcome.unwrap_err().code(), "idp.otp_mismatch", "{junk:?}");
        assert_eq!(a.record.attempts, 1);
    }
    let tampered = OtpRecord {
        code_hash: "not base64!".into(),
        ..record
    };
    assert!(tampered.verify(code.as_str(), &p, &k, &at(1)).outcome.is_err());
}

#[test]
fn resend_replaces_the_code_keeps_attempts_and_extends_expiry() {
    let (k, p) = (key(), OtpPolicy::default());
    let (record, first) = OtpRecord::issue("s", "login", &p, &k, &at(0)).unwrap();
    let record = record.verify(&wrong(&first), &p, &k, &at(5)).record;
    let (record, second) = record.resend(&p, &k, &at(40)).unwrap();
    assert_eq!((record.attempts, record.sends, record.expires_at), (1, 2, 220));
    if first.as_str() != second.as_str() {
        assert!(record.verify(first.as_str(), &p, &k, &at(41)).outcome.is_err());
    }
    assert!(record.verify(second.as_str(), &p, &k, &at(219)).outcome.is_ok());
    // Used records cannot be resent.
    let used = record.verify(second.as_str(), &p, &k, &at(50)).record;
    assert_eq!(used.resend(&p, &k, &at(100)).unwrap_err(), FactorError::OtpUsed);
}

#[test]
fn policies_that_disable_protection_are_refused() {
    let k = key();
    for p in [
        OtpPolicy {
            ttl_secs: 0,
            ..OtpPolicy::default()
        },
        OtpPolicy {
            max_sends: 0,
            ..OtpPolicy::default()
        },
        OtpPolicy {
            resend_after_secs: -1,
            ..OtpPolicy::default()
        },
    ] {
        assert_eq!(
            OtpRecord::issue("s", "p", &p, &k, &at(0)).unwrap_err().code(),
            "idp.bad_factor_config"
        );
    }
    assert_eq!(
        OtpKey::from_bytes(b"short").unwrap_err().code(),
        "idp.bad_factor_config"
    );
    let p: OtpPolicy = serde_json::from_str(r#"{"ttlSecs": 60}"#).unwrap_or_default();
    assert_eq!(p, OtpPolicy::default()); // snake_case fields: unknown names are refused
    let p: OtpPolicy = serde_json::from_str(r#"{"ttl_secs": 60}"#).unwrap();
    assert_eq!((p.ttl_secs, p.max_attempts), (60, 5));
}
