//! QR render and scan. The scan input is a version-20+ code in a 1000 × 1000 photo-like image
//! (perspective-warped, unevenly lit, blurred and noisy, made by `test-vectors/interop/qr_oracle.py`
//! from inkan's PNG); zxing-cpp is timed on the same file by the oracle and both are printed.
//! QR work has no signature floor, so the comparison here is with zxing-cpp instead.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use inkan_core::encoding::base45_encode;
use inkan_core::qr::{EcLevel, QrCode, ScanOptions, Style, scan_image};

fn oracle(args: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var_os("INKAN_INTEROP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv-interop/bin/python"));
    let out = Command::new(python)
        .arg(root.join("test-vectors/interop/qr_oracle.py"))
        .args(args)
        .output()
        .expect("interop environment (scripts/setup-interop)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Mean seconds per call of `f` over about `budget`.
fn mean_time(mut f: impl FnMut(), budget: Duration) -> f64 {
    f();
    let (start, mut n) = (Instant::now(), 0u32);
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(n.max(1))
}

fn bench(c: &mut Criterion) {
    // 1,100 Base45 characters at level M: a Claim 169 credential with a small photo.
    let bytes: Vec<u8> = (0..733u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let text = base45_encode(&bytes);
    let code = QrCode::encode(&text, EcLevel::M).unwrap();
    assert!(code.version() >= 20, "version {}", code.version());
    let png = code.to_png(Style::default().with_module_px(6)).unwrap();

    let dir = std::env::temp_dir().join(format!("inkan-qr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (src, photo) = (dir.join("code.png"), dir.join("photo.png"));
    std::fs::write(&src, &png).unwrap();
    oracle(&[
        "photo",
        src.to_str().unwrap(),
        photo.to_str().unwrap(),
        "1000",
        "20",
    ]);
    let photo_bytes = std::fs::read(&photo).unwrap();
    let options = ScanOptions::default();
    let found = scan_image(&photo_bytes, &options).unwrap();
    assert_eq!(found[0].content.as_bytes(), text.as_bytes());

    let mut group = c.benchmark_group(format!("qr/v{}", code.version()));
    group.bench_function("render_png", |b| {
        b.iter(|| code.to_png(Style::default().with_module_px(6)).unwrap())
    });
    group.bench_function("encode_and_render_png", |b| {
        b.iter(|| {
            QrCode::encode(std::hint::black_box(&text), EcLevel::M)
                .unwrap()
                .to_png(Style::default().with_module_px(6))
                .unwrap()
        })
    });
    group.bench_function("scan_1000px_photo", |b| {
        b.iter(|| scan_image(std::hint::black_box(&photo_bytes), &options).unwrap())
    });
    group.finish();

    let inkan = mean_time(
        || drop(scan_image(&photo_bytes, &options).unwrap()),
        Duration::from_secs(3),
    );
    let answer = oracle(&["time", photo.to_str().unwrap(), "3"]);
    let mut fields = answer.split_whitespace();
    let zxing: f64 = fields.next().unwrap().parse().unwrap();
    let zxing_found: usize = fields.next().unwrap().parse().unwrap();
    println!(
        "QR scan v{} in a 1000x1000 photo: inkan {:.2} ms, zxing-cpp {:.2} ms (found {zxing_found}), \
         inkan/zxing = {:.2}",
        code.version(),
        inkan * 1e3,
        zxing * 1e3,
        inkan / zxing
    );
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
