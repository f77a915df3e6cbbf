//! X.509 chain validation over chains built with OpenSSL's `X509Builder` (an encoder independent
//! of the x509-cert parser under test), OpenSSL's own verifier as an oracle, and the ISO 18013-5
//! Annex D certificates.

// Builders and helpers outside `#[test]` functions: a failure there is a broken test.

use inkan_core::clock::FixedClock;
use inkan_core::x509::{
    Certificate, CertificateProfile, ChainPosition, ChainValidator, ObjectIdentifier, PinnedLeaf,
    RequireLeafEku, TrustAnchor, TrustedBy,
};
use inkan_core::{Error, Result};
use openssl::asn1::{Asn1Integer, Asn1Object, Asn1OctetString, Asn1Time};
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509, X509Builder, X509Extension, X509NameBuilder, X509StoreContext};

const NOW: i64 = 1_750_000_000;
const DAY: i64 = 86_400;
const UNKNOWN_OID: &str = "1.3.6.1.4.1.55555.1";
const DS_EKU: &str = "1.0.18013.5.1.2";

#[derive(Debug, Clone, Copy)]
enum Kind {
    P256,
    P384,
    Ed25519,
    Rsa,
}

fn key(kind: Kind) -> PKey<Private> {
    let ec = |nid| {
        let group = EcGroup::from_curve_name(nid).unwrap();
        PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
    };
    match kind {
        Kind::P256 => ec(Nid::X9_62_PRIME256V1),
        Kind::P384 => ec(Nid::SECP384R1),
        Kind::Ed25519 => PKey::generate_ed25519().unwrap(),
        Kind::Rsa => PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap(),
    }
}

