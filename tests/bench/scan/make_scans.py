#!/usr/bin/env python3
"""Scans of the numbered logging form, made as a copier would, with the
truth about every tick box; and the benchmark that scores `reservkit scan`
against that truth.

    make_scans.py make  --form FORM.pdf [--form …] --layout layout.json --out DIR
                        [--pages N] [--dpi 150,200,300] [--seed S] [--other OTHER.pdf]
    make_scans.py score --truth DIR/truth.json --drafts AVSTAMNING/skanning
                        [--log scan.log] [--seconds S]

`make` renders form pages with Poppler's pdftoppm, draws pen ticks,
crosses, filled (taken back) boxes and handwriting scribbles into random
rows with Pillow, puts the sheet on a scanner's slightly larger white
area, skews it up to 3 degrees, shifts and scales it a little, blurs it,
adds noise and saves it as JPEG (quality 60-95), PNG or a CCITT group 4
TIFF; img2pdf packs the pages into one PDF per resolution. Among them: a
page scanned upside down, a blank page and a page of another document.
`truth.json` says, per file and page, the sheet and every box's mark, or
which error is expected.

`score` compares the drafts `reservkit scan` wrote with the truth and
prints the figures (sheet identified, boxes right, wrong readings with high
confidence, time per page). All data is fictional; the handwriting is
random scribbles. Needs: pdftoppm, img2pdf, Python 3 with Pillow.
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops, ImageDraw, ImageFilter, TiffImagePlugin

MARKS = ("tom", "kryss", "ifylld")
# Confidence below which a reading is flagged for a person (ticks.rs SURE).
SURE = 0.5


def render(pdf, page, dpi, tmp):
    prefix = os.path.join(tmp, f"r{page}-{dpi}")
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png",
         "-singlefile", pdf, prefix],
        check=True)
    return Image.open(prefix + ".png").convert("L")


def pdf_pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 1


def pen(rng):
    """Pen width in mm and ink grey level."""
    return rng.uniform(0.35, 0.6), rng.randint(10, 70)


def draw_tick(d, rng, box, mm, kind):
    """A tick or a cross in box (x, y, w, h in px)."""
    x, y, w, h = box
    width, ink = pen(rng)
    lw = max(1, round(width * mm))
    s = rng.uniform(0.75, 1.1)
    cx = x + w / 2 + rng.uniform(-0.4, 0.4) * mm
    cy = y + h / 2 + rng.uniform(-0.4, 0.4) * mm
    hw, hh = w * s / 2, h * s / 2
    j = lambda: rng.uniform(-0.25, 0.25) * mm
    if kind == "tick":
        pts = [(cx - hw * 0.8 + j(), cy + j()), (cx - hw * 0.2 + j(), cy + hh * 0.8 + j()),
               (cx + hw + j(), cy - hh + j())]
        d.line(pts, fill=ink, width=lw, joint="curve")
    else:
        d.line([(cx - hw + j(), cy - hh + j()), (cx + hw + j(), cy + hh + j())], fill=ink, width=lw)
        d.line([(cx + hw + j(), cy - hh + j()), (cx - hw + j(), cy + hh + j())], fill=ink, width=lw)


def draw_filled(d, rng, box, mm):
    """A box filled in with the pen: solid, or dense zigzag hatching."""
    x, y, w, h = box
    width, ink = pen(rng)
    m = rng.uniform(0.0, 0.35) * mm
    if rng.random() < 0.4:
        d.rectangle([x + m, y + m, x + w - m, y + h - m], fill=ink)
        return
    lw = max(1, round(width * mm))
    step = lw * rng.uniform(0.6, 0.9)
    pts = []
    t = y + m
    left = True
    while t < y + h - m:
        pts.append((x + m + rng.uniform(-0.2, 0.2) * mm if left else x + w - m + rng.uniform(-0.2, 0.2) * mm, t))
        left = not left
        t += step
    if len(pts) > 1:
        d.line(pts, fill=ink, width=lw, joint="curve")


def scribble(d, rng, box, mm, fill_share=None):
    """Random handwriting-like strokes across a field (x, y, w, h in px)."""
    x, y, w, h = box
    width, ink = pen(rng)
    lw = max(1, round(width * 0.8 * mm))
    length = w * (fill_share if fill_share is not None else rng.uniform(0.3, 0.9))
    t = x + rng.uniform(0.5, 2.0) * mm
    mid = y + h / 2 + rng.uniform(-0.5, 0.5) * mm
    amp = h * rng.uniform(0.15, 0.3)
    pts = []
    phase = rng.uniform(0, 6.28)
    freq = rng.uniform(0.9, 1.6) / mm
    while t < x + min(length, w - 1.0 * mm):
        pts.append((t, mid + amp * math.sin(phase + t * freq) + rng.uniform(-0.3, 0.3) * mm))
        t += rng.uniform(0.3, 0.6) * mm
    if len(pts) > 1:
        d.line(pts, fill=ink, width=lw, joint="curve")


def fill_rows(img, layout, rng, dpi):
    """Writes into random rows; returns the truth for every tick box."""
    mm = dpi / 25.4
    d = ImageDraw.Draw(img)
    truth = []
    for row in layout["rows"]:
        used = rng.random() < 0.65
        marks = {}
        if used:
            groups = {}
            for f in row["fields"]:
                if f["kind"] == "tick":
                    groups.setdefault(f["column"], []).append(f)
            for column, boxes in groups.items():
                if column == "id_typ":
                    choice = rng.choice(boxes)
                elif rng.random() < 0.12:
                    continue
                else:
                    choice = rng.choice(boxes)
                marks[(column, choice["value"])] = "kryss"
                # A tick taken back: another box of the group filled in.
                others = [b for b in boxes if b is not choice]
                if others and rng.random() < 0.12:
                    marks[(column, rng.choice(others)["value"])] = "ifylld"
            for f in row["fields"]:
                box = (f["x"] * mm, f["y"] * mm, f["w"] * mm, f["h"] * mm)
                if f["kind"] == "text" and rng.random() < 0.8:
                    scribble(d, rng, box, mm)
                elif f["kind"] == "digit" and rng.random() < 0.9:
                    x, y, w, h = box
                    scribble(d, rng, (x + 0.6 * mm, y, w - 1.2 * mm, h), mm, fill_share=1.0)
        for f in row["fields"]:
            if f["kind"] != "tick":
                continue
            mark = marks.get((f["column"], f["value"]), "tom")
            box = (f["x"] * mm, f["y"] * mm, f["w"] * mm, f["h"] * mm)
            if mark == "kryss":
                draw_tick(d, rng, box, mm, "tick" if rng.random() < 0.5 else "cross")
            elif mark == "ifylld":
                draw_filled(d, rng, box, mm)
            truth.append({"row": row["row"], "column": f["column"], "value": f["value"], "mark": mark})
    return truth


def scanner(img, rng, dpi, angle=None, upside_down=False):
    """The sheet on a scanner: a white area 8 mm larger on every side, the
    sheet skewed, shifted and scaled a little, blurred and noisy."""
    mm = dpi / 25.4
    pad = round(8 * mm)
    canvas = Image.new("L", (img.width + 2 * pad, img.height + 2 * pad), 255)
    canvas.paste(img, (pad, pad))
    angle = rng.uniform(-3, 3) if angle is None else angle
    scale = rng.uniform(0.98, 1.02)
    dx, dy = rng.uniform(-3, 3) * mm, rng.uniform(-3, 3) * mm
    a = math.radians(angle)
    cx, cy = canvas.width / 2, canvas.height / 2
    # Inverse map output -> input for Image.transform.
    cos, sin = math.cos(a) / scale, math.sin(a) / scale
    coeffs = (cos, sin, cx - cos * (cx + dx) - sin * (cy + dy),
              -sin, cos, cy + sin * (cx + dx) - cos * (cy + dy))
    out = canvas.transform(canvas.size, Image.AFFINE, coeffs, resample=Image.BICUBIC, fillcolor=255)
    if upside_down:
        out = out.rotate(180)
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    noise = Image.effect_noise(out.size, rng.uniform(3, 10))
    out = ImageChops.add(out, noise, 1.0, -128)
    return out, {"angle": round(angle, 2), "scale": round(scale, 4), "shift_mm": [round(dx / mm, 2), round(dy / mm, 2)]}


def save(img, rng, path_base, kind):
    if kind == "jpeg":
        q = rng.randint(60, 95)
        path = path_base + ".jpg"
        img.save(path, quality=q)
        return path, f"jpeg q{q}"
    if kind == "ccitt":
        path = path_base + ".tif"
        # One strip: img2pdf copies a TIFF's G4 data into the PDF as it is,
        # and strips one after another are not one valid G4 stream.
        TiffImagePlugin.STRIP_SIZE = 1 << 30
        img.point(lambda v: 255 if v > 150 else 0).convert("1").save(path, compression="group4")
        return path, "ccitt g4"
    path = path_base + ".png"
    img.save(path)
    return path, "png"


def make(args):
    rng = random.Random(args.seed)
    layout = json.load(open(args.layout))
    os.makedirs(args.out, exist_ok=True)
    # (pdf, page) of every numbered sheet, one unit's forms after another.
    sheets = [(pdf, n) for pdf in args.form for n in range(1, pdf_pages(pdf) + 1)]
    truth = {"format": "reservkit skanningsfacit", "files": []}
    dpis = [int(d) for d in args.dpi.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        serial = 0
        for di, dpi in enumerate(dpis):
            images, pages = [], []
            for k in range(args.pages):
                serial += 1
                form, page_no = sheets[(serial - 1) % len(sheets)]
                img = render(form, page_no, dpi, tmp)
                boxes = fill_rows(img, layout, rng, dpi)
                upside = (di == 0 and k == 1)
                scanned, how = scanner(img, rng, dpi, upside_down=upside)
                kind = "ccitt" if (k == 2 and dpi >= 200) else ("png" if k == 3 else "jpeg")
                path, enc = save(scanned, rng, os.path.join(tmp, f"s{serial}"), kind)
                images.append(path)
                how.update({"dpi": dpi, "encoding": enc, "upside_down": upside})
                pages.append({"page": len(pages) + 1, "form": os.path.basename(form), "form_page": page_no, "scan": how, "boxes": boxes})
            if di == 0:
                blank = Image.new("L", (round(297 * dpi / 25.4), round(210 * dpi / 25.4)), 250)
                blank, how = scanner(blank, rng, dpi)
                path, enc = save(blank, rng, os.path.join(tmp, "blank"), "jpeg")
                images.append(path)
                pages.append({"page": len(pages) + 1, "expect_error": "blank", "scan": how})
            if di == 0 and args.other:
                other = render(args.other, 1, dpi, tmp)
                other, how = scanner(other, rng, dpi)
                path, enc = save(other, rng, os.path.join(tmp, "other"), "jpeg")
                images.append(path)
                pages.append({"page": len(pages) + 1, "expect_error": "foreign", "scan": how})
            name = f"skanning-{dpi}dpi.pdf"
            subprocess.run(["img2pdf", "--output", os.path.join(args.out, name)] + images, check=True)
            truth["files"].append({"file": name, "pages": pages})
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
        f.write("\n")


def score(args):
    truth = json.load(open(args.truth))
    drafts = {}
    for name in sorted(os.listdir(args.drafts)):
        p = os.path.join(args.drafts, name, "utkast.json")
        if os.path.isfile(p):
            d = json.load(open(p))
            drafts[(os.path.basename(d["source"]["file"]), d["source"]["page"])] = d
    log = open(args.log).read() if args.log else ""
    form_pages = identified = boxes = right = sure_wrong = flagged = 0
    errors_expected = errors_reported = 0
    wrong = []
    for f in truth["files"]:
        for p in f["pages"]:
            key = (f["file"], p["page"])
            if "expect_error" in p:
                errors_expected += 1
                if f"{f['file']} sida {p['page']}:" in log and key not in drafts:
                    errors_reported += 1
                continue
            form_pages += 1
            d = drafts.get(key)
            if d is None:
                continue
            identified += 1
            read = {}
            for r in d["rows"]:
                for b in r["boxes"]:
                    read[(r["row"], b["column"], b["value"])] = (b["mark"], b["confidence"])
            for b in p["boxes"]:
                boxes += 1
                # A row left out of the draft was read as empty and sure.
                mark, conf = read.get((b["row"], b["column"], b["value"]), ("tom", 1.0))
                if conf < SURE:
                    flagged += 1
                if mark == b["mark"]:
                    right += 1
                else:
                    wrong.append((f["file"], p["page"], b, mark, conf))
                    if conf >= SURE:
                        sure_wrong += 1
    pct = lambda a, b: 100.0 * a / b if b else 0.0
    print(f"form pages: {form_pages}, sheet identified: {identified} ({pct(identified, form_pages):.1f} %)")
    print(f"tick boxes: {boxes}, read right: {right} ({pct(right, boxes):.2f} %), "
          f"flagged uncertain: {flagged}, wrong with high confidence: {sure_wrong}")
    print(f"pages that must be refused (blank, other document): {errors_expected}, refused with a message: {errors_reported}")
    if args.seconds:
        pages = form_pages + errors_expected
        print(f"time: {args.seconds:.2f} s for {pages} pages, {args.seconds / pages:.3f} s per page")
    for w in wrong[:20]:
        print("wrong:", w)
    ok = identified == form_pages and sure_wrong == 0 and pct(right, boxes) >= 99.5 \
        and errors_reported == errors_expected
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--form", required=True, action="append",
                   help="a numbered form PDF; give several for more sheets")
    m.add_argument("--layout", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--pages", type=int, default=6, help="form pages per resolution")
    m.add_argument("--dpi", default="150,200,300")
    m.add_argument("--seed", type=int, default=12)
    m.add_argument("--other", help="a PDF of another document; its first page is scanned too")
    s = sub.add_parser("score")
    s.add_argument("--truth", required=True)
    s.add_argument("--drafts", required=True)
    s.add_argument("--log")
    s.add_argument("--seconds", type=float)
    args = ap.parse_args()
    if args.cmd == "make":
        make(args)
        return 0
    return score(args)


if __name__ == "__main__":
    sys.exit(main())
