//! IETF Token Status List (draft -20): the spec's encoding vectors and examples, negative cases,
//! and interop both ways with `@sd-jwt/jwt-status-list` (Node) and CPython's zlib.
//!
//! The vectors are the draft's markdown, read as is: `test-vectors-section.md` lists the set
//! indices (`status[N] = 0b…` under `## N-bit Status List`); `examples/*_json.md` hold the JSON
//! (the `lst` string wrapped over lines, so whitespace is removed before parsing) and
//! `examples/*_cbor.md` hex lines (joined and decoded).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use inkan_core::clock::FixedClock;
use inkan_core::cose::DecodeOptions;
use inkan_core::cose::cbor::{self, CborLimits};
use inkan_core::cose::coset::Label;
use inkan_core::cose::coset::cbor::Value as Cbor;
use inkan_core::cose::cwt::{self, CwtClaims};
use inkan_core::crypto::{Algorithm, PublicKey, Signer as _, SoftwareKey};
use inkan_core::encoding::zlib_compress;
use inkan_core::status::{
    Bits, CWT_STATUS, MAX_ENTRIES, StatusList, StatusListToken, StatusReference, StatusValue,
    UnverifiedStatusList,
};
use inkan_test_vectors::{run_node_oracle_in, run_oracle, vectors_dir};
use serde_json::{Value, json};

const SIZE: usize = 1 << 20;
const URI: &str = "https://example.com/statuslists/1";

fn read(rel: &str) -> String {
    let path = vectors_dir().join("ietf-token-status-list").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `{bits: {index: value}}` from the test-vector appendix.
fn appendix_indices() -> BTreeMap<u8, BTreeMap<u64, u8>> {
    let mut sets: BTreeMap<u8, BTreeMap<u64, u8>> = BTreeMap::new();
    let mut bits = None;
    for line in read("test-vectors-section.md").lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            bits = rest.split('-').next().and_then(|b| b.parse::<u8>().ok());
            continue;
        }
        let Some(rest) = line.trim().strip_prefix("status[") else {
            continue;
        };
        let (index, value) = rest.split_once(']').unwrap();
        let value = value.trim().trim_start_matches('=').trim();
        let value = u8::from_str_radix(value.strip_prefix("0b").unwrap(), 2).unwrap();
        sets.entry(bits.unwrap())
            .or_default()
            .insert(index.parse().unwrap(), value);
    }
    sets
}

/// The JSON of an example file, with the line-wrapped `lst` joined.
fn example_json(name: &str) -> Value {
    let text = read(&format!("examples/{name}"));
    let start = text.find('{').unwrap();
    let compact: String = text[start..].chars().filter(|c| !c.is_whitespace()).collect();
    serde_json::from_str(&compact).unwrap()
}

/// The bytes of a hex example file (lines that are not hex are skipped).
fn example_hex(name: &str) -> Vec<u8> {
    let text = read(&format!("examples/{name}"));
    let hex: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_hexdigit()))
        .collect();
    hex::decode(hex).unwrap()
}

/// `byte_array = [0xb9, 0xa3]` from the small examples.
fn example_byte_array(name: &str) -> Vec<u8> {
    let text = read(&format!("examples/{name}"));
    let line = text.lines().find(|l| l.starts_with("byte_array")).unwrap();
    let inner = line.split_once('[').unwrap().1.split_once(']').unwrap().0;
    inner
        .split(',')
        .map(|b| u8::from_str_radix(b.trim().trim_start_matches("0x"), 16).unwrap())
        .collect()
}

fn list_from_json(value: &Value) -> StatusList {
    let bits = Bits::try_from(value["bits"].as_u64().unwrap()).unwrap();
    StatusList::from_lst(bits, value["lst"].as_str().unwrap()).unwrap()
}

fn list_from_cbor(bytes: &[u8]) -> StatusList {
    let Cbor::Map(map) = cbor::decode(bytes, &CborLimits::default()).unwrap() else {
        panic!("not a map")
    };
    let get = |k: &str| {
        map.iter()
            .find(|(key, _)| key.as_text() == Some(k))
            .unwrap()
            .1
            .clone()
    };
    let bits = Bits::try_from(u64::try_from(get("bits").as_integer().unwrap()).unwrap()).unwrap();
    StatusList::from_compressed(bits, get("lst").as_bytes().unwrap(), MAX_ENTRIES).unwrap()
}

