//! Token Status List decoding on arbitrary bytes: status list tokens (JWT or CWT), raw `lst`
//! streams under the entry cap, and `status` references; lookups stay in range.
#![no_main]

use std::sync::LazyLock;

use inkan_core::crypto::{Algorithm, SoftwareKey};
use inkan_core::status::{Bits, StatusList, StatusReference, UnverifiedStatusList};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SoftwareKey> = LazyLock::new(|| SoftwareKey::generate(Algorithm::Es256).unwrap());

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = UnverifiedStatusList::parse(data) {
        let _ = parsed.kid();
        let _ = parsed.x5chain();
        let _ = parsed.verify_signature(KEY.public_key(), &Algorithm::ALL);
        let list = &parsed.token().list;
        let _ = list.get(list.len() as u64);
    }
    let Some((&selector, rest)) = data.split_first() else { return };
    let bits = [Bits::One, Bits::Two, Bits::Four, Bits::Eight][usize::from(selector % 4)];
    if let Ok(list) = StatusList::from_compressed(bits, rest, 1 << 16) {
        assert!(list.len() <= 1 << 16);
        let _ = list.non_valid().count();
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = StatusReference::from_json(&value);
    }
});
