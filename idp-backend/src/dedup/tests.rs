// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use inkan_core::encoding::b64_decode;
use serde_json::json;

use super::*;
use crate::testutil::{Request, TlsServer};

/// One name written in Latin, Devanagari, Arabic and Cyrillic script gives one key.
#[test]
fn one_name_in_four_scripts_gives_one_key() {
    let names = [
        ["Rahul Sharma", "राहुल शर्मा", "راهول شارما", "Рахул Шарма"],
        ["Samir Khan", "समीर ख़ान", "سمير خان", "Самир Хан"],
        [
            "Maria Ivanova",
            "मारिया इवानोवा",
            "ماريا إيفانوفا",
            "Мария Иванова",
        ],
    ];
    for variants in names {
        let keys: Vec<String> = variants.iter().map(|n| name_key(n)).collect();
        assert!(
            keys.iter().all(|k| k == &keys[0] && !k.is_empty()),
            "{variants:?} -> {keys:?}"
        );
    }
    // Different people stay apart.
    assert_ne!(name_key("Rahul Sharma"), name_key("Samir Khan"));
    assert_ne!(name_key("Maria Ivanova"), name_key("Maria Petrova"));
    // The price of the skeleton: names differing only in vowels share a key (a candidate for
    // adjudication, with date of birth and gender also equal).
    assert_eq!(name_key("Maria Ivanova"), name_key("Mario Ivanov"));
}

#[test]
fn case_diacritics_punctuation_and_word_order_do_not_matter() {
    let base = name_key("Jose Muller");
    for variant in [
        "JOSÉ MÜLLER",
        "Müller, José",
        "jose\u{301} mu\u{308}ller",
        "  José-Müller  ",
        "Ｊｏｓｅ Ｍｕｌｌｅｒ",
    ] {
        assert_eq!(name_key(variant), base, "{variant:?}");
    }
    assert_eq!(normalise_name("Ｊｏｓｅ"), "jose"); // NFKD folds full-width forms
    assert_eq!(name_key("Ai Ao"), "");
}

#[test]
fn demographic_keys() {
    let a = DemographicKey::new("Rahul Sharma", "1990-01-31", Gender::Male).unwrap();
    let b = DemographicKey::new("Рахул Шарма", "1990-01-31", Gender::Male).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_string(), "rl srm|1990-01-31|male");
    assert_ne!(
        a,
        DemographicKey::new("Rahul Sharma", "1990-01-30", Gender::Male).unwrap()
    );
    assert_ne!(
        a,
        DemographicKey::new("Rahul Sharma", "1990-01-31", Gender::Other).unwrap()
    );
    assert_eq!((a.name(), a.gender()), ("rl srm", Gender::Male));
    assert_eq!(a.date_of_birth().year(), 1990);
    for bad in [
        "1990-02-30",
        "1990-1-31",
        "31/01/1990",
        "1990-01-31T00:00",
        "",
        "１９９０-01-31",
    ] {
        let err = DemographicKey::new("Rahul", bad, Gender::Male).unwrap_err();
        assert_eq!(err.code(), "idp.bad_demographics", "{bad:?}");
    }
    assert_eq!(
        DemographicKey::new("Ai", "1990-01-31", Gender::Male)
            .unwrap_err()
            .code(),
        "idp.bad_demographics"
    );
    assert_eq!(Gender::parse("x").unwrap_err().code(), "idp.bad_demographics");
}

#[test]
fn keys_from_a_record_cover_every_language() {
    let record = json!({
        "fullName": [{"language": "eng", "value": "Maria Ivanova"}, {"language": "rus", "value": "Мария Иванова"},
                     {"language": "eng", "value": "Masha Smirnova"}],
        "dateOfBirth": "1979-06-01", "gender": "female"
    });
    let keys = DemographicKey::from_record(&record).unwrap();
    let names: Vec<&str> = keys.iter().map(DemographicKey::name).collect();
    assert_eq!(names, ["fnf mr", "ms smrnf"]);
    assert_eq!(
        DemographicKey::from_record(&json!({"gender": "male"}))
            .unwrap_err()
            .code(),
        "idp.bad_demographics"
    );
}

#[test]
fn blind_index_is_keyed() {
    let k = DemographicKey::new("Rahul Sharma", "1990-01-31", Gender::Male).unwrap();
    let one = BlindIndexKey::from_bytes(&[1; 32]).unwrap();
    let two = BlindIndexKey::from_bytes(&[2; 32]).unwrap();
    assert_ne!(one.digest(&k), two.digest(&k));
    assert!(!one.digest(&k).contains("srm"));
    assert_eq!(
        BlindIndexKey::from_bytes(&[1; 8]).unwrap_err().code(),
        "idp.bad_dedup_config"
    );
}

