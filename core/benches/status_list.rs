//! Token Status List: status lookup in a 1,000,000-entry list — decompress once, then O(1)
//! lookups — and verifying the list's `statuslist+jwt` (ES256 signature + parse + inflate)
//! against the raw ES256 verify of the same token, in the same run.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::crypto::{Algorithm, SoftwareKey, Verifier};
use inkan_core::status::{Bits, StatusList, StatusListToken, UnverifiedStatusList};

const ENTRIES: usize = 1_000_000;

/// A one-bit list with 1 % of its entries revoked, spread by a fixed xorshift.
fn list() -> StatusList {
    let mut list = StatusList::new(Bits::One, ENTRIES).unwrap();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..ENTRIES / 100 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        list.set(x % ENTRIES as u64, 1).unwrap();
    }
    list
}

fn bench(c: &mut Criterion) {
    let list = list();
    let lst = list.to_lst();
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let uri = "https://example.com/statuslists/1";
    let token = StatusListToken::new(uri, 1_000, list.clone())
        .sign_jwt(&key)
        .unwrap();
    println!(
        "status list: {ENTRIES} entries, lst {} chars, JWT {} bytes",
        lst.len(),
        token.len()
    );
    let public = key.public_key().clone();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = inkan_core::encoding::b64url_decode(sig).unwrap();

    let raw = || public.verify(Algorithm::Es256, input.as_bytes(), &sig).unwrap();
    let decompress = || {
        black_box(StatusList::from_lst(Bits::One, black_box(&lst)).unwrap());
    };
    let verify_and_decompress = || {
        let parsed = UnverifiedStatusList::parse(black_box(token.as_bytes())).unwrap();
        parsed.verify_signature(&public, &[Algorithm::Es256]).unwrap();
        black_box(parsed.into_token());
    };
    let mut idx = 0u64;
    let mut lookup = || {
        idx = (idx + 7_919) % ENTRIES as u64;
        black_box(list.get(black_box(idx)).unwrap());
    };

    let mut group = c.benchmark_group("status_list/1M");
    group.bench_function("raw_verify_es256", |b| b.iter(raw));
    group.bench_function("decompress", |b| b.iter(decompress));
    group.bench_function("lookup", |b| b.iter(&mut lookup));
    group.bench_function("verify_jwt_and_decompress", |b| b.iter(verify_and_decompress));
    group.finish();
    common::report_ratio(
        "status list 1M verify JWT + decompress / ES256",
        raw,
        verify_and_decompress,
    );
    common::report_ratio("status list 1M decompress / ES256", raw, decompress);
    common::report_ratio("status list 1M lookup / ES256", raw, lookup);
}

criterion_group!(benches, bench);
criterion_main!(benches);
