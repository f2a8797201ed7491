"""Regression: extract_many after Streamlit (or AppTest) made a page script `__main__`.

Spawned workers re-ran that page (guard -> switch_page -> NoSessionContext) and every file
failed with "the worker stopped". Workers must never run the caller's main script.
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from db.config import ROOT
from extraction import extract_many


def test_workers_do_not_rerun_a_streamlit_page():
    AppTest.from_file(str(ROOT / "pages" / "field_view.py")).run()
    pdfs = sorted(Path(ROOT / "tests" / "data").rglob("*.pdf"))[:3]
    assert len(pdfs) == 3
    results = extract_many(pdfs, workers=2)
    assert not [r.name for r in results if r.error and "worker stopped" in str(r.error)]
