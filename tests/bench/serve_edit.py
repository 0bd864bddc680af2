#!/usr/bin/env python3
"""How long `reservkit serve` takes to show an edit of a routine page.

A benchmark, not a timed test. Starts BIN (a release build) as
`serve --port 0` on a copy of CONTENT and TEMPLATES, waits until the first
build and its printouts are done, then appends a new sentence to one routine
page N times; each time it measures from just before the write until
GET /PAGE.html (polled every 5 ms over loopback) returns the sentence, and
then waits until the server is quiet again (printouts done) before the next
edit. Prints each time and the median, with the CPU time the server used.

    python3 tests/bench/serve_edit.py BIN CONTENT TEMPLATES [--edits 5] [--page felanmalan]

Only 127.0.0.1 is spoken to. Figures are wall-clock times on a loaded
machine: run old and new binaries alternately and compare medians.
"""

import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    binary, content, templates = args[:3]
    edits, page = 5, "felanmalan"
    rest = args[3:]
    while rest:
        flag, value = rest[0], rest[1]
        rest = rest[2:]
        if flag == "--edits":
            edits = int(value)
        elif flag == "--page":
            page = value
        else:
            sys.exit(__doc__)
    work = tempfile.mkdtemp(prefix="serve-edit-")
    try:
        shutil.copytree(content, os.path.join(work, "content"))
        shutil.copytree(templates, os.path.join(work, "templates"))
        run(os.path.abspath(binary), work, edits, page)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(binary, work, edits, page):
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = queue.Queue()

    def reader():
        for line in proc.stderr:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(needle, limit=1800):
        deadline = time.monotonic() + limit
        while True:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if needle in line:
                return line

    try:
        url_line = wait_for("http://127.0.0.1:")
        port = int(url_line.split("http://127.0.0.1:")[1].split("/")[0])
        base = f"http://127.0.0.1:{port}/{page}.html"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        md = os.path.join(work, "content", "rutin", f"{page}.md")
        times = []
        for n in range(edits):
            quiet(proc.pid)
            sentence = f"Mätmening nummer {n} för serve."
            with open(md, encoding="utf-8") as f:
                text = f.read()
            started = time.monotonic()
            with open(md, "w", encoding="utf-8") as f:
                f.write(text + f"\n{sentence}\n")
            while True:
                body = opener.open(base, timeout=60).read().decode("utf-8")
                if sentence in body:
                    break
                time.sleep(0.005)
            took = time.monotonic() - started
            times.append(took)
            print(f"edit {n + 1}: {took * 1000:.0f} ms", flush=True)
        quiet(proc.pid)
        cpu = cpu_seconds(proc.pid)
        print(
            f"median {statistics.median(times) * 1000:.0f} ms over {len(times)} edits; "
            f"server CPU {cpu:.1f} s in all",
            flush=True,
        )
    finally:
        proc.terminate()
        proc.wait()


def quiet(pid):
    """Waits until the server uses no CPU for a second: the build and, with
    a serve that makes the printouts in the background, those are done."""
    before = cpu_seconds(pid)
    while True:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - before < 0.02:
            return
        before = now


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


if __name__ == "__main__":
    main()
