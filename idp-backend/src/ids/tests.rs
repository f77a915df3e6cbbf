// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use inkan_core::clock::FixedClock;
use proptest::prelude::*;

use super::*;

#[test]
fn mosip_examples_pass_every_filter_and_verhoeff() {
    for uin in ["6936894708", "6127460851"] {
        IdPolicy::uin().check(uin).unwrap();
        assert_eq!(Uin::parse(uin).unwrap().as_str(), uin);
    }
}

#[test]
fn verhoeff_known_values() {
    // The classic worked example: 236 → 3; and one digit changed or two swapped is caught.
    assert_eq!(verhoeff_digit(&[2, 3, 6]), 3);
    assert!(verhoeff_valid(&[2, 3, 6, 3]));
    assert!(!verhoeff_valid(&[2, 6, 3, 3]));
    assert!(!verhoeff_valid(&[]));
    assert_eq!(
        IdPolicy::uin().check("6936894718").unwrap_err().code(),
        "idp.bad_check_digit"
    );
}

/// One rejected example per filter, each refused by that filter and by no earlier one, so the
/// error names it.
#[test]
fn each_filter_rejects_its_example() {
    let cases = [
        (Filter::LeadingDigit, "1936894708"),
        (Filter::LeadingDigit, "0936894708"),
        (Filter::RepeatedDigit, "2336894708"), // 33
        (Filter::RepeatedDigit, "2326894708"), // 2 ? 2
        (Filter::Sequence, "2890357935"),      // 890 wraps
        (Filter::Sequence, "2710935736"),      // 109 wraps down
        (Filter::Sequence, "2345907136"),      // 345
        (Filter::EvenRun, "3248579326"),       // 248
        (Filter::RepeatedBlock, "2135721350"), // 2135 twice
        (Filter::RepeatedBlock, "2730584730"), // 73 and 73 apart
        (Filter::SameEnds, "2730527305"),
        (Filter::MirroredEnds, "2730550372"),
        (Filter::Restricted, "3786059247"), // 786
        (Filter::Restricted, "3666059247"), // 666 (also repeated digits)
        (Filter::Cyclic, "3914285706"),     // 142857
    ];
    let policy = IdPolicy::uin();
    for (filter, number) in cases {
        assert!(
            policy.rejects(filter, number),
            "{} should refuse {number}",
            filter.name()
        );
    }
    // The first refusing filter is reported, and every filter passes the MOSIP examples.
    assert_eq!(policy.first_violation("3248579326"), Some(Filter::EvenRun));
    assert_eq!(policy.first_violation("3786059247"), Some(Filter::Restricted));
    // 142857 holds 428, so the even-run filter always reports it first.
    assert_eq!(policy.first_violation("3914285706"), Some(Filter::EvenRun));
    for f in Filter::ALL {
        assert!(!policy.rejects(f, "6936894708"), "{}", f.name());
        assert!(!policy.rejects(f, "6127460851"), "{}", f.name());
    }
    let err = policy.check("3248579326").unwrap_err();
    assert_eq!(
        err,
        IdError::Filtered {
            kind: "UIN",
            filter: Filter::EvenRun
        }
    );
    assert_eq!(err.code(), "idp.id_filtered");
}

#[test]
fn zero_is_not_even_for_the_even_run_filter() {
    // [2468]{3}: 0 is not in the class, so 480 and 204 are fine.
    assert!(!IdPolicy::uin().rejects(Filter::EvenRun, "3480591736"));
    assert!(IdPolicy::uin().rejects(Filter::EvenRun, "3486591736"));
}

#[test]
fn restricted_numbers_are_configurable() {
    let custom = IdPolicy::uin().with_restricted(["420"]).unwrap();
    assert!(custom.rejects(Filter::Restricted, "3420591738"));
    assert!(!custom.rejects(Filter::Restricted, "3786059247"));
    assert!(!IdPolicy::uin().rejects(Filter::Restricted, "3420591738"));
    assert_eq!(
        IdPolicy::uin().with_restricted(["7x"]).unwrap_err().code(),
        "idp.bad_id_config"
    );
    assert_eq!(
        IdPolicy::uin().with_restricted([""]).unwrap_err().code(),
        "idp.bad_id_config"
    );
}

