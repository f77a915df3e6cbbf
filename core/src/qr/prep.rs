//! Image pre-processing for the scan retries: rescaling, inversion, smoothing and two
//! binarisations (Otsu's global threshold, a local-mean threshold). Each is one pass over the
//! pixels; `scan` decides which to try in which order.

/// A greyscale image, row-major, one byte a pixel, no padding.
#[derive(Debug, Clone)]
pub(crate) struct Gray {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

/// Where a code lies: a convex quadrilateral, grown by a tenth around its centre so that it
/// takes in the code's finder patterns and quiet zone edge.
pub(crate) struct Quad([(f64, f64); 4]);

impl Quad {
    pub fn grown(corners: [(f64, f64); 4]) -> Self {
        let cx = corners.iter().map(|p| p.0).sum::<f64>() / 4.0;
        let cy = corners.iter().map(|p| p.1).sum::<f64>() / 4.0;
        Quad(corners.map(|(x, y)| (cx + (x - cx) * 1.1, cy + (y - cy) * 1.1)))
    }

    /// (min x, max x, min y, max y).
    fn bounds(&self) -> (f64, f64, f64, f64) {
        self.0
            .iter()
            .fold((f64::MAX, f64::MIN, f64::MAX, f64::MIN), |(x0, x1, y0, y1), p| {
                (x0.min(p.0), x1.max(p.0), y0.min(p.1), y1.max(p.1))
            })
    }

    /// Inside when on the same side of all four edges, whichever the winding.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let q = &self.0;
        let side = |i: usize| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            (b.0 - a.0) * (y - a.1) - (b.1 - a.1) * (x - a.0)
        };
        let signs = [side(0), side(1), side(2), side(3)];
        signs.iter().all(|&s| s >= 0.0) || signs.iter().all(|&s| s <= 0.0)
    }
}

/// A black/white image (`true` = dark), the same layout as [`Gray`].
pub(crate) struct Bitmap {
    pub w: usize,
    pub h: usize,
    pub dark: Vec<bool>,
}