fn encode(bits: Bits, len: usize, entries: &BTreeMap<u64, u8>) -> StatusList {
    let mut list = StatusList::new(bits, len).unwrap();
    for (i, v) in entries {
        list.set(*i, *v).unwrap();
    }
    list
}

fn non_valid(entries: &BTreeMap<u64, u8>) -> Vec<(u64, u8)> {
    entries
        .iter()
        .filter(|(_, v)| **v != 0)
        .map(|(i, v)| (*i, *v))
        .collect()
}

#[test]
fn appendix_vectors_decode_to_exactly_the_listed_indices() {
    let sets = appendix_indices();
    assert_eq!(sets.keys().copied().collect::<Vec<_>>(), [1, 2, 4, 8]);
    let files = [
        (1, "status_list_encoding1_long"),
        (2, "status_list_encoding2_long"),
        (4, "status_list_encoding4"),
        (8, "status_list_encoding8"),
    ];
    for (bits, stem) in files {
        let entries = &sets[&bits];
        let from_json = list_from_json(&example_json(&format!("{stem}_json.md")));
        let from_cbor = list_from_cbor(&example_hex(&format!("{stem}_cbor.md")));
        assert_eq!(from_json, from_cbor, "{stem}: JSON and CBOR lists differ");
        assert_eq!(from_json.len(), SIZE, "{stem}");
        assert_eq!(from_json.bits().get(), bits);
        assert_eq!(
            from_json.non_valid().collect::<Vec<_>>(),
            non_valid(entries),
            "{stem}"
        );
        for (i, v) in entries {
            assert_eq!(from_json.get(*i).unwrap(), *v, "{stem}[{i}]");
        }
        // Our encoder, given the same indices, packs the same bytes.
        let ours = encode(from_json.bits(), SIZE, entries);
        assert_eq!(ours.as_bytes(), from_json.as_bytes(), "{stem}: packed bytes");
        assert_eq!(StatusList::from_lst(ours.bits(), &ours.to_lst()).unwrap(), ours);
    }
}

#[test]
fn small_examples_match_their_byte_arrays() {
    for (json_file, cbor_file, bits, len) in [
        (
            "status_list_encoding_json.md",
            "status_list_encoding_cbor.md",
            Bits::One,
            16,
        ),
        (
            "status_list_encoding2_json.md",
            "status_list_encoding2_cbor.md",
            Bits::Two,
            12,
        ),
    ] {
        let bytes = example_byte_array(json_file);
        assert_eq!(bytes, example_byte_array(cbor_file));
        let list = list_from_json(&example_json(json_file));
        assert_eq!(list.as_bytes(), bytes);
        assert_eq!(list_from_cbor(&example_hex(cbor_file)), list);
        assert_eq!(list.len(), len);
        let values: BTreeMap<u64, u8> = (0..len as u64).map(|i| (i, list.get(i).unwrap())).collect();
        assert_eq!(encode(bits, len, &values).as_bytes(), bytes);
    }
}

