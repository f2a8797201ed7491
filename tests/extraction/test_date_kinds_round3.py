"""Agreement and effective dates in wording unseen contracts use (issue 13, third round): a
template's blank date that prints its century ('19__'), read across the pieces it is split in."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

from extraction.document import build_document
from extraction.normalize import blank_date
from extraction.rules import dates

_SPEC = importlib.util.spec_from_file_location(
    "extraction_eval", Path(__file__).resolve().parents[2] / "bench" / "extraction_eval.py"
)
ev = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(ev)


def _agreement(text: str) -> object:
    field = dates.agreement_date(build_document([f"ENDORSEMENT AGREEMENT\n\n{text}\n"]))
    return field.normalized if field else None


def test_a_blank_date_keeps_the_century_it_prints():
    text = (
        "THIS ENDORSEMENT AGREEMENT is made and entered into effective this day of "
        "___________________, 19__, by and between SPORT-CO, INC., a Colorado corporation (the "
        '"Company"), and John Smith (the "Professional").'
    )
    found = _agreement(text)
    assert found == {"blank": True, "year": None, "year_prefix": "19"}
    label = ev.label_date("[]/[]/19[]")
    assert ev.same_date(label, ev.predicted_date(SimpleNamespace(normalized=found)))
    assert not ev.same_date(
        ev.label_date("[]/[]/20[]"), ev.predicted_date(SimpleNamespace(normalized=found))
    )


def test_a_blank_without_a_century_or_a_day_number_is_no_prefix():
    assert "year_prefix" not in blank_date("April 20")  # a day, not a century
    assert "year_prefix" not in blank_date("_____ day of ______")
    assert blank_date("_____ day of ______ 2000") == {"blank": True, "year": 2000}
    no_century = {"blank": True, "year": None}
    assert not ev.same_date(
        ev.label_date("[]/[]/20[]"), ev.predicted_date(SimpleNamespace(normalized=no_century))
    )