#[test]
fn malformed_identifiers_are_typed_errors() {
    for bad in [
        "",
        "69368947",
        "69368947O8",
        "6936 894708",
        "+936894708",
        "69368947081234567890123456",
    ] {
        assert_eq!(
            Uin::parse(bad).unwrap_err().code(),
            "idp.bad_identifier",
            "{bad:?}"
        );
    }
    assert_eq!(
        IdPolicy::uin().check("693689470").unwrap_err().code(),
        "idp.bad_identifier"
    );
    assert!(serde_json::from_str::<Vid>("12").is_err());
    assert_eq!(
        IdPolicy::uin_with_length(25).unwrap_err().code(),
        "idp.bad_id_config"
    );
}

#[test]
fn generation_honours_length_and_policy() {
    let mut g = IdGenerator::new(IdPolicy::uin_with_length(12).unwrap()).unwrap();
    for _ in 0..1_000 {
        let uin = g.uin().unwrap();
        IdPolicy::uin_with_length(12)
            .unwrap()
            .check(uin.as_str())
            .unwrap();
    }
    let mut v = IdGenerator::new(IdPolicy::vid()).unwrap();
    for _ in 0..1_000 {
        let vid = v.vid().unwrap();
        IdPolicy::vid().check(vid.as_str()).unwrap();
        assert_eq!(Vid::parse(vid.as_str()).unwrap(), vid);
    }
}

#[test]
fn a_policy_that_admits_nothing_gives_up_with_a_typed_error() {
    let digits: Vec<String> = (2..10).map(|d| d.to_string()).collect();
    let mut g = IdGenerator::new(IdPolicy::uin().with_restricted(&digits).unwrap()).unwrap();
    assert_eq!(g.uin().unwrap_err().code(), "idp.id_generation_exhausted");
}

/// The issue's property: 1,000,000 generated UINs all pass every filter and the check digit,
/// with no duplicates. The draws themselves collide (~58 M 10-digit UINs exist, so about 8,600
/// birthday collisions are expected in 1 M draws); `next_unique_uin` redraws on a number the
/// store already holds, as the registry does against its unique index.
#[test]
fn one_million_uins_pass_every_filter_without_duplicates() {
    let policy = IdPolicy::uin();
    let mut g = IdGenerator::new(policy.clone()).unwrap();
    let mut issued = HashSet::with_capacity(1_000_000);
    let mut collisions = 0u32;
    let started = std::time::Instant::now();
    for _ in 0..1_000_000 {
        let uin = g
            .next_unique_uin(|u| {
                let taken = issued.contains(&u.as_str().parse::<u64>().unwrap());
                collisions += u32::from(taken);
                taken
            })
            .unwrap();
        let text = uin.as_str();
        let d: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        assert_eq!(policy.violation(&d), None, "{text}");
        assert!(verhoeff_valid(&d), "{text}");
        assert!(issued.insert(text.parse::<u64>().unwrap()), "duplicate {text}");
    }
    eprintln!(
        "1,000,000 unique UINs in {:?} ({collisions} draws redrawn as taken)",
        started.elapsed()
    );
    // Birthday bound: far from zero, far from pathological.
    assert!((1_000..50_000).contains(&collisions), "{collisions}");
}

proptest! {
    /// Any single-digit change or adjacent transposition of a valid UIN fails the check digit.
    #[test]
    fn verhoeff_catches_single_errors(pos in 0usize..10, delta in 1u8..10, swap in 0usize..9) {
        let uin = IdGenerator::new(IdPolicy::uin()).unwrap().uin().unwrap();
        let mut d: Vec<u8> = uin.as_str().bytes().map(|b| b - b'0').collect();
        let mut changed = d.clone();
        changed[pos] = (changed[pos] + delta) % 10;
        prop_assert!(!verhoeff_valid(&changed));
        if d[swap] != d[swap + 1] {
            d.swap(swap, swap + 1);
            prop_assert!(!verhoeff_valid(&d));
        }
    }

    /// Uin::parse never panics and accepts exactly digit strings with a valid check digit.
    #[test]
    fn parse_is_total(text in "[0-9a-z ]{0,30}") {
        let ok = Uin::parse(&text).is_ok();
        let d: Vec<u8> = text.bytes().map(|b| b.wrapping_sub(b'0')).collect();
        let expect = text.bytes().all(|b| b.is_ascii_digit())
            && (MIN_LEN..=MAX_LEN).contains(&text.len())
            && verhoeff_valid(&d);
        prop_assert_eq!(ok, expect);
    }

    /// RIDs round-trip through text for every centre/machine/sequence/time.
    #[test]
    fn rid_round_trips(c in 0u32..=99_999, m in 0u32..=99_999, s in 0u32..=99_999, t in 0i64..253_402_300_799) {
        let rid = Rid::new(c, m, s, t).unwrap();
        let back = Rid::parse(rid.as_str()).unwrap();
        prop_assert_eq!((back.centre(), back.machine(), back.sequence(), back.created_unix()), (c, m, s, t));
    }
}

