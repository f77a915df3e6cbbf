// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use inkan_core::clock::FixedClock;
use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::jose::{jws, jwt};

use super::*;

fn partner() -> PartnerPolicy {
    PartnerPolicy {
        partner_id: "bank-001".into(),
        allowed_claims: BTreeSet::from([
            EkycClaim::Name,
            EkycClaim::GivenName,
            EkycClaim::FamilyName,
            EkycClaim::Birthdate,
            EkycClaim::Gender,
            EkycClaim::Address,
            EkycClaim::PhoneNumber,
            EkycClaim::Locale,
        ]),
        token_ttl_secs: 300,
    }
}

fn record() -> Value {
    json!({
        "fullName": [{"language": "eng", "value": "Samir Khan"}, {"language": "ara", "value": "سمير خان"}],
        "firstName": [{"language": "eng", "value": "Samir"}],
        "lastName": [{"language": "eng", "value": "Khan"}],
        "dateOfBirth": "1988-02-29", "gender": "male", "phone": "+254700123456", "email": "samir@example.org",
        "addressLine1": [{"language": "eng", "value": "12 Harbour Road"}],
        "city": [{"language": "eng", "value": "Mombasa"}],
        "preferredLanguage": "eng"
    })
}

#[test]
fn consented_claims_signed_for_the_partner() {
    let key = SoftwareKey::generate(Algorithm::EdDsa).unwrap().with_kid("k1");
    let clock = FixedClock::at_unix(5_000);
    let consented = [
        EkycClaim::Name,
        EkycClaim::Birthdate,
        EkycClaim::Address,
        EkycClaim::PhoneNumber,
        EkycClaim::Locale,
    ];
    let req = EkycRequest {
        subject: "sub-for-bank",
        consented: &consented,
        amr: &["otp", "pin"],
    };
    let token = issue("https://id.example", &partner(), &req, &record(), &key, &clock).unwrap();
    let header = jws::peek_header(&token).unwrap();
    assert_eq!(
        (header.typ.as_deref(), header.kid.as_deref()),
        (Some(EKYC_TYP), Some("k1"))
    );
    let rules = jwt::JwtValidation::default()
        .with_issuer("https://id.example")
        .with_audience("bank-001")
        .with_typ(EKYC_TYP);
    let v = jwt::verify(&token, key.public_key(), &rules, &clock).unwrap();
    let c = &v.claims;
    assert_eq!(c["sub"], "sub-for-bank");
    assert_eq!((c["iat"].as_i64(), c["exp"].as_i64()), (Some(5_000), Some(5_300)));
    assert_eq!(c["amr"], json!(["otp", "pin"]));
    assert_eq!(c["name"], "Samir Khan");
    assert_eq!(c["name#ara"], "سمير خان");
    assert_eq!(c["birthdate"], "1988-02-29");
    assert_eq!(c["address"], json!({"formatted": "12 Harbour Road\nMombasa"}));
    assert_eq!(c["phone_number"], "+254700123456");
    assert_eq!(c["locale"], "eng");
    for absent in ["gender", "given_name", "family_name", "email"] {
        assert!(c.get(absent).is_none(), "{absent} was not consented");
    }
    assert_eq!(c["jti"].as_str().unwrap().len(), 22);
    // Expired after the partner's lifetime.
    let late = jwt::verify(
        &token,
        key.public_key(),
        &rules,
        &FixedClock::at_unix(5_000 + 300 + 61),
    );
    assert_eq!(late.unwrap_err().code(), "jwt.expired");
}

#[test]
fn refusals() {
    let key = SoftwareKey::generate(Algorithm::Es256).unwrap();
    let clock = FixedClock::at_unix(0);
    let r = record();
    let go = |consented: &[EkycClaim], p: &PartnerPolicy| {
        issue(
            "https://id.example",
            p,
            &EkycRequest {
                subject: "s",
                consented,
                amr: &["otp"],
            },
            &r,
            &key,
            &clock,
        )
    };
    assert_eq!(go(&[], &partner()).unwrap_err(), EkycError::NoConsent);
    let err = go(&[EkycClaim::Name, EkycClaim::Email], &partner()).unwrap_err();
    assert_eq!(
        err,
        EkycError::ClaimNotAllowed {
            partner: "bank-001".into(),
            claim: EkycClaim::Email
        }
    );
    assert_eq!(err.code(), "idp.ekyc_claim_not_allowed");
    let bad = PartnerPolicy {
        token_ttl_secs: 0,
        ..partner()
    };
    assert_eq!(
        go(&[EkycClaim::Name], &bad).unwrap_err().code(),
        "idp.ekyc_bad_policy"
    );
    let broken = json!({"gender": "unknown"});
    let err = issue(
        "i",
        &partner(),
        &EkycRequest {
            subject: "s",
            consented: &[EkycClaim::Gender],
            amr: &[],
        },
        &broken,
        &key,
        &clock,
    );
    assert_eq!(err.unwrap_err().code(), "idp.claim169_mapping");
    // Policies read from JSON.
    let p: PartnerPolicy = serde_json::from_str(
        r#"{"partnerId":"p","allowedClaims":["name","birthdate","phone_number"],"tokenTtlSecs":60}"#,
    )
    .unwrap();
    assert!(p.allowed_claims.contains(&EkycClaim::PhoneNumber));
}
