//! QR render and scan: the EU DCC test images, inkan's own codes at every level, zxing-cpp reading
//! inkan's PNGs, and a generated corpus of distorted photos scanned by inkan and by zxing-cpp
//! (oracle: `interop/qr_oracle.py`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use inkan_core::encoding::{b64_decode, base45_encode};
use inkan_core::qr::{Content, EcLevel, LumaFrame, QrCode, ScanOptions, Style, scan_image, scan_luma};
use inkan_test_vectors::{run_oracle, vectors_dir};
use proptest::prelude::*;
use serde_json::Value;

const ORACLE: &str = "qr_oracle.py";

/// A fresh temp folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!("inkan-qr-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Deterministic bytes (SplitMix64), so every run renders the same codes.
fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

/// Base45 text of exactly `chars` characters (what a Claim 169 or DCC QR code holds).
fn base45_text(seed: u64, chars: usize) -> String {
    let mut text = base45_encode(&pseudo_random(seed, chars * 2 / 3 + 2));
    text.truncate(chars);
    text
}

fn scan(bytes: &[u8]) -> inkan_core::Result<Vec<Vec<u8>>> {
    scan_with(bytes, &ScanOptions::default())
}

fn scan_with(bytes: &[u8], options: &ScanOptions) -> inkan_core::Result<Vec<Vec<u8>>> {
    Ok(scan_image(bytes, options)?
        .into_iter()
        .map(|d| d.content.as_bytes().to_vec())
        .collect())
}

/// zxing-cpp's reading of each file, in order: the payloads it found.
fn zxing_scan(files: &[String]) -> Vec<Vec<Vec<u8>>> {
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let out = run_oracle(ORACLE, &[&["scan"], args.as_slice()].concat());
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), files.len());
    lines
        .iter()
        .map(|l| {
            l["hex"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| hex::decode(h.as_str().unwrap()).unwrap())
                .collect()
        })
        .collect()
}

// --- EU DCC test data ----------------------------------------------------------------------------

fn json_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn dgc_testdata_images_scan_to_their_prefix_text() {
    let mut files = Vec::new();
    json_files_under(&vectors_dir().join("dgc-testdata"), &mut files);
    files.sort();
    let (mut readable, mut unreadable, mut untested, mut untested_read) = (0, 0, 0, 0);
    for file in &files {
        let record: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let Some(png) = record["2DCODE"].as_str().filter(|s| !s.is_empty()) else {
            continue;
        };
        let png = b64_decode(png).unwrap();
        let prefix = record["PREFIX"].as_str().unwrap_or_default();
        let result = scan_image(&png, &ScanOptions::default());
        match record["EXPECTEDRESULTS"]["EXPECTEDPICTUREDECODE"].as_bool() {
            Some(true) => {
                let found = result.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                assert_eq!(found.len(), 1, "{}", file.display());
                assert_eq!(
                    found[0].content,
                    Content::Text(prefix.to_owned()),
                    "{}",
                    file.display()
                );
                readable += 1;
            }
            Some(false) => {
                // The one such record (common Q1) holds 2,350 random-looking bytes, not a PNG.
                let err = result.expect_err(&file.display().to_string());
                assert_eq!(err.code(), "image.malformed", "{}", file.display());
                unreadable += 1;
            }
            None => {
                untested += 1;
                if let Ok(found) = result {
                    untested_read +=
                        usize::from(found.iter().any(|f| f.content.as_bytes() == prefix.as_bytes()));
                }
            }
        }
    }
    println!(
        "dgc-testdata: {readable} images read as expected, {unreadable} unreadable one refused, \
         {untested_read}/{untested} without an expectation read to PREFIX"
    );
    assert_eq!((readable, unreadable, untested), (489, 1, 27));
}

// --- inkan's own codes ----------------------------------------------------------------------------

const SIZES: [usize; 7] = [100, 250, 500, 1000, 1500, 2000, 2500];

/// Alphanumeric capacity of version 40 per level (ISO 18004 table 7).
fn alnum_capacity(level: EcLevel) -> usize {
    match level {
        EcLevel::L => 4296,
        EcLevel::M => 3391,
        EcLevel::Q => 2420,
        EcLevel::H => 1852,
    }
}

