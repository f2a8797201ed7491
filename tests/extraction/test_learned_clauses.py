"""The trained clause classifier (extraction/learned): labelling, training, the gate.

Every other extraction test runs on the blank pipeline (no model: rules alone); these check
that the gate is a no-op without a model, that a model trained here demotes a value whose
sentence is not about its term (to the suggestions, never lost), and that the committed
model reads clear sentences the way the lawyers labelled them.
"""

from __future__ import annotations

from extraction.content import Content
from extraction.document import build_document
from extraction.extract import terms_from_content, terms_from_document
from extraction.learned.examples import LabelledDoc, label_sentences, sentence_text
from extraction.learned.gate import SETTING, configured_model, gate_fields, load_model
from extraction.learned.train import train

PAGE = (
    "MASTER SERVICES AGREEMENT\n\nThis Master Services Agreement is made on March 3, 2021 "
    'between Acme Support Ltd ("Provider") and Bolt Retail Inc ("Customer").\n\n'
    "1. TERM\nThis Agreement shall remain in force for two (2) years from March 3, 2021 and "
    "shall renew automatically for successive one (1) year periods unless either party gives "
    "ninety (90) days notice of non-renewal.\n\n"
    "2. GOVERNING LAW\nThis Agreement shall be governed by the laws of the State of New York.\n"
)


def test_passages_label_the_sentences_that_hold_them():
    flats = [
        "This Agreement is made on March 3, 2021 between A and B.",
        "Invoices dated March 3, 2021 are due in 30 days.",
        "This Agreement shall be governed by the laws of the State of New York, without "
        "regard to its conflict of laws rules.",
        "Nothing here is about law.",
    ]
    row = {
        "agreement_date": {"clauses": ["March 3, 2021"]},
        "governing_law": {
            "clauses": [
                "shall be governed by the laws of the State of New York, without regard to its "
                "conflict of laws rules. The courts of New York have jurisdiction."
            ]
        },
    }
    labels = label_sentences(flats, row)
    assert labels[0] == {"agreement_date"}  # a short passage: its first mention only
    assert labels[1] == set()
    assert labels[2] == {"governing_law"}  # the passage starts mid-sentence and runs on
    assert labels[3] == set()


def test_without_a_model_the_gate_changes_nothing(monkeypatch):
    monkeypatch.delenv(SETTING, raising=False)
    assert configured_model() is None
    monkeypatch.setenv(SETTING, "off")
    assert configured_model() is None
    doc = build_document([PAGE])
    found = terms_from_document(doc)
    suggestions: dict = {}
    assert gate_fields(doc, found, suggestions, None) is found and suggestions == {}


def test_a_folder_without_a_model_means_rules_alone(tmp_path, monkeypatch):
    assert load_model(str(tmp_path)) is None
    monkeypatch.setenv(SETTING, str(tmp_path))
    terms = terms_from_content(Content(pages=[PAGE]))
    assert terms.governing_law is not None and terms.governing_law.normalized == "New York"


def _toy_docs() -> list[LabelledDoc]:
    """Law sentences labelled governing_law, everything else negative."""
    doc = build_document([PAGE])
    texts = [sentence_text(s) for s in doc.sentences]
    labels = [{"governing_law"} if "governed" in s.flat else set() for s in doc.sentences]
    filler = [f"zpartbody zpagepn zsec ztext The Provider shall deliver item {i}." for i in "abc"]
    return [LabelledDoc("toy", texts + filler, labels + [set()] * len(filler))] * 4


def test_a_trained_model_demotes_a_value_whose_sentence_it_doubts(tmp_path):
    nlp = train(_toy_docs(), epochs=10)
    nlp.to_disk(tmp_path)
    doc = build_document([PAGE])
    found = terms_from_document(doc)
    assert {"governing_law", "agreement_date"} <= set(found)
    model = load_model(str(tmp_path), 0.5)
    suggestions: dict = {}
    kept = gate_fields(doc, found, suggestions, model)
    # The toy model knows only law sentences: the law stays, the preamble date is doubted
    # and moves to the suggestions, where a reviewer still sees it.
    assert kept["governing_law"] is found["governing_law"]
    assert "agreement_date" not in kept
    assert suggestions["agreement_date"] is found["agreement_date"]
    assert set(kept) | set(suggestions) >= set(found)


def test_training_is_reproducible(tmp_path):
    first, second = train(_toy_docs(), epochs=3), train(_toy_docs(), epochs=3)
    text = sentence_text(build_document([PAGE]).sentences[-1])
    assert first(text).cats == second(text).cats
