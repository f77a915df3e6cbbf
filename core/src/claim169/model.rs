//! The Claim 169 identity data: fields 1–23 and biometrics 50–65, to and from CBOR and JSON.

use std::collections::{BTreeMap, BTreeSet};

use ciborium::Value;
use serde_json::{Map, Value as Json};

use super::Warning;
use crate::encoding::{b64_decode, b64_encode};
use crate::{Error, Result};

/// An integer code outside the ones the specification defines (never one of the known codes).
///
/// ```
/// use inkan_core::claim169::Gender;
/// let Gender::Unknown(code) = Gender::from_code(9) else { unreachable!() };
/// assert_eq!(code.value(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownCode(i64);

impl UnknownCode {
    /// The code.
    pub fn value(self) -> i64 {
        self.0
    }
}

/// Defines a specification code list: named variants for the known codes and `Unknown` for the
/// rest, so a code maps to exactly one value.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A code the specification does not define (e.g. vendor-specific).
            Unknown(UnknownCode),
        }

        impl $name {
            /// The value for an integer code.
            ///
            /// ```
            #[doc = concat!("use inkan_core::claim169::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_code(150).code(), 150);")]
            /// ```
            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    other => Self::Unknown(UnknownCode(other)),
                }
            }

            /// The integer code.
            ///
            /// ```
            #[doc = concat!("use inkan_core::claim169::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::from_code(1).code(), 1);")]
            /// ```
            pub fn code(self) -> i64 {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Unknown(UnknownCode(code)) => code,
                }
            }
        }

        impl CodeList for $name {
            fn from_code(code: i64) -> Self {
                Self::from_code(code)
            }

            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }
    };
}

/// What decoding needs of every code list.
trait CodeList: Sized {
    fn from_code(code: i64) -> Self;
    fn is_known(&self) -> bool;
}

code_enum! {
    /// Gender (key 9).
    ///
    /// ```
    /// assert_eq!(inkan_core::claim169::Gender::from_code(2), inkan_core::claim169::Gender::Female);
    /// ```
    Gender {
        /// 1.
        Male = 1,
        /// 2.
        Female = 2,
        /// 3 ("Others").
        Other = 3,
    }
}

code_enum! {
    /// Marital status (key 14).
    ///
    /// ```
    /// use inkan_core::claim169::MaritalStatus;
    /// assert_eq!(MaritalStatus::from_code(2), MaritalStatus::Married);
    /// ```
    MaritalStatus {
        /// 1.
        Unmarried = 1,
        /// 2.
        Married = 2,
        /// 3.
        Divorced = 3,
    }
}

code_enum! {
    /// Format of the photo (key 17).
    ///
    /// ```
    /// use inkan_core::claim169::PhotoFormat;
    /// assert_eq!(PhotoFormat::from_code(4), PhotoFormat::Webp);
    /// ```
    PhotoFormat {
        /// 1.
        Jpeg = 1,
        /// 2.
        Jpeg2000 = 2,
        /// 3.
        Avif = 3,
        /// 4.
        Webp = 4,
    }
}

code_enum! {
    /// Format of biometric data (biometric key 1).
    ///
    /// ```
    /// use inkan_core::claim169::BiometricFormat;
    /// assert_eq!(BiometricFormat::from_code(1), BiometricFormat::Template);
    /// ```
    BiometricFormat {
        /// 0.
        Image = 0,
        /// 1.
        Template = 1,
        /// 2.
        Sound = 2,
        /// 3.
        BioHash = 3,
    }
}

code_enum! {
    /// Sub-format of image biometrics (100–200 are vendor-specific).
    ///
    /// ```
    /// use inkan_core::claim169::ImageSubFormat;
    /// assert_eq!(ImageSubFormat::from_code(6), ImageSubFormat::Wsq);
    /// ```
    ImageSubFormat {
        /// 0.
        Png = 0,
        /// 1.
        Jpeg = 1,
        /// 2.
        Jpeg2000 = 2,
        /// 3.
        Avif = 3,
        /// 4.
        Webp = 4,
        /// 5.
        Tiff = 5,
        /// 6.
        Wsq = 6,
    }
}

code_enum! {
    /// Sub-format of template biometrics (100–200 are vendor-specific).
    ///
    /// ```
    /// use inkan_core::claim169::TemplateSubFormat;
    /// assert_eq!(TemplateSubFormat::from_code(1), TemplateSubFormat::Iso19794_2);
    /// ```
    TemplateSubFormat {
        /// 0.
        Ansi378 = 0,
        /// 1 (ISO/IEC 19794-2).
        Iso19794_2 = 1,
        /// 2.
        Nist = 2,
    }
}

