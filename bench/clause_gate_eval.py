"""Does the trained clause classifier help the rules, on files it never saw?

Cross-fitted: the model trained on the even half of both sets scores the odd half's
contracts and the model trained on the odd half scores the even half's, so every figure is
held out. The rules run once per contract; for each value a gated rule found, the script
records the model's score of its sentence and what dropping the value would change in the
strict counts of bench/extraction_eval.py. It then prints F1 per field, set and half for
the rules alone and for each threshold, so one run shows every threshold.

Usage: .venv/bin/python bench/clause_gate_eval.py --even-model DIR --odd-model DIR
       [--cache /work/cache/extraction] [--thresholds 0.02,0.05,0.1,0.2] [--workers 2]
Build the two models with `python -m extraction.learned.train --half even --out DIR` (and
`--half odd`).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_eval import DATA, evaluate, f1  # noqa: E402

from extraction.learned.examples import rows_of, sentence_text  # noqa: E402
from extraction.learned.gate import GATED, load_model  # noqa: E402

KEYS = {  # gated term field -> the bench's field key
    "agreement_date": "agreement_date",
    "effective_date": "effective_date",
    "expiration_date": "expiration_date",
    "renewal_term": "renewal_term",
    "notice_period": "notice_period_to_terminate_renewal",
    "governing_law": "governing_law",
}


def _one(job: tuple[Path, dict, str], cache: Path) -> tuple[dict, list[tuple[str, float, list]]]:
    """Base strict counts of one contract and, per gated value, (field, score, delta)."""
    from extraction.document import build_document
    from extraction.extract import terms_from_content
    from extraction.learned.examples import _content

    folder, row, model_dir = job
    content = _content(folder / row["file"], cache)
    terms = terms_from_content(content)
    base = {k: list(v) for k, v in evaluate([row], [terms], False).items()}
    doc = build_document(content.pages, content.tables)
    model = load_model(model_dir)
    out = []
    for name in GATED:
        found = getattr(terms, name)
        if found is None:
            continue
        sentence = doc.sentence_at(found.page, found.start)
        if sentence is None:
            continue
        score = model.scores([sentence_text(sentence)])[0][GATED[name]]
        without = evaluate([row], [dataclasses.replace(terms, **{name: None})], False)
        key = KEYS[name]
        delta = [a - b for a, b in zip(without[key], base[key], strict=True)]
        out.append((name, score, delta))
    return base, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--even-model", required=True, help="trained on the even half")
    parser.add_argument("--odd-model", required=True, help="trained on the odd half")
    parser.add_argument("--cache", type=Path, default=Path("/work/cache/extraction"))
    parser.add_argument("--thresholds", default="0.02,0.05,0.1,0.2,0.3,0.5")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, action="append", help="CUAD-layout folders")
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    jobs, where = [], []
    for folder in args.data or DATA:
        for half, model in (("even", args.odd_model), ("odd", args.even_model)):
            for row in rows_of(folder, half):
                jobs.append((folder, row, model))
                where.append((folder.name, half))
    started, cpu = time.perf_counter(), time.process_time()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(partial(_one, cache=args.cache), jobs, chunksize=4))
    print(f"{len(jobs)} contracts in {time.perf_counter() - started:.0f} s wall "
          f"(parent CPU {time.process_time() - cpu:.1f} s)")  # fmt: skip
    groups = sorted(set(where))
    header = "field".ljust(36) + "".join(f"{s[5:13] + '/' + h:>16}" for s, h in groups)
    for threshold in [None, *thresholds]:
        print(f"\n== {'rules alone' if threshold is None else f'gate below {threshold}'}")
        print(header)
        for name, key in KEYS.items():
            cells = []
            for group in groups:
                c = [0, 0, 0]
                for (base, gated), g in zip(results, where, strict=True):
                    if g != group:
                        continue
                    c = [x + y for x, y in zip(c, base.get(key, [0, 0, 0]), strict=True)]
                    for field, score, delta in gated:
                        if field == name and threshold is not None and score < threshold:
                            c = [x + d for x, d in zip(c, delta, strict=True)]
                p, r, f = f1(*c)
                cells.append(f"{f:.3f} {c[0]:3}/{c[1]:2}/{c[2]:2}")
            print(name.ljust(36) + "".join(f"{cell:>16}" for cell in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
