//! Deviations from the Claim 169 specification that decoding tolerates and reports.

use std::fmt;

/// Something in a Claim 169 credential that is not as the specification writes it, but that
/// decoding accepted (all of these occur in the specification's own example).
///
/// Warnings never replace an error: a credential with warnings decoded to well-defined fields.
/// Each has a stable [`Warning::code`] for reports.
///
/// ```
/// use inkan_core::claim169::Warning;
/// let w = Warning::EnumAsText { field: "gender".into() };
/// assert_eq!(w.code(), "claim169.enum_as_text");
/// assert_eq!(w.to_string(), "gender is an integer code sent as text");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warning {
    /// The COSE message was wrapped in the CWT tag 61, which the specification does not use.
    CwtTag,
    /// The COSE message carried no COSE tag (16 or 18).
    UntaggedCose,
    /// Claim 169 was a bstr holding an encoded CBOR map instead of the map itself.
    WrappedClaim,
    /// An integer code (e.g. `gender`) was sent as text holding the number.
    EnumAsText {
        /// The field, by its JSON name.
        field: String,
    },
    /// A single map was sent where the specification has an array of them (biometrics).
    MapForArray {
        /// The field, by its JSON name.
        field: String,
    },
    /// An integer code that the specification does not define (kept as an unknown value).
    UnknownEnumValue {
        /// The field, by its JSON name.
        field: String,
        /// The code found.
        value: i64,
    },
    /// A key inside a biometric entry that the specification does not define (dropped).
    IgnoredKey {
        /// The biometric entry, e.g. `face[0]`.
        field: String,
        /// The key found, as CBOR diagnostic-ish text.
        key: String,
    },
}

impl Warning {
    /// The stable, machine-readable code of this warning.
    ///
    /// ```
    /// assert_eq!(inkan_core::claim169::Warning::CwtTag.code(), "claim169.cwt_tag");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Warning::CwtTag => "claim169.cwt_tag",
            Warning::UntaggedCose => "claim169.untagged_cose",
            Warning::WrappedClaim => "claim169.bstr_wrapped_claim",
            Warning::EnumAsText { .. } => "claim169.enum_as_text",
            Warning::MapForArray { .. } => "claim169.map_for_array",
            Warning::UnknownEnumValue { .. } => "claim169.unknown_enum_value",
            Warning::IgnoredKey { .. } => "claim169.ignored_key",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::CwtTag => f.write_str("the COSE message is wrapped in the CWT tag 61"),
            Warning::UntaggedCose => f.write_str("the COSE message carries no COSE tag"),
            Warning::WrappedClaim => f.write_str("claim 169 is a bstr wrapping a CBOR map"),
            Warning::EnumAsText { field } => write!(f, "{field} is an integer code sent as text"),
            Warning::MapForArray { field } => write!(f, "{field} is a single map, not an array"),
            Warning::UnknownEnumValue { field, value } => write!(f, "{field} has the unknown code {value}"),
            Warning::IgnoredKey { field, key } => write!(f, "{field} has the unknown key {key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_namespaced() {
        let s = String::new;
        let all = [
            Warning::CwtTag,
            Warning::UntaggedCose,
            Warning::WrappedClaim,
            Warning::EnumAsText { field: s() },
            Warning::MapForArray { field: s() },
            Warning::UnknownEnumValue { field: s(), value: 0 },
            Warning::IgnoredKey { field: s(), key: s() },
        ];
        let mut codes: Vec<_> = all.iter().map(Warning::code).collect();
        assert!(codes.iter().all(|c| c.starts_with("claim169.")));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert!(all.iter().all(|w| !w.to_string().is_empty()));
    }
}