#[test]
fn rid_refuses_out_of_range_parts() {
    assert_eq!(
        Rid::new(100_000, 1, 1, 0).unwrap_err().code(),
        "idp.bad_identifier"
    );
    assert!(Rid::parse("1000120002000172025112415584").is_err());
    assert!(Rid::parse("10001200020001720251124155860").is_err()); // second 60
    let rid: Rid = serde_json::from_str("\"10001200020001720251124155840\"").unwrap();
    assert_eq!(rid.created_unix(), 1_764_000_000 - 80);
}

#[test]
fn vid_policy_lifecycle() {
    let perpetual = VidPolicy::perpetual();
    perpetual.validate().unwrap();
    VidPolicy::temporary().validate().unwrap();
    let usage = VidUsage::issued_at(0);
    // Perpetual: no expiry, no use limit.
    let mut u = usage.clone();
    for _ in 0..100 {
        u = perpetual
            .record_use(&u, &FixedClock::at_unix(i64::from(u32::MAX)))
            .unwrap();
    }
    assert_eq!(u.transactions, 100);
    let revoked = VidUsage { revoked: true, ..u };
    assert_eq!(
        perpetual
            .check_use(&revoked, &FixedClock::at_unix(1))
            .unwrap_err(),
        IdError::VidRevoked
    );
    // Temporary: 30 minutes, one use, five instances.
    let temp = VidPolicy::temporary();
    assert_eq!(temp.expires_at(100), Some(1_900));
    temp.check_use(&VidUsage::issued_at(100), &FixedClock::at_unix(1_899))
        .unwrap();
    assert_eq!(
        temp.check_use(&VidUsage::issued_at(100), &FixedClock::at_unix(1_900))
            .unwrap_err(),
        IdError::VidExpired
    );
    temp.check_issue(4).unwrap();
    assert_eq!(temp.check_issue(5).unwrap_err(), IdError::VidInstanceLimit);
    // The policy reads MOSIP's JSON shape (seconds instead of minutes) and refuses unknown keys.
    let parsed: VidPolicy = serde_json::from_str(
        r#"{"vidType":"Temporary","validForSecs":600,"transactionsAllowed":3,"instancesAllowed":2,
            "autoRestoreAllowed":false,"restoreOnAction":"REVOKE"}"#,
    )
    .unwrap();
    assert_eq!(parsed.transactions_allowed, Some(3));
    assert!(serde_json::from_str::<VidPolicy>(r#"{"vidType":"Perpetual","extra":1}"#).is_err());
    let zero = VidPolicy {
        instances_allowed: 0,
        ..VidPolicy::perpetual()
    };
    assert_eq!(zero.validate().unwrap_err().code(), "idp.bad_id_config");
}

#[test]
fn pairwise_subjects_are_stable_unlinkable_and_keyed() {
    let uin = Uin::parse("6936894708").unwrap();
    let other = Uin::parse("6127460851").unwrap();
    let k1 = PairwiseKey::from_bytes(&[1; 32]).unwrap();
    let k2 = PairwiseKey::from_bytes(&[2; 32]).unwrap();
    let a = k1.subject("rp-a", &uin);
    assert_eq!(a, k1.subject("rp-a", &uin));
    assert_ne!(a, k1.subject("rp-b", &uin));
    assert_ne!(a, k1.subject("rp-a", &other));
    assert_ne!(a, k2.subject("rp-a", &uin));
    assert!(!a.contains(uin.as_str()));
    assert!(
        a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    // Boundaries between relying party and UIN are length-prefixed.
    assert_ne!(
        k1.subject("rp-a6", &other),
        k1.subject("rp-a", &Uin::parse("6612746085").unwrap_or(other.clone()))
    );
    assert_eq!(
        PairwiseKey::from_bytes(&[0; 31]).unwrap_err().code(),
        "idp.bad_id_config"
    );
    assert_ne!(
        PairwiseKey::generate().unwrap().subject("x", &uin),
        PairwiseKey::generate().unwrap().subject("x", &uin)
    );
    assert_eq!(format!("{k1:?}"), "PairwiseKey(Secret(..))");
}

/// DESIGN.md §1 states the filters as regexes and substring rules; an independent oracle
/// (fancy-regex, which has back-references) must agree with each filter on every input.
mod design_oracle {
    use fancy_regex::Regex;

    use super::*;

    struct Oracle {
        repeated_digit: Regex,
        repeated_block: Regex,
        even_run: Regex,
    }

    static ORACLE: std::sync::LazyLock<Oracle> = std::sync::LazyLock::new(Oracle::new);

    impl Oracle {
        fn new() -> Self {
            Self {
                repeated_digit: Regex::new(r"(\d)\d?\1").unwrap(),
                repeated_block: Regex::new(r"(\d{2,}).*?\1").unwrap(),
                even_run: Regex::new(r"[2468]{3}").unwrap(),
            }
        }

        fn rejects(&self, f: Filter, s: &str) -> bool {
            let (head, tail) = (&s[..5], &s[s.len() - 5..]);
            let seq = |w: &str| "01234567890123456789".contains(w) || "98765432109876543210".contains(w);
            match f {
                Filter::LeadingDigit => s.starts_with('0') || s.starts_with('1'),
                Filter::RepeatedDigit => self.repeated_digit.is_match(s).unwrap(),
                Filter::Sequence => (0..s.len() - 2).any(|i| seq(&s[i..i + 3])),
                Filter::EvenRun => self.even_run.is_match(s).unwrap(),
                Filter::RepeatedBlock => self.repeated_block.is_match(s).unwrap(),
                Filter::SameEnds => head == tail,
                Filter::MirroredEnds => head.chars().eq(tail.chars().rev()),
                Filter::Restricted => s.contains("786") || s.contains("666"),
                Filter::Cyclic => s.contains("142857"),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]
        #[test]
        fn every_filter_agrees_with_the_design_rules(s in "[0-9]{10}|[0-9]{12}|[2-9][0-9]{9}") {
            let oracle = &*ORACLE;
            for f in Filter::ALL {
                prop_assert_eq!(IdPolicy::uin().rejects(f, &s), oracle.rejects(f, &s), "{} on {}", f.name(), s);
            }
        }

        /// Near-misses: a passing UIN with one digit changed or a block copied hits the
        /// filters far more often than random strings do.
        #[test]
        fn mutated_uins_agree_too(pos in 0usize..10, digit in 0u8..10, from in 0usize..8, to in 0usize..8) {
            let oracle = &*ORACLE;
            let uin = IdGenerator::new(IdPolicy::uin()).unwrap().uin().unwrap();
            let mut d = uin.as_str().as_bytes().to_vec();
            d[pos] = b'0' + digit;
            let (a, b) = (d[from], d[from + 1]);
            d[to] = a;
            d[to + 1] = b;
            let s = String::from_utf8(d).unwrap();
            for f in Filter::ALL {
                prop_assert_eq!(IdPolicy::uin().rejects(f, &s), oracle.rejects(f, &s), "{} on {}", f.name(), s);
            }
        }
    }

    #[test]
    fn generated_uins_match_no_design_rule() {
        let oracle = &*ORACLE;
        let mut g = IdGenerator::new(IdPolicy::uin()).unwrap();
        for _ in 0..10_000 {
            let uin = g.uin().unwrap();
            for f in Filter::ALL {
                assert!(!oracle.rejects(f, uin.as_str()), "{} on {uin}", f.name());
            }
        }
    }
}
