//! Base45 (RFC 9285 examples and negative cases), zlib (bombs, truncation, trailing bytes,
//! interop with the reference zlib through CPython) and Multikey point compression against
//! OpenSSL (through `cryptography`).

// Test helpers outside `#[test]` functions unwrap too: a failure there is a failed test.

use std::time::{Duration, Instant};

use inkan_core::Error;
use inkan_core::crypto::{Algorithm, PublicKeyData, SoftwareKey};
use inkan_core::encoding::{
    InflateLimit, base45_decode, base45_encode, multikey_decode, multikey_encode, zlib_compress,
    zlib_decompress,
};
use inkan_test_vectors::{json, run_oracle};
use proptest::prelude::*;

const RFC_FILE: &str = "small-rfc-vectors/rfc8032-ed25519-and-rfc9285-base45.json";

#[test]
fn rfc9285_examples_both_ways() {
    let vectors = json(RFC_FILE);
    let cases = vectors["base45_rfc9285"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let bytes = case["bytes_utf8"].as_str().unwrap().as_bytes();
        let text = case["base45"].as_str().unwrap();
        assert_eq!(base45_encode(bytes), text);
        assert_eq!(base45_decode(text).unwrap(), bytes);
    }
}

#[test]
fn rfc9285_negative_cases() {
    let vectors = json(RFC_FILE);
    let cases = vectors["base45_negative_cases_derived_from_rfc9285_rules"]
        .as_array()
        .unwrap();
    assert_eq!(cases.len(), 4);
    // What each case's message must name: the rule it breaks.
    let expected = [
        ("GGW", "65536 > 65535"),
        ("ZZ", "1610 > 255"),
        ("A", "dangling"),
        ("aB8", "not in the Base45 alphabet"),
    ];
    for (case, (input, reason)) in cases.iter().zip(expected) {
        assert_eq!(case["input"], input);
        let err = base45_decode(input).unwrap_err();
        assert_eq!(err.code(), "encoding.bad_base45");
        assert!(err.to_string().contains(reason), "{input}: {err}");
    }
}

#[test]
fn ten_megabyte_bomb_stops_at_the_cap_quickly() {
    let bomb = zlib_compress(&vec![0u8; 10 * 1024 * 1024], 9);
    assert!(bomb.len() < 20 * 1024, "bomb is {} bytes", bomb.len());
    let start = Instant::now();
    let err = zlib_decompress(&bomb, InflateLimit::default()).unwrap_err();
    assert_eq!(err, Error::InflateLimit { limit: 64 * 1024 });
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "took {:?}",
        start.elapsed()
    );
    // With a cap that fits, the same stream inflates in full.
    let out = zlib_decompress(&bomb, InflateLimit::new(10 * 1024 * 1024)).unwrap();
    assert_eq!(out.len(), 10 * 1024 * 1024);
    assert!(out.iter().all(|b| *b == 0));
}

#[test]
fn truncated_streams_are_bad_zlib() {
    let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    let packed = zlib_compress(&data, 6);
    for cut in [0, 1, 2, packed.len() / 2, packed.len() - 4, packed.len() - 1] {
        let err = zlib_decompress(&packed[..cut], InflateLimit::default()).unwrap_err();
        assert_eq!(err.code(), "encoding.bad_zlib", "cut at {cut}: {err}");
    }
}

#[test]
fn trailing_bytes_are_bad_zlib() {
    let mut packed = zlib_compress(b"claim 169 payload", 9);
    packed.push(0);
    let err = zlib_decompress(&packed, InflateLimit::default()).unwrap_err();
    assert_eq!(err.code(), "encoding.bad_zlib");
    assert!(err.to_string().contains("1 trailing bytes"), "{err}");
    // A second complete stream appended is garbage too.
    let mut twice = zlib_compress(b"a", 9);
    twice.extend(zlib_compress(b"b", 9));
    assert_eq!(
        zlib_decompress(&twice, InflateLimit::default())
            .unwrap_err()
            .code(),
        "encoding.bad_zlib"
    );
}

