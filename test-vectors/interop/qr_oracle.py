#!/usr/bin/env python3
"""QR oracle for inkan's interop tests and bench: zxing-cpp 3.1.1 reads, Pillow 12.0.0 and numpy 2.4.6
distort (all pinned in requirements.txt).

  scan    FILE...                 -> one JSON line per file: {"file": FILE, "hex": [payload bytes as hex, ...]}
  corpus  SRC_DIR OUT_DIR SEED    -> writes distorted photos of SRC_DIR/*.png into OUT_DIR and prints one JSON
                                     line per image: {"file": NAME, "kind": KIND, "sources": [SRC_STEM, ...]}
  photo   SRC_PNG OUT_PNG SIDE SEED -> SRC_PNG perspective-warped onto a SIDE x SIDE noisy, unevenly lit photo
  time    FILE SECONDS            -> "<mean seconds per read> <codes found>" for zxing-cpp on FILE

The corpus is deterministic for a given SEED (numpy's PCG64 drives every random choice), so the same
images are generated on every run and nothing large is committed.
"""

import json
import math
import os
import sys
import time

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter, ImageOps


def read(image):
    """Every QR code zxing-cpp finds, as payload bytes."""
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [r.bytes for r in results if r.valid]


def cmd_scan(files):
    for path in files:
        with Image.open(path) as im:
            found = read(im)
        print(json.dumps({"file": path, "hex": [bytes(b).hex() for b in found]}))


# --- distortions (each takes a greyscale PIL image and the RNG) ---------------------------------

