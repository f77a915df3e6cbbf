//! W3C Bitstring Status List decoding on arbitrary input: `encodedList` text (gzip under the
//! inflate cap), `credentialStatus` entries and status list credentials; lookups stay in range.
#![no_main]

use inkan_core::bitstring::{Bitstring, StatusEntry, StatusListCredential, StatusSize, check_status};
use inkan_core::clock::FixedClock;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let size = StatusSize::new(u64::from(selector % 8) + 1).unwrap();
    if let Ok(text) = std::str::from_utf8(rest) {
        if let Ok(list) = Bitstring::decode_with_limit(text, 1 << 16) {
            assert!(list.as_bytes().len() <= 1 << 16);
            let len = list.entries(size);
            assert!(list.get(len, size).is_err());
            if len > 0 {
                let _ = list.get(len - 1, size).unwrap();
            }
        }
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(rest) {
        let entries = StatusEntry::all_in(&value);
        if let Ok(list) = StatusListCredential::from_credential(&value) {
            for entry in entries.unwrap_or_default() {
                let _ = check_status(&entry, &list, &FixedClock::at_unix(0), 0);
            }
        }
    }
});
