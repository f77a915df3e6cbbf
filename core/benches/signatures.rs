//! Raw signature operations per provider: the "signature floor" every other bench compares with.

#![allow(missing_docs, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::crypto::{Algorithm, CryptoProvider, PrivateKeyData, Signer, SoftwareKey, Verifier};

fn providers() -> Vec<&'static dyn CryptoProvider> {
    #[allow(unused_mut)]
    let mut v: Vec<&'static dyn CryptoProvider> =
        vec![&inkan_core::crypto::openssl_provider::OpenSslProvider];
    #[cfg(feature = "aws-lc")]
    v.push(&inkan_core::crypto::awslc_provider::AwsLcProvider);
    #[cfg(feature = "rustcrypto")]
    v.push(&inkan_core::crypto::rustcrypto_provider::RustCryptoProvider);
    v
}

fn bench(c: &mut Criterion) {
    let message = [0x5au8; 256];
    for provider in providers() {
        for alg in [
            Algorithm::EdDsa,
            Algorithm::Es256,
            Algorithm::Es384,
            Algorithm::Ps256,
        ] {
            let Ok(data) = PrivateKeyData::generate(alg.key_type()) else {
                continue;
            };
            let Ok(key) = SoftwareKey::with_provider(data, alg, provider) else {
                continue;
            };
            let sig = key.sign(&message).expect("sign");
            let public = key.public_key().clone();
            let mut group = c.benchmark_group(format!("{}/{alg}", provider.name()));
            group.bench_function("sign", |b| b.iter(|| key.sign(std::hint::black_box(&message))));
            group.bench_function("verify", |b| {
                b.iter(|| public.verify(alg, std::hint::black_box(&message), &sig))
            });
            group.finish();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
