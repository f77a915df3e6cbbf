//! De-duplication: a demographic key (normalised name + date of birth + gender) and the
//! [`BiometricMatcher`] seam, with an exact-template matcher built in ([`ExactTemplateMatcher`])
//! and an HTTP adapter for an external ABIS ([`AbisHttpMatcher`]).
//!
//! Names are compared through [`name_key`]: Unicode NFKD with combining marks dropped (so
//! `José` = `Jose`), transliterated to ASCII (`deunicode`: Devanagari, Arabic, Cyrillic, …),
//! case-folded, then reduced to a consonant skeleton (vowels, `h`, `w`, `y` dropped; `kh` read as
//! `h`, `c`/`q` as `k`, `v` as `f`, `p` as `b`; doubled letters collapsed) with the words
//! sorted. The skeleton is what makes transliterations agree — `Rahul Sharma`, `राहुल शर्मा`,
//! `راهول شارما` and `Рахул Шарма` all become `rl srm` — at the price of coarser keys: a
//! demographic match is a *candidate* duplicate for adjudication, never proof.
//!
//! ```
//! use inkan_idp::dedup::{DemographicKey, Gender, name_key};
//! assert_eq!(name_key("Samir Khan"), name_key("Самир Хан"));
//! assert_eq!(name_key("José MÜLLER"), name_key("muller jose"));
//! let key = DemographicKey::new("Rahul Sharma", "1988-02-29", Gender::Male)?;
//! assert_eq!(key.to_string(), "rl srm|1988-02-29|male");
//! # Ok::<(), inkan_idp::dedup::DedupError>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, RwLock};

use inkan_core::BoxFuture;
use inkan_core::claim169::{BiometricFormat, BodyPart, SubFormat};
use inkan_core::encoding::{b64_encode, b64url_encode};
use inkan_core::http::{HttpClient, HttpRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::schema::{SchemaError, biometric_entries};
use crate::secret::Secret;

/// Why de-duplication could not be done. Codes are stable (`idp.*`).
///
/// ```
/// use inkan_idp::dedup::{DemographicKey, Gender};
/// let err = DemographicKey::new("Jane", "1990-02-30", Gender::Female).unwrap_err();
/// assert_eq!(err.code(), "idp.bad_demographics");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DedupError {
    /// Name, date of birth or gender unusable for a key.
    #[error("cannot build a demographic key: {0}")]
    BadDemographics(String),
    /// The record's biometrics are not in the default schema's shape.
    #[error(transparent)]
    Record(#[from] SchemaError),
    /// The matcher failed (its own fault, not the input's).
    #[error("biometric matcher failed: {0}")]
    Matcher(String),
    /// The external ABIS refused the request or answered nonsense.
    #[error("ABIS error: {0}")]
    Abis(String),
    /// A key for blind indexes is too short.
    #[error("invalid dedup configuration: {0}")]
    BadConfig(String),
}

impl DedupError {
    /// The stable code.
    ///
    /// ```
    /// assert_eq!(inkan_idp::dedup::DedupError::Abis("x".into()).code(), "idp.abis_failed");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            DedupError::BadDemographics(_) => "idp.bad_demographics",
            DedupError::Record(e) => e.code(),
            DedupError::Matcher(_) => "idp.matcher_failed",
            DedupError::Abis(_) => "idp.abis_failed",
            DedupError::BadConfig(_) => "idp.bad_dedup_config",
        }
    }
}

// --- names ---

