//! A record in the default schema's shape, as Claim 169 identity data (so the registry can issue
//! it as a Claim 169 QR through `inkan_core::claim169::encode`).
//!
//! | record field | Claim 169 |
//! |---|---|
//! | `fullName`, `firstName`, `middleName`, `lastName` (value in the primary language) | 4, 5, 6, 7; the primary language is 3 |
//! | `fullName` in the first other language | 19 (secondary full name), 20 (secondary language) |
//! | `dateOfBirth` `YYYY-MM-DD` | 8 as `YYYYMMDD` |
//! | `gender`, `maritalStatus` | 9, 14 (codes) |
//! | `addressLine1..3`, `city`, `region`, `postalCode` | 10, lines joined with `\n` |
//! | `email`, `phone`, `nationality`, `guardian`, `locationCode`, `legalStatus`, `countryOfIssuance` | 11, 12, 13, 15, 21, 22, 23 |
//! | `biometrics[]` (`bodyPart`, `format`, `subFormat`, `data`) | 50–65 |
//!
//! The primary language is `preferredLanguage`, else the first language of `fullName`.
//! `documents` and biometric `quality` have no Claim 169 field and are left out; the UIN (1) is
//! not part of the record — the caller sets `id`. Biometric images can be far larger than a QR
//! code holds: drop what the credential should not carry before encoding.

use inkan_core::claim169::{
    Biometric, BiometricFormat, BodyPart, Gender, IdentityData, ImageSubFormat, MaritalStatus,
    SoundSubFormat, SubFormat, TemplateSubFormat,
};
use inkan_core::encoding::b64_decode;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::SchemaError;

/// Fields joined, in this order, into the Claim 169 address.
const ADDRESS_FIELDS: [&str; 6] = [
    "addressLine1",
    "addressLine2",
    "addressLine3",
    "city",
    "region",
    "postalCode",
];

/// Maps a record in the default schema's shape onto Claim 169 identity data.
///
/// Validate the record first ([`super::IdSchema::validate`]); a record that is not in the
/// default shape fails with [`SchemaError::Mapping`] naming the field.
///
/// ```
/// use inkan_core::claim169::{Gender, IdentityData};
/// use inkan_idp::schema::to_claim169;
/// let record = serde_json::json!({
///     "fullName": [{"language": "eng", "value": "Jane Doe"}, {"language": "ara", "value": "جين دو"}],
///     "dateOfBirth": "1990-01-31", "gender": "female",
///     "addressLine1": [{"language": "eng", "value": "1 Main St"}],
///     "city": [{"language": "eng", "value": "Springfield"}]
/// });
/// let mut data: IdentityData = to_claim169(&record)?;
/// data.id = Some("6936894708".into()); // the UIN is the caller's
/// assert_eq!(data.full_name.as_deref(), Some("Jane Doe"));
/// assert_eq!(data.secondary_full_name.as_deref(), Some("جين دو"));
/// assert_eq!((data.language.as_deref(), data.secondary_language.as_deref()), (Some("eng"), Some("ara")));
/// assert_eq!(data.date_of_birth.as_deref(), Some("19900131"));
/// assert_eq!(data.gender, Some(Gender::Female));
/// assert_eq!(data.address.as_deref(), Some("1 Main St\nSpringfield"));
/// # Ok::<(), inkan_idp::schema::SchemaError>(())
/// ```
pub fn to_claim169(record: &Value) -> Result<IdentityData, SchemaError> {
    let map = record
        .as_object()
        .ok_or_else(|| mapping("", "the record must be an object"))?;
    let primary = primary_language(map)?;
    let text = |name: &str| optional_str(map, name);
    let localized = |name: &str| localized_value(map, name, primary.as_deref());
    let (secondary_language, secondary_full_name) = secondary_name(map, primary.as_deref())?;
    let address_lines = ADDRESS_FIELDS
        .iter()
        .filter_map(|f| match *f {
            "postalCode" => text(f).transpose(),
            _ => localized(f).transpose(),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(IdentityData {
        version: None,
        language: primary.clone(),
        full_name: localized("fullName")?,
        first_name: localized("firstName")?,
        middle_name: localized("middleName")?,
        last_name: localized("lastName")?,
        date_of_birth: text("dateOfBirth")?.map(|d| d.replace('-', "")),
        gender: text("gender")?.map(|g| gender(&g)).transpose()?,
        address: (!address_lines.is_empty()).then(|| address_lines.join("\n")),
        email: text("email")?,
        phone: text("phone")?,
        nationality: text("nationality")?,
        marital_status: text("maritalStatus")?.map(|m| marital(&m)).transpose()?,
        guardian: text("guardian")?,
        secondary_full_name,
        secondary_language,
        location_code: text("locationCode")?,
        legal_status: text("legalStatus")?,
        country_of_issuance: text("countryOfIssuance")?,
        biometrics: biometrics(map)?,
        ..IdentityData::default()
    })
}

fn mapping(pointer: &str, reason: impl Into<String>) -> SchemaError {
    SchemaError::Mapping {
        pointer: pointer.to_owned(),
        reason: reason.into(),
    }
}

fn optional_str(map: &Map<String, Value>, name: &str) -> Result<Option<String>, SchemaError> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(mapping(&format!("/{name}"), "must be a string")),
    }
}