#[test]
fn raw_deflate_and_bad_headers_are_bad_zlib() {
    for data in [&b"\x78\x9c"[..], b"\x00\x00\x00\x00", b"\x78\x00\x01\x00"] {
        let err = zlib_decompress(data, InflateLimit::default()).unwrap_err();
        assert_eq!(err.code(), "encoding.bad_zlib", "{data:?}");
    }
    // Raw deflate (no zlib header), as a careless encoder might emit.
    let packed = zlib_compress(b"no header", 9);
    let raw = &packed[2..packed.len() - 4];
    assert_eq!(
        zlib_decompress(raw, InflateLimit::default()).unwrap_err().code(),
        "encoding.bad_zlib"
    );
}

#[test]
fn interop_with_reference_zlib() {
    let data = b"{\"1\":\"3918592438\",\"4\":\"Janardhan BS\",\"8\":\"1984-04-18\"}".repeat(8);
    for level in [1, 6, 9] {
        let theirs = hex::decode(
            run_oracle(
                "encoding_oracle.py",
                &["zlib-compress", &level.to_string(), &hex::encode(&data)],
            )
            .trim(),
        )
        .unwrap();
        assert_eq!(
            zlib_decompress(&theirs, InflateLimit::default()).unwrap(),
            data,
            "level {level}"
        );
        let ours = zlib_compress(&data, level);
        // Not just compatible: the very bytes zlib writes (PixelPass needs them).
        assert_eq!(ours, theirs, "level {level}");
        let back = run_oracle("encoding_oracle.py", &["zlib-decompress", &hex::encode(&ours)]);
        assert_eq!(hex::decode(back.trim()).unwrap(), data, "level {level}");
    }
}

#[test]
fn multikey_points_match_openssl_compression() {
    for alg in [Algorithm::Es256, Algorithm::Es384] {
        for _ in 0..4 {
            let key = SoftwareKey::generate(alg).unwrap().public_key().clone();
            let compressed = run_oracle("encoding_oracle.py", &["ec-compress", &key.to_jwk().to_json()]);
            let compressed = hex::decode(compressed.trim()).unwrap();
            let multikey = multikey_encode(key.data());
            let body = bs58_body(&multikey);
            assert_eq!(&body[2..], &compressed[..], "{alg}");
            assert_eq!(&multikey_decode(&multikey).unwrap(), key.data());
        }
    }
}

/// The decoded bytes (multicodec prefix and key) of a multibase value.
fn bs58_body(multibase: &str) -> Vec<u8> {
    let (_, bytes) = inkan_core::encoding::multibase_decode(multibase).unwrap();
    bytes
}

#[test]
fn ed25519_multikey_is_the_raw_key() {
    let vectors = json(RFC_FILE);
    for case in vectors["ed25519_rfc8032"].as_array().unwrap() {
        let public = hex::decode(case["public_key"].as_str().unwrap()).unwrap();
        let key = PublicKeyData::from_sec1(inkan_core::crypto::KeyType::Ed25519, &public).unwrap();
        let body = bs58_body(&multikey_encode(&key));
        assert_eq!(&body[..2], [0xed, 0x01]);
        assert_eq!(&body[2..], &public[..]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn base45_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(base45_decode(&base45_encode(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn base45_arbitrary_strings_never_panic(text in "\\PC{0,100}") {
        if let Err(e) = base45_decode(&text) {
            prop_assert_eq!(e.code(), "encoding.bad_base45");
        }
    }

    #[test]
    fn zlib_arbitrary_bytes_stay_under_the_cap(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        cap in 0usize..1000,
    ) {
        match zlib_decompress(&bytes, InflateLimit::new(cap)) {
            Ok(out) => prop_assert!(out.len() <= cap),
            Err(e) => prop_assert!(["encoding.bad_zlib", "encoding.inflate_limit"].contains(&e.code()), "{}", e),
        }
    }

    #[test]
    fn zlib_header_prefixed_noise_never_panics(noise in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut stream = vec![0x78, 0x9c];
        stream.extend(noise);
        if let Ok(out) = zlib_decompress(&stream, InflateLimit::new(512)) {
            prop_assert!(out.len() <= 512);
        }
    }

    #[test]
    fn multikey_arbitrary_strings_never_panic(text in "z?\\PC{0,100}") {
        let _ = multikey_decode(&text);
    }
}