/// A name folded for display-independent comparison: NFKD, combining marks dropped,
/// transliterated to ASCII, lower case, words separated by one space (order kept).
///
/// ```
/// assert_eq!(inkan_idp::dedup::normalise_name("  Zoë  O'Brien-Ávila "), "zoe o brien avila");
/// ```
pub fn normalise_name(name: &str) -> String {
    let stripped: String = name.nfkd().filter(|c| !is_combining_mark(*c)).collect();
    let ascii = deunicode::deunicode(&stripped).to_ascii_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The transliteration-insensitive key of a name: [`normalise_name`], then each word's
/// consonant skeleton, words sorted (so word order does not matter). Empty for a name with no
/// consonant at all.
///
/// ```
/// use inkan_idp::dedup::name_key;
/// assert_eq!(name_key("Rahul Sharma"), "rl srm");
/// assert_eq!(name_key("Sharma, Rahul"), name_key("राहुल शर्मा"));
/// ```
pub fn name_key(name: &str) -> String {
    let mut words: Vec<String> = normalise_name(name)
        .split(' ')
        .map(skeleton)
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words.join(" ")
}

/// Consonants only, with the letters transliterations disagree on folded together: `kh` is
/// read as `h` (Cyrillic Х and Arabic خ transliterate as `kh` where Latin and Devanagari
/// spellings often have `h`), `ph` as `f`; vowels and the semi-vowels `h`, `w`, `y` are dropped
/// (Arabic and Devanagari transliterations mostly omit vowels); `c`/`q` → `k`, `v` → `f`
/// (Arabic writes v as ف), `p` → `b` (Arabic has no p); doubled letters collapse.
fn skeleton(word: &str) -> String {
    let word = word.replace("kh", "h").replace("ph", "f");
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        let folded = match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w' | 'h' => continue,
            'c' | 'q' => 'k',
            'v' => 'f',
            'p' => 'b',
            other => other,
        };
        if !out.ends_with(folded) {
            out.push(folded);
        }
    }
    out
}

/// Gender as the dedup key and the demographic factor read it.
///
/// ```
/// use inkan_idp::dedup::Gender;
/// assert_eq!(Gender::parse("Female")?, Gender::Female);
/// assert_eq!(Gender::Female.as_str(), "female");
/// # Ok::<(), inkan_idp::dedup::DedupError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    /// Male.
    Male,
    /// Female.
    Female,
    /// Other.
    Other,
}

impl Gender {
    /// Reads `male`, `female` or `other` (any case).
    pub fn parse(text: &str) -> Result<Self, DedupError> {
        match text.to_ascii_lowercase().as_str() {
            "male" => Ok(Gender::Male),
            "female" => Ok(Gender::Female),
            "other" => Ok(Gender::Other),
            _ => Err(DedupError::BadDemographics(
                "gender must be male, female or other".into(),
            )),
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
            Gender::Other => "other",
        }
    }
}

/// Reads an ISO 8601 calendar date (`YYYY-MM-DD`), refusing impossible dates.
pub(crate) fn parse_date(text: &str) -> Result<time::Date, DedupError> {
    let bad = || DedupError::BadDemographics("date of birth must be a real YYYY-MM-DD date".into());
    let b = text.as_bytes();
    let shape = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    let n = |range: std::ops::Range<usize>| {
        text.get(range)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?
            .parse::<u16>()
            .ok()
    };
    let (Some(year), Some(month), Some(day)) = (n(0..4), n(5..7), n(8..10)) else {
        return Err(bad());
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(bad)?;
    let day = u8::try_from(day).map_err(|_| bad())?;
    if !shape {
        return Err(bad());
    }
    time::Date::from_calendar_date(i32::from(year), month, day).map_err(|_| bad())
}

/// The demographic de-duplication key: [`name_key`] + date of birth + gender.
///
/// Its `Display` form (`rl srm|1988-02-29|male`) is what an index stores; to keep names out
/// of the index in clear, store [`BlindIndexKey::digest`] of it instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DemographicKey {
    name: String,
    date_of_birth: time::Date,
    gender: Gender,
}

impl DemographicKey {
    /// The key of one name. Fails if the name has no consonant left to compare.
    pub fn new(name: &str, date_of_birth: &str, gender: Gender) -> Result<Self, DedupError> {
        let key = name_key(name);
        if key.is_empty() {
            return Err(DedupError::BadDemographics(
                "the name has nothing to compare".into(),
            ));
        }
        Ok(Self {
            name: key,
            date_of_birth: parse_date(date_of_birth)?,
            gender,
        })
    }