/// The `[{language, value}]` entries of a multi-language field.
fn entries<'a>(map: &'a Map<String, Value>, name: &str) -> Result<Vec<(&'a str, &'a str)>, SchemaError> {
    let Some(field) = map.get(name) else {
        return Ok(Vec::new());
    };
    let items = field
        .as_array()
        .ok_or_else(|| mapping(&format!("/{name}"), "must be an array of {language, value}"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let lang = item.get("language").and_then(Value::as_str);
            let value = item.get("value").and_then(Value::as_str);
            lang.zip(value)
                .ok_or_else(|| mapping(&format!("/{name}/{i}"), "needs string language and value"))
        })
        .collect()
}

fn primary_language(map: &Map<String, Value>) -> Result<Option<String>, SchemaError> {
    if let Some(lang) = optional_str(map, "preferredLanguage")? {
        return Ok(Some(lang));
    }
    Ok(entries(map, "fullName")?
        .first()
        .map(|(lang, _)| (*lang).to_owned()))
}

/// The value in `primary`, else the first one.
fn localized_value(
    map: &Map<String, Value>,
    name: &str,
    primary: Option<&str>,
) -> Result<Option<String>, SchemaError> {
    let all = entries(map, name)?;
    let chosen = all
        .iter()
        .find(|(lang, _)| Some(*lang) == primary)
        .or_else(|| all.first());
    Ok(chosen.map(|(_, value)| (*value).to_owned()))
}

fn secondary_name(
    map: &Map<String, Value>,
    primary: Option<&str>,
) -> Result<(Option<String>, Option<String>), SchemaError> {
    let all = entries(map, "fullName")?;
    let primary = primary.or_else(|| all.first().map(|(lang, _)| *lang));
    Ok(all
        .iter()
        .find(|(lang, _)| Some(*lang) != primary)
        .map(|(lang, value)| (Some((*lang).to_owned()), Some((*value).to_owned())))
        .unwrap_or((None, None)))
}

fn gender(text: &str) -> Result<Gender, SchemaError> {
    match text {
        "male" => Ok(Gender::Male),
        "female" => Ok(Gender::Female),
        "other" => Ok(Gender::Other),
        _ => Err(mapping("/gender", "must be male, female or other")),
    }
}

fn marital(text: &str) -> Result<MaritalStatus, SchemaError> {
    match text {
        "unmarried" => Ok(MaritalStatus::Unmarried),
        "married" => Ok(MaritalStatus::Married),
        "divorced" => Ok(MaritalStatus::Divorced),
        _ => Err(mapping(
            "/maritalStatus",
            "must be unmarried, married or divorced",
        )),
    }
}

fn biometrics(map: &Map<String, Value>) -> Result<BTreeMap<BodyPart, Vec<Biometric>>, SchemaError> {
    let mut out = BTreeMap::<BodyPart, Vec<Biometric>>::new();
    for entry in biometric_entries(map)? {
        out.entry(entry.body_part).or_default().push(entry.biometric);
    }
    Ok(out)
}