/// The digest a signer with this key uses: Ed25519 has its own, P-384 pairs with SHA-384.
fn digest_for(key: &PKey<Private>) -> MessageDigest {
    match key.id() {
        Id::ED25519 => MessageDigest::null(),
        Id::EC if key.ec_key().unwrap().group().curve_name() == Some(Nid::SECP384R1) => {
            MessageDigest::sha384()
        }
        _ => MessageDigest::sha256(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ku {
    Absent,
    CertSign,
    DigitalSignature,
    KeyEncipherment,
}

/// What to put in a test certificate.
#[derive(Debug, Clone)]
struct Spec {
    subject: String,
    /// `Some(path_len)` makes a CA (basicConstraints cA=true); `None` an end entity.
    ca: Option<Option<u32>>,
    key_usage: Ku,
    not_before: i64,
    not_after: i64,
    eku: Option<&'static str>,
    unknown_extension: Option<bool>, // Some(critical)
}

impl Spec {
    fn ca(subject: &str) -> Self {
        Self {
            subject: subject.into(),
            ca: Some(None),
            key_usage: Ku::CertSign,
            not_before: NOW - 365 * DAY,
            not_after: NOW + 365 * DAY,
            eku: None,
            unknown_extension: None,
        }
    }

    fn leaf(subject: &str) -> Self {
        Self {
            ca: None,
            key_usage: Ku::DigitalSignature,
            ..Self::ca(subject)
        }
    }
}

/// A certificate and its private key.
struct Issued {
    cert: X509,
    key: PKey<Private>,
}

impl Issued {
    fn parsed(&self) -> Certificate {
        Certificate::from_der(&self.cert.to_der().unwrap()).unwrap()
    }

    fn anchor(&self) -> TrustAnchor {
        TrustAnchor::from_certificate(self.parsed()).unwrap()
    }
}

/// Builds a certificate for `spec` with `key`, signed by `issuer` (self-signed when `None`).
fn make(spec: &Spec, key: PKey<Private>, issuer: Option<&Issued>) -> Issued {
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", &spec.subject).unwrap();
    name.append_entry_by_text("O", "inkan tests").unwrap();
    let name = name.build();
    let mut b = X509Builder::new().unwrap();
    b.set_version(2).unwrap();
    let serial = BigNum::from_u32(rand_serial()).unwrap();
    b.set_serial_number(&Asn1Integer::from_bn(&serial).unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(issuer.map_or(&*name, |i| i.cert.subject_name()))
        .unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&Asn1Time::from_unix(spec.not_before).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(spec.not_after).unwrap())
        .unwrap();
    if let Some(path_len) = spec.ca {
        let mut bc = BasicConstraints::new();
        bc.critical().ca();
        if let Some(n) = path_len {
            bc.pathlen(n);
        }
        b.append_extension(bc.build().unwrap()).unwrap();
    }
    let mut ku = KeyUsage::new();
    ku.critical();
    match spec.key_usage {
        Ku::Absent => {}
        Ku::CertSign => {
            b.append_extension(ku.key_cert_sign().crl_sign().build().unwrap())
                .unwrap();
        }
        Ku::DigitalSignature => b
            .append_extension(ku.digital_signature().build().unwrap())
            .unwrap(),
        Ku::KeyEncipherment => b
            .append_extension(ku.key_encipherment().build().unwrap())
            .unwrap(),
    }
    if let Some(oid) = spec.eku {
        b.append_extension(ExtendedKeyUsage::new().critical().other(oid).build().unwrap())
            .unwrap();
    }
    if let Some(critical) = spec.unknown_extension {
        let oid = Asn1Object::from_str(UNKNOWN_OID).unwrap();
        let value = Asn1OctetString::new_from_bytes(&[0x05, 0x00]).unwrap();
        b.append_extension(X509Extension::new_from_der(&oid, critical, &value).unwrap())
            .unwrap();
    }
    let signer = issuer.map_or(&key, |i| &i.key);
    b.sign(signer, digest_for(signer)).unwrap();
    Issued { cert: b.build(), key }
}

fn rand_serial() -> u32 {
    let mut buf = [0u8; 4];
    openssl::rand::rand_bytes(&mut buf).unwrap();
    u32::from_be_bytes(buf) | 1
}

/// root → intermediate → leaf, all of one key type.
struct Pki {
    root: Issued,
    int: Issued,
    leaf: Issued,
}

fn pki(kind: Kind) -> Pki {
    let root = make(&Spec::ca("Root"), key(kind), None);
    let int = make(&Spec::ca("Intermediate"), key(kind), Some(&root));
    let leaf = make(&Spec::leaf("Leaf"), key(kind), Some(&int));
    Pki { root, int, leaf }
}

fn now() -> FixedClock {
    FixedClock::at_unix(NOW)
}

fn parsed(certs: &[&Issued]) -> Vec<Certificate> {
    certs.iter().map(|i| i.parsed()).collect()
}

fn validate(anchors: &[&Issued], chain: &[&Issued]) -> Result<inkan_core::x509::ValidatedChain> {
    let validator = ChainValidator::new(anchors.iter().map(|a| a.anchor()).collect());
    validator.validate(&parsed(chain), &now())
}

fn code(result: Result<impl std::fmt::Debug>) -> &'static str {
    result.unwrap_err().code()
}

/// OpenSSL's own verdict on the same chain, at the same time.
fn openssl_accepts(anchor: &Issued, chain: &[&Issued]) -> bool {
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(anchor.cert.clone()).unwrap();
    let mut param = X509VerifyParam::new().unwrap();
    param.set_time(NOW as _);
    store.set_param(&param).unwrap();
    let store = store.build();
    let mut untrusted = openssl::stack::Stack::new().unwrap();
    for c in chain.iter().skip(1) {
        untrusted.push(c.cert.clone()).unwrap();
    }
    let mut ctx = X509StoreContext::new().unwrap();
    ctx.init(&store, &chain[0].cert, &untrusted, |c| c.verify_cert())
        .unwrap()
}

#[test]
fn valid_chains_of_every_key_type() {
    for kind in [Kind::P256, Kind::P384, Kind::Ed25519, Kind::Rsa] {
        let p = pki(kind);
        let ok = validate(&[&p.root], &[&p.leaf, &p.int]).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(ok.leaf().subject(), "O=inkan tests,CN=Leaf");
        assert_eq!(ok.leaf_key(), &ok.leaf().public_key().unwrap());
        assert_eq!(ok.intermediates().len(), 1);
        assert!(matches!(ok.trusted_by(), TrustedBy::Anchor(a) if a.subject() == "O=inkan tests,CN=Root"));
        // The root may travel with the chain; it is not needed and not counted as intermediate.
        let with_root = validate(&[&p.root], &[&p.leaf, &p.int, &p.root]).unwrap();
        assert_eq!(with_root.intermediates().len(), 1);
        assert!(
            openssl_accepts(&p.root, &[&p.leaf, &p.int]),
            "{kind:?}: OpenSSL disagrees"
        );
    }
}

#[test]
fn mixed_algorithms_and_der_input() {
    let root = make(&Spec::ca("Root"), key(Kind::Ed25519), None);
    let int = make(&Spec::ca("Intermediate"), key(Kind::Rsa), Some(&root));
    let int2 = make(&Spec::ca("Intermediate 2"), key(Kind::P384), Some(&int));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int2));
    let ders: Vec<Vec<u8>> = [&leaf, &int2, &int]
        .iter()
        .map(|c| c.cert.to_der().unwrap())
        .collect();
    let ok = ChainValidator::new(vec![root.anchor()])
        .validate_der(&ders, &now())
        .unwrap();
    assert_eq!(ok.intermediates().len(), 2);
    assert!(openssl_accepts(&root, &[&leaf, &int2, &int]));
}