    /// Every distinct key of a record in the default schema's shape: one per language of
    /// `fullName`, so a person enrolled in Arabic is found by a Latin-script enrolment.
    ///
    /// ```
    /// use inkan_idp::dedup::DemographicKey;
    /// let record = serde_json::json!({
    ///     "fullName": [{"language": "eng", "value": "Samir Khan"}, {"language": "ara", "value": "سمير خان"}],
    ///     "dateOfBirth": "1988-02-29", "gender": "male"});
    /// let keys = DemographicKey::from_record(&record)?;
    /// assert_eq!(keys.len(), 1); // both scripts give the same key
    /// # Ok::<(), inkan_idp::dedup::DedupError>(())
    /// ```
    pub fn from_record(record: &Value) -> Result<Vec<Self>, DedupError> {
        let text = |name: &str| record.get(name).and_then(Value::as_str);
        let dob =
            text("dateOfBirth").ok_or_else(|| DedupError::BadDemographics("dateOfBirth missing".into()))?;
        let gender = Gender::parse(text("gender").unwrap_or_default())?;
        let names = record
            .get("fullName")
            .and_then(Value::as_array)
            .ok_or_else(|| DedupError::BadDemographics("fullName missing".into()))?;
        let mut keys = BTreeSet::new();
        for value in names
            .iter()
            .filter_map(|n| n.get("value").and_then(Value::as_str))
        {
            keys.insert(Self::new(value, dob, gender)?);
        }
        Ok(keys.into_iter().collect())
    }

    /// The name part.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The date of birth.
    pub fn date_of_birth(&self) -> time::Date {
        self.date_of_birth
    }

    /// The gender.
    pub fn gender(&self) -> Gender {
        self.gender
    }
}

impl fmt::Display for DemographicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.date_of_birth;
        write!(
            f,
            "{}|{:04}-{:02}-{:02}|{}",
            self.name,
            d.year(),
            u8::from(d.month()),
            d.day(),
            self.gender.as_str()
        )
    }
}

/// Shortest blind-index key, in bytes.
pub const BLIND_KEY_MIN: usize = crate::secret::SECRET_MIN;

/// A secret for blind indexes: the store indexes `digest(key)` instead of the key itself, so
/// equal keys still meet but a database dump shows no names or birth dates.
///
/// ```
/// use inkan_idp::dedup::{BlindIndexKey, DemographicKey, Gender};
/// let blind = BlindIndexKey::from_bytes(&[9; 32])?;
/// let a = DemographicKey::new("Samir Khan", "1988-02-29", Gender::Male)?;
/// let b = DemographicKey::new("Khan, Samir", "1988-02-29", Gender::Male)?;
/// assert_eq!(blind.digest(&a), blind.digest(&b));
/// assert_eq!(blind.digest(&a).len(), 43);
/// # Ok::<(), inkan_idp::dedup::DedupError>(())
/// ```
#[derive(Debug)]
pub struct BlindIndexKey(Secret);

impl BlindIndexKey {
    /// A key from at least [`BLIND_KEY_MIN`] secret bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DedupError> {
        Secret::from_bytes(bytes).map(Self).ok_or_else(|| {
            DedupError::BadConfig(format!("blind index key must be at least {BLIND_KEY_MIN} bytes"))
        })
    }

    /// base64url(HMAC-SHA256(key, "inkan-dedup-v1" ‖ key text)), through [`Secret::mac`].
    pub fn digest(&self, key: &DemographicKey) -> String {
        b64url_encode(self.0.mac("inkan-dedup-v1", &[key.to_string().as_bytes()]))
    }
}

// --- biometrics ---

/// One biometric sample as matchers see it.
///
/// ```
/// use inkan_core::claim169::{BiometricFormat, BodyPart};
/// use inkan_idp::dedup::BiometricSample;
/// let s = BiometricSample { body_part: BodyPart::Face, format: BiometricFormat::Template,
///     sub_format: None, quality: Some(90), data: vec![1, 2, 3] };
/// assert_eq!(s.body_part.json_name(), "face");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiometricSample {
    /// Where it was taken.
    pub body_part: BodyPart,
    /// Image, template, sound or bio-hash.
    pub format: BiometricFormat,
    /// The sub-format, if given.
    pub sub_format: Option<SubFormat>,
    /// Capture quality 0–100, if given.
    pub quality: Option<u8>,
    /// The sample.
    pub data: Vec<u8>,
}