code_enum! {
    /// Sub-format of sound biometrics.
    ///
    /// ```
    /// use inkan_core::claim169::SoundSubFormat;
    /// assert_eq!(SoundSubFormat::from_code(1), SoundSubFormat::Mp3);
    /// ```
    SoundSubFormat {
        /// 0.
        Wav = 0,
        /// 1.
        Mp3 = 1,
    }
}

/// Vendor-specific sub-format codes: not in the tables, but not unknown either.
const VENDOR_SUB_FORMATS: std::ops::RangeInclusive<i64> = 100..=200;

/// A biometric sub-format, read in the table of its [`BiometricFormat`].
///
/// ```
/// use inkan_core::claim169::{BiometricFormat, ImageSubFormat, SubFormat};
/// let sub = SubFormat::from_code(Some(BiometricFormat::Image), 1);
/// assert_eq!(sub, SubFormat::Image(ImageSubFormat::Jpeg));
/// assert_eq!(SubFormat::from_code(Some(BiometricFormat::BioHash), 1), SubFormat::Other(1));
/// assert_eq!(sub.code(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubFormat {
    /// A sub-format of [`BiometricFormat::Image`].
    Image(ImageSubFormat),
    /// A sub-format of [`BiometricFormat::Template`].
    Template(TemplateSubFormat),
    /// A sub-format of [`BiometricFormat::Sound`].
    Sound(SoundSubFormat),
    /// A code under a format that has no sub-format table (BioHash, unknown or absent).
    Other(i64),
}

impl SubFormat {
    /// Reads `code` in the table of `format`.
    pub fn from_code(format: Option<BiometricFormat>, code: i64) -> Self {
        match format {
            Some(BiometricFormat::Image) => Self::Image(ImageSubFormat::from_code(code)),
            Some(BiometricFormat::Template) => Self::Template(TemplateSubFormat::from_code(code)),
            Some(BiometricFormat::Sound) => Self::Sound(SoundSubFormat::from_code(code)),
            _ => Self::Other(code),
        }
    }

    /// The integer code.
    ///
    /// ```
    /// use inkan_core::claim169::{SoundSubFormat, SubFormat};
    /// assert_eq!(SubFormat::Sound(SoundSubFormat::Wav).code(), 0);
    /// ```
    pub fn code(self) -> i64 {
        match self {
            Self::Image(s) => s.code(),
            Self::Template(s) => s.code(),
            Self::Sound(s) => s.code(),
            Self::Other(code) => code,
        }
    }

    /// Whether the code is outside its table and outside the vendor range.
    fn is_unknown(self) -> bool {
        let unknown = matches!(
            self,
            Self::Image(ImageSubFormat::Unknown(_))
                | Self::Template(TemplateSubFormat::Unknown(_))
                | Self::Sound(SoundSubFormat::Unknown(_))
        );
        unknown && !VENDOR_SUB_FORMATS.contains(&self.code())
    }
}

/// Where a biometric sample was taken (keys 50–65).
///
/// ```
/// use inkan_core::claim169::BodyPart;
/// assert_eq!(BodyPart::from_key(62), Some(BodyPart::Face));
/// assert_eq!(BodyPart::Face.key(), 62);
/// assert_eq!(BodyPart::Face.json_name(), "face");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BodyPart {
    /// 50.
    RightThumb,
    /// 51.
    RightPointerFinger,
    /// 52.
    RightMiddleFinger,
    /// 53.
    RightRingFinger,
    /// 54.
    RightLittleFinger,
    /// 55.
    LeftThumb,
    /// 56.
    LeftPointerFinger,
    /// 57.
    LeftMiddleFinger,
    /// 58.
    LeftRingFinger,
    /// 59.
    LeftLittleFinger,
    /// 60.
    RightIris,
    /// 61.
    LeftIris,
    /// 62.
    Face,
    /// 63.
    RightPalm,
    /// 64.
    LeftPalm,
    /// 65.
    Voice,
}