#[test]
fn expired_leaf() {
    let p = pki(Kind::P256);
    let mut spec = Spec::leaf("Old leaf");
    spec.not_after = NOW - DAY;
    let old = make(&spec, key(Kind::P256), Some(&p.int));
    assert_eq!(code(validate(&[&p.root], &[&old, &p.int])), "x509.validity");
    assert!(!openssl_accepts(&p.root, &[&old, &p.int]));
}

#[test]
fn not_yet_valid_intermediate() {
    let p = pki(Kind::P256);
    let mut spec = Spec::ca("Future CA");
    spec.not_before = NOW + DAY;
    let int = make(&spec, key(Kind::P256), Some(&p.root));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int));
    assert_eq!(code(validate(&[&p.root], &[&leaf, &int])), "x509.validity");
}

#[test]
fn expired_anchor_certificate() {
    let mut spec = Spec::ca("Old root");
    spec.not_after = NOW - 1;
    let root = make(&spec, key(Kind::P256), None);
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&root));
    assert_eq!(code(validate(&[&root], &[&leaf])), "x509.validity");
}

#[test]
fn validity_bounds_are_inclusive() {
    let p = pki(Kind::P256);
    let mut spec = Spec::leaf("Edge");
    spec.not_before = NOW;
    spec.not_after = NOW;
    let edge = make(&spec, key(Kind::P256), Some(&p.int));
    assert!(validate(&[&p.root], &[&edge, &p.int]).is_ok());
}

#[test]
fn wrong_signer() {
    let p = pki(Kind::P256);
    // Claims the intermediate's name as issuer, signed by an impostor with the same name.
    let impostor = make(&Spec::ca("Intermediate"), key(Kind::P256), Some(&p.root));
    let forged = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&impostor));
    assert_eq!(code(validate(&[&p.root], &[&forged, &p.int])), "x509.untrusted");
    assert!(!openssl_accepts(&p.root, &[&forged, &p.int]));
}

#[test]
fn broken_chain_order() {
    let p = pki(Kind::P256);
    let other = pki(Kind::P256);
    let unrelated = make(&Spec::ca("Unrelated"), key(Kind::P256), Some(&other.root));
    assert_eq!(
        code(validate(&[&p.root], &[&p.leaf, &unrelated])),
        "x509.untrusted"
    );
    assert_eq!(code(validate(&[&p.root], &[&p.leaf])), "x509.untrusted");
}

#[test]
fn leaf_signed_by_a_non_ca() {
    let p = pki(Kind::P256);
    let mut spec = Spec::ca("Not a CA");
    spec.ca = None;
    let not_ca = make(&spec, key(Kind::P256), Some(&p.root));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&not_ca));
    assert_eq!(code(validate(&[&p.root], &[&leaf, &not_ca])), "x509.constraint");
    assert!(!openssl_accepts(&p.root, &[&leaf, &not_ca]));
}

