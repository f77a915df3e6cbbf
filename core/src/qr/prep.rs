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

    /// Averages `k × k` blocks (k ≥ 1): shrinks big photos to a size the detector is fast on,
    /// and averages away sensor noise and JPEG blocking on the way.
    pub fn downscale(&self, k: usize) -> Gray {
        let k = k.max(1);
        let (w, h) = ((self.w / k).max(1), (self.h / k).max(1));
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0u32;
                let mut n = 0u32;
                for yy in y * k..((y + 1) * k).min(self.h) {
                    for xx in x * k..((x + 1) * k).min(self.w) {
                        sum += u32::from(self.at(xx, yy));
                        n += 1;
                    }
                }
                px.push((sum / n.max(1)) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Bilinear ×2: gives tiny codes (1–2 px a module) enough pixels for the finder patterns.
    pub fn upscale2(&self) -> Gray {
        let (w, h) = (self.w * 2, self.h * 2);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let (y0, fy) = (y / 2, (y % 2) as u32);
            let y1 = (y0 + fy as usize).min(self.h - 1);
            for x in 0..w {
                let (x0, fx) = (x / 2, (x % 2) as u32);
                let x1 = (x0 + fx as usize).min(self.w - 1);
                let top = u32::from(self.at(x0, y0)) * (2 - fx) + u32::from(self.at(x1, y0)) * fx;
                let bottom = u32::from(self.at(x0, y1)) * (2 - fx) + u32::from(self.at(x1, y1)) * fx;
                px.push(((top * (2 - fy) + bottom * fy) / 4) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Paints a convex quadrilateral (grown by a tenth around its centre) white.
    pub fn paint_white(&mut self, quad: &[(f64, f64); 4]) {
        let cx = quad.iter().map(|p| p.0).sum::<f64>() / 4.0;
        let cy = quad.iter().map(|p| p.1).sum::<f64>() / 4.0;
        let q = quad.map(|(x, y)| (cx + (x - cx) * 1.1, cy + (y - cy) * 1.1));
        let clamp = |v: f64, max: usize| (v.max(0.0) as usize).min(max);
        let (x0, x1) = q
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (y0, y1) = q
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        for y in clamp(y0, self.h)..clamp(y1.ceil(), self.h) {
            for x in clamp(x0, self.w)..clamp(x1.ceil(), self.w) {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let side = |i: usize| {
                    let (a, b) = (q[i], q[(i + 1) % 4]);
                    (b.0 - a.0) * (py - a.1) - (b.1 - a.1) * (px - a.0)
                };
                let signs = [side(0), side(1), side(2), side(3)];
                if signs.iter().all(|&s| s >= 0.0) || signs.iter().all(|&s| s <= 0.0) {
                    if let Some(p) = self.px.get_mut(y * self.w + x) {
                        *p = 255;
                    }
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
    fn rescaling_keeps_shape_and_mean() {
        let img = gray(9, 7, |x, y| (x * 20 + y) as u8);
        let small = img.downscale(3);
        assert_eq!((small.w, small.h), (3, 2));
        assert_eq!(
            small.at(0, 0),
            ((0..3).map(|x| x * 20).sum::<usize>() * 3 + 3 * 3) as u8 / 9
        );
        let big = img.upscale2();
        assert_eq!((big.w, big.h, big.at(2, 2)), (18, 14, img.at(1, 1)));
        assert_eq!(img.inverted().at(3, 0), 255 - 60);
        assert_eq!(gray(5, 5, |_, _| 77).smoothed().at(2, 2), 77);
    }
}