def perspective_coeffs(dst, src):
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points dst to input points src."""
    rows = []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return np.linalg.solve(np.array(rows, float), np.array(src, float).reshape(8)).tolist()


def warp(img, rng, strength):
    """Moves each corner inwards/outwards by up to `strength` of the side: a tilted camera."""
    w, h = img.size
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [(x + rng.uniform(-strength, strength) * w, y + rng.uniform(-strength, strength) * h) for x, y in src]
    xs, ys = [p[0] for p in dst], [p[1] for p in dst]
    shift = [(x - min(xs), y - min(ys)) for x, y in dst]
    size = (int(max(xs) - min(xs)), int(max(ys) - min(ys)))
    return img.transform(size, Image.PERSPECTIVE, perspective_coeffs(shift, src), Image.BILINEAR, fillcolor=255)


def add_noise(img, rng, sigma):
    a = np.asarray(img, dtype=np.float32)
    a = a + rng.normal(0, sigma, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def lighting(img, rng, low, high):
    """Squeezes the grey range into [low, high] and adds a linear light gradient across the image."""
    a = np.asarray(img, dtype=np.float32) / 255.0
    h, w = a.shape
    angle = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w]
    grad = (np.cos(angle) * xx / w + np.sin(angle) * yy / h)
    grad = (grad - grad.min()) / max(grad.max() - grad.min(), 1e-6)
    span = high - low
    shade = rng.uniform(0.0, 0.35) * span
    a = low + a * span - grad * shade
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def jpeg(img, quality):
    from io import BytesIO
    buf = BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("L")


def distort(kind, img, rng):
    if kind == "rotation":
        return img.rotate(rng.uniform(5, 355), Image.BILINEAR, expand=True, fillcolor=255)
    if kind == "perspective":
        return warp(img, rng, rng.uniform(0.10, 0.22))
    if kind == "blur":
        return img.filter(ImageFilter.GaussianBlur(rng.uniform(1.2, 2.2)))
    if kind == "noise":
        return add_noise(img, rng, rng.uniform(40, 70))
    if kind == "jpeg":
        small = img.resize((int(img.size[0] * 0.8), int(img.size[1] * 0.8)), Image.BILINEAR)
        return jpeg(small, int(rng.integers(4, 10)))
    if kind == "low-contrast":
        low = rng.uniform(90, 130)
        return lighting(img, rng, low, low + rng.uniform(22, 40))
    if kind == "inverted":
        return ImageOps.invert(img.rotate(rng.uniform(-20, 20), Image.BILINEAR, expand=True, fillcolor=255))
    if kind == "screen":
        # A dark-mode phone screen photographed: light modules on grey-black, a little glare,
        # slightly out of focus and tilted.
        out = ImageOps.invert(img.rotate(rng.uniform(-30, 30), Image.BILINEAR, expand=True, fillcolor=255))
        out = lighting(out, rng, rng.uniform(15, 40), rng.uniform(150, 200))
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))
        return add_noise(out, rng, rng.uniform(6, 14))
    if kind == "photo":
        out = warp(img.rotate(rng.uniform(0, 360), Image.BILINEAR, expand=True, fillcolor=255), rng, 0.12)
        out = lighting(out, rng, rng.uniform(30, 60), rng.uniform(170, 230))
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.2)))
        out = add_noise(out, rng, rng.uniform(10, 25))
        return jpeg(out, int(rng.integers(25, 60)))
    raise SystemExit(f"unknown distortion {kind}")


KINDS = ["rotation", "perspective", "blur", "noise", "jpeg", "low-contrast", "inverted", "photo"]
# Added later, drawn from a second generator so that the images above stay as they were.
LATER_KINDS = ["screen"]


def two_codes(a, b, rng):
    """Two codes on one sheet, each turned a little, side by side."""
    a = a.rotate(rng.uniform(-25, 25), Image.BILINEAR, expand=True, fillcolor=255)
    b = b.rotate(rng.uniform(-25, 25), Image.BILINEAR, expand=True, fillcolor=255)
    gap = 40
    sheet = Image.new("L", (a.size[0] + b.size[0] + 3 * gap, max(a.size[1], b.size[1]) + 2 * gap), 255)
    sheet.paste(a, (gap, gap))
    sheet.paste(b, (2 * gap + a.size[0], gap))
    return add_noise(sheet, rng, 12)


def cmd_corpus(src_dir, out_dir, seed):
    rng = np.random.default_rng(int(seed))
    names = sorted(f for f in os.listdir(src_dir) if f.endswith(".png"))
    images = {n[:-4]: Image.open(os.path.join(src_dir, n)).convert("L") for n in names}
    stems = list(images)
    for i, stem in enumerate(stems):
        for kind in KINDS:
            out = distort(kind, images[stem], rng)
            name = f"{stem}-{kind}.png"
            out.save(os.path.join(out_dir, name))
            print(json.dumps({"file": name, "kind": kind, "sources": [stem]}))
        other = stems[(i + 1) % len(stems)]
        name = f"{stem}-two-codes.png"
        two_codes(images[stem], images[other], rng).save(os.path.join(out_dir, name))
        print(json.dumps({"file": name, "kind": "two-codes", "sources": [stem, other]}))
    later = np.random.default_rng(int(seed) + 1)
    for stem in stems:
        for kind in LATER_KINDS:
            name = f"{stem}-{kind}.png"
            distort(kind, images[stem], later).save(os.path.join(out_dir, name))
            print(json.dumps({"file": name, "kind": kind, "sources": [stem]}))


def cmd_photo(src, out, side, seed):
    """A code filling about 70 % of a SIDE-pixel photo: tilted, unevenly lit, noisy, lightly blurred."""
    rng = np.random.default_rng(int(seed))
    side = int(side)
    code = Image.open(src).convert("L")
    target = int(side * 0.7)
    code = code.resize((target, target), Image.BILINEAR)
    code = warp(code, rng, 0.08)
    code.thumbnail((side - 20, side - 20), Image.BILINEAR)
    sheet = Image.new("L", (side, side), 255)
    sheet.paste(code, ((side - code.size[0]) // 2, (side - code.size[1]) // 2))
    sheet = lighting(sheet, rng, 35, 225).filter(ImageFilter.GaussianBlur(0.7))
    add_noise(sheet, rng, 12).save(out)


def cmd_time(path, seconds):
    im = Image.open(path)
    im.load()
    found = read(im)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < float(seconds):
        read(im)
        n += 1
    print(f"{(time.perf_counter() - start) / n:.9f} {len(found)}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "scan":
        cmd_scan(args)
    else:
        {"corpus": cmd_corpus, "photo": cmd_photo, "time": cmd_time}[cmd](*args)


if __name__ == "__main__":
    main()