#[test]
fn path_len_exceeded() {
    // Intermediate with pathLen 0 above another intermediate.
    let root = make(&Spec::ca("Root"), key(Kind::P256), None);
    let mut spec = Spec::ca("Int pathlen 0");
    spec.ca = Some(Some(0));
    let int1 = make(&spec, key(Kind::P256), Some(&root));
    let int2 = make(&Spec::ca("Int 2"), key(Kind::P256), Some(&int1));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int2));
    assert_eq!(
        code(validate(&[&root], &[&leaf, &int2, &int1])),
        "x509.constraint"
    );
    assert!(!openssl_accepts(&root, &[&leaf, &int2, &int1]));
    // ...but pathLen 0 is fine directly above the leaf.
    let leaf1 = make(&Spec::leaf("Leaf 1"), key(Kind::P256), Some(&int1));
    assert!(validate(&[&root], &[&leaf1, &int1]).is_ok());

    // The anchor's own pathLen counts too (an IACA has pathLen 0).
    let mut spec = Spec::ca("Root pathlen 0");
    spec.ca = Some(Some(0));
    let strict_root = make(&spec, key(Kind::P256), None);
    let int = make(&Spec::ca("Int"), key(Kind::P256), Some(&strict_root));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int));
    assert_eq!(code(validate(&[&strict_root], &[&leaf, &int])), "x509.constraint");
    let direct = make(&Spec::leaf("Direct"), key(Kind::P256), Some(&strict_root));
    assert!(validate(&[&strict_root], &[&direct]).is_ok());
}

#[test]
fn missing_key_cert_sign() {
    let p = pki(Kind::P256);
    let mut spec = Spec::ca("CA without keyCertSign");
    spec.key_usage = Ku::DigitalSignature;
    let int = make(&spec, key(Kind::P256), Some(&p.root));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int));
    assert_eq!(code(validate(&[&p.root], &[&leaf, &int])), "x509.constraint");
    assert!(!openssl_accepts(&p.root, &[&leaf, &int]));
    // Without any keyUsage extension a CA may sign (RFC 5280 only constrains a present one).
    spec.key_usage = Ku::Absent;
    let int = make(&spec, key(Kind::P256), Some(&p.root));
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int));
    assert!(validate(&[&p.root], &[&leaf, &int]).is_ok());
}

#[test]
fn leaf_without_digital_signature() {
    let p = pki(Kind::P256);
    let mut spec = Spec::leaf("Encryption only");
    spec.key_usage = Ku::KeyEncipherment;
    let leaf = make(&spec, key(Kind::P256), Some(&p.int));
    assert_eq!(code(validate(&[&p.root], &[&leaf, &p.int])), "x509.constraint");
}

#[test]
fn unknown_critical_extension() {
    let p = pki(Kind::P256);
    let mut spec = Spec::leaf("Leaf");
    spec.unknown_extension = Some(true);
    let leaf = make(&spec, key(Kind::P256), Some(&p.int));
    assert_eq!(code(validate(&[&p.root], &[&leaf, &p.int])), "x509.constraint");
    assert!(!openssl_accepts(&p.root, &[&leaf, &p.int]));

    let mut spec = Spec::ca("Intermediate");
    spec.unknown_extension = Some(true);
    let int = make(&spec, key(Kind::P256), Some(&p.root));
    let leaf2 = make(&Spec::leaf("Leaf"), key(Kind::P256), Some(&int));
    assert_eq!(code(validate(&[&p.root], &[&leaf2, &int])), "x509.constraint");

    // Non-critical unknown extensions are ignored.
    let mut spec = Spec::leaf("Leaf");
    spec.unknown_extension = Some(false);
    let fine = make(&spec, key(Kind::P256), Some(&p.int));
    assert!(validate(&[&p.root], &[&fine, &p.int]).is_ok());

    // A profile that processes the extension makes it known.
    #[derive(Debug)]
    struct Handles(ObjectIdentifier);
    impl CertificateProfile for Handles {
        fn check(&self, _: &Certificate, _: ChainPosition) -> Result<()> {
            Ok(())
        }
        fn handled_critical_extensions(&self) -> &[ObjectIdentifier] {
            std::slice::from_ref(&self.0)
        }
    }
    let validator = ChainValidator::new(vec![p.root.anchor()])
        .with_profile(Box::new(Handles(ObjectIdentifier::new_unwrap(UNKNOWN_OID))));
    assert!(validator.validate(&parsed(&[&leaf, &p.int]), &now()).is_ok());
}

