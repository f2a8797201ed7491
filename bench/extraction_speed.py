"""Bulk extraction speed: extract_many (2 workers) vs plain pdfplumber text, same files, same run.

Generates N ten-page demo contracts once (cached in the temp folder), then times
1. `extract_many(..., workers=2)`: PDFium text, pdfplumber tables where pages look tabular,
   all term rules; plus `store(path, terms)` for each result when a store is given;
2. `pdfplumber` `page.extract_text()` over every page of the same files in one process.
Targets: (1) <= 45 s for 300 files, ratio (1)/(2) <= 0.5.

Usage: .venv/bin/python bench/extraction_speed.py [--files 300] [--workers 2]
From code: `benchmark(300, store=my_store)` (the integrator passes the database store).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.contract_pdfs import write_demo_set  # noqa: E402
from extraction import ContractTerms, extract_many  # noqa: E402

TARGET_SECONDS = 45.0
TARGET_RATIO = 0.5


def demo_files(n: int, pages: int = 10, seed: int = 2024) -> list[Path]:
    """N generated contracts, written once and reused by later runs."""
    folder = Path(tempfile.gettempdir()) / f"contract_desk_bench_{seed}_{pages}p"
    paths = sorted(folder.glob("*.pdf"))[:n] if folder.exists() else []
    if len(paths) < n:
        paths = [p for p, _ in write_demo_set(folder, n, seed=seed, pages=pages)]
    return paths


def time_extract_many(
    paths: list[Path],
    *,
    workers: int,
    store: Callable[[Path, ContractTerms], object] | None = None,
) -> tuple[float, int]:
    """Seconds for extract_many (+ store) over paths, and the number of failures."""
    by_name = {p.name: p for p in paths}

    def progress(i: int, n: int, name: str, result: object) -> None:
        if store is not None and isinstance(result, ContractTerms):
            store(by_name[name], result)

    started = time.perf_counter()
    results = extract_many(paths, workers=workers, progress=progress)
    return time.perf_counter() - started, sum(not r.ok for r in results)


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
    n_files: int = 300,
    *,
    workers: int = 2,
    store: Callable[[Path, ContractTerms], object] | None = None,
) -> dict[str, float]:
    """Run both timings and print them; returns the figures for callers and tests."""
    paths = demo_files(n_files)
    ours, failures = time_extract_many(paths, workers=workers, store=store)
    base, pages = time_pdfplumber(paths)
    ratio = ours / base if base else float("inf")
    print(f"files: {len(paths)}  pages: {pages}  failures: {failures}", flush=True)
    label = "extract_many + store" if store else "extract_many"
    print(f"{label} ({workers} workers): {ours:7.1f} s  ({pages / ours:6.0f} pages/s)")
    print(f"pdfplumber extract_text (1 process): {base:7.1f} s  ({pages / base:6.0f} pages/s)")
    print(f"ratio: {ratio:.3f}  (target <= {TARGET_RATIO})")
    if n_files >= 300:
        verdict = "met" if ours <= TARGET_SECONDS and ratio <= TARGET_RATIO else "MISSED"
        print(f"targets (<= {TARGET_SECONDS:.0f} s, ratio <= {TARGET_RATIO}): {verdict}")
    return {"files": len(paths), "pages": pages, "seconds": ours, "baseline": base, "ratio": ratio}


def sqlite_store(folder: Path) -> Callable[[Path, ContractTerms], object]:
    """Store each result as the upload page does: the PDF with its SHA-256 and page text,
    and one extracted-term row per field (in a fresh SQLite store under `folder`)."""
    import hashlib

    from sqlalchemy.orm import Session

    from db.engine import open_store
    from db.models import ContractDocument, ExtractedTerm

    engine = open_store(f"sqlite:///{folder / 'bench.db'}")

    def store(path: Path, terms: ContractTerms) -> None:
        data = path.read_bytes()
        with Session(engine) as s, s.begin():
            doc = ContractDocument(
                filename=path.name,
                sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data),
                content=data,
                page_count=terms.page_count,
                text="\n".join(terms.pages),
                extraction_status="ok",
            )
            s.add(doc)
            s.flush()
            s.add_all(
                ExtractedTerm(
                    document_id=doc.id,
                    field=f.name,
                    value=f.value,
                    normalized=f.to_dict().get("normalized"),
                    confidence=float(f.confidence),
                    page=f.page,
                    span_start=f.start,
                    span_end=f.end,
                    snippet=f.snippet,
                )
                for f in terms.terms().values()
            )

    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-store", action="store_true", help="time extraction only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = None if args.no_store else sqlite_store(Path(tmp))
        benchmark(args.files, workers=args.workers, store=store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