#[test]
fn base45_payloads_round_trip_at_every_level_that_fits_and_zxing_reads_them() {
    let dir = TempDir::new("roundtrip");
    let (mut files, mut payloads) = (Vec::new(), Vec::new());
    for (i, &chars) in SIZES.iter().enumerate() {
        let text = base45_text(i as u64, chars);
        for level in EcLevel::ALL {
            let code = match QrCode::encode(&text, level) {
                Ok(code) => code,
                Err(err) => {
                    assert!(chars > alnum_capacity(level), "{chars} chars at {level:?}: {err}");
                    assert_eq!(err.code(), "qr.too_large");
                    continue;
                }
            };
            assert!(chars <= alnum_capacity(level));
            let png = code.to_png(Style::default().with_module_px(4)).unwrap();
            let found = scan_image(&png, &ScanOptions::default()).unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!(
                found[0].content,
                Content::Text(text.clone()),
                "{chars} chars at {level:?}"
            );
            assert_eq!((found[0].ec_level, found[0].version), (level, code.version()));
            let path = dir.path(&format!("{chars}-{level:?}.png"));
            std::fs::write(&path, &png).unwrap();
            files.push(path);
            payloads.push(text.clone());
        }
    }
    assert_eq!(
        files.len(),
        7 * 4 - 3,
        "2000 chars do not fit H, 2500 neither Q nor H"
    );
    let read = zxing_scan(&files);
    for ((file, payload), found) in files.iter().zip(&payloads).zip(&read) {
        assert_eq!(found, &vec![payload.as_bytes().to_vec()], "zxing-cpp on {file}");
    }
    println!("zxing-cpp read all {} inkan-rendered PNGs", files.len());
}

#[test]
fn terminal_and_svg_renderings_carry_the_same_modules() {
    let text = base45_text(7, 300);
    let code = QrCode::encode(&text, EcLevel::M).unwrap();
    // Back from half blocks to pixels (4 per module), then scanned like a camera frame.
    let lines: Vec<Vec<char>> = code.to_terminal(4).lines().map(|l| l.chars().collect()).collect();
    let side = lines[0].len();
    let mut rows: Vec<Vec<bool>> = Vec::new();
    for line in &lines {
        rows.push(line.iter().map(|c| matches!(c, '█' | '▀')).collect());
        rows.push(line.iter().map(|c| matches!(c, '█' | '▄')).collect());
    }
    let px = 4;
    let pixels: Vec<u8> = rows[..side]
        .iter()
        .flat_map(|row| {
            let line: Vec<u8> = row
                .iter()
                .flat_map(|&d| std::iter::repeat_n(if d { 0 } else { 255 }, px))
                .collect();
            std::iter::repeat_n(line, px).flatten()
        })
        .collect();
    let frame = LumaFrame::new(&pixels, side * px, side * px, side * px).unwrap();
    let found = scan_luma(frame, &ScanOptions::default()).unwrap();
    assert_eq!(found[0].content, Content::Text(text));
    // The SVG draws exactly the dark modules of the PNG rendering.
    let svg = code.to_svg(Style::default());
    let (luma, luma_side) = code.to_luma(Style::default().with_module_px(1)).unwrap();
    let dark_in_png = luma.iter().filter(|&&p| p == 0).count();
    let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
    let dark_in_svg: usize = path
        .split('h')
        .skip(1)
        .step_by(2)
        .map(|run| run.split('v').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(dark_in_png, dark_in_svg);
    assert!(svg.contains(&format!("viewBox=\"0 0 {luma_side} {luma_side}\"")));
}

// --- the distorted-photo corpus -----------------------------------------------------------------

/// The payloads behind the corpus: Base45 texts and binary data of several sizes and levels.
fn corpus_sources() -> Vec<(String, Vec<u8>, EcLevel)> {
    let mut sources = Vec::new();
    for (i, chars) in [100usize, 200, 350, 500, 800, 1200].into_iter().enumerate() {
        let level = [EcLevel::M, EcLevel::Q, EcLevel::L][i % 3];
        sources.push((
            format!("b45-{chars}"),
            base45_text(100 + i as u64, chars).into_bytes(),
            level,
        ));
    }
    for (i, len) in [40usize, 120, 300].into_iter().enumerate() {
        sources.push((
            format!("bin-{len}"),
            pseudo_random(200 + i as u64, len),
            EcLevel::M,
        ));
    }
    sources
}

struct Corpus {
    _dir: TempDir,
    /// (file, kind, payloads it holds)
    images: Vec<(String, String, Vec<Vec<u8>>)>,
}

fn build_corpus() -> Corpus {
    let dir = TempDir::new("corpus");
    let src = dir.0.join("src");
    let out = dir.0.join("out");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let mut by_stem = BTreeMap::new();
    for (stem, payload, level) in corpus_sources() {
        let png = QrCode::encode(&payload, level)
            .unwrap()
            .to_png(Style::default().with_module_px(5))
            .unwrap();
        std::fs::write(src.join(format!("{stem}.png")), png).unwrap();
        by_stem.insert(stem, payload);
    }
    let manifest = run_oracle(
        ORACLE,
        &["corpus", src.to_str().unwrap(), out.to_str().unwrap(), "169"],
    );
    let images = manifest
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let payloads = v["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| by_stem[s.as_str().unwrap()].clone())
                .collect();
            let file = out.join(v["file"].as_str().unwrap()).to_str().unwrap().to_owned();
            (file, v["kind"].as_str().unwrap().to_owned(), payloads)
        })
        .collect();
    Corpus { _dir: dir, images }
}

