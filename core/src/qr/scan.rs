//! Finding and reading every QR code in an image, with retries on pre-processed copies.

use rqrr::PreparedImage;

use super::EcLevel;
use super::image_io::{self, DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, check_dimensions};
use super::prep::{Bitmap, Gray, Quad};
use crate::{Error, Result};

/// Caps and effort for a scan.
///
/// ```
/// use inkan_core::qr::ScanOptions;
/// let quick = ScanOptions { max_attempts: 1, ..ScanOptions::default() };
/// assert_eq!(quick.max_pixels, 50_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// Largest width × height accepted (checked from the header before decoding).
    pub max_pixels: u64,
    /// Largest width or height accepted.
    pub max_side: u64,
    /// How many detector passes to make at most (the first is on the image as given; each
    /// retry uses another pre-processing, in the order of [`scan_luma`]'s description).
    pub max_attempts: u8,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            max_pixels: DEFAULT_MAX_PIXELS,
            max_side: DEFAULT_MAX_SIDE,
            max_attempts: PASSES.len() as u8,
        }
    }
}

/// A pixel position in the scanned image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    /// Column, from the left.
    pub x: i32,
    /// Row, from the top.
    pub y: i32,
}

/// What a code holds: text when it is valid UTF-8 (Base45, URLs), bytes otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// UTF-8 text.
    Text(String),
    /// Anything else.
    Bytes(Vec<u8>),
}

impl Content {
    /// The raw bytes, whichever the variant.
    ///
    /// ```
    /// use inkan_core::qr::Content;
    /// assert_eq!(Content::Text("HC1:".into()).as_bytes(), b"HC1:");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Content::Text(text) => text.as_bytes(),
            Content::Bytes(bytes) => bytes,
        }
    }
}

/// One code read from an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The payload.
    pub content: Content,
    /// Corners of the symbol in the image: top-left, top-right, bottom-right, bottom-left
    /// (as the symbol reads, whatever its rotation in the picture).
    pub corners: [Point; 4],
    /// The symbol's version, 1–40.
    pub version: u8,
    /// Its error-correction level.
    pub ec_level: EcLevel,
}

/// A borrowed greyscale camera frame: `height` rows of `width` luma bytes, each row starting
/// `stride` bytes after the previous (the Y plane of a YUV frame, as cameras deliver it).
///
/// ```
/// use inkan_core::qr::LumaFrame;
/// let plane = vec![255u8; 64 * 48];
/// assert!(LumaFrame::new(&plane, 60, 48, 64).is_ok());
/// assert_eq!(LumaFrame::new(&plane, 65, 48, 64).unwrap_err().code(), "image.malformed");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct LumaFrame<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    stride: usize,
}

impl<'a> LumaFrame<'a> {
    /// Checks that `data` holds `height` rows of `stride` bytes (the last may stop at `width`).
    pub fn new(data: &'a [u8], width: usize, height: usize, stride: usize) -> Result<Self> {
        let needed = stride
            .checked_mul(height.saturating_sub(1))
            .and_then(|n| n.checked_add(width));
        if width == 0 || height == 0 || stride < width || needed.is_none_or(|n| n > data.len()) {
            return Err(Error::ImageMalformed(format!(
                "a {width}x{height} frame with stride {stride} does not fit {} bytes",
                data.len()
            )));
        }
        Ok(LumaFrame {
            data,
            width,
            height,
            stride,
        })
    }

    fn to_gray(self) -> Gray {
        let px = (0..self.height)
            .flat_map(|y| {
                let start = y * self.stride;
                self.data.get(start..start + self.width).unwrap_or_default()
            })
            .copied()
            .collect();
        Gray {
            w: self.width,
            h: self.height,
            px,
        }
    }
}

/// Scans PNG or JPEG bytes: see [`scan_luma`].
///
/// ```
/// use inkan_core::qr::{ScanOptions, scan_image};
/// let err = scan_image(b"not an image", &ScanOptions::default()).unwrap_err();
/// assert_eq!(err.code(), "image.malformed");
/// ```
pub fn scan_image(bytes: &[u8], options: &ScanOptions) -> Result<Vec<Decoded>> {
    let gray = image_io::decode(bytes, options.max_pixels, options.max_side)?;
    scan_gray(&gray, options)
}

