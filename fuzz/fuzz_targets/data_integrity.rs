//! W3C credentials and presentations with Data Integrity proofs on arbitrary input: the data
//! model checks (`vcdm`), JCS, and proof verification through a did:key resolver.
#![no_main]

use inkan_core::clock::FixedClock;
use inkan_core::di::{self, DidMethods, VerifyOptions};
use inkan_core::did::{KeyDidResolver, Relationship};
use inkan_core::encoding::jcs_canonicalize;
use inkan_core::vcdm::{self, Credential, Presentation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = vcdm::parse_document(text) else {
        return;
    };
    let _ = jcs_canonicalize(&doc);
    let _ = Credential::from_value(doc.clone());
    let _ = Presentation::from_value(doc.clone());
    let clock = FixedClock::at_unix(1_700_000_000);
    for purpose in [Relationship::AssertionMethod, Relationship::Authentication] {
        let opts = VerifyOptions::new(purpose, &clock).challenge("c").domain("d");
        let _ = di::verify(&doc, &opts, &DidMethods(&KeyDidResolver));
    }
});