#[test]
fn example_statuslist_jwt_and_cwt_parse() {
    let raw: String = read("examples/status_list_jwt_raw.md")
        .split_whitespace()
        .collect();
    let jwt = UnverifiedStatusList::parse(raw.as_bytes()).unwrap();
    assert_eq!(jwt.kid().as_deref(), Some("12"));
    assert_eq!(jwt.algorithm().unwrap(), Algorithm::Es256);
    let token = jwt.token();
    assert_eq!(
        (token.sub.as_str(), token.iat, token.exp, token.ttl),
        (URI, 1_686_920_170, Some(2_291_720_170), Some(43_200))
    );
    assert_eq!(token.iss.as_deref(), Some("https://example.com"));
    assert_eq!(token.list.as_bytes(), [0xb9, 0xa3]);
    assert!(
        token
            .check(Some(URI), 0, &FixedClock::at_unix(1_700_000_000))
            .is_ok()
    );
    // The decoded header of status_list_jwt.md is what the raw token carries.
    let shown = read("examples/status_list_jwt.md");
    assert!(shown.contains("\"typ\": \"statuslist+jwt\""));

    let cwt = UnverifiedStatusList::parse(&example_hex("status_list_cwt.md")).unwrap();
    assert_eq!(cwt.kid().as_deref(), Some("12"));
    let claims = cwt.token();
    assert_eq!(
        (claims.sub.as_str(), claims.iat, claims.exp, claims.ttl),
        (URI, 1_686_920_170, Some(2_291_720_170), Some(43_200))
    );
    assert_eq!(claims.list, token.list);

    let message =
        cwt::decode_sign1(&example_hex("referenced_token_cwt.md"), &DecodeOptions::default()).unwrap();
    let claims = CwtClaims::decode(message.payload().unwrap(), &CborLimits::default()).unwrap();
    let status = claims.claim(&Label::Int(CWT_STATUS)).unwrap();
    let reference = StatusReference::from_cbor(status).unwrap().unwrap();
    assert_eq!(reference, StatusReference::new(0, URI));
    // Entry 0 of the example list is INVALID.
    assert_eq!(
        StatusValue::from(token.list.get(reference.idx).unwrap()),
        StatusValue::Invalid
    );
}

fn signed(list: StatusList, key: &SoftwareKey) -> String {
    let token = StatusListToken {
        exp: Some(2_000),
        ttl: Some(100),
        ..StatusListToken::new(URI, 1_000, list)
    };
    token.sign_jwt(key).unwrap()
}

/// Verifies like a relying party: signature, claims, then the entry's value.
fn status_of(token: &[u8], key: &PublicKey, reference: &StatusReference, now: i64) -> inkan_core::Result<()> {
    let parsed = UnverifiedStatusList::parse(token)?;
    parsed.verify_signature(key, &Algorithm::ALL)?;
    let token = parsed.into_token();
    token.check(Some(&reference.uri), 0, &FixedClock::at_unix(now))?;
    StatusValue::from(token.list.get(reference.idx)?).check(reference.idx)
}

#[test]
fn negative_cases_have_distinct_codes() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let mut list = StatusList::new(Bits::Two, 16).unwrap();
    list.set(1, 1).unwrap();
    list.set(2, 2).unwrap();
    list.set(3, 3).unwrap();
    let jwt = signed(list.clone(), &key);
    let at = |idx, uri: &str, now| {
        status_of(
            jwt.as_bytes(),
            key.public_key(),
            &StatusReference::new(idx, uri),
            now,
        )
        .err()
        .map(|e| e.code())
    };
    assert_eq!(at(0, URI, 1_500), None);
    assert_eq!(at(1, URI, 1_500), Some("status.revoked"));
    assert_eq!(at(2, URI, 1_500), Some("status.suspended"));
    assert_eq!(at(3, URI, 1_500), Some("status.application_specific"));
    assert_eq!(at(16, URI, 1_500), Some("status.index_out_of_range"));
    assert_eq!(
        at(0, "https://example.com/statuslists/2", 1_500),
        Some("status.sub_mismatch")
    );
    assert_eq!(at(0, URI, 2_001), Some("status.list_expired"));

    let other = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let err = status_of(
        jwt.as_bytes(),
        other.public_key(),
        &StatusReference::new(0, URI),
        1_500,
    )
    .unwrap_err();
    assert_eq!(err.code(), "crypto.bad_signature");

    // bits not in {1, 2, 4, 8}, wrong typ, zlib bomb: each signed properly, refused on parse.
    let mut claims = StatusListToken::new(URI, 1_000, list.clone()).to_jwt_claims();
    claims["status_list"]["bits"] = 3.into();
    let header = inkan_core::jose::Header::for_signer(&key).with_typ("statuslist+jwt");
    let bad_bits = inkan_core::jose::jwt::sign(&claims, &header, &key).unwrap();
    assert_eq!(
        UnverifiedStatusList::parse(bad_bits.as_bytes())
            .unwrap_err()
            .code(),
        "status.bad_bits"
    );

    let claims = StatusListToken::new(URI, 1_000, list).to_jwt_claims();
    let wrong_typ = inkan_core::jose::jwt::sign(&claims, &header.clone().with_typ("JWT"), &key).unwrap();
    assert_eq!(
        UnverifiedStatusList::parse(wrong_typ.as_bytes())
            .unwrap_err()
            .code(),
        "status.wrong_typ"
    );

    // 64 MiB of zeros compresses to ~64 KiB: 2^29 one-bit entries, past the 2^24 cap.
    let bomb = zlib_compress(&vec![0; 64 << 20], 9);
    let mut claims = claims.clone();
    claims["status_list"]["lst"] = inkan_core::encoding::b64url_encode(&bomb).into();
    let bomb_jwt = inkan_core::jose::jwt::sign(&claims, &header, &key).unwrap();
    assert_eq!(
        UnverifiedStatusList::parse(bomb_jwt.as_bytes())
            .unwrap_err()
            .code(),
        "status.too_large"
    );
    assert_eq!(
        StatusList::from_compressed(Bits::Eight, &bomb, MAX_ENTRIES)
            .unwrap_err()
            .code(),
        "status.too_large"
    );
}