/// Returns every QR code found in a greyscale frame, or [`Error::QrNotFound`].
///
/// Makes detector passes until one reads codes and leaves no grid unread and no finder pattern
/// outside the codes read, or `max_attempts` is spent; then, if finder patterns were left over,
/// looks again with the codes read painted out. Big images are first shrunk to at most 1,600 px
/// a side, and those still 800 px or more get a first look at half size; then rqrr's own
/// row-average threshold, Otsu's global threshold (plain and smoothed), a local-mean threshold,
/// an unsharp-masked copy (blur), the inverted image (codes shown light on dark), a halved copy
/// (heavy noise), and full resolution (if shrunk) or ×2 (if small).
///
/// ```
/// use inkan_core::qr::{EcLevel, LumaFrame, QrCode, ScanOptions, Style, scan_luma};
/// let (pixels, side) = QrCode::encode("HELLO", EcLevel::M)?.to_luma(Style::default())?;
/// let frame = LumaFrame::new(&pixels, side as usize, side as usize, side as usize)?;
/// let found = scan_luma(frame, &ScanOptions::default())?;
/// assert_eq!(found[0].content.as_bytes(), b"HELLO");
/// # Ok::<(), inkan_core::Error>(())
/// ```
pub fn scan_luma(frame: LumaFrame<'_>, options: &ScanOptions) -> Result<Vec<Decoded>> {
    check_dimensions(
        frame.width as u64,
        frame.height as u64,
        options.max_pixels,
        options.max_side,
    )?;
    scan_gray(&frame.to_gray(), options)
}

/// Longest side the first passes work on; larger images are shrunk by an integer factor.
const WORKING_SIDE: usize = 1600;
/// Images whose longer side is below this get a ×2 pass (codes of 1–2 px a module).
const SMALL_SIDE: usize = 600;
/// Work images whose shorter side reaches this get a first look at half size: a code that
/// fills a camera frame has modules of 4 px or more, still readable at 2, for a quarter of the
/// work.
const PREVIEW_SIDE: usize = 800;

/// Which copy of the image a pass looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The work copy halved, but only for big images: a cheap first look.
    Preview,
    /// The image (shrunk if large).
    Work,
    /// Light for dark.
    Inverted,
    /// 3 × 3 mean: against sensor noise.
    Smoothed,
    /// Inverted, then smoothed.
    InvertedSmoothed,
    /// Unsharp-masked: against defocus blur.
    Sharpened,
    /// Shrunk by 2 more: against heavy noise and JPEG blocking.
    Halved,
    /// Full resolution if the work copy was shrunk, else ×2 if small (tiny modules).
    Resized,
}

/// How a pass turns grey into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Threshold {
    /// rqrr's own running row average.
    Native,
    /// Otsu's global threshold.
    Otsu,
    /// Mean of a local window.
    LocalMean,
}

/// The passes, best value first: measured on the distorted-photo corpus of
/// `test-vectors/tests/qr.rs`, whose output prints what each one adds. Scanning stops at the
/// first pass after which every grid and finder pattern seen belongs to a code read.
const PASSES: [(Source, Threshold); 17] = [
    (Source::Preview, Threshold::Native),
    (Source::Work, Threshold::Native),
    (Source::Work, Threshold::Otsu),
    (Source::Smoothed, Threshold::Otsu),
    (Source::Work, Threshold::LocalMean),
    (Source::Sharpened, Threshold::Native),
    (Source::Inverted, Threshold::Otsu),
    (Source::Inverted, Threshold::Native),
    (Source::Smoothed, Threshold::LocalMean),
    (Source::Inverted, Threshold::LocalMean),
    (Source::Halved, Threshold::Otsu),
    (Source::Smoothed, Threshold::Native),
    (Source::InvertedSmoothed, Threshold::Otsu),
    (Source::Resized, Threshold::Native),
    (Source::Halved, Threshold::Native),
    (Source::Sharpened, Threshold::Otsu),
    (Source::InvertedSmoothed, Threshold::LocalMean),
];

/// The copies of the image the passes look at, each made once, on first use, with the factor
/// that maps their pixels back to the caller's.
struct Sources<'a> {
    full: &'a Gray,
    made: Vec<(Source, Gray, f64)>,
}

impl<'a> Sources<'a> {
    fn new(full: &'a Gray) -> Self {
        let factor = full.w.max(full.h).div_ceil(WORKING_SIDE).max(1);
        let work = if factor > 1 {
            full.downscale(factor)
        } else {
            full.clone()
        };
        Sources {
            full,
            made: vec![(Source::Work, work, factor as f64)],
        }
    }

    /// The copy and its scale; `None` when it is not worth a pass.
    fn get(&mut self, source: Source) -> Option<(&Gray, f64)> {
        if !self.made.iter().any(|(s, _, _)| *s == source) {
            let (image, scale) = self.make(source)?;
            self.made.push((source, image, scale));
        }
        self.made
            .iter()
            .find(|(s, _, _)| *s == source)
            .map(|(_, g, scale)| (g, *scale))
    }

