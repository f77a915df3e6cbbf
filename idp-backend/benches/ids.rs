//! Registry hot paths that need no database: UIN generation, OTP verification, PIN verification
//! (argon2id at the default cost) and e-KYC token signing. Each is timed against the raw
//! signature operation in the same run (RATIO lines), as every inkan bench is.
// Bench code: a failed unwrap is a broken bench.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../../core/benches/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, Signer, SoftwareKey};
use inkan_idp::ekyc::{EkycClaim, EkycRequest, PartnerPolicy, issue};
use inkan_idp::factors::otp::{OtpKey, OtpPolicy, OtpRecord};
use inkan_idp::factors::pin::PinHasher;
use inkan_idp::ids::{IdGenerator, IdPolicy};

fn benches(c: &mut Criterion) {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let raw_sign = || {
        black_box(key.sign(black_box(b"inkan idp bench payload")).unwrap());
    };

    let mut uin10 = IdGenerator::new(IdPolicy::uin()).unwrap();
    let mut uin12 = IdGenerator::new(IdPolicy::uin_with_length(12).unwrap()).unwrap();
    let mut vid = IdGenerator::new(IdPolicy::vid()).unwrap();
    c.bench_function("uin10_generate", |b| b.iter(|| black_box(uin10.uin().unwrap())));
    c.bench_function("uin12_generate", |b| b.iter(|| black_box(uin12.uin().unwrap())));
    c.bench_function("vid16_generate", |b| b.iter(|| black_box(vid.vid().unwrap())));
    common::report_ratio("uin10_generate vs ES256 sign", raw_sign, || {
        black_box(uin10.uin().unwrap());
    });

    let (otp_key, policy, clock) = (
        OtpKey::from_bytes(&[1; 32]).unwrap(),
        OtpPolicy::default(),
        FixedClock::at_unix(10),
    );
    let (record, code) =
        OtpRecord::issue("ref-1", "login", &policy, &otp_key, &FixedClock::at_unix(0)).unwrap();
    c.bench_function("otp_verify", |b| {
        b.iter(|| black_box(record.verify(code.as_str(), &policy, &otp_key, &clock)))
    });
    common::report_ratio("otp_verify vs ES256 sign", raw_sign, || {
        black_box(record.verify(code.as_str(), &policy, &otp_key, &clock));
    });

    let hasher = PinHasher::default();
    let phc = hasher.hash("739154").unwrap();
    let mut group = c.benchmark_group("pin");
    group.sample_size(20);
    group.bench_function("pin_verify_argon2id_19MiB_t2", |b| {
        b.iter(|| hasher.verify(black_box("739154"), &phc).unwrap())
    });
    group.finish();
    common::report_ratio("pin_verify vs ES256 sign", raw_sign, || {
        hasher.verify("739154", &phc).unwrap();
    });

    let partner = PartnerPolicy {
        partner_id: "bank-001".into(),
        allowed_claims: BTreeSet::from([EkycClaim::Name, EkycClaim::Birthdate, EkycClaim::Gender]),
        token_ttl_secs: 300,
    };
    let record = serde_json::json!({
        "fullName": [{"language": "eng", "value": "Jane Doe"}], "dateOfBirth": "1990-01-31", "gender": "female"});
    let consented = [EkycClaim::Name, EkycClaim::Birthdate, EkycClaim::Gender];
    let request = EkycRequest {
        subject: "sub",
        consented: &consented,
        amr: &["otp"],
    };
    let ekyc = || issue("https://id.example", &partner, &request, &record, &key, &clock).unwrap();
    c.bench_function("ekyc_issue_es256", |b| b.iter(|| black_box(ekyc())));
    common::report_ratio("ekyc_issue vs ES256 sign", raw_sign, || {
        black_box(ekyc());
    });
}

criterion_group!(idp, benches);
criterion_main!(idp);