impl BodyPart {
    /// Every body part, in key order (key = 50 + index).
    pub const ALL: [BodyPart; 16] = [
        BodyPart::RightThumb,
        BodyPart::RightPointerFinger,
        BodyPart::RightMiddleFinger,
        BodyPart::RightRingFinger,
        BodyPart::RightLittleFinger,
        BodyPart::LeftThumb,
        BodyPart::LeftPointerFinger,
        BodyPart::LeftMiddleFinger,
        BodyPart::LeftRingFinger,
        BodyPart::LeftLittleFinger,
        BodyPart::RightIris,
        BodyPart::LeftIris,
        BodyPart::Face,
        BodyPart::RightPalm,
        BodyPart::LeftPalm,
        BodyPart::Voice,
    ];
    const JSON_NAMES: [&'static str; 16] = [
        "rightThumb",
        "rightPointerFinger",
        "rightMiddleFinger",
        "rightRingFinger",
        "rightLittleFinger",
        "leftThumb",
        "leftPointerFinger",
        "leftMiddleFinger",
        "leftRingFinger",
        "leftLittleFinger",
        "rightIris",
        "leftIris",
        "face",
        "rightPalm",
        "leftPalm",
        "voice",
    ];
    const FIRST_KEY: i64 = 50;

    /// The body part of a claim 169 key.
    pub fn from_key(key: i64) -> Option<Self> {
        let index = usize::try_from(key.checked_sub(Self::FIRST_KEY)?).ok()?;
        Self::ALL.get(index).copied()
    }

    /// The claim 169 key.
    pub fn key(self) -> i64 {
        Self::FIRST_KEY + self as i64
    }

    /// The JSON field name (`rightThumb`, …, `voice`).
    pub fn json_name(self) -> &'static str {
        Self::JSON_NAMES[self as usize]
    }

    fn from_json_name(name: &str) -> Option<Self> {
        Self::JSON_NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|i| Self::ALL.get(i).copied())
    }
}

/// One biometric sample.
///
/// ```
/// use inkan_core::claim169::{Biometric, BiometricFormat, ImageSubFormat, SubFormat};
/// let face = Biometric {
///     data: vec![0xff, 0xd8],
///     format: Some(BiometricFormat::Image),
///     sub_format: Some(SubFormat::Image(ImageSubFormat::Jpeg)),
///     issuer: None,
/// };
/// assert_eq!(face.data.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Biometric {
    /// The biometric data (key 0).
    pub data: Vec<u8>,
    /// Its format (key 1).
    pub format: Option<BiometricFormat>,
    /// Its sub-format (key 2), read in the table of `format`.
    pub sub_format: Option<SubFormat>,
    /// Who issued the data (key 3).
    pub issuer: Option<String>,
}