fn sample(part: BodyPart, data: &[u8]) -> BiometricSample {
    BiometricSample {
        body_part: part,
        format: BiometricFormat::Template,
        sub_format: None,
        quality: Some(80),
        data: data.to_vec(),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn exact_matcher_identifies_verifies_and_forgets() {
    let m = ExactTemplateMatcher::new();
    assert!(m.is_empty());
    let thumb = sample(BodyPart::RightThumb, b"template-A");
    let iris = sample(BodyPart::LeftIris, b"template-B");
    m.insert("ref-1", &[thumb.clone(), iris.clone()]).await.unwrap();
    m.insert("ref-2", std::slice::from_ref(&iris)).await.unwrap();
    assert_eq!(m.len(), 2);
    let found = m.identify(std::slice::from_ref(&iris)).await.unwrap();
    let subjects: Vec<&str> = found.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["ref-1", "ref-2"]);
    // Same bytes on another body part, or one byte off, is no match.
    assert!(
        m.identify(&[sample(BodyPart::LeftThumb, b"template-A")])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        m.identify(&[sample(BodyPart::RightThumb, b"template-a")])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(m.verify("ref-1", std::slice::from_ref(&thumb)).await.unwrap());
    assert!(!m.verify("ref-2", std::slice::from_ref(&thumb)).await.unwrap());
    assert!(!m.verify("nobody", std::slice::from_ref(&thumb)).await.unwrap());
    m.remove("ref-1").await.unwrap();
    assert!(m.identify(&[thumb]).await.unwrap().is_empty());
    assert_eq!(m.identify(&[iris]).await.unwrap().len(), 1);
}

#[test]
fn samples_come_from_the_record() {
    let record = json!({"biometrics": [
        {"modality": "face", "bodyPart": "face", "format": "image", "subFormat": "jpeg", "data": "/9j/"},
        {"modality": "finger", "bodyPart": "leftThumb", "format": "template", "quality": 55, "data": "AQID"}]});
    let s = BiometricSample::from_record(&record).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].body_part, s[0].format, s[0].quality),
        (BodyPart::Face, BiometricFormat::Image, None)
    );
    assert_eq!(s[1].quality, Some(55));
    let bad = json!({"biometrics": [{"bodyPart": "face", "format": "image", "data": "%%"}]});
    assert_eq!(
        BiometricSample::from_record(&bad).unwrap_err().code(),
        "idp.claim169_mapping"
    );
    assert!(BiometricSample::from_record(&json!({})).unwrap().is_empty());
}

/// A tiny ABIS: the adapter's protocol served over loopback HTTPS, backed by its own gallery.
fn abis_handler(gallery: Arc<ExactTemplateMatcher>) -> crate::testutil::Handler {
    Arc::new(move |req: Request| {
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            return (400, b"{}".to_vec());
        };
        let samples: Vec<BiometricSample> = body["biometrics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| BiometricSample {
                        body_part: BodyPart::ALL
                            .into_iter()
                            .find(|p| p.json_name() == s["bodyPart"])
                            .unwrap(),
                        format: BiometricFormat::from_code(s["format"].as_i64().unwrap()),
                        sub_format: None,
                        quality: s["quality"].as_u64().map(|q| q as u8),
                        data: b64_decode(s["data"].as_str().unwrap()).unwrap(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let subject = body["subject"].as_str().unwrap_or_default();
        let answer = match req.path.as_str() {
            "/abis/identify" => {
                let mut c = gallery.identify_now(&samples).unwrap();
                c.iter_mut().for_each(|c| c.score = 97);
                c.push(Candidate {
                    subject: "weak".into(),
                    score: 12,
                });
                json!({ "candidates": c })
            }
            "/abis/insert" => json!({ "ok": gallery.insert_now(subject, &samples).is_ok() }),
            "/abis/verify" => json!({ "match": gallery.verify_now(subject, &samples).unwrap() }),
            "/abis/remove" => json!({ "ok": gallery.remove_now(subject).is_ok() }),
            "/junk/identify" => return (200, b"[1,2]".to_vec()),
            _ => return (503, b"{}".to_vec()),
        };
        (200, answer.to_string().into_bytes())
    })
}

#[tokio::test(flavor = "current_thread")]
async fn abis_adapter_over_loopback_https() {
    let gallery = Arc::new(ExactTemplateMatcher::new());
    let server = TlsServer::start(abis_handler(gallery.clone())).await;
    let abis = AbisHttpMatcher::new(server.client.clone(), format!("{}/abis/", server.base));
    let thumb = sample(BodyPart::RightThumb, b"\x00\x01minutiae\xff");
    abis.insert("ref-9", std::slice::from_ref(&thumb)).await.unwrap();
    assert_eq!(gallery.len(), 1); // it reached the server, bytes intact
    let found = abis.identify(std::slice::from_ref(&thumb)).await.unwrap();
    assert_eq!(
        found,
        [
            Candidate {
                subject: "ref-9".into(),
                score: 97
            },
            Candidate {
                subject: "weak".into(),
                score: 12
            }
        ]
    );
    assert!(abis.verify("ref-9", std::slice::from_ref(&thumb)).await.unwrap());
    assert!(!abis.verify("ref-8", std::slice::from_ref(&thumb)).await.unwrap());
    abis.remove("ref-9").await.unwrap();
    assert!(gallery.is_empty());
    // A failing ABIS and a nonsense answer are typed errors.
    let down = AbisHttpMatcher::new(server.client.clone(), format!("{}/down", server.base));
    let err = down.identify(std::slice::from_ref(&thumb)).await.unwrap_err();
    assert_eq!(
        (err.code(), err.to_string().contains("503")),
        ("idp.abis_failed", true)
    );
    let junk = AbisHttpMatcher::new(server.client.clone(), format!("{}/junk", server.base));
    assert_eq!(
        junk.identify(std::slice::from_ref(&thumb))
            .await
            .unwrap_err()
            .code(),
        "idp.abis_failed"
    );
    // Plain HTTP is refused by the client before anything is sent.
    let plain = AbisHttpMatcher::new(server.client.clone(), server.base.replace("https", "http"));
    assert_eq!(
        plain.insert("x", &[thumb]).await.unwrap_err().code(),
        "idp.abis_failed"
    );
}
