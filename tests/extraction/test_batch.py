"""extract_many: two processes, per-file results, a bad file in the middle stops nothing."""

from __future__ import annotations

from extraction import CorruptPdf, EmptyFile, extract_many
from tests.extraction.conftest import DATA


def test_bad_file_in_the_middle(tmp_path):
    from demo.contract_pdfs import write_demo_set

    good = [path for path, _ in write_demo_set(tmp_path, 3, seed=4)]
    inputs = [good[0], DATA / "truncated.pdf", good[1], (DATA / "empty.pdf").read_bytes(), good[2]]
    seen = []
    results = extract_many(
        inputs,
        workers=2,
        progress=lambda i, n, name, r: seen.append((i, n, name, type(r).__name__)),
    )
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert isinstance(results[1].error, CorruptPdf)
    assert isinstance(results[3].error, EmptyFile)
    assert results[1].name == "truncated.pdf" and results[3].name == "document 4"
    assert all(r.terms.page_count >= 1 for r in results if r.ok)
    assert sorted(i for i, *_ in seen) == [1, 2, 3, 4, 5]
    assert {n for _, n, _, _ in seen} == {5}
    assert sorted(kind for *_, kind in seen).count("ContractTerms") == 3


def test_single_worker_gives_same_results(tmp_path):
    from demo.contract_pdfs import write_demo_set

    pairs = write_demo_set(tmp_path, 2, seed=6)
    results = extract_many([p for p, _ in pairs], workers=1)
    for (_, expected), result in zip(pairs, results, strict=True):
        assert result.terms.governing_law.normalized == expected.governing_law


def test_issue_worker_recycling_does_not_hang(tmp_path, monkeypatch):
    """Regression: max_tasks_per_child recycling deadlocked a 300-file batch on CPython 3.11.

    Workers are now recycled by stopping one after TASKS_PER_WORKER files and starting a
    fresh one; with one task per worker every file goes through a recycled worker.
    """
    from demo.contract_pdfs import write_demo_set
    from extraction import worker

    monkeypatch.setattr(worker, "TASKS_PER_WORKER", 1)
    pairs = write_demo_set(tmp_path, 5, seed=8)
    results = extract_many([p for p, _ in pairs], workers=2)
    laws = [r.terms.governing_law and r.terms.governing_law.normalized for r in results]
    assert laws == [e.governing_law for _, e in pairs]
