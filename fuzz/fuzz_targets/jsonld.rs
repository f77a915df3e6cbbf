//! JSON-LD expansion and RDFC-1.0 on arbitrary JSON: every input ends in canonical N-Quads or a
//! typed `jsonld.*` error (caps, unknown contexts, undefined terms, the n-degree work limit),
//! never a panic or a hang; the document is also tried as a DI proof configuration through the
//! rdfc suite's hash data.
#![no_main]

use inkan_core::crypto::KeyType;
use inkan_core::di::{Cryptosuite, Env};
use inkan_core::jsonld::{ContextLoader, canonicalize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = canonicalize(&doc, ContextLoader::shared());
    let _ = Cryptosuite::EcdsaRdfc2019.hash_data(KeyType::P384, &doc, &doc, &Env::default());
});