#[test]
fn untrusted_root() {
    let p = pki(Kind::P256);
    let stranger = pki(Kind::P256); // same names, other keys
    assert_eq!(
        code(validate(&[&stranger.root], &[&p.leaf, &p.int])),
        "x509.untrusted"
    );
    assert_eq!(
        code(validate(&[&stranger.root], &[&p.leaf, &p.int, &p.root])),
        "x509.untrusted"
    );
    assert_eq!(code(validate(&[], &[&p.leaf, &p.int])), "x509.untrusted");
    assert!(!openssl_accepts(&stranger.root, &[&p.leaf, &p.int]));
    // Several anchors with the same name: the one whose key verifies is used.
    assert!(validate(&[&stranger.root, &p.root], &[&p.leaf, &p.int]).is_ok());
}

#[test]
fn bare_key_anchor() {
    let p = pki(Kind::P384);
    let root_key = p.root.parsed().public_key().unwrap();
    let by_key = TrustAnchor::from_key("O=inkan tests,CN=Root", root_key.clone()).unwrap();
    let chain = parsed(&[&p.leaf, &p.int]);
    let ok = ChainValidator::new(vec![by_key])
        .validate(&chain, &now())
        .unwrap();
    assert!(matches!(ok.trusted_by(), TrustedBy::Anchor(a) if a.certificate().is_none()));
    let misnamed = TrustAnchor::from_key("CN=Root,O=inkan tests", root_key).unwrap();
    let err = ChainValidator::new(vec![misnamed]).validate(&chain, &now());
    assert_eq!(code(err), "x509.untrusted");
    let bad_name = TrustAnchor::from_key("no equals sign", p.root.parsed().public_key().unwrap());
    assert_eq!(code(bad_name), "x509.malformed");
}

#[test]
fn chain_too_long() {
    let root = make(&Spec::ca("Root"), key(Kind::P256), None);
    let mut ints: Vec<Issued> = Vec::new();
    for i in 0..7 {
        let int = make(
            &Spec::ca(&format!("Int {i}")),
            key(Kind::P256),
            Some(ints.last().unwrap_or(&root)),
        );
        ints.push(int);
    }
    let leaf = make(&Spec::leaf("Leaf"), key(Kind::P256), ints.last());
    let mut chain: Vec<&Issued> = vec![&leaf];
    chain.extend(ints.iter().rev());
    assert_eq!(chain.len(), 8);
    let ok = validate(&[&root], &chain).unwrap();
    assert_eq!(ok.intermediates().len(), 7);
    chain.push(&root);
    assert_eq!(code(validate(&[&root], &chain)), "x509.constraint");
    let ders: Vec<Vec<u8>> = chain.iter().map(|c| c.cert.to_der().unwrap()).collect();
    let err = ChainValidator::new(vec![root.anchor()]).validate_der(&ders, &now());
    assert_eq!(code(err), "x509.constraint");
    let raised = ChainValidator::new(vec![root.anchor()]).with_max_chain_len(9);
    assert!(raised.validate_der(&ders, &now()).is_ok());
}

#[test]
fn garbage_der() {
    let p = pki(Kind::P256);
    let validator = ChainValidator::new(vec![p.root.anchor()]);
    let leaf = p.leaf.cert.to_der().unwrap();
    for junk in [
        &b""[..],
        b"\x30",
        b"\x30\x82\xff\xff",
        b"not a certificate",
        &leaf[..leaf.len() - 1],
    ] {
        assert_eq!(code(Certificate::from_der(junk)), "x509.malformed", "{junk:?}");
    }
    let trailing = [&leaf[..], &[0]].concat();
    assert_eq!(code(Certificate::from_der(&trailing)), "x509.malformed");
    assert_eq!(
        code(validator.validate_der(&[&leaf[..], b"junk"], &now())),
        "x509.malformed"
    );
    let empty: [&[u8]; 0] = [];
    assert_eq!(code(validator.validate_der(&empty, &now())), "x509.malformed");
}