impl BiometricSample {
    /// The samples of a record in the default schema's shape.
    ///
    /// ```
    /// use inkan_idp::dedup::BiometricSample;
    /// let record = serde_json::json!({"biometrics": [
    ///     {"modality": "finger", "bodyPart": "leftThumb", "format": "template", "quality": 70, "data": "AQID"}]});
    /// let samples = BiometricSample::from_record(&record)?;
    /// assert_eq!((samples[0].data.as_slice(), samples[0].quality), (&[1u8, 2, 3][..], Some(70)));
    /// # Ok::<(), inkan_idp::dedup::DedupError>(())
    /// ```
    pub fn from_record(record: &Value) -> Result<Vec<Self>, DedupError> {
        let Some(map) = record.as_object() else {
            return Ok(Vec::new());
        };
        Ok(biometric_entries(map)?
            .into_iter()
            .map(|e| BiometricSample {
                body_part: e.body_part,
                format: e.biometric.format.unwrap_or(BiometricFormat::Template),
                sub_format: e.biometric.sub_format,
                quality: e.quality,
                data: e.biometric.data,
            })
            .collect())
    }

    /// SHA-256 over body part, format and data: what the exact-template matcher compares.
    fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.body_part.key().to_be_bytes());
        h.update(self.format.code().to_be_bytes());
        h.update(&self.data);
        h.finalize().into()
    }

    fn to_json(&self) -> Value {
        json!({
            "bodyPart": self.body_part.json_name(),
            "format": self.format.code(),
            "subFormat": self.sub_format.map(SubFormat::code),
            "quality": self.quality,
            "data": b64_encode(&self.data),
        })
    }
}

/// A subject whose gallery matched a probe, with the matcher's score (0–100).
///
/// ```
/// let c = inkan_idp::dedup::Candidate { subject: "rid-1".into(), score: 100 };
/// assert_eq!(c.score, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// The registry's reference for the matched person (RID or internal id; never the UIN
    /// itself when the matcher is external).
    pub subject: String,
    /// Match score, 0–100.
    pub score: u8,
}

/// A biometric matcher: 1:N identification for de-duplication, 1:1 verification for
/// authentication, and the gallery kept in step with the registry.
///
/// Object safe (`Arc<dyn BiometricMatcher>`): the async methods return [`BoxFuture`].
///
/// ```
/// use inkan_idp::dedup::{BiometricMatcher, ExactTemplateMatcher};
/// let matcher: std::sync::Arc<dyn BiometricMatcher> = std::sync::Arc::new(ExactTemplateMatcher::new());
/// # let _ = matcher;
/// ```
pub trait BiometricMatcher: Send + Sync {
    /// Subjects whose gallery holds a sample matching any of `probe`, best first.
    fn identify<'a>(
        &'a self,
        probe: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<Vec<Candidate>, DedupError>>;

    /// Adds `samples` to the gallery under `subject` (after the enrolment is committed).
    fn insert<'a>(
        &'a self,
        subject: &'a str,
        samples: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<(), DedupError>>;

    /// Whether `probe` matches the gallery of `subject`.
    fn verify<'a>(
        &'a self,
        subject: &'a str,
        probe: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<bool, DedupError>>;

    /// Removes `subject` from the gallery (a rolled-back enrolment, a merged duplicate).
    fn remove<'a>(&'a self, subject: &'a str) -> BoxFuture<'a, Result<(), DedupError>>;
}

/// The built-in matcher: a sample matches only a byte-identical sample of the same body part
/// and format (score 100). It catches re-submitted templates (the same capture enrolled twice,
/// a replayed file), not two captures of one finger — that needs a real ABIS
/// ([`AbisHttpMatcher`]). The gallery lives in memory: the registry loads it at start-up.
///
/// ```
/// use inkan_core::claim169::{BiometricFormat, BodyPart};
/// use inkan_idp::dedup::{BiometricMatcher, BiometricSample, ExactTemplateMatcher};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let m = ExactTemplateMatcher::new();
/// let thumb = BiometricSample { body_part: BodyPart::RightThumb, format: BiometricFormat::Template,
///     sub_format: None, quality: None, data: b"minutiae".to_vec() };
/// m.insert("ref-1", std::slice::from_ref(&thumb)).await?;
/// assert_eq!(m.identify(std::slice::from_ref(&thumb)).await?[0].subject, "ref-1");
/// assert!(m.verify("ref-1", &[thumb]).await?);
/// # Ok::<(), inkan_idp::dedup::DedupError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct ExactTemplateMatcher {
    gallery: RwLock<Gallery>,
}

