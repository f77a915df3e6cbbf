//! The one error type of `inkan-core`.
//!
//! Every variant carries a stable string code (`Error::code`) that the CLI prints and the
//! bindings expose; codes never change meaning once published, so callers may match on them.

use std::borrow::Cow;

/// Result alias used throughout `inkan-core`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `inkan-core`.
///
/// ```
/// use inkan_core::Error;
/// let err = Error::BadSignature;
/// assert_eq!(err.code(), "crypto.bad_signature");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // --- keys and signatures ---
    /// The algorithm is unknown, not supported here, or not allowed (e.g. `none`).
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The algorithm does not fit the key (e.g. ES256 with an Ed25519 key).
    #[error("algorithm {alg} cannot be used with a {key} key")]
    AlgorithmKeyMismatch {
        /// The algorithm requested.
        alg: String,
        /// The type of the key offered.
        key: String,
    },
    /// Key material could not be parsed or is not a valid key.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A signature did not verify.
    #[error("signature verification failed")]
    BadSignature,
    /// The crypto backend failed in a way that is not the input's fault.
    #[error("crypto backend error: {0}")]
    Crypto(String),

    // --- JOSE ---
    /// A JWS/JWE/JWT is not well formed.
    #[error("malformed JOSE object: {0}")]
    JoseMalformed(String),
    /// A JWT is past its `exp`.
    #[error("token expired")]
    Expired,
    /// A JWT is before its `nbf`.
    #[error("token not yet valid")]
    NotYetValid,
    /// A JWT's `iat` lies in the future.
    #[error("token issued in the future")]
    IssuedInFuture,
    /// A required claim is missing or has the wrong type.
    #[error("missing or invalid claim: {0}")]
    InvalidClaim(String),
    /// `aud` does not contain the expected audience.
    #[error("audience mismatch")]
    AudienceMismatch,
    /// `iss` is not the expected issuer.
    #[error("issuer mismatch")]
    IssuerMismatch,
    /// A JWE or COSE_Encrypt0 could not be decrypted (wrong key or tampered data).
    #[error("decryption failed")]
    DecryptionFailed,

    // --- CBOR / COSE / CWT ---
    /// CBOR that could not be decoded (truncated, trailing bytes, wrong types).
    #[error("malformed CBOR: {0}")]
    CborMalformed(String),
    /// CBOR nested deeper than the configured limit.
    #[error("CBOR nested deeper than {0} levels")]
    CborTooDeep(usize),
    /// A COSE structure is not well formed.
    #[error("malformed COSE object: {0}")]
    CoseMalformed(String),
    /// A COSE/CWT tag other than the one expected.
    #[error("unexpected CBOR tag {found}, expected {expected}")]
    CoseWrongTag {
        /// The tag that was expected.
        expected: u64,
        /// The tag that was found.
        found: u64,
    },
    /// A COSE_Mac0 tag did not verify.
    #[error("MAC verification failed")]
    MacMismatch,

    // --- encodings ---
    /// Input is not valid Base45 (RFC 9285).
    #[error("invalid Base45: {0}")]
    BadBase45(String),
    /// Input is not valid base64/base64url.
    #[error("invalid base64: {0}")]
    BadBase64(String),
    /// Input is not a valid zlib stream.
    #[error("invalid zlib data: {0}")]
    BadZlib(String),
    /// Inflating would exceed the configured size cap (decompression bomb guard).
    #[error("inflated data exceeds the {limit}-byte limit")]
    InflateLimit {
        /// The cap that was hit, in bytes.
        limit: usize,
    },
    /// Input is not a valid multibase/multicodec value.
    #[error("invalid multibase value: {0}")]
    BadMultibase(String),
    /// JSON that could not be parsed or does not have the expected shape.
    #[error("malformed JSON: {0}")]
    JsonMalformed(String),
    /// Input larger than the configured cap.
    #[error("input of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Size of the input, in bytes.
        size: usize,
        /// The cap, in bytes.
        limit: usize,
    },

    // --- DIDs ---
    /// A DID or DID URL is not well formed.
    #[error("malformed DID: {0}")]
    DidMalformed(String),
    /// The DID method is not supported by this resolver.
    #[error("unsupported DID method: {0}")]
    DidUnsupportedMethod(String),
    /// The DID (or the verification method in it) could not be found.
    #[error("DID not found: {0}")]
    DidNotFound(String),

    // --- X.509 ---
    /// A certificate could not be parsed.
    #[error("malformed certificate: {0}")]
    X509Malformed(String),
    /// No path from the chain to a trust anchor (or pinned leaf).
    #[error("certificate chain not trusted: {0}")]
    X509Untrusted(String),
    /// A certificate in the chain is outside its validity period at the clock's time.
    #[error("certificate outside its validity period: {0}")]
    X509Validity(String),
    /// A certificate violates basic constraints, key usage or a profile rule.
    #[error("certificate constraint violated: {0}")]
    X509Constraint(String),

    // --- I/O facing traits ---
    /// An HTTP fetch failed (transport, status, or content type).
    #[error("HTTP request failed: {0}")]
    Http(String),
    /// A key or issuer is not in the trust store.
    #[error("not trusted: {0}")]
    Untrusted(String),

    // --- claim169 (MOSIP Claim 169 QR credentials) ---
    /// The CWT carries no claim 169.
    #[error("the CWT carries no claim 169")]
    Claim169Missing,
    /// A Claim 169 field has the wrong CBOR type or an impossible value.
    #[error("claim 169 field {field}: {reason}")]
    Claim169BadField {
        /// The field, by its JSON name (e.g. `gender`, `face[0].data`).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The credential is encrypted (COSE_Encrypt0) and no decryption key was supplied.
    #[error("the Claim 169 credential is encrypted and no decryption key was given")]
    Claim169Encrypted,
    /// The COSE_Sign1 carries an empty signature: the credential was never signed.
    #[error("the Claim 169 credential is not signed")]
    Claim169Unsigned,
    // --- pixelpass ---
    /// Text that JavaScript's `JSON.parse` accepts but that inkan cannot turn into the same CBOR
    /// as PixelPass does (nesting beyond 128 levels, a number beyond the double range, a lone
    /// UTF-16 surrogate): refused rather than silently encoded differently.
    #[error("JSON not representable as PixelPass does it: {0}")]
    PixelpassUnsupportedJson(String),
    /// A PixelPass payload that is neither convertible CBOR nor UTF-8 text.
    #[error("PixelPass payload is not UTF-8 text")]
    PixelpassNotUtf8,
    /// Decoded CBOR holding an item PixelPass's JSON output cannot be reproduced for (a tag).
    #[error("unsupported CBOR in a PixelPass payload: {0}")]
    PixelpassUnsupportedCbor(String),
    /// The PixelPass text does not start with the expected header.
    #[error("PixelPass data does not start with the header {0:?}")]
    PixelpassMissingHeader(String),
    /// A key mapper that cannot be reversed (two keys share a short key) or has an empty key.
    #[error("invalid PixelPass key mapper: {0}")]
    PixelpassBadMapper(String),
    /// Mapped CBOR that is not a map, or has keys that are neither text nor integers.
    #[error("invalid PixelPass mapped data: {0}")]
    PixelpassBadMappedData(String),
    // --- qr (QR images: render and scan) ---
    /// The data does not fit a version-40 QR code at the chosen error-correction level.
    #[error(
        "data does not fit a QR code at level {level}: {over} bytes too many \
         (at most {capacity} bytes of it fit at level {level}, {capacity_l} at level L)"
    )]
    QrTooLarge {
        /// The error-correction level asked for (`L`, `M`, `Q` or `H`).
        level: char,
        /// How many bytes of the input must go.
        over: usize,
        /// The largest prefix of the input, in bytes, that fits at `level`.
        capacity: usize,
        /// The same at level L, the largest any QR code holds.
        capacity_l: usize,
    },
    /// No QR code could be read in the image.
    #[error("no readable QR code in the image")]
    QrNotFound,
    /// Image bytes that are not a decodable PNG/JPEG, or a pixel buffer whose geometry is wrong.
    #[error("malformed image: {0}")]
    ImageMalformed(String),
    /// An image (declared in its header, or to be rendered) larger than the configured cap.
    #[error("image of {width}x{height} pixels exceeds the cap of {max_pixels} pixels / {max_side} per side")]
    ImageTooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
        /// The cap on width × height.
        max_pixels: u64,
        /// The cap on either side.
        max_side: u64,
    },
    // --- status (IETF Token Status List) ---
    /// A status list's `bits` is not 1, 2, 4 or 8.
    #[error("status list bits must be 1, 2, 4 or 8, not {0}")]
    StatusBadBits(u64),
    /// A status index beyond the end of the list.
    #[error("status index {index} is out of range (the list holds {len} entries)")]
    StatusIndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// How many entries the list holds.
        len: usize,
    },
    /// A status value that does not fit the list's bits.
    #[error("status value {value} does not fit in {bits} bits")]
    StatusBadValue {
        /// The value.
        value: u8,
        /// The list's bits per entry.
        bits: u8,
    },
    /// A status list, status list token or `status` claim with the wrong shape.
    #[error("malformed status list: {0}")]
    StatusMalformed(String),
    /// A status list token whose `typ` is not `statuslist+jwt` / `application/statuslist+cwt`.
    #[error("status list token has the wrong type: {0}")]
    StatusWrongTyp(String),
    /// The status list token's `sub` is not the `uri` the referenced token points at.
    #[error("status list subject {sub:?} is not the referenced uri {uri:?}")]
    StatusSubjectMismatch {
        /// The list's `sub`.
        sub: String,
        /// The reference's `uri`.
        uri: String,
    },
    /// The status list token is past its `exp`.
    #[error("the status list expired at {exp}")]
    StatusListExpired {
        /// The list's `exp`, seconds since the epoch.
        exp: i64,
    },
    /// The cached status list is older than its `ttl` allows.
    #[error("the cached status list is {age} s old, beyond its ttl of {ttl} s")]
    StatusListStale {
        /// Seconds since it was fetched.
        age: i64,
        /// The list's `ttl`, in seconds.
        ttl: i64,
    },
    /// A status list larger than the entry cap (declared or inflated: a zlib bomb guard).
    #[error("status list exceeds the cap of {max_entries} entries")]
    StatusListTooLarge {
        /// The cap, in entries.
        max_entries: usize,
    },
    /// The referenced token is revoked (status INVALID, 0x01).
    #[error("the token is revoked (status list index {index})")]
    StatusRevoked {
        /// Its index in the list.
        index: u64,
    },
    /// The referenced token is suspended (status SUSPENDED, 0x02).
    #[error("the token is suspended (status list index {index})")]
    StatusSuspended {
        /// Its index in the list.
        index: u64,
    },
    /// The referenced token has an application-specific status (neither VALID nor a known one).
    #[error("the token has the application-specific status {value:#04x} (index {index})")]
    StatusApplicationSpecific {
        /// Its index in the list.
        index: u64,
        /// The status value.
        value: u8,
    },
    /// No usable status list: none cached (offline), or none could be fetched.
    #[error("status unavailable: {0}")]
    StatusUnavailable(String),
    /// Every entry of an issuer's status list is allocated.
    #[error("the status list is full ({len} entries allocated)")]
    StatusListFull {
        /// How many entries the list holds.
        len: usize,
    },
    // --- sdjwt (SD-JWT, RFC 9901, and SD-JWT VC) ---
    /// An SD-JWT (compact or JWS JSON) that does not have the shape RFC 9901 defines.
    #[error("malformed SD-JWT: {0}")]
    SdJwtMalformed(String),
    /// A Disclosure that is not base64url JSON of the form `[salt, name, value]` / `[salt, value]`,
    /// or of the wrong form for where its digest sits.
    #[error("invalid SD-JWT disclosure: {0}")]
    SdJwtBadDisclosure(String),
    /// `_sd_alg` names a hash algorithm inkan does not accept.
    #[error("unknown or unaccepted _sd_alg {0:?}")]
    SdJwtUnknownHashAlg(String),
    /// A Disclosure whose digest appears nowhere in the signed payload (altered or foreign).
    #[error("disclosure matches no digest in the SD-JWT: {0}")]
    SdJwtDigestMismatch(String),
    /// A digest (or a Disclosure) that appears more than once.
    #[error("digest appears more than once: {0}")]
    SdJwtDuplicateDigest(String),
    /// A Disclosure for the reserved claim name `_sd` or `...`.
    #[error("disclosure uses the reserved claim name {0:?}")]
    SdJwtReservedName(String),
    /// A disclosed claim name that already exists at its level.
    #[error("disclosed claim {0:?} already exists at its level")]
    SdJwtClaimConflict(String),
    /// More Disclosures than the configured cap.
    #[error("{count} disclosures exceed the limit of {limit}")]
    SdJwtTooManyDisclosures {
        /// Number of Disclosures in the input.
        count: usize,
        /// The cap.
        limit: usize,
    },
    /// Key Binding is required and the presentation carries no KB-JWT.
    #[error("key binding is required but the presentation has no KB-JWT")]
    SdJwtKbMissing,
    /// A KB-JWT with the wrong `typ` or claims of the wrong shape.
    #[error("invalid KB-JWT: {0}")]
    SdJwtKbInvalid(String),
    /// The KB-JWT's `sd_hash` is not the hash of the presented SD-JWT.
    #[error("KB-JWT sd_hash does not match the presented SD-JWT")]
    SdJwtSdHashMismatch,
    /// The KB-JWT's `aud` is not the expected audience.
    #[error("KB-JWT aud is not the expected audience")]
    SdJwtKbAudienceMismatch,
    /// The KB-JWT's `nonce` is not the expected nonce.
    #[error("KB-JWT nonce is not the expected nonce")]
    SdJwtKbNonceMismatch,
    /// The KB-JWT's `iat` is older than the accepted window (or it has expired).
    #[error("KB-JWT is too old")]
    SdJwtKbTooOld,
    /// No holder key could be determined from `cnf`.
    #[error("no holder key: {0}")]
    SdJwtNoHolderKey(String),
    /// A disclosure frame / policy that does not fit the claims.
    #[error("invalid disclosure frame: {0}")]
    SdJwtBadFrame(String),
    /// An SD-JWT VC that breaks the SD-JWT VC rules (`typ`, `vct`, `iss`, `cnf`, ...).
    #[error("invalid SD-JWT VC: {0}")]
    SdJwtVcInvalid(String),
    /// Type metadata whose hash does not match `vct#integrity`.
    #[error("type metadata integrity check failed: {0}")]
    SdJwtVctIntegrity(String),
    // --- vcjwt (VC-JWT / VP-JWT, VCDM 1.1 JWT encoding) ---
    /// A VC-JWT or VP-JWT whose `vc`/`vp` claim is missing or not VCDM 1.1, or a mistyped claim.
    #[error("malformed VC-JWT: {0}")]
    VcJwtMalformed(String),
    /// A VC-JWT or VP-JWT signed with `none`, HMAC or an algorithm not allowed.
    #[error("VC-JWT algorithm not allowed: {0}")]
    VcJwtAlgorithm(String),
    /// `iss` disagrees with `vc.issuer` / `vp.holder`, or a DID URL `kid` names another DID.
    #[error("VC-JWT issuer mismatch: {0}")]
    VcJwtIssuerMismatch(String),
    /// `sub` disagrees with `vc.credentialSubject.id`.
    #[error("VC-JWT subject mismatch: {0}")]
    VcJwtSubjectMismatch(String),
    /// `jti` disagrees with `vc.id` / `vp.id`.
    #[error("VC-JWT id mismatch: {0}")]
    VcJwtIdMismatch(String),
    /// `nbf`/`exp` disagree with `issuanceDate`/`expirationDate`.
    #[error("VC-JWT date mismatch: {0}")]
    VcJwtDateMismatch(String),
    /// The credential or presentation is past its `exp` / `expirationDate`.
    #[error("VC-JWT expired")]
    VcJwtExpired,
    /// The credential or presentation is before its `nbf` / `issuanceDate`.
    #[error("VC-JWT not yet valid")]
    VcJwtNotYetValid,
    /// A VP-JWT's `aud` is not the verifier's.
    #[error("VP-JWT audience is not the expected one")]
    VcJwtAudienceMismatch,
    /// A VP-JWT's `nonce` is not the verifier's.
    #[error("VP-JWT nonce is not the expected one")]
    VcJwtNonceMismatch,
    /// A credential in a VP-JWT is not about the holder who presents it.
    #[error("VP-JWT holder is not the credential's subject: {0}")]
    VcJwtHolderMismatch(String),
    /// The `kid` names no key of the signer.
    #[error("unknown VC-JWT key: {0}")]
    VcJwtUnknownKid(String),
    /// A VP-JWT was to be verified without the `aud` and `nonce` the verifier expects.
    #[error("a VP-JWT needs the verifier's expected aud and nonce to be checked")]
    VcJwtNoExpectation,
    // --- did:web, W3C Bitstring Status List, VC-JOSE-COSE (vcjose) ---
    /// Not a valid `did:web` identifier (bad host, port or path segment).
    #[error("malformed did:web: {0}")]
    DidWebMalformed(String),
    /// The fetched DID document's `id` is not the DID that was resolved.
    #[error("did:web document id {found:?} is not {expected:?}")]
    DidWebIdMismatch {
        /// The DID resolved.
        expected: String,
        /// The document's `id`.
        found: String,
    },
    /// The DID document URL answered with a non-2xx status.
    #[error("did:web document fetch answered HTTP {status}")]
    DidWebHttpStatus {
        /// The HTTP status.
        status: u16,
    },
    /// Offline resolution of a did:web DID that is not in the cache.
    #[error("did:web document not cached (resolve it online first): {0}")]
    DidWebNotCached(String),
    /// The cached did:web document is older than the resolver's TTL.
    #[error("cached did:web document is {age} s old (ttl {ttl} s)")]
    DidWebStale {
        /// Seconds since it was fetched.
        age: i64,
        /// The resolver's TTL in seconds.
        ttl: i64,
    },
    /// A Bitstring Status List entry, list or status list credential has the wrong shape.
    #[error("malformed bitstring status list: {0}")]
    BitstringMalformed(String),
    /// `statusSize` outside 1..=8.
    #[error("bitstring statusSize {0} is not in 1..=8")]
    BitstringBadStatusSize(u64),
    /// The list holds fewer entries than the spec's minimum (STATUS_LIST_LENGTH_ERROR).
    #[error("bitstring status list has {entries} entries (at least {min} required)")]
    BitstringListTooShort {
        /// Entries in the list.
        entries: u64,
        /// The minimum.
        min: u64,
    },
    /// The list would inflate beyond the cap.
    #[error("bitstring status list larger than {max_entries} entries")]
    BitstringListTooLarge {
        /// The cap, in entries.
        max_entries: u64,
    },
    /// `statusListIndex` beyond the list (STATUS_RANGE_ERROR).
    #[error("bitstring status index {index} outside a list of {len} entries")]
    BitstringIndexOutOfRange {
        /// The index.
        index: u64,
        /// The list length in entries.
        len: u64,
    },
    /// A status value that does not fit `statusSize` bits.
    #[error("status value {value} does not fit {size} bits")]
    BitstringBadValue {
        /// The value.
        value: u64,
        /// The status size in bits.
        size: u8,
    },
    /// The entry's `statusPurpose` is not one of the list credential's.
    #[error("status purpose {entry:?} not served by the list (purposes {list})")]
    BitstringPurposeMismatch {
        /// The entry's purpose.
        entry: String,
        /// The list's purposes.
        list: String,
    },
    /// The status list credential is not a `BitstringStatusListCredential` / `StatusList2021Credential`,
    /// or its id is not the entry's `statusListCredential`.
    #[error("not the status list credential expected: {0}")]
    BitstringWrongCredential(String),
    /// The status list credential is past its `validUntil` (or not yet valid).
    #[error("status list credential outside its validity period: {0}")]
    BitstringListExpired(String),
    /// The cached status list credential is older than its `ttl`.
    #[error("cached status list credential is {age} s old (ttl {ttl} s)")]
    BitstringListStale {
        /// Seconds since it was fetched.
        age: i64,
        /// Its ttl in seconds.
        ttl: i64,
    },
    /// The credential is revoked.
    #[error("revoked (bitstring status list index {index})")]
    BitstringRevoked {
        /// The index.
        index: u64,
    },
    /// The credential is suspended.
    #[error("suspended (bitstring status list index {index})")]
    BitstringSuspended {
        /// The index.
        index: u64,
    },
    /// No usable status list credential (not cached, fetch failed).
    #[error("bitstring status unavailable: {0}")]
    BitstringUnavailable(String),
    /// Every index of an issuer's list is taken.
    #[error("bitstring status list full ({len} entries)")]
    BitstringListFull {
        /// The list length.
        len: u64,
    },
    /// A `vc+jwt` / `vc+cose` object with the wrong shape.
    #[error("malformed VC-JOSE-COSE object: {0}")]
    VcJoseMalformed(String),
    /// The `typ` (or COSE content type) is not the one of a secured credential/presentation.
    #[error("wrong VC-JOSE-COSE typ: {0}")]
    VcJoseWrongTyp(String),
    /// A `cty` that is not the unsecured credential/presentation media type.
    #[error("wrong VC-JOSE-COSE cty: {0}")]
    VcJoseWrongCty(String),
    /// `alg` absent, `none` or not a signature algorithm.
    #[error("VC-JOSE-COSE algorithm refused: {0}")]
    VcJoseAlgorithm(String),
    /// The signer (`kid` DID, `iss`) is not the credential's issuer or presentation's holder.
    #[error("VC-JOSE-COSE issuer mismatch: {0}")]
    VcJoseIssuerMismatch(String),
    /// No key of the issuer matches the `kid`.
    #[error("unknown VC-JOSE-COSE key: {0}")]
    VcJoseUnknownKid(String),
    // --- vcdm (W3C VC Data Model 1.1 / 2.0) and di (Data Integrity) ---
    /// A credential or presentation that is not shaped as the VC Data Model requires.
    #[error("malformed verifiable credential: {0}")]
    VcdmMalformed(String),
    /// `@context` is missing its base context, holds a non-URL or a non-object, or redefines a
    /// protected term.
    #[error("invalid @context: {0}")]
    VcdmContext(String),
    /// `type` is missing, lacks `VerifiableCredential`/`VerifiablePresentation`, or names a type
    /// that maps to no URL.
    #[error("invalid type: {0}")]
    VcdmType(String),
    /// An `id` (of the credential, subject, status, schema, holder, ...) that is not one URL.
    #[error("invalid id: {0}")]
    VcdmId(String),
    /// `issuer` is missing, null, or not a URL (or an object whose `id` is a URL).
    #[error("invalid issuer: {0}")]
    VcdmIssuer(String),
    /// `credentialSubject` is missing, empty, or has a multi-valued `id`.
    #[error("invalid credentialSubject: {0}")]
    VcdmSubject(String),
    /// A date (`validFrom`, `validUntil`, `issuanceDate`, `expirationDate`) that is not an XML
    /// Schema dateTimeStamp.
    #[error("invalid date: {0}")]
    VcdmDate(String),
    /// `validUntil` lies before `validFrom` (or `expirationDate` before `issuanceDate`).
    #[error("validUntil is before validFrom")]
    VcdmValidityOrder,
    /// The credential is not valid yet (before `validFrom` / `issuanceDate`).
    #[error("credential not valid before {0}")]
    VcdmNotYetValid(String),
    /// The credential has expired (past `validUntil` / `expirationDate`).
    #[error("credential expired at {0}")]
    VcdmExpired(String),
    /// A `credentialStatus` entry without a `type`, or with a bad `type` or `id`.
    #[error("invalid credentialStatus: {0}")]
    VcdmStatus(String),
    /// A `credentialSchema` entry without a URL `id` or a `type`.
    #[error("invalid credentialSchema: {0}")]
    VcdmSchema(String),
    /// A presentation's `holder` that is not a URL (or an object with a URL `id`).
    #[error("invalid holder: {0}")]
    VcdmHolder(String),
    /// An `EnvelopedVerifiableCredential` without its type or a `data:` URL `id`.
    #[error("invalid enveloped credential: {0}")]
    VcdmEnveloped(String),
    /// Another property that breaks its rule (`evidence`/`termsOfUse`/`refreshService` without
    /// `type`, a language value object with extra members, a proof without `type`, ...).
    #[error("invalid property: {0}")]
    VcdmProperty(String),
    /// JSON nested deeper than the cap.
    #[error("JSON nested deeper than {0} levels")]
    VcdmTooDeep(usize),
    /// A document with no `proof` where one was expected.
    #[error("the document has no proof")]
    DiNoProof,
    /// A proof object that is not shaped as Data Integrity requires.
    #[error("malformed Data Integrity proof: {0}")]
    DiMalformedProof(String),
    /// A `cryptosuite` (or proof `type`) inkan does not implement.
    #[error("unknown cryptosuite: {0}")]
    DiUnknownCryptosuite(String),
    /// A `proofValue` that is not multibase base58btc or has the wrong length.
    #[error("malformed proofValue: {0}")]
    DiBadProofValue(String),
    /// The proof does not verify: the document or the proof options were changed, or the key is
    /// not the signer's.
    #[error("Data Integrity proof does not verify")]
    DiBadSignature,
    /// The `proofPurpose` is not the one the verifier expects.
    #[error("proofPurpose {found} where {expected} is expected")]
    DiWrongPurpose {
        /// The purpose the verifier expects.
        expected: String,
        /// The purpose the proof states.
        found: String,
    },
    /// The verification method is not in the controller document's relationship for the
    /// proof's purpose (e.g. a key outside `assertionMethod` signed a credential).
    #[error("verification method not authorized: {0}")]
    DiKeyNotAuthorized(String),
    /// The verification method could not be found or its key could not be used.
    #[error("verification method not found: {0}")]
    DiUnknownMethod(String),
    /// The key of the verification method does not fit the cryptosuite.
    #[error("key does not fit the cryptosuite: {0}")]
    DiKeyMismatch(String),
    /// The proof is past its `expires`.
    #[error("proof expired at {0}")]
    DiProofExpired(String),
    /// The proof's `created` lies in the future.
    #[error("proof created in the future: {0}")]
    DiProofInFuture(String),
    /// The proof's `challenge` is missing or not the verifier's.
    #[error("proof challenge is not the expected one")]
    DiChallengeMismatch,
    /// The proof's `domain` is missing or not the verifier's.
    #[error("proof domain is not the expected one")]
    DiDomainMismatch,
    /// A `previousProof` that names no proof of the set.
    #[error("previousProof {0} names no proof in the set")]
    DiPreviousProof(String),
    /// The proof's `@context` is not a prefix of the document's `@context`.
    #[error("proof @context does not match the document")]
    DiContextMismatch,
    /// The document cannot be canonicalized (e.g. a number JSON cannot carry).
    #[error("canonicalization failed: {0}")]
    DiCanonicalization(String),
    // --- jsonld (JSON-LD expansion and RDFC-1.0, feature `jsonld`) ---
    /// A JSON-LD document is over one of the caps (`what` names it: bytes, depth, values, quads).
    #[error("JSON-LD document too large: more than {limit} {what}")]
    JsonLdTooLarge {
        /// Which cap was hit.
        what: &'static str,
        /// The cap.
        limit: usize,
    },
    /// A context URL is neither bundled nor pinned: verification never fetches one.
    #[error("JSON-LD context not available offline: {0}")]
    JsonLdUnknownContext(String),
    /// A term of the document is not defined by its contexts (it would be dropped from the
    /// signed data, so it is refused instead).
    #[error("JSON-LD term not defined by the context: {0}")]
    JsonLdUndefinedTerm(String),
    /// The document or a context is not valid JSON-LD.
    #[error("invalid JSON-LD: {0}")]
    JsonLdInvalid(String),
    /// RDFC-1.0 blank-node labelling needed more work than allowed (a poison graph).
    #[error("RDF canonicalization work limit exceeded ({0} n-degree hashes)")]
    JsonLdCanonicalizationLimit(usize),
    // --- mdoc ---
    /// An mdoc structure (ISO 18013-5) is not shaped as the spec says.
    #[error("malformed mdoc: {0}")]
    MdocMalformed(String),
    /// The MSO names a digest algorithm other than SHA-256/384/512.
    #[error("unsupported mdoc digest algorithm {0:?}")]
    MdocUnsupportedDigest(String),
    /// A presented element's digest differs from the one the MSO signs.
    #[error("mdoc digest mismatch for {namespace}/{element}")]
    MdocDigestMismatch {
        /// The namespace.
        namespace: String,
        /// The element identifier.
        element: String,
    },
    /// A presented element's digest ID has no digest in the MSO.
    #[error("mdoc digest ID {digest_id} of {namespace}/{element} is not in the MSO")]
    MdocDigestMissing {
        /// The namespace.
        namespace: String,
        /// The element identifier.
        element: String,
        /// The digest ID the item carries.
        digest_id: u64,
    },
    /// The MSO's `validUntil` has passed.
    #[error("the mdoc's MSO expired at {0}")]
    MdocExpired(String),
    /// The MSO's `validFrom` is still ahead.
    #[error("the mdoc's MSO is valid only from {0}")]
    MdocNotYetValid(String),
    /// The document's docType is not the MSO's (or not the one requested).
    #[error("mdoc docType mismatch: expected {expected:?}, found {found:?}")]
    MdocDocTypeMismatch {
        /// The docType that was expected.
        expected: String,
        /// The docType found.
        found: String,
    },
    /// The document signer's chain does not lead to a trusted IACA root.
    #[error("mdoc issuer not trusted: {0}")]
    MdocUntrustedIssuer(String),
    /// The deviceSignature does not verify under the MSO's device key over this transcript.
    #[error("mdoc device signature does not verify over the session transcript")]
    MdocBadDeviceSignature,
    /// The deviceMac does not verify with the key derived for this transcript.
    #[error("mdoc device MAC does not verify over the session transcript")]
    MdocBadDeviceMac,
    /// Device authentication needs a session transcript and none was given.
    #[error("mdoc device authentication needs the session transcript")]
    MdocNoTranscript,
    /// A deviceMac needs the reader's ephemeral private key and none fits.
    #[error("mdoc device MAC needs the reader's ephemeral private key")]
    MdocNoReaderKey,
    /// An element was presented that the request did not ask for.
    #[error("mdoc element {namespace}/{element} was presented but not requested")]
    MdocNotRequested {
        /// The namespace.
        namespace: String,
        /// The element identifier.
        element: String,
    },
    /// A device-signed element is not covered by the MSO's key authorizations.
    #[error("mdoc device key is not authorized to sign {namespace}/{element}")]
    MdocUnauthorizedDeviceElement {
        /// The namespace.
        namespace: String,
        /// The element identifier.
        element: String,
    },
    /// The holder has none of the requested documents or elements.
    #[error("mdoc: nothing to present: {0}")]
    MdocNothingToPresent(String),
    // --- mdoc reader authentication ---
    /// A DocRequest carries no `readerAuth` where one is required.
    #[error("mdoc: the request carries no readerAuth")]
    MdocNoReaderAuth,
    /// `readerAuth` does not verify over `ReaderAuthenticationBytes` under the reader key.
    #[error("mdoc: readerAuth does not verify")]
    MdocBadReaderAuth,
    /// The reader certificate chain does not reach a reader trust anchor.
    #[error("mdoc: untrusted reader: {0}")]
    MdocUntrustedReader(String),
}