/// Whether a reader found every payload an image holds.
fn all_found(expected: &[Vec<u8>], found: &[Vec<u8>]) -> bool {
    expected.iter().all(|e| found.contains(e))
}

#[test]
fn distorted_photos_inkan_against_zxing_cpp() {
    let corpus = build_corpus();
    // 9 kinds plus a two-code sheet for each source.
    assert_eq!(corpus.images.len(), corpus_sources().len() * 10);
    let files: Vec<String> = corpus.images.iter().map(|(f, _, _)| f.clone()).collect();
    let zxing = zxing_scan(&files);
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();

    // Rates with at most 1, 2, 4, … passes: what the later pre-processing steps add. A pass only
    // adds codes, so an image read with k passes is read with more and is not scanned again;
    // the last step is the default options, inkan's result.
    let all = ScanOptions::default().max_attempts;
    let steps: Vec<u8> = [1, 2, 4, 8]
        .into_iter()
        .filter(|&k| k < all)
        .chain([all])
        .collect();
    let mut read = vec![false; bytes.len()];
    let mut by_passes = Vec::new();
    for &passes in &steps {
        let options = ScanOptions {
            max_attempts: passes,
            ..ScanOptions::default()
        };
        for ((done, (_, _, expected)), png) in read.iter_mut().zip(&corpus.images).zip(&bytes) {
            *done = *done || all_found(expected, &scan_with(png, &options).unwrap_or_default());
        }
        by_passes.push(read.iter().filter(|&&r| r).count());
    }
    println!("inkan images read with at most {steps:?} passes: {by_passes:?}");

    let mut per_kind: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (((file, kind, expected), ok), zx) in corpus.images.iter().zip(&read).zip(&zxing) {
        let entry = per_kind.entry(kind).or_default();
        let zx_ok = all_found(expected, zx);
        if !ok || !zx_ok {
            println!("  {file}: inkan {ok}, zxing-cpp {zx_ok}");
        }
        entry.0 += 1;
        entry.1 += usize::from(*ok);
        entry.2 += usize::from(zx_ok);
    }
    let (mut total, mut inkan, mut zx) = (0, 0, 0);
    for (kind, (n, i, z)) in &per_kind {
        println!("  {kind:<13} inkan {i:>2}/{n}  zxing-cpp {z:>2}/{n}");
        (total, inkan, zx) = (total + n, inkan + i, zx + z);
    }
    let rate = |k: usize| 100.0 * k as f64 / total as f64;
    println!(
        "distorted corpus: inkan {inkan}/{total} ({:.1} %), zxing-cpp {zx}/{total} ({:.1} %)",
        rate(inkan),
        rate(zx)
    );
    assert!(inkan >= zx, "inkan read {inkan}, zxing-cpp {zx} of {total}");
}

// --- properties -----------------------------------------------------------------------------------

fn any_level() -> impl Strategy<Value = EcLevel> {
    prop_oneof![
        Just(EcLevel::L),
        Just(EcLevel::M),
        Just(EcLevel::Q),
        Just(EcLevel::H)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scanning_arbitrary_bytes_never_panics(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&data);
        for input in [&data[..], &png[..]] {
            if let Err(err) = scan_image(input, &ScanOptions::default()) {
                prop_assert!(["image.malformed", "image.too_large", "qr.not_found"].contains(&err.code()));
            }
        }
    }

    #[test]
    fn scanning_arbitrary_frames_never_panics(
        w in 1usize..64, h in 1usize..64, pad in 0usize..4, seed in any::<u64>()
    ) {
        let pixels = pseudo_random(seed, (w + pad) * h);
        let frame = LumaFrame::new(&pixels, w, h, w + pad).unwrap();
        if let Err(err) = scan_luma(frame, &ScanOptions::default()) {
            prop_assert_eq!(err.code(), "qr.not_found");
        }
    }

    #[test]
    fn render_then_scan_returns_the_payload(
        data in proptest::collection::vec(any::<u8>(), 1..400), level in any_level(), text in any::<bool>()
    ) {
        let payload = if text { base45_encode(&data).into_bytes() } else { data };
        let code = QrCode::encode(&payload, level).unwrap();
        let png = code.to_png(Style::default().with_module_px(3)).unwrap();
        let found = scan(&png).unwrap();
        prop_assert_eq!(found, vec![payload]);
    }
}