#[derive(Debug, Default)]
struct Gallery {
    by_sample: HashMap<[u8; 32], BTreeSet<String>>,
    by_subject: HashMap<String, Vec<[u8; 32]>>,
}

impl ExactTemplateMatcher {
    /// An empty gallery.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of subjects in the gallery.
    pub fn len(&self) -> usize {
        self.gallery.read().map(|g| g.by_subject.len()).unwrap_or(0)
    }

    /// Whether the gallery is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn poisoned<T>(_: T) -> DedupError {
        DedupError::Matcher("gallery lock poisoned".into())
    }

    fn identify_now(&self, probe: &[BiometricSample]) -> Result<Vec<Candidate>, DedupError> {
        let g = self.gallery.read().map_err(Self::poisoned)?;
        let subjects: BTreeSet<&String> = probe
            .iter()
            .filter_map(|s| g.by_sample.get(&s.fingerprint()))
            .flatten()
            .collect();
        Ok(subjects
            .into_iter()
            .map(|s| Candidate {
                subject: s.clone(),
                score: 100,
            })
            .collect())
    }

    fn insert_now(&self, subject: &str, samples: &[BiometricSample]) -> Result<(), DedupError> {
        let mut g = self.gallery.write().map_err(Self::poisoned)?;
        for sample in samples {
            let fp = sample.fingerprint();
            g.by_sample.entry(fp).or_default().insert(subject.to_owned());
            g.by_subject.entry(subject.to_owned()).or_default().push(fp);
        }
        Ok(())
    }

    fn verify_now(&self, subject: &str, probe: &[BiometricSample]) -> Result<bool, DedupError> {
        let g = self.gallery.read().map_err(Self::poisoned)?;
        let Some(enrolled) = g.by_subject.get(subject) else {
            return Ok(false);
        };
        Ok(probe.iter().any(|s| enrolled.contains(&s.fingerprint())))
    }

    fn remove_now(&self, subject: &str) -> Result<(), DedupError> {
        let mut g = self.gallery.write().map_err(Self::poisoned)?;
        for fp in g.by_subject.remove(subject).unwrap_or_default() {
            if let Some(set) = g.by_sample.get_mut(&fp) {
                set.remove(subject);
                if set.is_empty() {
                    g.by_sample.remove(&fp);
                }
            }
        }
        Ok(())
    }
}

impl BiometricMatcher for ExactTemplateMatcher {
    fn identify<'a>(
        &'a self,
        probe: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<Vec<Candidate>, DedupError>> {
        Box::pin(async move { self.identify_now(probe) })
    }

    fn insert<'a>(
        &'a self,
        subject: &'a str,
        samples: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<(), DedupError>> {
        Box::pin(async move { self.insert_now(subject, samples) })
    }

    fn verify<'a>(
        &'a self,
        subject: &'a str,
        probe: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<bool, DedupError>> {
        Box::pin(async move { self.verify_now(subject, probe) })
    }

    fn remove<'a>(&'a self, subject: &'a str) -> BoxFuture<'a, Result<(), DedupError>> {
        Box::pin(async move { self.remove_now(subject) })
    }
}