    fn make(&mut self, source: Source) -> Option<(Gray, f64)> {
        let (_, work, factor) = self.made.first()?;
        let (short, long) = (work.w.min(work.h), work.w.max(work.h));
        let resized = |w: usize, h: usize| (work.resized(w, h), factor * work.w as f64 / w as f64);
        Some(match source {
            Source::Work => (work.clone(), *factor),
            Source::Inverted => (work.inverted(), *factor),
            Source::Smoothed => (work.smoothed(), *factor),
            Source::InvertedSmoothed => (work.inverted().smoothed(), *factor),
            Source::Sharpened => (work.sharpened(), *factor),
            Source::Preview if short >= PREVIEW_SIDE => (work.downscale(2), factor * 2.0),
            Source::Halved if short >= 2 * SMALL_SIDE / 3 => (work.downscale(2), factor * 2.0),
            Source::Resized if *factor > 1.0 => (self.full.clone(), 1.0),
            Source::Resized if long < SMALL_SIDE => resized(work.w * 2, work.h * 2),
            Source::Preview | Source::Halved | Source::Resized => return None,
        })
    }
}

fn scan_gray(full: &Gray, options: &ScanOptions) -> Result<Vec<Decoded>> {
    let mut sources = Sources::new(full);
    let mut found: Vec<Decoded> = Vec::new();
    let mut budget = usize::from(options.max_attempts);
    // Finder patterns outside every code read: evidence of a code still to find.
    let mut strays = false;
    for &(source, threshold) in &PASSES {
        if budget == 0 {
            break;
        }
        let Some((image, scale)) = sources.get(source) else {
            continue;
        };
        budget -= 1;
        let outcome = detect(prepare(threshold, image), scale, &found);
        let read_some = !outcome.read.is_empty();
        merge(&mut found, outcome.read);
        strays = strays || outcome.strays;
        // Only a pass that read codes vouches that nothing else is there: one that saw nothing
        // (an inverted copy of a dark-on-light code, say) may just be blind to it.
        if read_some && outcome.unread == 0 && !outcome.strays {
            return Ok(found);
        }
    }
    if strays {
        find_more(&mut sources, &mut found, budget);
    }
    if found.is_empty() {
        Err(Error::QrNotFound)
    } else {
        Ok(found)
    }
}

fn merge(found: &mut Vec<Decoded>, read: Vec<Decoded>) -> usize {
    let before = found.len();
    for code in read {
        if !found.iter().any(|f| same_code(f, &code)) {
            found.push(code);
        }
    }
    found.len() - before
}

/// Looks for further codes with those already read painted over: their finder patterns no
/// longer pair up with the next code's, which is how a second code gets missed.
fn find_more(sources: &mut Sources<'_>, found: &mut Vec<Decoded>, mut budget: usize) {
    let Some((work, scale)) = sources.get(Source::Work) else {
        return;
    };
    let mut masked = work.clone();
    let area = (masked.w * masked.h) as f64;
    while budget > 0 && !found.is_empty() {
        let covered: f64 = found
            .iter()
            .map(|d| quad_area(&d.corners) / (scale * scale))
            .sum();
        if covered > area / 2.0 {
            return;
        }
        for code in found.iter() {
            masked.paint_white(&quad_of(code, scale));
        }
        let smoothed = masked.smoothed();
        let mut added = 0;
        for (image, threshold) in [
            (&masked, Threshold::Native),
            (&masked, Threshold::Otsu),
            (&masked, Threshold::LocalMean),
            (&smoothed, Threshold::Otsu),
            (&smoothed, Threshold::LocalMean),
        ] {
            if budget == 0 || added > 0 {
                break;
            }
            budget -= 1;
            added = merge(found, detect(prepare(threshold, image), scale, &[]).read);
        }
        if added == 0 {
            return;
        }
    }
}

/// Where a code lies in an image `scale` times smaller than the caller's.
fn quad_of(code: &Decoded, scale: f64) -> Quad {
    Quad::grown(
        code.corners
            .map(|p| (f64::from(p.x) / scale, f64::from(p.y) / scale)),
    )
}

/// Area of a quadrilateral (shoelace formula).
fn quad_area(corners: &[Point; 4]) -> f64 {
    let twice: i64 = (0..4)
        .map(|i| {
            let (a, b) = (corners[i], corners[(i + 1) % 4]);
            i64::from(a.x) * i64::from(b.y) - i64::from(b.x) * i64::from(a.y)
        })
        .sum();
    twice.abs() as f64 / 2.0
}