impl Gray {
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.px.get(y * self.w + x).copied().unwrap_or(255)
    }

    /// Averages `k × k` blocks (1 ≤ k ≤ the shorter side; a last partial block is dropped):
    /// shrinks big photos to a size the detector is fast on, and averages away sensor noise
    /// and JPEG blocking on the way.
    pub fn downscale(&self, k: usize) -> Gray {
        let k = k.clamp(1, self.w.min(self.h).max(1));
        let (w, h) = (self.w / k, self.h / k);
        let mut px = Vec::with_capacity(w * h);
        let mut sums = vec![0u32; w];
        for y in 0..h {
            sums.fill(0);
            for row in self.px.chunks_exact(self.w).skip(y * k).take(k) {
                for (sum, block) in sums.iter_mut().zip(row.chunks_exact(k)) {
                    *sum += block.iter().map(|&p| u32::from(p)).sum::<u32>();
                }
            }
            let n = (k * k) as u32;
            px.extend(sums.iter().map(|&s| (s / n) as u8));
        }
        Gray { w, h, px }
    }

    /// Bilinear resampling to `w × h`: ×2 gives tiny codes (1–2 px a module) enough pixels for
    /// the finder patterns; a non-integer shrink moves module edges against the pixel grid, which
    /// changes where a noisy or blurred edge falls in the threshold.
    pub fn resized(&self, w: usize, h: usize) -> Gray {
        let (w, h) = (w.max(1), h.max(1));
        // 8-bit fixed-point source coordinates of each output pixel's centre.
        let coord = |i: usize, out: usize, src: usize| -> (usize, usize, u32) {
            let pos = ((2 * i + 1) * src * 256 / (2 * out)).saturating_sub(128);
            let (i0, frac) = (pos / 256, (pos % 256) as u32);
            (i0.min(src - 1), (i0 + 1).min(src - 1), frac)
        };
        let cols: Vec<_> = (0..w).map(|x| coord(x, w, self.w)).collect();
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let (y0, y1, fy) = coord(y, h, self.h);
            for &(x0, x1, fx) in &cols {
                let lerp = |a: u8, b: u8, f: u32| u32::from(a) * (256 - f) + u32::from(b) * f;
                let top = lerp(self.at(x0, y0), self.at(x1, y0), fx);
                let bottom = lerp(self.at(x0, y1), self.at(x1, y1), fx);
                px.push(((top * (256 - fy) + bottom * fy) >> 16) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Unsharp mask: each pixel pushed away from its 5 × 5 mean by 1.5 times the difference.
    /// Restores the edges of out-of-focus modules so the finder patterns' runs separate again.
    pub fn sharpened(&self) -> Gray {
        let integral = Integral::new(self);
        let px = (0..self.h)
            .flat_map(|y| (0..self.w).map(move |x| (x, y)))
            .map(|(x, y)| {
                let p = i32::from(self.at(x, y));
                let mean = i32::from(integral.mean(x, y, 2));
                (p + (p - mean) * 3 / 2).clamp(0, 255) as u8
            })
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px,
        }
    }

    /// Paints a quadrilateral (see [`Quad`]) white.
    pub fn paint_white(&mut self, quad: &Quad) {
        let clamp = |v: f64, max: usize| (v.max(0.0) as usize).min(max);
        let (x0, x1, y0, y1) = quad.bounds();
        for y in clamp(y0, self.h)..clamp(y1.ceil(), self.h) {
            for x in clamp(x0, self.w)..clamp(x1.ceil(), self.w) {
                if quad.contains(x as f64 + 0.5, y as f64 + 0.5)
                    && let Some(p) = self.px.get_mut(y * self.w + x)
                {
                    *p = 255;
                }
            }
        }
    }

    /// Light for dark: reads codes printed light-on-dark (screens in dark mode).
    pub fn inverted(&self) -> Gray {
        Gray {
            w: self.w,
            h: self.h,
            px: self.px.iter().map(|p| 255 - p).collect(),
        }
    }

    /// 3 × 3 mean filter: takes the edge off pixel noise before thresholding.
    pub fn smoothed(&self) -> Gray {
        let integral = Integral::new(self);
        let px = (0..self.h)
            .flat_map(|y| (0..self.w).map(move |x| (x, y)))
            .map(|(x, y)| integral.mean(x, y, 1))
            .collect();
        Gray {
            w: self.w,
            h: self.h,
            px,
        }
    }

    /// Otsu's threshold: the grey level that best splits the histogram in two classes. Wins
    /// on low-contrast or evenly lit images, where a local threshold amplifies noise.
    pub fn otsu(&self) -> Bitmap {
        let mut hist = [0u64; 256];
        for &p in &self.px {
            hist[usize::from(p)] += 1;
        }
        let total = self.px.len() as f64;
        let sum_all: f64 = hist.iter().enumerate().map(|(i, &n)| i as f64 * n as f64).sum();
        let (mut best, mut best_var) = (0u8, -1.0f64);
        let (mut w0, mut sum0) = (0.0f64, 0.0f64);
        for (t, &n) in hist.iter().enumerate() {
            w0 += n as f64;
            sum0 += t as f64 * n as f64;
            let w1 = total - w0;
            if w0 == 0.0 || w1 == 0.0 {
                continue;
            }
            let diff = sum0 / w0 - (sum_all - sum0) / w1;
            let var = w0 * w1 * diff * diff;
            if var > best_var {
                (best, best_var) = (t as u8, var);
            }
        }
        self.threshold(|_, _, p| p <= best)
    }

    /// Dark where a pixel is darker than 93 % of the mean of its neighbourhood (a window an
    /// eighth of the image wide): follows shadows and gradients across a photo.
    pub fn local_mean(&self) -> Bitmap {
        let integral = Integral::new(self);
        let radius = (self.w.max(self.h) / 16).max(4);
        self.threshold(|x, y, p| u32::from(p) * 100 < u32::from(integral.mean(x, y, radius)) * 93)
    }

    fn threshold(&self, dark: impl Fn(usize, usize, u8) -> bool) -> Bitmap {
        let dark = (0..self.h)
            .flat_map(|y| (0..self.w).map(move |x| (x, y)))
            .map(|(x, y)| dark(x, y, self.at(x, y)))
            .collect();
        Bitmap {
            w: self.w,
            h: self.h,
            dark,
        }
    }
}

/// Summed-area table: the mean of any window in four lookups.
struct Integral {
    w: usize,
    h: usize,
    sums: Vec<u64>,
}

impl Integral {
    fn new(img: &Gray) -> Self {
        let (w, h) = (img.w + 1, img.h + 1);
        let mut sums = vec![0u64; w * h];
        for y in 1..h {
            let mut row = 0u64;
            for x in 1..w {
                row += u64::from(img.at(x - 1, y - 1));
                sums[y * w + x] = sums[(y - 1) * w + x] + row;
            }
        }
        Integral { w, h, sums }
    }

    /// Mean of the window of `radius` around (x, y), clipped to the image.
    fn mean(&self, x: usize, y: usize, radius: usize) -> u8 {
        let (x0, y0) = (x.saturating_sub(radius), y.saturating_sub(radius));
        let (x1, y1) = ((x + radius + 1).min(self.w - 1), (y + radius + 1).min(self.h - 1));
        let at = |x: usize, y: usize| self.sums.get(y * self.w + x).copied().unwrap_or(0);
        let sum = at(x1, y1) + at(x0, y0) - at(x1, y0) - at(x0, y1);
        let n = ((x1 - x0) * (y1 - y0)).max(1) as u64;
        (sum / n) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gray(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Gray {
        let px = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect();
        Gray { w, h, px }
    }

    #[test]
    fn otsu_splits_a_low_contrast_image() {
        // Left half 110, right half 140: a 30-level contrast.
        let img = gray(40, 10, |x, _| if x < 20 { 110 } else { 140 });
        let bits = img.otsu();
        assert!(bits.dark[..20].iter().all(|&d| d));
        assert!(bits.dark[20..40].iter().all(|&d| !d));
    }

    #[test]
    fn local_mean_follows_a_gradient() {
        // A dark dot on a bright-to-dim gradient is found on both sides.
        let img = gray(200, 20, |x, y| {
            let base = 250 - x as u8;
            if (x == 20 || x == 180) && y == 10 {
                base / 2
            } else {
                base
            }
        });
        let bits = img.local_mean();
        assert!(bits.dark[10 * 200 + 20] && bits.dark[10 * 200 + 180]);
        assert!(!bits.dark[10 * 200 + 100]);
    }

    #[test]
    fn sharpening_steepens_an_edge() {
        // A soft ramp from 100 to 160 over 6 px becomes darker before and lighter after.
        let img = gray(20, 5, |x, _| (100 + 10 * x.clamp(7, 13) - 70) as u8);
        let sharp = img.sharpened();
        assert!(sharp.at(7, 2) < img.at(7, 2) && sharp.at(13, 2) > img.at(13, 2));
        assert_eq!(sharp.at(0, 2), img.at(0, 2));
    }

    #[test]
    fn rescaling_keeps_shape_and_mean() {
        let img = gray(9, 7, |x, y| (x * 20 + y) as u8);
        let small = img.downscale(3);
        assert_eq!((small.w, small.h), (3, 2));
        assert_eq!(
            small.at(0, 0),
            ((0..3).map(|x| x * 20).sum::<usize>() * 3 + 3 * 3) as u8 / 9
        );
        let big = img.resized(18, 14);
        assert_eq!((big.w, big.h), (18, 14));
        // Output pixel 2's centre is 0.75 of the way between source pixels 0 and 1, both ways:
        // 0.75 × 20 + 0.75 × 1, rounded down.
        assert_eq!(big.at(2, 2), 15);
        let shrunk = img.resized(6, 5);
        assert_eq!((shrunk.w, shrunk.h), (6, 5));
        let flat = gray(8, 8, |_, _| 90);
        assert!(flat.resized(6, 6).px.iter().all(|&p| p == 90));
        assert!(flat.sharpened().px.iter().all(|&p| p == 90));
        assert_eq!(img.inverted().at(3, 0), 255 - 60);
        assert_eq!(gray(5, 5, |_, _| 77).smoothed().at(2, 2), 77);
    }
}
