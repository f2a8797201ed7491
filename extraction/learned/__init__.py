"""A small trained sentence classifier beside the rules (issue 13 item 5).

`examples` turns the lawyer-labelled CUAD passages into labelled sentences, `train` fits a
spaCy bag-of-words text classifier on them (blank English, no vectors, CPU, seeded), and
`gate` lets extraction consult it: a rule's value whose sentence the model scores as not
about that term is dropped. The model is optional: without it (the default, and every
test of the rules) extraction is the rules alone.
"""

from extraction.learned.gate import KINDS, ClauseModel, gate_fields, load_model

__all__ = ["KINDS", "ClauseModel", "gate_fields", "load_model"]
