//! QR scanning on arbitrary input: as PNG/JPEG bytes, and as a raw luma frame whose geometry
//! comes from the first bytes. Only typed errors may come out.
#![no_main]

use inkan_core::qr::{LumaFrame, ScanOptions, scan_image, scan_luma};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small caps keep each run fast; the caps themselves are part of what is tested.
    let options = ScanOptions { max_pixels: 1 << 20, max_side: 2048, max_attempts: 20 };
    let _ = scan_image(data, &options);
    if let [w, h, pad, pixels @ ..] = data {
        let (w, h, pad) = (usize::from(*w) + 1, usize::from(*h) + 1, usize::from(*pad % 8));
        if let Ok(frame) = LumaFrame::new(pixels, w, h, w + pad) {
            let _ = scan_luma(frame, &options);
        }
    }
});