#[test]
fn pinned_leaf() {
    let mut spec = Spec::leaf("Self-signed demo issuer");
    spec.ca = None;
    let demo = make(&spec, key(Kind::Ed25519), None);
    let demo_cert = demo.parsed();
    let exact = ChainValidator::new(vec![]).pinned_leaves([PinnedLeaf::Exact(demo_cert.clone())]);
    let ok = exact.validate(std::slice::from_ref(&demo_cert), &now()).unwrap();
    assert!(matches!(
        ok.trusted_by(),
        TrustedBy::PinnedLeaf(PinnedLeaf::Exact(_))
    ));
    assert_eq!(ok.leaf_key(), &demo_cert.public_key().unwrap());

    // Re-issued with the same key: the SPKI pin still matches, the exact pin does not.
    let reissued = make(&spec, demo.key.clone(), None).parsed();
    assert_ne!(reissued, demo_cert);
    assert_eq!(
        code(exact.validate(std::slice::from_ref(&reissued), &now())),
        "x509.untrusted"
    );
    let by_key = ChainValidator::new(vec![]).pinned_leaves([PinnedLeaf::spki_of(&demo_cert).unwrap()]);
    assert!(by_key.validate(std::slice::from_ref(&reissued), &now()).is_ok());

    // Another certificate entirely: mismatch.
    let other = make(&spec, key(Kind::Ed25519), None).parsed();
    assert_eq!(code(by_key.validate(&[other], &now())), "x509.untrusted");

    // Pinned, but the clock says it has expired.
    let late = FixedClock::at_unix(NOW + 400 * DAY);
    assert_eq!(code(exact.validate(&[demo_cert], &late)), "x509.validity");
}

#[test]
fn profile_that_rejects() {
    let p = pki(Kind::P256);
    let mut spec = Spec::leaf("DS");
    spec.eku = Some(DS_EKU);
    let ds = make(&spec, key(Kind::P256), Some(&p.int));
    let chain = parsed(&[&ds, &p.int]);
    let anchors = || vec![p.root.anchor()];
    let ds_eku = ObjectIdentifier::new_unwrap(DS_EKU);
    let accepted = ChainValidator::new(anchors()).with_profile(Box::new(RequireLeafEku(ds_eku)));
    assert!(accepted.validate(&chain, &now()).is_ok());
    let reader_eku = ObjectIdentifier::new_unwrap("1.0.18013.5.1.6");
    let rejected = ChainValidator::new(anchors()).with_profile(Box::new(RequireLeafEku(reader_eku)));
    assert_eq!(code(rejected.validate(&chain, &now())), "x509.constraint");

    /// Sees every position once and rejects the anchor: profiles run on the anchor too.
    #[derive(Debug, Default)]
    struct NoRoots(std::sync::Mutex<Vec<ChainPosition>>);
    impl CertificateProfile for NoRoots {
        fn check(&self, _: &Certificate, position: ChainPosition) -> Result<()> {
            self.0.lock().unwrap().push(position);
            match position {
                ChainPosition::Anchor => Err(Error::X509Constraint("no roots".into())),
                _ => Ok(()),
            }
        }
    }
    let validator = ChainValidator::new(anchors()).with_profile(Box::new(NoRoots::default()));
    assert_eq!(code(validator.validate(&chain, &now())), "x509.constraint");
    // A bare-key anchor has no certificate to check.
    let key_anchor = TrustAnchor::from_key("O=inkan tests,CN=Root", p.root.parsed().public_key().unwrap());
    let validator = ChainValidator::new(vec![key_anchor.unwrap()]).with_profile(Box::new(NoRoots::default()));
    assert!(validator.validate(&chain, &now()).is_ok());
}

// --- ISO/IEC 18013-5 Annex D ---

fn annex_d(name: &str) -> Certificate {
    let path = inkan_test_vectors::vectors_dir()
        .join("iso18013-5-annexD")
        .join(name);
    let hex_text = std::fs::read_to_string(&path).unwrap();
    Certificate::from_der(&hex::decode(hex_text.trim()).unwrap()).unwrap()
}