impl Error {
    /// The stable, machine-readable code of this error (e.g. `"cose.wrong_tag"`).
    ///
    /// ```
    /// use inkan_core::Error;
    /// assert_eq!(Error::InflateLimit { limit: 65536 }.code(), "encoding.inflate_limit");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::UnsupportedAlgorithm(_) => "crypto.unsupported_algorithm",
            Error::AlgorithmKeyMismatch { .. } => "crypto.alg_key_mismatch",
            Error::InvalidKey(_) => "crypto.invalid_key",
            Error::BadSignature => "crypto.bad_signature",
            Error::Crypto(_) => "crypto.backend",
            Error::JoseMalformed(_) => "jose.malformed",
            Error::Expired => "jwt.expired",
            Error::NotYetValid => "jwt.not_yet_valid",
            Error::IssuedInFuture => "jwt.issued_in_future",
            Error::InvalidClaim(_) => "jwt.invalid_claim",
            Error::AudienceMismatch => "jwt.aud_mismatch",
            Error::IssuerMismatch => "jwt.iss_mismatch",
            Error::DecryptionFailed => "crypto.decryption_failed",
            Error::CborMalformed(_) => "cbor.malformed",
            Error::CborTooDeep(_) => "cbor.too_deep",
            Error::CoseMalformed(_) => "cose.malformed",
            Error::CoseWrongTag { .. } => "cose.wrong_tag",
            Error::MacMismatch => "cose.mac_mismatch",
            Error::BadBase45(_) => "encoding.bad_base45",
            Error::BadBase64(_) => "encoding.bad_base64",
            Error::BadZlib(_) => "encoding.bad_zlib",
            Error::InflateLimit { .. } => "encoding.inflate_limit",
            Error::BadMultibase(_) => "encoding.bad_multibase",
            Error::JsonMalformed(_) => "json.malformed",
            Error::TooLarge { .. } => "input.too_large",
            Error::DidMalformed(_) => "did.malformed",
            Error::DidUnsupportedMethod(_) => "did.unsupported_method",
            Error::DidNotFound(_) => "did.not_found",
            Error::X509Malformed(_) => "x509.malformed",
            Error::X509Untrusted(_) => "x509.untrusted",
            Error::X509Validity(_) => "x509.validity",
            Error::X509Constraint(_) => "x509.constraint",
            Error::Http(_) => "http.failed",
            Error::Untrusted(_) => "trust.untrusted",
            // claim169
            Error::Claim169Missing => "claim169.missing_169",
            Error::Claim169BadField { .. } => "claim169.bad_field",
            Error::Claim169Encrypted => "claim169.needs_decryption_key",
            Error::Claim169Unsigned => "claim169.unsigned",
            // pixelpass
            Error::PixelpassUnsupportedJson(_) => "pixelpass.unsupported_json",
            Error::PixelpassNotUtf8 => "pixelpass.not_utf8",
            Error::PixelpassUnsupportedCbor(_) => "pixelpass.unsupported_cbor",
            Error::PixelpassMissingHeader(_) => "pixelpass.missing_header",
            Error::PixelpassBadMapper(_) => "pixelpass.bad_mapper",
            Error::PixelpassBadMappedData(_) => "pixelpass.bad_mapped_data",
            // qr
            Error::QrTooLarge { .. } => "qr.too_large",
            Error::QrNotFound => "qr.not_found",
            Error::ImageMalformed(_) => "image.malformed",
            Error::ImageTooLarge { .. } => "image.too_large",
            // status
            Error::StatusBadBits(_) => "status.bad_bits",
            Error::StatusIndexOutOfRange { .. } => "status.index_out_of_range",
            Error::StatusBadValue { .. } => "status.bad_value",
            Error::StatusMalformed(_) => "status.malformed",
            Error::StatusWrongTyp(_) => "status.wrong_typ",
            Error::StatusSubjectMismatch { .. } => "status.sub_mismatch",
            Error::StatusListExpired { .. } => "status.list_expired",
            Error::StatusListStale { .. } => "status.list_stale",
            Error::StatusListTooLarge { .. } => "status.too_large",
            Error::StatusRevoked { .. } => "status.revoked",
            Error::StatusSuspended { .. } => "status.suspended",
            Error::StatusApplicationSpecific { .. } => "status.application_specific",
            Error::StatusUnavailable(_) => "status.unavailable",
            Error::StatusListFull { .. } => "status.list_full",
            // sdjwt
            Error::SdJwtMalformed(_) => "sdjwt.malformed",
            Error::SdJwtBadDisclosure(_) => "sdjwt.bad_disclosure",
            Error::SdJwtUnknownHashAlg(_) => "sdjwt.unknown_hash_alg",
            Error::SdJwtDigestMismatch(_) => "sdjwt.digest_mismatch",
            Error::SdJwtDuplicateDigest(_) => "sdjwt.duplicate_digest",
            Error::SdJwtReservedName(_) => "sdjwt.reserved_name",
            Error::SdJwtClaimConflict(_) => "sdjwt.claim_conflict",
            Error::SdJwtTooManyDisclosures { .. } => "sdjwt.too_many_disclosures",
            Error::SdJwtKbMissing => "sdjwt.kb_missing",
            Error::SdJwtKbInvalid(_) => "sdjwt.kb_invalid",
            Error::SdJwtSdHashMismatch => "sdjwt.sd_hash_mismatch",
            Error::SdJwtKbAudienceMismatch => "sdjwt.kb_aud_mismatch",
            Error::SdJwtKbNonceMismatch => "sdjwt.kb_nonce_mismatch",
            Error::SdJwtKbTooOld => "sdjwt.kb_too_old",
            Error::SdJwtNoHolderKey(_) => "sdjwt.no_holder_key",
            Error::SdJwtBadFrame(_) => "sdjwt.bad_frame",
            Error::SdJwtVcInvalid(_) => "sdjwt.vc_invalid",
            Error::SdJwtVctIntegrity(_) => "sdjwt.vct_integrity",
            // vcjwt
            Error::VcJwtMalformed(_) => "vcjwt.malformed",
            Error::VcJwtAlgorithm(_) => "vcjwt.alg_not_allowed",
            Error::VcJwtIssuerMismatch(_) => "vcjwt.iss_mismatch",
            Error::VcJwtSubjectMismatch(_) => "vcjwt.sub_mismatch",
            Error::VcJwtIdMismatch(_) => "vcjwt.jti_mismatch",
            Error::VcJwtDateMismatch(_) => "vcjwt.date_mismatch",
            Error::VcJwtExpired => "vcjwt.expired",
            Error::VcJwtNotYetValid => "vcjwt.not_yet_valid",
            Error::VcJwtAudienceMismatch => "vcjwt.aud_mismatch",
            Error::VcJwtNonceMismatch => "vcjwt.nonce_mismatch",
            Error::VcJwtHolderMismatch(_) => "vcjwt.holder_mismatch",
            Error::VcJwtUnknownKid(_) => "vcjwt.unknown_kid",
            Error::VcJwtNoExpectation => "vcjwt.no_expected_aud_nonce",
            // --- did:web, W3C Bitstring Status List, VC-JOSE-COSE (vcjose) ---
            Error::DidWebMalformed(_) => "didweb.malformed",
            Error::DidWebIdMismatch { .. } => "didweb.id_mismatch",
            Error::DidWebHttpStatus { .. } => "didweb.http_status",
            Error::DidWebNotCached(_) => "didweb.not_cached",
            Error::DidWebStale { .. } => "didweb.stale",
            Error::BitstringMalformed(_) => "bitstring.malformed",
            Error::BitstringBadStatusSize(_) => "bitstring.bad_status_size",
            Error::BitstringListTooShort { .. } => "bitstring.list_too_short",
            Error::BitstringListTooLarge { .. } => "bitstring.too_large",
            Error::BitstringIndexOutOfRange { .. } => "bitstring.index_out_of_range",
            Error::BitstringBadValue { .. } => "bitstring.bad_value",
            Error::BitstringPurposeMismatch { .. } => "bitstring.purpose_mismatch",
            Error::BitstringWrongCredential(_) => "bitstring.wrong_credential",
            Error::BitstringListExpired(_) => "bitstring.list_expired",
            Error::BitstringListStale { .. } => "bitstring.list_stale",
            Error::BitstringRevoked { .. } => "bitstring.revoked",
            Error::BitstringSuspended { .. } => "bitstring.suspended",
            Error::BitstringUnavailable(_) => "bitstring.unavailable",
            Error::BitstringListFull { .. } => "bitstring.list_full",
            Error::VcJoseMalformed(_) => "vcjose.malformed",
            Error::VcJoseWrongTyp(_) => "vcjose.wrong_typ",
            Error::VcJoseWrongCty(_) => "vcjose.wrong_cty",
            Error::VcJoseAlgorithm(_) => "vcjose.algorithm",
            Error::VcJoseIssuerMismatch(_) => "vcjose.issuer_mismatch",
            Error::VcJoseUnknownKid(_) => "vcjose.unknown_kid",
            // vcdm and di
            Error::VcdmMalformed(_) => "vcdm.malformed",
            Error::VcdmContext(_) => "vcdm.bad_context",
            Error::VcdmType(_) => "vcdm.bad_type",
            Error::VcdmId(_) => "vcdm.bad_id",
            Error::VcdmIssuer(_) => "vcdm.bad_issuer",
            Error::VcdmSubject(_) => "vcdm.bad_subject",
            Error::VcdmDate(_) => "vcdm.bad_date",
            Error::VcdmValidityOrder => "vcdm.valid_until_before_valid_from",
            Error::VcdmNotYetValid(_) => "vcdm.not_yet_valid",
            Error::VcdmExpired(_) => "vcdm.expired",
            Error::VcdmStatus(_) => "vcdm.bad_status",
            Error::VcdmSchema(_) => "vcdm.bad_schema",
            Error::VcdmHolder(_) => "vcdm.bad_holder",
            Error::VcdmEnveloped(_) => "vcdm.bad_enveloped",
            Error::VcdmProperty(_) => "vcdm.bad_property",
            Error::VcdmTooDeep(_) => "vcdm.too_deep",
            Error::DiNoProof => "di.no_proof",
            Error::DiMalformedProof(_) => "di.malformed_proof",
            Error::DiUnknownCryptosuite(_) => "di.unknown_cryptosuite",
            Error::DiBadProofValue(_) => "di.bad_proof_value",
            Error::DiBadSignature => "di.bad_signature",
            Error::DiWrongPurpose { .. } => "di.wrong_proof_purpose",
            Error::DiKeyNotAuthorized(_) => "di.key_not_authorized",
            Error::DiUnknownMethod(_) => "di.unknown_verification_method",
            Error::DiKeyMismatch(_) => "di.key_mismatch",
            Error::DiProofExpired(_) => "di.proof_expired",
            Error::DiProofInFuture(_) => "di.proof_in_future",
            Error::DiChallengeMismatch => "di.challenge_mismatch",
            Error::DiDomainMismatch => "di.domain_mismatch",
            Error::DiPreviousProof(_) => "di.previous_proof",
            Error::DiContextMismatch => "di.context_mismatch",
            Error::DiCanonicalization(_) => "di.canonicalization",
            // jsonld
            Error::JsonLdTooLarge { .. } => "jsonld.too_large",
            Error::JsonLdUnknownContext(_) => "jsonld.unknown_context",
            Error::JsonLdUndefinedTerm(_) => "jsonld.undefined_term",
            Error::JsonLdInvalid(_) => "jsonld.invalid",
            Error::JsonLdCanonicalizationLimit(_) => "jsonld.canonicalization_limit",
            // mdoc
            Error::MdocMalformed(_) => "mdoc.malformed",
            Error::MdocUnsupportedDigest(_) => "mdoc.unsupported_digest",
            Error::MdocDigestMismatch { .. } => "mdoc.digest_mismatch",
            Error::MdocDigestMissing { .. } => "mdoc.digest_missing",
            Error::MdocExpired(_) => "mdoc.expired",
            Error::MdocNotYetValid(_) => "mdoc.not_yet_valid",
            Error::MdocDocTypeMismatch { .. } => "mdoc.doctype_mismatch",
            Error::MdocUntrustedIssuer(_) => "mdoc.untrusted_issuer",
            Error::MdocBadDeviceSignature => "mdoc.bad_device_signature",
            Error::MdocBadDeviceMac => "mdoc.bad_device_mac",
            Error::MdocNoTranscript => "mdoc.no_transcript",
            Error::MdocNoReaderKey => "mdoc.no_reader_key",
            Error::MdocNotRequested { .. } => "mdoc.not_requested",
            Error::MdocUnauthorizedDeviceElement { .. } => "mdoc.unauthorized_device_element",
            Error::MdocNothingToPresent(_) => "mdoc.nothing_to_present",
            // mdoc reader authentication
            Error::MdocNoReaderAuth => "mdoc.no_reader_auth",
            Error::MdocBadReaderAuth => "mdoc.bad_reader_auth",
            Error::MdocUntrustedReader(_) => "mdoc.untrusted_reader",
        }
    }

    /// Builds a [`Error::Crypto`] from any backend error, keeping its message.
    pub(crate) fn backend(err: impl std::fmt::Display) -> Self {
        Error::Crypto(err.to_string())
    }

    /// Builds a [`Error::InvalidKey`] from anything displayable.
    pub(crate) fn key(msg: impl Into<Cow<'static, str>>) -> Self {
        Error::InvalidKey(msg.into().into_owned())
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::JsonMalformed(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_namespaced() {
        let all = [
            Error::UnsupportedAlgorithm(String::new()),
            Error::AlgorithmKeyMismatch {
                alg: String::new(),
                key: String::new(),
            },
            Error::InvalidKey(String::new()),
            Error::BadSignature,
            Error::Crypto(String::new()),
            Error::JoseMalformed(String::new()),
            Error::Expired,
            Error::NotYetValid,
            Error::IssuedInFuture,
            Error::InvalidClaim(String::new()),
            Error::AudienceMismatch,
            Error::IssuerMismatch,
            Error::DecryptionFailed,
            Error::CborMalformed(String::new()),
            Error::CborTooDeep(0),
            Error::CoseMalformed(String::new()),
            Error::CoseWrongTag {
                expected: 0,
                found: 0,
            },
            Error::MacMismatch,
            Error::BadBase45(String::new()),
            Error::BadBase64(String::new()),
            Error::BadZlib(String::new()),
            Error::InflateLimit { limit: 0 },
            Error::BadMultibase(String::new()),
            Error::JsonMalformed(String::new()),
            Error::TooLarge { size: 0, limit: 0 },
            Error::DidMalformed(String::new()),
            Error::DidUnsupportedMethod(String::new()),
            Error::DidNotFound(String::new()),
            Error::X509Malformed(String::new()),
            Error::X509Untrusted(String::new()),
            Error::X509Validity(String::new()),
            Error::X509Constraint(String::new()),
            Error::Http(String::new()),
            Error::Untrusted(String::new()),
            // claim169
            Error::Claim169Missing,
            Error::Claim169BadField {
                field: String::new(),
                reason: String::new(),
            },
            Error::Claim169Encrypted,
            Error::Claim169Unsigned,
            // pixelpass
            Error::PixelpassUnsupportedJson(String::new()),
            Error::PixelpassNotUtf8,
            Error::PixelpassUnsupportedCbor(String::new()),
            Error::PixelpassMissingHeader(String::new()),
            Error::PixelpassBadMapper(String::new()),
            Error::PixelpassBadMappedData(String::new()),
            // qr
            Error::QrTooLarge {
                level: 'L',
                over: 0,
                capacity: 0,
                capacity_l: 0,
            },
            Error::QrNotFound,
            Error::ImageMalformed(String::new()),
            Error::ImageTooLarge {
                width: 0,
                height: 0,
                max_pixels: 0,
                max_side: 0,
            },
            // status
            Error::StatusBadBits(0),
            Error::StatusIndexOutOfRange { index: 0, len: 0 },
            Error::StatusBadValue { value: 0, bits: 0 },
            Error::StatusMalformed(String::new()),
            Error::StatusWrongTyp(String::new()),
            Error::StatusSubjectMismatch {
                sub: String::new(),
                uri: String::new(),
            },
            Error::StatusListExpired { exp: 0 },
            Error::StatusListStale { age: 0, ttl: 0 },
            Error::StatusListTooLarge { max_entries: 0 },
            Error::StatusRevoked { index: 0 },
            Error::StatusSuspended { index: 0 },
            Error::StatusApplicationSpecific { index: 0, value: 0 },
            Error::StatusUnavailable(String::new()),
            Error::StatusListFull { len: 0 },
            // sdjwt
            Error::SdJwtMalformed(String::new()),
            Error::SdJwtBadDisclosure(String::new()),
            Error::SdJwtUnknownHashAlg(String::new()),
            Error::SdJwtDigestMismatch(String::new()),
            Error::SdJwtDuplicateDigest(String::new()),
            Error::SdJwtReservedName(String::new()),
            Error::SdJwtClaimConflict(String::new()),
            Error::SdJwtTooManyDisclosures { count: 0, limit: 0 },
            Error::SdJwtKbMissing,
            Error::SdJwtKbInvalid(String::new()),
            Error::SdJwtSdHashMismatch,
            Error::SdJwtKbAudienceMismatch,
            Error::SdJwtKbNonceMismatch,
            Error::SdJwtKbTooOld,
            Error::SdJwtNoHolderKey(String::new()),
            Error::SdJwtBadFrame(String::new()),
            Error::SdJwtVcInvalid(String::new()),
            Error::SdJwtVctIntegrity(String::new()),
            // vcjwt
            Error::VcJwtMalformed(String::new()),
            Error::VcJwtAlgorithm(String::new()),
            Error::VcJwtIssuerMismatch(String::new()),
            Error::VcJwtSubjectMismatch(String::new()),
            Error::VcJwtIdMismatch(String::new()),
            Error::VcJwtDateMismatch(String::new()),
            Error::VcJwtExpired,
            Error::VcJwtNotYetValid,
            Error::VcJwtAudienceMismatch,
            Error::VcJwtNonceMismatch,
            Error::VcJwtHolderMismatch(String::new()),
            Error::VcJwtUnknownKid(String::new()),
            Error::VcJwtNoExpectation,
            // vcjose
            Error::DidWebMalformed(String::new()),
            Error::DidWebIdMismatch {
                expected: String::new(),
                found: String::new(),
            },
            Error::DidWebHttpStatus { status: 0 },
            Error::DidWebNotCached(String::new()),
            Error::DidWebStale { age: 0, ttl: 0 },
            Error::BitstringMalformed(String::new()),
            Error::BitstringBadStatusSize(0),
            Error::BitstringListTooShort { entries: 0, min: 0 },
            Error::BitstringListTooLarge { max_entries: 0 },
            Error::BitstringIndexOutOfRange { index: 0, len: 0 },
            Error::BitstringBadValue { value: 0, size: 0 },
            Error::BitstringPurposeMismatch {
                entry: String::new(),
                list: String::new(),
            },
            Error::BitstringWrongCredential(String::new()),
            Error::BitstringListExpired(String::new()),
            Error::BitstringListStale { age: 0, ttl: 0 },
            Error::BitstringRevoked { index: 0 },
            Error::BitstringSuspended { index: 0 },
            Error::BitstringUnavailable(String::new()),
            Error::BitstringListFull { len: 0 },
            Error::VcJoseMalformed(String::new()),
            Error::VcJoseWrongTyp(String::new()),
            Error::VcJoseWrongCty(String::new()),
            Error::VcJoseAlgorithm(String::new()),
            Error::VcJoseIssuerMismatch(String::new()),
            Error::VcJoseUnknownKid(String::new()),
            // vcdm and di
            Error::VcdmMalformed(String::new()),
            Error::VcdmContext(String::new()),
            Error::VcdmType(String::new()),
            Error::VcdmId(String::new()),
            Error::VcdmIssuer(String::new()),
            Error::VcdmSubject(String::new()),
            Error::VcdmDate(String::new()),
            Error::VcdmValidityOrder,
            Error::VcdmNotYetValid(String::new()),
            Error::VcdmExpired(String::new()),
            Error::VcdmStatus(String::new()),
            Error::VcdmSchema(String::new()),
            Error::VcdmHolder(String::new()),
            Error::VcdmEnveloped(String::new()),
            Error::VcdmProperty(String::new()),
            Error::VcdmTooDeep(0),
            Error::DiNoProof,
            Error::DiMalformedProof(String::new()),
            Error::DiUnknownCryptosuite(String::new()),
            Error::DiBadProofValue(String::new()),
            Error::DiBadSignature,
            Error::DiWrongPurpose {
                expected: String::new(),
                found: String::new(),
            },
            Error::DiKeyNotAuthorized(String::new()),
            Error::DiUnknownMethod(String::new()),
            Error::DiKeyMismatch(String::new()),
            Error::DiProofExpired(String::new()),
            Error::DiProofInFuture(String::new()),
            Error::DiChallengeMismatch,
            Error::DiDomainMismatch,
            Error::DiPreviousProof(String::new()),
            Error::DiContextMismatch,
            Error::DiCanonicalization(String::new()),
            // jsonld
            Error::JsonLdTooLarge {
                what: "bytes",
                limit: 0,
            },
            Error::JsonLdUnknownContext(String::new()),
            Error::JsonLdUndefinedTerm(String::new()),
            Error::JsonLdInvalid(String::new()),
            Error::JsonLdCanonicalizationLimit(0),
            // mdoc
            Error::MdocMalformed(String::new()),
            Error::MdocUnsupportedDigest(String::new()),
            Error::MdocDigestMismatch {
                namespace: String::new(),
                element: String::new(),
            },
            Error::MdocDigestMissing {
                namespace: String::new(),
                element: String::new(),
                digest_id: 0,
            },
            Error::MdocExpired(String::new()),
            Error::MdocNotYetValid(String::new()),
            Error::MdocDocTypeMismatch {
                expected: String::new(),
                found: String::new(),
            },
            Error::MdocUntrustedIssuer(String::new()),
            Error::MdocBadDeviceSignature,
            Error::MdocBadDeviceMac,
            Error::MdocNoTranscript,
            Error::MdocNoReaderKey,
            Error::MdocNotRequested {
                namespace: String::new(),
                element: String::new(),
            },
            Error::MdocUnauthorizedDeviceElement {
                namespace: String::new(),
                element: String::new(),
            },
            Error::MdocNothingToPresent(String::new()),
            // mdoc reader authentication
            Error::MdocNoReaderAuth,
            Error::MdocBadReaderAuth,
            Error::MdocUntrustedReader(String::new()),
        ];
        let mut codes: Vec<_> = all.iter().map(Error::code).collect();
        assert!(codes.iter().all(|c| c.contains('.')));
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "duplicate error code");
    }
}