/// Defines the text fields: one list gives their keys, JSON names and struct fields, so CBOR
/// and JSON conversion cannot disagree.
macro_rules! text_fields {
    ($($key:literal $field:ident $json:literal,)*) => {
        const TEXT_FIELDS: &[(i64, &str)] = &[$(($key, $json),)*];

        impl IdentityData {
            fn text(&self, key: i64) -> Option<&Option<String>> {
                match key {
                    $($key => Some(&self.$field),)*
                    _ => None,
                }
            }

            fn text_mut(&mut self, key: i64) -> Option<&mut Option<String>> {
                match key {
                    $($key => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

text_fields! {
    1 id "id",
    2 version "version",
    3 language "language",
    4 full_name "fullName",
    5 first_name "firstName",
    6 middle_name "middleName",
    7 last_name "lastName",
    8 date_of_birth "dateOfBirth",
    10 address "address",
    11 email "email",
    12 phone "phone",
    13 nationality "nationality",
    15 guardian "guardian",
    19 secondary_full_name "secondaryFullName",
    20 secondary_language "secondaryLanguage",
    21 location_code "locationCode",
    22 legal_status "legalStatus",
    23 country_of_issuance "countryOfIssuance",
}

const GENDER: i64 = 9;
const MARITAL_STATUS: i64 = 14;
const PHOTO: i64 = 16;
const PHOTO_FORMAT: i64 = 17;
const BEST_QUALITY_FINGERS: i64 = 18;

/// Highest finger position in `bestQualityFingers` (0 = unknown, 1–10 = fingers).
const MAX_FINGER: u64 = 10;

/// The identity data of claim 169: demographics (keys 1–23) and biometrics (50–65).
///
/// Keys the specification does not define are kept in [`IdentityData::unknown`] and written
/// back on encode, so a credential from a newer issuer round-trips.
///
/// ```
/// use inkan_core::claim169::{Gender, IdentityData};
/// let person = IdentityData {
///     id: Some("3918592438".into()),
///     full_name: Some("Janardhan BS".into()),
///     gender: Some(Gender::Male),
///     ..IdentityData::default()
/// };
/// let (back, warnings) = IdentityData::from_cbor(person.to_cbor())?;
/// assert_eq!(back, person);
/// assert!(warnings.is_empty());
/// assert_eq!(person.to_json()["fullName"], "Janardhan BS");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentityData {
    /// Unique ID of the identity data (1).
    pub id: Option<String>,
    /// Version of the ID data (2).
    pub version: Option<String>,
    /// Language of the other attributes, ISO 639-3 (3).
    pub language: Option<String>,
    /// Full name (4).
    pub full_name: Option<String>,
    /// First name (5).
    pub first_name: Option<String>,
    /// Middle name (6).
    pub middle_name: Option<String>,
    /// Last name (7).
    pub last_name: Option<String>,
    /// Date of birth, `YYYYMMDD` by the specification (8; kept as sent).
    pub date_of_birth: Option<String>,
    /// Gender (9).
    pub gender: Option<Gender>,
    /// Address, lines separated by `\n` (10).
    pub address: Option<String>,
    /// Email address (11).
    pub email: Option<String>,
    /// Phone number, E.123 (12).
    pub phone: Option<String>,
    /// Nationality, ISO 3166-1/3166-2 (13).
    pub nationality: Option<String>,
    /// Marital status (14).
    pub marital_status: Option<MaritalStatus>,
    /// Name or ID of the guardian (15).
    pub guardian: Option<String>,
    /// Photo (16).
    pub photo: Option<Vec<u8>>,
    /// Format of the photo (17).
    pub photo_format: Option<PhotoFormat>,
    /// Best quality fingers, positions 0–10 (18).
    pub best_quality_fingers: Option<Vec<u8>>,
    /// Full name in the secondary language (19).
    pub secondary_full_name: Option<String>,
    /// Secondary language, ISO 639-3 (20).
    pub secondary_language: Option<String>,
    /// Geo location or code (21).
    pub location_code: Option<String>,
    /// Legal status (22).
    pub legal_status: Option<String>,
    /// Country of issuance (23).
    pub country_of_issuance: Option<String>,
    /// Biometrics (50–65), by body part; an absent part has no entry.
    pub biometrics: BTreeMap<BodyPart, Vec<Biometric>>,
    /// Keys the specification does not define, with their CBOR values.
    pub unknown: BTreeMap<i64, Value>,
}

impl IdentityData {
    /// Reads identity data from the claim 169 CBOR map, with the tolerated deviations it found.
    ///
    /// ```
    /// use ciborium::Value;
    /// use inkan_core::claim169::{Gender, IdentityData};
    /// let map = Value::Map(vec![(9.into(), "1".into()), (99.into(), true.into())]);
    /// let (person, warnings) = IdentityData::from_cbor(map)?;
    /// assert_eq!(person.gender, Some(Gender::Male));
    /// assert_eq!(warnings[0].code(), "claim169.enum_as_text");
    /// assert_eq!(person.unknown[&99], Value::Bool(true));
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn from_cbor(value: Value) -> Result<(Self, Vec<Warning>)> {
        let Value::Map(entries) = value else {
            return Err(bad("claim169", "must be a CBOR map"));
        };
        let mut reader = Reader::default();
        let mut seen = BTreeSet::new();
        for (key, value) in entries {
            let key = int_key(&key, "claim169")?;
            if !seen.insert(key) {
                return Err(bad(&field_name(key), "appears twice"));
            }
            reader.field(key, value)?;
        }
        Ok((reader.data, reader.warnings))
    }

    /// The claim 169 CBOR map (integer keys, unknown keys included).
    pub fn to_cbor(&self) -> Value {
        let int = |i: i64| Value::Integer(i.into());
        let mut entries: Vec<(Value, Value)> = Vec::new();
        for (key, _) in TEXT_FIELDS {
            if let Some(Some(text)) = self.text(*key) {
                entries.push((int(*key), Value::Text(text.clone())));
            }
        }
        let codes = [
            (GENDER, self.gender.map(Gender::code)),
            (MARITAL_STATUS, self.marital_status.map(MaritalStatus::code)),
            (PHOTO_FORMAT, self.photo_format.map(PhotoFormat::code)),
        ];
        entries.extend(codes.into_iter().filter_map(|(k, c)| Some((int(k), int(c?)))));
        if let Some(photo) = &self.photo {
            entries.push((int(PHOTO), Value::Bytes(photo.clone())));
        }
        if let Some(fingers) = &self.best_quality_fingers {
            let list = fingers.iter().map(|f| int(i64::from(*f))).collect();
            entries.push((int(BEST_QUALITY_FINGERS), Value::Array(list)));
        }
        for (part, samples) in &self.biometrics {
            let list = samples.iter().map(biometric_to_cbor).collect();
            entries.push((int(part.key()), Value::Array(list)));
        }
        entries.extend(self.unknown.iter().map(|(k, v)| (int(*k), v.clone())));
        entries.sort_by_key(|(k, _)| k.as_integer().and_then(|i| i64::try_from(i).ok()));
        Value::Map(entries)
    }

    /// The JSON view, with the specification's field names (`fullName`, `dateOfBirth`, …):
    /// codes as integers, bytes as standard base64. Unknown keys are left out (their CBOR has no
    /// faithful JSON form); read them from [`IdentityData::unknown`].
    ///
    /// ```
    /// use inkan_core::claim169::IdentityData;
    /// let json = serde_json::json!({"id": "42", "gender": 2, "bestQualityFingers": [1, 6],
    ///     "face": [{"data": "/9g=", "format": 0, "subFormat": 1}]});
    /// let person = IdentityData::from_json(&json)?;
    /// assert_eq!(person.to_json(), json);
    /// # Ok::<(), inkan_core::Error>(())
    /// ```
    pub fn to_json(&self) -> Json {
        let mut out = Map::new();
        for (key, name) in TEXT_FIELDS {
            if let Some(Some(text)) = self.text(*key) {
                out.insert((*name).into(), text.clone().into());
            }
        }
        let codes = [
            ("gender", self.gender.map(Gender::code)),
            ("maritalStatus", self.marital_status.map(MaritalStatus::code)),
            ("photoFormat", self.photo_format.map(PhotoFormat::code)),
        ];
        for (name, code) in codes {
            if let Some(code) = code {
                out.insert(name.into(), code.into());
            }
        }
        if let Some(photo) = &self.photo {
            out.insert("photo".into(), b64_encode(photo).into());
        }
        if let Some(fingers) = &self.best_quality_fingers {
            out.insert("bestQualityFingers".into(), fingers.clone().into());
        }
        for (part, samples) in &self.biometrics {
            let list = samples.iter().map(biometric_to_json).collect();
            out.insert(part.json_name().into(), Json::Array(list));
        }
        Json::Object(out)
    }

    /// Reads the JSON view; an unknown field name or a wrong type is an error.
    pub fn from_json(json: &Json) -> Result<Self> {
        let Json::Object(fields) = json else {
            return Err(Error::JsonMalformed("identity data must be a JSON object".into()));
        };
        let mut data = IdentityData::default();
        for (name, value) in fields {
            data.json_field(name, value)?;
        }
        Ok(data)
    }

    fn json_field(&mut self, name: &str, value: &Json) -> Result<()> {
        if let Some((key, _)) = TEXT_FIELDS.iter().find(|(_, n)| *n == name) {
            if let Some(slot) = self.text_mut(*key) {
                *slot = Some(json_str(value, name)?.to_owned());
            }
            return Ok(());
        }
        match name {
            "gender" => self.gender = Some(Gender::from_code(json_int(value, name)?)),
            "maritalStatus" => self.marital_status = Some(MaritalStatus::from_code(json_int(value, name)?)),
            "photoFormat" => self.photo_format = Some(PhotoFormat::from_code(json_int(value, name)?)),
            "photo" => self.photo = Some(b64_decode(json_str(value, name)?)?),
            "bestQualityFingers" => self.best_quality_fingers = Some(json_fingers(value)?),
            _ => {
                let part = BodyPart::from_json_name(name)
                    .ok_or_else(|| Error::JsonMalformed(format!("unknown Claim 169 field {name:?}")))?;
                let Json::Array(items) = value else {
                    return Err(json_type(name, "an array"));
                };
                let samples = items.iter().map(|item| biometric_from_json(item, name));
                self.biometrics.insert(part, samples.collect::<Result<_>>()?);
            }
        }
        Ok(())
    }
}

/// Collects fields and warnings while reading a claim 169 map.
#[derive(Default)]
struct Reader {
    data: IdentityData,
    warnings: Vec<Warning>,
}

impl Reader {
    fn field(&mut self, key: i64, value: Value) -> Result<()> {
        let name = field_name(key);
        if let Some(slot) = self.data.text_mut(key) {
            *slot = Some(text(value, &name)?);
            return Ok(());
        }
        match key {
            GENDER => self.data.gender = Some(self.code(value, &name)?),
            MARITAL_STATUS => self.data.marital_status = Some(self.code(value, &name)?),
            PHOTO_FORMAT => self.data.photo_format = Some(self.code(value, &name)?),
            PHOTO => self.data.photo = Some(bytes(value, &name)?),
            BEST_QUALITY_FINGERS => self.data.best_quality_fingers = Some(fingers(value)?),
            _ => match BodyPart::from_key(key) {
                Some(part) => {
                    let samples = self.biometrics(value, &name)?;
                    self.data.biometrics.insert(part, samples);
                }
                None => {
                    self.data.unknown.insert(key, value);
                }
            },
        }
        Ok(())
    }

    /// Reads an integer code (tolerating one sent as text), warning about unknown codes.
    fn code<T: CodeList>(&mut self, value: Value, name: &str) -> Result<T> {
        let code = self.int(value, name)?;
        let parsed = T::from_code(code);
        if !parsed.is_known() {
            self.warnings.push(Warning::UnknownEnumValue {
                field: name.into(),
                value: code,
            });
        }
        Ok(parsed)
    }

    fn int(&mut self, value: Value, name: &str) -> Result<i64> {
        match value {
            Value::Integer(i) => i64::try_from(i).map_err(|_| bad(name, "integer out of range")),
            Value::Text(t) => {
                let code = t.trim().parse().map_err(|_| bad(name, "must be an integer"))?;
                self.warnings.push(Warning::EnumAsText { field: name.into() });
                Ok(code)
            }
            _ => Err(bad(name, "must be an integer")),
        }
    }

    fn biometrics(&mut self, value: Value, name: &str) -> Result<Vec<Biometric>> {
        let items = match value {
            Value::Array(items) => items,
            map @ Value::Map(_) => {
                self.warnings.push(Warning::MapForArray { field: name.into() });
                vec![map]
            }
            _ => return Err(bad(name, "must be an array of biometric maps")),
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| self.biometric(item, &format!("{name}[{i}]")))
            .collect()
    }

    fn biometric(&mut self, value: Value, name: &str) -> Result<Biometric> {
        let Value::Map(entries) = value else {
            return Err(bad(name, "must be a map"));
        };
        let (mut data, mut format, mut sub_format, mut issuer) = (None, None, None, None);
        for (key, value) in entries {
            match key.as_integer().and_then(|k| i64::try_from(k).ok()) {
                Some(0) if data.is_none() => data = Some(bytes(value, &format!("{name}.data"))?),
                Some(1) if format.is_none() => format = Some(self.code(value, &format!("{name}.format"))?),
                Some(2) if sub_format.is_none() => {
                    sub_format = Some(self.int(value, &format!("{name}.subFormat"))?)
                }
                Some(3) if issuer.is_none() => issuer = Some(text(value, &format!("{name}.issuer"))?),
                Some(0..=3) => return Err(bad(name, "has a key twice")),
                _ => self.warnings.push(Warning::IgnoredKey {
                    field: name.into(),
                    key: format!("{key:?}"),
                }),
            }
        }
        let sub_format = sub_format.map(|code| SubFormat::from_code(format, code));
        if let Some(sub) = sub_format.filter(|s| s.is_unknown()) {
            self.warnings.push(Warning::UnknownEnumValue {
                field: format!("{name}.subFormat"),
                value: sub.code(),
            });
        }
        Ok(Biometric {
            data: data.ok_or_else(|| bad(name, "has no data (key 0)"))?,
            format,
            sub_format,
            issuer,
        })
    }
}

/// The JSON name of a claim 169 key, for messages (unknown keys by number).
fn field_name(key: i64) -> String {
    let named = TEXT_FIELDS.iter().find(|(k, _)| *k == key).map(|(_, n)| *n);
    let named = named.or(match key {
        GENDER => Some("gender"),
        MARITAL_STATUS => Some("maritalStatus"),
        PHOTO => Some("photo"),
        PHOTO_FORMAT => Some("photoFormat"),
        BEST_QUALITY_FINGERS => Some("bestQualityFingers"),
        _ => BodyPart::from_key(key).map(BodyPart::json_name),
    });
    named.map_or_else(|| key.to_string(), str::to_owned)
}

fn bad(field: &str, reason: &str) -> Error {
    Error::Claim169BadField {
        field: field.into(),
        reason: reason.into(),
    }
}

fn int_key(key: &Value, name: &str) -> Result<i64> {
    key.as_integer()
        .and_then(|k| i64::try_from(k).ok())
        .ok_or_else(|| bad(name, "keys must be integers"))
}

fn text(value: Value, name: &str) -> Result<String> {
    match value {
        Value::Text(t) => Ok(t),
        _ => Err(bad(name, "must be text")),
    }
}

fn bytes(value: Value, name: &str) -> Result<Vec<u8>> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(bad(name, "must be a byte string")),
    }
}

fn fingers(value: Value) -> Result<Vec<u8>> {
    let Value::Array(items) = value else {
        return Err(bad("bestQualityFingers", "must be an array of integers"));
    };
    items
        .into_iter()
        .map(|item| {
            item.as_integer()
                .and_then(|i| u64::try_from(i).ok())
                .filter(|i| *i <= MAX_FINGER)
                .and_then(|i| u8::try_from(i).ok())
                .ok_or_else(|| bad("bestQualityFingers", "entries must be integers 0 to 10"))
        })
        .collect()
}

fn biometric_to_cbor(b: &Biometric) -> Value {
    let int = |i: i64| Value::Integer(i.into());
    let mut entries = vec![(int(0), Value::Bytes(b.data.clone()))];
    if let Some(format) = b.format {
        entries.push((int(1), int(format.code())));
    }
    if let Some(sub) = b.sub_format {
        entries.push((int(2), int(sub.code())));
    }
    if let Some(issuer) = &b.issuer {
        entries.push((int(3), Value::Text(issuer.clone())));
    }
    Value::Map(entries)
}

fn biometric_to_json(b: &Biometric) -> Json {
    let mut out = Map::new();
    out.insert("data".into(), b64_encode(&b.data).into());
    if let Some(format) = b.format {
        out.insert("format".into(), format.code().into());
    }
    if let Some(sub) = b.sub_format {
        out.insert("subFormat".into(), sub.code().into());
    }
    if let Some(issuer) = &b.issuer {
        out.insert("issuer".into(), issuer.clone().into());
    }
    Json::Object(out)
}

fn biometric_from_json(json: &Json, name: &str) -> Result<Biometric> {
    let Json::Object(fields) = json else {
        return Err(json_type(name, "an array of objects"));
    };
    let mut out = Biometric::default();
    let mut sub_format = None;
    let mut has_data = false;
    for (key, value) in fields {
        match key.as_str() {
            "data" => (out.data, has_data) = (b64_decode(json_str(value, key)?)?, true),
            "format" => out.format = Some(BiometricFormat::from_code(json_int(value, key)?)),
            "subFormat" => sub_format = Some(json_int(value, key)?),
            "issuer" => out.issuer = Some(json_str(value, key)?.to_owned()),
            other => return Err(Error::JsonMalformed(format!("unknown biometric field {other:?}"))),
        }
    }
    if !has_data {
        return Err(Error::JsonMalformed(format!("{name}: a biometric needs data")));
    }
    out.sub_format = sub_format.map(|code| SubFormat::from_code(out.format, code));
    Ok(out)
}

fn json_type(name: &str, wanted: &str) -> Error {
    Error::JsonMalformed(format!("{name} must be {wanted}"))
}

fn json_str<'a>(value: &'a Json, name: &str) -> Result<&'a str> {
    value.as_str().ok_or_else(|| json_type(name, "a string"))
}

fn json_int(value: &Json, name: &str) -> Result<i64> {
    value.as_i64().ok_or_else(|| json_type(name, "an integer"))
}

fn json_fingers(value: &Json) -> Result<Vec<u8>> {
    let wanted = || json_type("bestQualityFingers", "an array of integers 0 to 10");
    let Json::Array(items) = value else {
        return Err(wanted());
    };
    items
        .iter()
        .map(|i| {
            i.as_u64()
                .filter(|i| *i <= MAX_FINGER)
                .and_then(|i| u8::try_from(i).ok())
                .ok_or_else(wanted)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(i64, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    fn code(value: Value) -> &'static str {
        IdentityData::from_cbor(value).unwrap_err().code()
    }

    #[test]
    fn field_names_cover_every_key_once() {
        let mut names: Vec<String> = (1..=23).chain(50..=65).map(field_name).collect();
        assert!(names.iter().all(|n| n.parse::<i64>().is_err()));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 39);
        assert_eq!(field_name(30), "30");
        assert_eq!(BodyPart::from_key(49), None);
        assert_eq!(BodyPart::from_key(66), None);
        assert!(
            BodyPart::ALL
                .iter()
                .all(|p| BodyPart::from_key(p.key()) == Some(*p))
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err = IdentityData::from_cbor(map(vec![(4, 1.into())])).unwrap_err();
        assert_eq!(
            err,
            Error::Claim169BadField {
                field: "fullName".into(),
                reason: "must be text".into()
            }
        );
        assert_eq!(code(map(vec![(16, "x".into())])), "claim169.bad_field");
        assert_eq!(code(map(vec![(9, Value::Bool(true))])), "claim169.bad_field");
        assert_eq!(code(map(vec![(9, "male".into())])), "claim169.bad_field");
        assert_eq!(
            code(map(vec![(18, Value::Array(vec![11.into()]))])),
            "claim169.bad_field"
        );
        assert_eq!(code(map(vec![(18, 1.into())])), "claim169.bad_field");
        assert_eq!(code(map(vec![(62, 1.into())])), "claim169.bad_field");
        assert_eq!(
            code(map(vec![(62, Value::Array(vec![1.into()]))])),
            "claim169.bad_field"
        );
        assert_eq!(
            code(map(vec![(62, map(vec![(1, 0.into())]))])),
            "claim169.bad_field"
        );
        assert_eq!(
            code(map(vec![(
                62,
                map(vec![(0, Value::Bytes(vec![])), (0, Value::Bytes(vec![]))])
            )])),
            "claim169.bad_field"
        );
        assert_eq!(
            code(map(vec![(1, "a".into()), (1, "b".into())])),
            "claim169.bad_field"
        );
        assert_eq!(code(Value::Array(vec![])), "claim169.bad_field");
        assert_eq!(
            code(Value::Map(vec![("1".into(), "a".into())])),
            "claim169.bad_field"
        );
    }

    #[test]
    fn unknown_codes_and_keys_are_kept_with_warnings() {
        let bio = map(vec![
            (0, Value::Bytes(vec![1])),
            (1, 0.into()),
            (2, 99.into()),
            (7, 1.into()),
        ]);
        let value = map(vec![
            (9, 7.into()),
            (62, Value::Array(vec![bio])),
            (
                63,
                Value::Array(vec![map(vec![
                    (0, Value::Bytes(vec![])),
                    (1, 0.into()),
                    (2, 150.into()),
                ])]),
            ),
            (40, Value::Null),
        ]);
        let (data, warnings) = IdentityData::from_cbor(value.clone()).unwrap();
        assert_eq!(data.gender.map(Gender::code), Some(7));
        let codes: Vec<_> = warnings.iter().map(Warning::code).collect();
        assert_eq!(
            codes,
            [
                "claim169.unknown_enum_value",
                "claim169.ignored_key",
                "claim169.unknown_enum_value"
            ]
        );
        assert_eq!(data.unknown[&40], Value::Null);
        // The dropped biometric key aside, the data re-encodes as it came.
        let (again, _) = IdentityData::from_cbor(data.to_cbor()).unwrap();
        assert_eq!(again, data);
    }

    #[test]
    fn json_refuses_unknown_names_and_wrong_types() {
        let bad = |j: Json| IdentityData::from_json(&j).unwrap_err().code();
        assert_eq!(bad(serde_json::json!({"fullname": "x"})), "json.malformed");
        assert_eq!(bad(serde_json::json!({"fullName": 1})), "json.malformed");
        assert_eq!(bad(serde_json::json!({"gender": "1"})), "json.malformed");
        assert_eq!(
            bad(serde_json::json!({"bestQualityFingers": [11]})),
            "json.malformed"
        );
        assert_eq!(bad(serde_json::json!({"face": {}})), "json.malformed");
        assert_eq!(
            bad(serde_json::json!({"face": [{"format": 0}]})),
            "json.malformed"
        );
        assert_eq!(
            bad(serde_json::json!({"face": [{"data": "", "x": 0}]})),
            "json.malformed"
        );
        assert_eq!(bad(serde_json::json!({"photo": "***"})), "encoding.bad_base64");
        assert_eq!(bad(serde_json::json!([])), "json.malformed");
    }
}