/// An image ready for rqrr: greyscale it thresholds itself, or a bitmap thresholded here.
enum Prepared<'a> {
    Native(&'a Gray),
    Bits(Bitmap),
}

fn prepare(threshold: Threshold, source: &Gray) -> Prepared<'_> {
    match threshold {
        Threshold::Native => Prepared::Native(source),
        Threshold::Otsu => Prepared::Bits(source.otsu()),
        Threshold::LocalMean => Prepared::Bits(source.local_mean()),
    }
}

struct Outcome {
    read: Vec<Decoded>,
    /// Grids that were detected but not decoded: a reason to keep trying.
    unread: usize,
    /// Whether finder patterns were seen outside every code read: another reason.
    strays: bool,
}

fn detect(image: Prepared<'_>, scale: f64, known: &[Decoded]) -> Outcome {
    // rqrr is not our code: a panic inside it on a hostile image must not take the caller down.
    std::panic::catch_unwind(move || detect_unguarded(image, scale, known)).unwrap_or(Outcome {
        read: Vec::new(),
        unread: 1,
        strays: false,
    })
}

fn detect_unguarded(image: Prepared<'_>, scale: f64, known: &[Decoded]) -> Outcome {
    let mut prepared = match image {
        Prepared::Native(g) => PreparedImage::prepare_from_greyscale(g.w, g.h, |x, y| g.at(x, y)),
        Prepared::Bits(b) => {
            PreparedImage::prepare_from_bitmap(b.w, b.h, |x, y| b.dark.get(y * b.w + x) == Some(&true))
        }
    };
    let grids = prepared.detect_grids();
    let mut read = Vec::new();
    for grid in &grids {
        let mut bytes = Vec::new();
        let Ok(meta) = grid.decode_to(&mut bytes) else {
            continue;
        };
        let content = match String::from_utf8(bytes) {
            Ok(text) => Content::Text(text),
            Err(err) => Content::Bytes(err.into_bytes()),
        };
        read.push(Decoded {
            content,
            corners: grid.bounds.map(|p| Point {
                x: (f64::from(p.x) * scale).round() as i32,
                y: (f64::from(p.y) * scale).round() as i32,
            }),
            version: u8::try_from(meta.version.0).unwrap_or(0),
            ec_level: EcLevel::from_format_bits(meta.ecc_level).unwrap_or_default(),
        });
    }
    let unread = grids.len() - read.len();
    drop(grids);
    let codes: Vec<Quad> = known.iter().chain(&read).map(|d| quad_of(d, scale)).collect();
    Outcome {
        strays: has_stray_capstones(
            (prepared.width(), prepared.height()),
            |x, y| prepared.get_pixel_at(x, y) == CAPSTONE,
            &codes,
        ),
        unread,
        read,
    }
}

/// rqrr's colour for the pixels of a finder pattern it has found (its `PixelColor::CapStone`,
/// pinned with rqrr's version; `stray_capstones_are_seen` fails if it moves).
const CAPSTONE: u8 = 2;
/// Sampled capstone pixels (every other row and column) that make a finder pattern: its 3 × 3
/// module centre at 2 px a module or more gives at least 9.
const STRAY_PIXELS: usize = 9;

/// Whether the detector left finder patterns outside `codes`: each finder pattern it found is
/// repainted in its own colour, whether or not it was grouped into a code.
fn has_stray_capstones(
    (w, h): (usize, usize),
    is_capstone: impl Fn(usize, usize) -> bool,
    codes: &[Quad],
) -> bool {
    let mut count = 0;
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            if is_capstone(x, y) && !codes.iter().any(|q| q.contains(x as f64 + 0.5, y as f64 + 0.5)) {
                count += 1;
                if count >= STRAY_PIXELS {
                    return true;
                }
            }
        }
    }
    false
}

