"""Bulk extraction speed: extract_many (2 workers) vs plain pdfplumber text, same files, same run.

Generates N ten-page demo contracts once (cached in the temp folder), then times
1. the upload path end to end, `db.documents.batch.store_many(..., workers=2)` into a fresh
   SQLite store: duplicate checks, PDFium text, pdfplumber tables where pages look tabular,
   all term rules, client matching, the document and its term rows stored
   (`--no-store`: `extract_many` alone);
2. `pdfplumber` `page.extract_text()` over every page of the same files in one process.
Targets: (1) <= 45 s for 300 files, ratio (1)/(2) <= 0.5.

Usage: .venv/bin/python bench/extraction_speed.py [--files 300] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.contract_pdfs import write_demo_set  # noqa: E402
from extraction import extract_many  # noqa: E402

TARGET_SECONDS = 45.0
TARGET_RATIO = 0.5


def demo_files(n: int, pages: int = 10, seed: int = 2024) -> list[Path]:
    """N generated contracts, written once and reused by later runs."""
    folder = Path(tempfile.gettempdir()) / f"contract_desk_bench_{seed}_{pages}p"
    paths = sorted(folder.glob("*.pdf"))[:n] if folder.exists() else []
    if len(paths) < n:
        paths = [p for p, _ in write_demo_set(folder, n, seed=seed, pages=pages)]
    return paths


def time_extract_many(paths: list[Path], *, workers: int) -> tuple[float, int]:
    """Seconds for extract_many over paths, and the number of failures."""
    started = time.perf_counter()
    results = extract_many(paths, workers=workers)
    return time.perf_counter() - started, sum(not r.ok for r in results)


def time_store_many(paths: list[Path], *, workers: int, folder: Path) -> tuple[float, int]:
    """Seconds for the upload path (`store_many`) into a fresh SQLite store; files not ok."""
    from access.roles import SYSTEM
    from db.documents.batch import store_many
    from db.engine import open_store

    engine = open_store(f"sqlite:///{folder / 'bench.db'}")
    started = time.perf_counter()  # reading the files is part of an upload
    files = [(p.name, p.read_bytes()) for p in paths]
    results = store_many(
        engine_or_session_factory=engine, actor=SYSTEM, files=files, workers=workers
    )
    return time.perf_counter() - started, sum(r.status != "ok" for r in results)


def time_pdfplumber(paths: list[Path]) -> tuple[float, int]:
    """Seconds for pdfplumber extract_text on every page, one process; pages read."""
    pages = 0
    started = time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return time.perf_counter() - started, pages


def benchmark(
    n_files: int = 300, *, workers: int = 2, store_in: Path | None = None
) -> dict[str, float]:
    """Run both timings and print them; returns the figures for callers and tests."""
    paths = demo_files(n_files)
    if store_in is None:
        ours, failures = time_extract_many(paths, workers=workers)
    else:
        ours, failures = time_store_many(paths, workers=workers, folder=store_in)
    base, pages = time_pdfplumber(paths)
    ratio = ours / base if base else float("inf")
    print(f"files: {len(paths)}  pages: {pages}  failures: {failures}", flush=True)
    label = "store_many (extract + store)" if store_in else "extract_many"
    print(f"{label} ({workers} workers): {ours:7.1f} s  ({pages / ours:6.0f} pages/s)")
    print(f"pdfplumber extract_text (1 process): {base:7.1f} s  ({pages / base:6.0f} pages/s)")
    print(f"ratio: {ratio:.3f}  (target <= {TARGET_RATIO})")
    if n_files >= 300:
        verdict = "met" if ours <= TARGET_SECONDS and ratio <= TARGET_RATIO else "MISSED"
        print(f"targets (<= {TARGET_SECONDS:.0f} s, ratio <= {TARGET_RATIO}): {verdict}")
    return {"files": len(paths), "pages": pages, "seconds": ours, "baseline": base, "ratio": ratio}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-store", action="store_true", help="time extraction only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        benchmark(args.files, workers=args.workers, store_in=None if args.no_store else Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