/// One biometric record of the default schema, as Claim 169 data plus its quality.
pub(crate) struct BiometricEntry {
    /// Where it was taken.
    pub(crate) body_part: BodyPart,
    /// Data, format and sub-format.
    pub(crate) biometric: Biometric,
    /// Capture quality 0–100, if given.
    pub(crate) quality: Option<u8>,
}

/// The `biometrics` array of a record in the default shape (also read by `dedup`).
pub(crate) fn biometric_entries(map: &Map<String, Value>) -> Result<Vec<BiometricEntry>, SchemaError> {
    let Some(items) = map.get("biometrics") else {
        return Ok(Vec::new());
    };
    let items = items
        .as_array()
        .ok_or_else(|| mapping("/biometrics", "must be an array"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| biometric_entry(i, item))
        .collect()
}

fn biometric_entry(i: usize, item: &Value) -> Result<BiometricEntry, SchemaError> {
    let at = |field: &str| format!("/biometrics/{i}/{field}");
    let field = |name: &str| item.get(name).and_then(Value::as_str);
    let body_part = field("bodyPart")
        .and_then(|name| BodyPart::ALL.into_iter().find(|p| p.json_name() == name))
        .ok_or_else(|| mapping(&at("bodyPart"), "unknown body part"))?;
    let format = match field("format") {
        Some("image") => BiometricFormat::Image,
        Some("template") => BiometricFormat::Template,
        Some("sound") => BiometricFormat::Sound,
        Some("bioHash") => BiometricFormat::BioHash,
        _ => return Err(mapping(&at("format"), "unknown format")),
    };
    let sub_format = field("subFormat")
        .map(|s| {
            sub_format(format, s).ok_or_else(|| mapping(&at("subFormat"), "does not belong to the format"))
        })
        .transpose()?;
    let data = field("data")
        .ok_or_else(|| mapping(&at("data"), "missing"))
        .and_then(|d| b64_decode(d).map_err(|_| mapping(&at("data"), "not base64")))?;
    let quality = match item.get("quality") {
        None | Some(Value::Null) => None,
        Some(q) => Some(
            q.as_u64()
                .and_then(|q| u8::try_from(q).ok())
                .filter(|q| *q <= 100)
                .ok_or_else(|| mapping(&at("quality"), "must be 0-100"))?,
        ),
    };
    Ok(BiometricEntry {
        body_part,
        biometric: Biometric {
            data,
            format: Some(format),
            sub_format,
            issuer: None,
        },
        quality,
    })
}

fn sub_format(format: BiometricFormat, name: &str) -> Option<SubFormat> {
    let image = |s| Some(SubFormat::Image(s));
    let template = |s| Some(SubFormat::Template(s));
    match (format, name) {
        (BiometricFormat::Image, "png") => image(ImageSubFormat::Png),
        (BiometricFormat::Image, "jpeg") => image(ImageSubFormat::Jpeg),
        (BiometricFormat::Image, "jpeg2000") => image(ImageSubFormat::Jpeg2000),
        (BiometricFormat::Image, "avif") => image(ImageSubFormat::Avif),
        (BiometricFormat::Image, "webp") => image(ImageSubFormat::Webp),
        (BiometricFormat::Image, "tiff") => image(ImageSubFormat::Tiff),
        (BiometricFormat::Image, "wsq") => image(ImageSubFormat::Wsq),
        (BiometricFormat::Template, "ansi378") => template(TemplateSubFormat::Ansi378),
        (BiometricFormat::Template, "iso19794-2") => template(TemplateSubFormat::Iso19794_2),
        (BiometricFormat::Template, "nist") => template(TemplateSubFormat::Nist),
        (BiometricFormat::Sound, "wav") => Some(SubFormat::Sound(SoundSubFormat::Wav)),
        (BiometricFormat::Sound, "mp3") => Some(SubFormat::Sound(SoundSubFormat::Mp3)),
        _ => None,
    }
}