/// The same payload at (about) the same place: found again by a later pass.
fn same_code(a: &Decoded, b: &Decoded) -> bool {
    let centre = |d: &Decoded| {
        let (x, y) = d
            .corners
            .iter()
            .fold((0i64, 0i64), |(x, y), p| (x + i64::from(p.x), y + i64::from(p.y)));
        (x / 4, y / 4)
    };
    let size = |d: &Decoded| {
        i64::from((d.corners[0].x - d.corners[2].x).abs() + (d.corners[0].y - d.corners[2].y).abs())
    };
    let ((ax, ay), (bx, by)) = (centre(a), centre(b));
    a.content == b.content && (ax - bx).abs() + (ay - by).abs() <= size(a).max(size(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::{QrCode, Style};

    fn frame_of(text: &str) -> (Vec<u8>, usize) {
        let (px, side) = QrCode::encode(text, EcLevel::M)
            .unwrap()
            .to_luma(Style::default())
            .unwrap();
        (px, side as usize)
    }

    /// A code on the left of a white canvas twice its width, and on the right, when `lone` is
    /// set, one finder pattern (7 × 7 modules of 8 px) that belongs to no code.
    fn code_and_lone_finder(lone: bool) -> Gray {
        let (px, side) = frame_of("STRAY");
        let w = side * 2;
        let mut canvas = Gray {
            w,
            h: side,
            px: vec![255; w * side],
        };
        for y in 0..side {
            canvas.px[y * w..y * w + side].copy_from_slice(&px[y * side..(y + 1) * side]);
        }
        if lone {
            let (x0, y0) = (side + side / 3, side / 3);
            for my in 0..7usize {
                for mx in 0..7usize {
                    let ring = my.min(mx).min(6 - my).min(6 - mx);
                    let dark = ring != 1;
                    for y in 0..8 {
                        for x in 0..8 {
                            canvas.px[(y0 + my * 8 + y) * w + x0 + mx * 8 + x] = if dark { 0 } else { 255 };
                        }
                    }
                }
            }
        }
        canvas
    }

    #[test]
    fn stray_capstones_are_seen() {
        let lone = detect(prepare(Threshold::Native, &code_and_lone_finder(true)), 1.0, &[]);
        assert_eq!((lone.read.len(), lone.unread, lone.strays), (1, 0, true));
        let clean = detect(prepare(Threshold::Native, &code_and_lone_finder(false)), 1.0, &[]);
        assert_eq!((clean.read.len(), clean.unread, clean.strays), (1, 0, false));
        // Codes already read elsewhere count as known: their finder patterns are not strays.
        let again = detect(
            prepare(Threshold::Otsu, &code_and_lone_finder(false)),
            1.0,
            &clean.read,
        );
        assert!(!again.strays);
    }

    #[test]
    fn reads_an_inverted_code() {
        let (px, side) = frame_of("INVERTED 123");
        let inverted: Vec<u8> = px.iter().map(|p| 255 - p).collect();
        let found = scan_luma(
            LumaFrame::new(&inverted, side, side, side).unwrap(),
            &ScanOptions::default(),
        )
        .unwrap();
        assert_eq!(found[0].content, Content::Text("INVERTED 123".into()));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn honours_stride_and_reports_corners() {
        let (px, side) = frame_of("STRIDE");
        let stride = side + 13;
        let mut padded = vec![0u8; stride * side];
        for y in 0..side {
            padded[y * stride..y * stride + side].copy_from_slice(&px[y * side..(y + 1) * side]);
        }
        let found = scan_luma(
            LumaFrame::new(&padded, side, side, stride).unwrap(),
            &ScanOptions::default(),
        )
        .unwrap();
        assert_eq!(found[0].content.as_bytes(), b"STRIDE");
        // The symbol starts after the 4-module quiet zone of 8 px modules.
        assert!((found[0].corners[0].x - 32).abs() <= 2 && (found[0].corners[0].y - 32).abs() <= 2);
    }

    #[test]
    fn blank_frame_and_caps_give_typed_errors() {
        let blank = vec![200u8; 100 * 100];
        let frame = LumaFrame::new(&blank, 100, 100, 100).unwrap();
        assert_eq!(
            scan_luma(frame, &ScanOptions::default()).unwrap_err(),
            Error::QrNotFound
        );
        let tight = ScanOptions {
            max_pixels: 9_999,
            ..ScanOptions::default()
        };
        assert_eq!(scan_luma(frame, &tight).unwrap_err().code(), "image.too_large");
        assert_eq!(
            LumaFrame::new(&blank, 0, 1, 1).unwrap_err().code(),
            "image.malformed"
        );
        assert_eq!(
            LumaFrame::new(&blank, 100, 101, 100).unwrap_err().code(),
            "image.malformed"
        );
    }

    #[test]
    fn binary_payloads_come_back_as_bytes() {
        let data = [0xffu8, 0x00, 0xfe, 0x80];
        let png = QrCode::encode(data, EcLevel::L)
            .unwrap()
            .to_png(Style::default())
            .unwrap();
        let found = scan_image(&png, &ScanOptions::default()).unwrap();
        assert_eq!(found[0].content, Content::Bytes(data.to_vec()));
        assert_eq!(found[0].ec_level, EcLevel::L);
        assert_eq!(found[0].version, 1);
    }
}