#[test]
fn annex_d_document_signer_under_iaca() {
    let iaca = annex_d("ISO_18013_5_ANNEX_D_IACA_CERT.hex");
    let ds = annex_d("ISO_18013_5_ANNEX_D_DS_CERT.hex");
    assert_eq!(iaca.subject(), "C=US,CN=utopia iaca");
    assert_eq!(ds.issuer(), iaca.subject());
    assert_eq!(ds.authority_key_id(), iaca.subject_key_id());
    let validator = ChainValidator::new(vec![TrustAnchor::from_certificate(iaca).unwrap()])
        .with_profile(Box::new(RequireLeafEku(ObjectIdentifier::new_unwrap(DS_EKU))));
    // The MSO of the Annex D DeviceResponse is valid 2020-10-01..2021-10-01.
    let at = FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap();
    let ok = validator.validate(std::slice::from_ref(&ds), &at).unwrap();
    assert_eq!(ok.leaf().subject(), "C=US,CN=utopia ds");
    let after = FixedClock::from_rfc3339("2021-10-02T00:00:00Z").unwrap();
    assert_eq!(
        code(validator.validate(std::slice::from_ref(&ds), &after)),
        "x509.validity"
    );
    let before = FixedClock::from_rfc3339("2020-09-30T00:00:00Z").unwrap();
    assert_eq!(code(validator.validate(&[ds], &before)), "x509.validity");
}

#[test]
fn annex_d_reader_certificate_under_reader_root() {
    let root_again = || annex_d("ISO_18013_5_ANNEX_D_READER_ROOT_CERT.hex");
    let root = root_again();
    let reader = annex_d("ISO_18013_5_ANNEX_D_READER_CERT.hex");
    let ds = annex_d("ISO_18013_5_ANNEX_D_DS_CERT.hex");
    let at = FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap();
    let validator = ChainValidator::new(vec![TrustAnchor::from_certificate(root).unwrap()]).with_profile(
        Box::new(RequireLeafEku(ObjectIdentifier::new_unwrap("1.0.18013.5.1.6"))),
    );
    assert!(validator.validate(&[reader], &at).is_ok());
    // The DS lacks the reader EKU, and the reader root does not vouch for it anyway.
    assert_eq!(
        code(validator.validate(std::slice::from_ref(&ds), &at)),
        "x509.constraint"
    );
    let no_profile = ChainValidator::new(vec![TrustAnchor::from_certificate(root_again()).unwrap()]);
    assert_eq!(code(no_profile.validate(&[ds], &at)), "x509.untrusted");
}

#[test]
fn annex_d_pem_bundle_round_trip() {
    let iaca = annex_d("ISO_18013_5_ANNEX_D_IACA_CERT.hex");
    let ds = annex_d("ISO_18013_5_ANNEX_D_DS_CERT.hex");
    let bundle = format!("subject=DS\n{}subject=IACA\n{}", ds.to_pem(), iaca.to_pem());
    let certs = Certificate::from_pem_bundle(&bundle).unwrap();
    assert_eq!(certs, [ds.clone(), iaca]);
    let at = FixedClock::from_rfc3339("2021-01-01T00:00:00Z").unwrap();
    let anchor = TrustAnchor::from_certificate(certs[1].clone()).unwrap();
    assert!(ChainValidator::new(vec![anchor]).validate(&certs, &at).is_ok());
    assert_eq!(ds.sha256_thumbprint(), {
        use openssl::sha::sha256;
        sha256(ds.der())
    });
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any single-byte corruption of a valid chain is rejected with a typed error or,
    /// if it hits a byte that does not matter, accepted; never a panic.
    #[test]
    fn corrupted_chains_never_panic(which in 0usize..2, pos in proptest::prelude::any::<proptest::sample::Index>(), byte in proptest::prelude::any::<u8>()) {
        let p = fixture();
        let mut ders: Vec<Vec<u8>> = [&p.leaf, &p.int].iter().map(|c| c.cert.to_der().unwrap()).collect();
        let target = &mut ders[which];
        let at = pos.index(target.len());
        target[at] = byte;
        let _ = ChainValidator::new(vec![p.root.anchor()]).validate_der(&ders, &now());
    }
}

/// One P-256 PKI shared by the property test (key generation is the slow part).
fn fixture() -> &'static Pki {
    static PKI: std::sync::OnceLock<Pki> = std::sync::OnceLock::new();
    PKI.get_or_init(|| pki(Kind::P256))
}
