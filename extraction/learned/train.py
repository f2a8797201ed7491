"""Train the clause classifier: `python -m extraction.learned.train [--half even] [--out DIR]`.

A blank English pipeline with one `textcat_multilabel` (bag of words and word pairs, no
vectors, nothing downloaded) learns which CUAD kind a sentence is about from the labelled
sets; a sentence may be several kinds (a renewal sentence that states its notice) or none.
Seeded, so the same data gives the same model; about a minute on one core. It trains on one
half of each set (`--half even`, the default) and prints sentence-level scores on the other
half, the files it never saw.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from extraction.learned.examples import DATA, KINDS, LabelledDoc, labelled_docs

MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "clauses"
SEED = 13
EPOCHS = 8
NEGATIVES_PER_DOC = 150  # a sample of each contract's other sentences keeps training short
CONFIG = {
    "threshold": 0.5,
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": False,
        "ngram_size": 2,
        "no_output_layer": False,
        "length": 2**18,
    },
}


def _sample(docs: list[LabelledDoc], rng: random.Random) -> list[tuple[str, set[str]]]:
    """Every positive sentence and a seeded sample of each contract's negatives."""
    out: list[tuple[str, set[str]]] = []
    for doc in docs:
        negatives = [t for t, labels in zip(doc.texts, doc.labels, strict=True) if not labels]
        out.extend((t, labels) for t, labels in zip(doc.texts, doc.labels, strict=True) if labels)
        out.extend(
            (t, set()) for t in rng.sample(negatives, min(NEGATIVES_PER_DOC, len(negatives)))
        )
    return out


def train(docs: list[LabelledDoc], epochs: int = EPOCHS, seed: int = SEED) -> spacy.Language:
    """Fit a fresh textcat on the labelled sentences (deterministic for a seed)."""
    fix_random_seed(seed)
    rng = random.Random(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config=CONFIG)
    for kind in KINDS:
        textcat.add_label(kind)
    data = _sample(docs, rng)
    examples = [
        Example.from_dict(nlp.make_doc(text), {"cats": {k: float(k in labels) for k in KINDS}})
        for text, labels in data
    ]
    optimizer = nlp.initialize(lambda: examples[:500])
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(8.0, 64.0, 1.001)):
            nlp.update(batch, sgd=optimizer, losses=losses)
        print(f"epoch {epoch + 1}: loss {losses.get('textcat_multilabel', 0.0):.2f}")
    return nlp


def sentence_scores(nlp: spacy.Language, docs: list[LabelledDoc], threshold: float = 0.5) -> dict:
    """Per kind: precision, recall, F1 over every sentence of the held-out contracts."""
    counts = {k: [0, 0, 0] for k in KINDS}
    for doc in docs:
        for scored, labels in zip(nlp.pipe(doc.texts, batch_size=256), doc.labels, strict=True):
            for kind in KINDS:
                said, truth = scored.cats[kind] >= threshold, kind in labels
                c = counts[kind]
                c[0] += said and truth
                c[1] += said and not truth
                c[2] += truth and not said
    out = {}
    for kind, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[kind] = (p, r, 2 * p * r / (p + r) if p + r else 0.0, tp, fp, fn)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("even", "odd", "all"), default="even")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--cache", type=Path, help="the evaluation's text cache, if any")
    parser.add_argument("--data", type=Path, action="append", help="CUAD-layout folders")
    parser.add_argument("--no-eval", action="store_true", help="skip the held-out scores")
    args = parser.parse_args(argv)
    folders = tuple(args.data or DATA)
    started, cpu = time.perf_counter(), time.process_time()
    half = None if args.half == "all" else args.half
    docs = list(labelled_docs(folders, half=half, cache=args.cache))
    print(f"{len(docs)} contracts, {sum(len(d.texts) for d in docs)} sentences")
    nlp = train(docs)
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    print(f"model written to {args.out} ({time.perf_counter() - started:.0f} s wall, "
          f"{time.process_time() - cpu:.0f} s CPU)")  # fmt: skip
    if half and not args.no_eval:
        other = "odd" if half == "even" else "even"
        held = list(labelled_docs(folders, half=other, cache=args.cache))
        print(f"held-out ({other} half, {len(held)} contracts), sentence level at 0.5:")
        for kind, (p, r, f, tp, fp, fn) in sentence_scores(nlp, held).items():
            print(f"  {kind:38} P {p:.2f} R {r:.2f} F1 {f:.2f}  tp {tp} fp {fp} fn {fn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