/// An external ABIS over HTTPS, through inkan-core's [`HttpClient`] (inject
/// `inkan_verifier::http::ReqwestHttpClient` configured with the ABIS's CA).
///
/// The protocol is inkan's own small JSON one (MOSIP's queue-based ABIS interface would be a
/// further adapter): `POST {base}/identify` `{"biometrics": [...]}` →
/// `{"candidates": [{"subject", "score"}]}`; `POST {base}/insert` `{"subject", "biometrics"}`;
/// `POST {base}/verify` `{"subject", "biometrics"}` → `{"match": bool}`; `POST {base}/remove`
/// `{"subject"}`. A sample is `{"bodyPart", "format", "subFormat", "quality", "data"}` with the
/// Claim 169 codes and base64 data. Any non-2xx answer is [`DedupError::Abis`].
///
/// ```
/// use std::sync::Arc;
/// use inkan_idp::dedup::AbisHttpMatcher;
/// # struct Never;
/// # impl inkan_core::http::HttpClient for Never {
/// #     fn send(&self, _: inkan_core::http::HttpRequest) -> inkan_core::BoxFuture<'_, inkan_core::Result<inkan_core::http::HttpResponse>> {
/// #         Box::pin(async { Err(inkan_core::Error::Http("offline".into())) })
/// #     }
/// # }
/// let abis = AbisHttpMatcher::new(Arc::new(Never), "https://abis.internal/v1");
/// assert_eq!(abis.base_url(), "https://abis.internal/v1");
/// ```
pub struct AbisHttpMatcher {
    client: Arc<dyn HttpClient>,
    base_url: String,
}

impl fmt::Debug for AbisHttpMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbisHttpMatcher")
            .field("base_url", &self.base_url)
            .finish()
    }
}

#[derive(Deserialize)]
struct IdentifyResponse {
    candidates: Vec<Candidate>,
}

#[derive(Deserialize)]
struct VerifyResponse {
    #[serde(rename = "match")]
    matched: bool,
}

impl AbisHttpMatcher {
    /// An adapter posting to `base_url` (no trailing slash needed) through `client`.
    pub fn new(client: Arc<dyn HttpClient>, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        Self { client, base_url }
    }

    /// The ABIS base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    async fn call(&self, op: &str, body: Value) -> Result<Vec<u8>, DedupError> {
        let request = HttpRequest::post(format!("{}/{op}", self.base_url), body.to_string().into_bytes())
            .header("content-type", "application/json")
            .header("accept", "application/json");
        let response = self
            .client
            .send(request)
            .await
            .map_err(|e| DedupError::Abis(format!("{op}: {e}")))?;
        if !response.is_success() {
            return Err(DedupError::Abis(format!("{op}: HTTP status {}", response.status)));
        }
        Ok(response.body)
    }

    fn samples(samples: &[BiometricSample]) -> Value {
        Value::Array(samples.iter().map(BiometricSample::to_json).collect())
    }
}

fn decode<T: serde::de::DeserializeOwned>(op: &str, body: &[u8]) -> Result<T, DedupError> {
    serde_json::from_slice(body).map_err(|e| DedupError::Abis(format!("{op}: unexpected answer: {e}")))
}

impl BiometricMatcher for AbisHttpMatcher {
    fn identify<'a>(
        &'a self,
        probe: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<Vec<Candidate>, DedupError>> {
        Box::pin(async move {
            let body = self
                .call("identify", json!({ "biometrics": Self::samples(probe) }))
                .await?;
            let mut candidates = decode::<IdentifyResponse>("identify", &body)?.candidates;
            if candidates.iter().any(|c| c.score > 100) {
                return Err(DedupError::Abis("identify: score above 100".into()));
            }
            candidates.sort_by_key(|c| std::cmp::Reverse(c.score));
            Ok(candidates)
        })
    }

    fn insert<'a>(
        &'a self,
        subject: &'a str,
        samples: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<(), DedupError>> {
        Box::pin(async move {
            self.call(
                "insert",
                json!({ "subject": subject, "biometrics": Self::samples(samples) }),
            )
            .await
            .map(drop)
        })
    }

    fn verify<'a>(
        &'a self,
        subject: &'a str,
        probe: &'a [BiometricSample],
    ) -> BoxFuture<'a, Result<bool, DedupError>> {
        Box::pin(async move {
            let body = self
                .call(
                    "verify",
                    json!({ "subject": subject, "biometrics": Self::samples(probe) }),
                )
                .await?;
            Ok(decode::<VerifyResponse>("verify", &body)?.matched)
        })
    }

    fn remove<'a>(&'a self, subject: &'a str) -> BoxFuture<'a, Result<(), DedupError>> {
        Box::pin(async move { self.call("remove", json!({ "subject": subject })).await.map(drop) })
    }
}

#[cfg(test)]
mod tests;