static TEMP: AtomicUsize = AtomicUsize::new(0);

fn temp(name: &str) -> PathBuf {
    let n = TEMP.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("inkan-status-{}-{n}-{name}", std::process::id()))
}

/// A list of `len` entries with a spread of values, and the same as a map.
fn sample(bits: Bits, len: usize) -> (StatusList, BTreeMap<u64, u8>) {
    let mut entries = BTreeMap::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..200 {
        // xorshift: a fixed, spread-out set of indices and values.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let value = (x >> 40) as u8 & bits.max_value();
        entries.insert(x % len as u64, value.max(1));
    }
    (encode(bits, len, &entries), entries)
}

#[test]
fn interop_with_cpython_zlib_both_ways() {
    for bits in [Bits::One, Bits::Two, Bits::Four, Bits::Eight] {
        let (list, _) = sample(bits, SIZE);
        // inkan deflates, CPython inflates.
        let (lst, raw) = (temp("lst"), temp("raw"));
        std::fs::write(&lst, list.to_lst()).unwrap();
        run_oracle(
            "status_list_oracle.py",
            &["inflate", lst.to_str().unwrap(), raw.to_str().unwrap()],
        );
        assert_eq!(std::fs::read(&raw).unwrap(), list.as_bytes(), "{bits:?}");
        // CPython deflates, inkan inflates.
        let (packed, lst2) = (temp("packed"), temp("lst2"));
        std::fs::write(&packed, list.as_bytes()).unwrap();
        run_oracle(
            "status_list_oracle.py",
            &["deflate", packed.to_str().unwrap(), lst2.to_str().unwrap()],
        );
        let theirs = std::fs::read_to_string(&lst2).unwrap();
        assert_eq!(StatusList::from_lst(bits, &theirs).unwrap(), list, "{bits:?}");
        // Both run zlib's deflate at level 9, so the streams are identical too.
        assert_eq!(theirs, list.to_lst(), "{bits:?}");
        for path in [lst, raw, packed, lst2] {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[test]
fn interop_with_sd_jwt_status_list_both_ways() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap().with_kid("k1");
    let private_jwk: Value = serde_json::from_str(&key.to_jwk().unwrap().to_json()).unwrap();
    let public_jwk: Value = serde_json::from_str(&key.public_key().to_jwk().to_json()).unwrap();
    for (bits, len) in [
        (Bits::One, 1 << 17),
        (Bits::Two, 4096),
        (Bits::Four, 1000),
        (Bits::Eight, 1 << 16),
    ] {
        let (list, entries) = sample(bits, len);
        // inkan signs, the oracle verifies and decodes.
        let jwt = signed(list.clone(), &key);
        let request = json!({"jwt": jwt, "jwk": public_jwk});
        let out: Value = serde_json::from_str(&run_node_oracle_in(
            "node-status",
            "status_list_oracle.js",
            &["decode"],
            &request.to_string(),
        ))
        .unwrap();
        assert_eq!(out["typ"], "statuslist+jwt");
        assert_eq!((out["sub"].as_str(), out["ttl"].as_u64()), (Some(URI), Some(100)));
        assert_eq!(out["bits"].as_u64(), Some(u64::from(bits.get())));
        assert_eq!(out["len"].as_u64(), Some(list.len() as u64));
        let theirs: Vec<(u64, u8)> = serde_json::from_value(out["non_valid"].clone()).unwrap();
        assert_eq!(theirs, non_valid(&entries), "{bits:?}");

        // The oracle encodes and signs, inkan verifies and decodes.
        let request = json!({
            "bits": bits.get(), "len": len,
            "set": entries.iter().map(|(i, v)| [*i, u64::from(*v)]).collect::<Vec<_>>(),
            "claims": {"sub": URI, "iat": 1_000, "exp": 2_000, "ttl": 60},
            "jwk": private_jwk,
        });
        let out: Value = serde_json::from_str(&run_node_oracle_in(
            "node-status",
            "status_list_oracle.js",
            &["encode"],
            &request.to_string(),
        ))
        .unwrap();
        let theirs = out["jwt"].as_str().unwrap();
        let parsed = UnverifiedStatusList::parse(theirs.as_bytes()).unwrap();
        parsed
            .verify_signature(key.public_key(), &[Algorithm::Es256])
            .unwrap();
        let token = parsed.into_token();
        token.check(Some(URI), 0, &FixedClock::at_unix(1_500)).unwrap();
        assert_eq!(token.ttl, Some(60));
        assert_eq!(
            token.list.non_valid().collect::<Vec<_>>(),
            non_valid(&entries),
            "{bits:?}"
        );
        assert_eq!(token.list.as_bytes(), list.as_bytes(), "{bits:?}");
        // A changed signature character (inside, not a padding bit) is refused by inkan.
        let mut tampered = theirs.as_bytes().to_vec();
        let i = tampered.len() - 10;
        tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
        let parsed = UnverifiedStatusList::parse(&tampered).unwrap();
        let err = parsed
            .verify_signature(key.public_key(), &[Algorithm::Es256])
            .unwrap_err();
        assert_eq!(err.code(), "crypto.bad_signature");
    }
}

#[test]
fn python_cwt_verifies_inkans_status_list_cwt() {
    // The `cwt` package (pinned 3.3.0) checks the COSE_Sign1 and returns the claims; the CBOR
    // status list (65533) and ttl (65534) come back as inkan wrote them. (`sign-cwt` of that
    // oracle cannot set the protected `typ` or a bstr `lst`, so this direction only.)
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let (list, _) = sample(Bits::Four, 1 << 12);
    let token = StatusListToken {
        exp: Some(4_000_000_000),
        ttl: Some(600),
        ..StatusListToken::new(URI, 1_700_000_000, list.clone())
    };
    // The signer's JWK carries its kid, which the oracle matches against the header's.
    let kid = key.key_id().unwrap().as_bytes().to_vec();
    let cwt = token.sign_cwt(&key, Some(kid)).unwrap();
    let jwk = temp("pub.jwk");
    std::fs::write(&jwk, key.public_jwk().to_json()).unwrap();
    let answer = run_oracle(
        "cose_oracle.py",
        &["verify-cwt", jwk.to_str().unwrap(), &hex::encode(&cwt)],
    );
    let _ = std::fs::remove_file(&jwk);
    let claims: Value = serde_json::from_str(&answer).unwrap_or_else(|_| panic!("{answer}"));
    assert_eq!(
        (
            claims["2"].as_str(),
            claims["6"].as_i64(),
            claims["65534"].as_u64()
        ),
        (Some(URI), Some(1_700_000_000), Some(600))
    );
    assert_eq!(claims["65533"]["bits"], 4);
    let lst = hex::decode(claims["65533"]["lst"].as_str().unwrap()).unwrap();
    assert_eq!(
        StatusList::from_compressed(Bits::Four, &lst, MAX_ENTRIES).unwrap(),
        list
    );
}
