//! The Claim 169 credentials the benches time, shared by `core/benches/claim169.rs` and the
//! comparison bench in `bench-compare/claim169` so both measure the same inputs.

use inkan_core::claim169::{Biometric, BiometricFormat, BodyPart, IdentityData, PhotoFormat, SubFormat};
use inkan_core::cose::cwt::CwtClaims;

/// The CWT claims every input carries (`exp` far in the future so time checks pass).
pub fn meta() -> CwtClaims {
    CwtClaims {
        iss: Some("https://mosip.example.org".into()),
        exp: Some(1_800_000_000),
        iat: Some(1_700_000_000),
        ..CwtClaims::default()
    }
}

/// A name and an id: the smallest useful credential.
pub fn small() -> IdentityData {
    IdentityData {
        id: Some("ID-SIGNED-001".into()),
        full_name: Some("Signed Test Person".into()),
        ..IdentityData::default()
    }
}

/// 10 KiB of bytes that do not compress, like a real JPEG/WebP photo.
fn photo_bytes() -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..10 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// The small credential with a 10 KiB photo, a date of birth and an address.
pub fn with_photo() -> IdentityData {
    IdentityData {
        photo: Some(photo_bytes()),
        photo_format: Some(PhotoFormat::Webp),
        date_of_birth: Some("19840418".into()),
        address: Some("New House, Near Metro Line, Bengaluru, KA".into()),
        ..small()
    }
}

/// The photo credential plus two 300-byte fingerprint templates.
pub fn with_photo_biometrics() -> IdentityData {
    let finger = |i: u8| Biometric {
        data: vec![i; 300],
        format: Some(BiometricFormat::Template),
        sub_format: Some(SubFormat::from_code(Some(BiometricFormat::Template), 1)),
        issuer: Some("vendor".into()),
    };
    IdentityData {
        biometrics: [
            (BodyPart::RightThumb, vec![finger(1)]),
            (BodyPart::LeftThumb, vec![finger(2)]),
        ]
        .into(),
        ..with_photo()
    }
}

/// Every input, named as the ratio lines name them.
pub fn all() -> [(&'static str, IdentityData); 3] {
    [
        ("small", small()),
        ("photo", with_photo()),
        ("photo+biometrics", with_photo_biometrics()),
    ]
}
