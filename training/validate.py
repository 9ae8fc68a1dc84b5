"""Validation during training: token-level F1 and cell accuracy through the real decoder.

Token F1 is quick and smooth but can look excellent while cells are wrong (one
wrong B- tag inside ``125118`` splits a number wrongly); so the model is chosen
by what the product delivers: each validation report is predicted whole (the
`Predictor`'s windows), decoded by `xxgk.inference.decode.decode` — with the
arithmetic arbitration, and without it for the model-alone figure — and scored
by `xxgk.eval.metrics.CellMetrics`, the class the eval harness uses, so a
number here and one in ``xxgk eval`` mean the same thing.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..data.labels import OUTSIDE, labels
from ..eval.metrics import CellMetrics
from ..inference.decode import decode
from ..inference.predictor import Predictor
from ..models.prior import ValuePrior
from .data import ValDoc


def token_scores(gold: np.ndarray, pred: np.ndarray, outside: int) -> tuple[int, int, int]:
    """(correct, predicted, gold) counts over characters whose gold or predicted label is not O."""
    return (int(((pred == gold) & (gold != outside)).sum()), int((pred != outside).sum()),
            int((gold != outside).sum()))


def _f1(correct: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def validate(model, tokenizer, docs: list[ValDoc], *, window: int, stride: int,
             prior: ValuePrior | None = None) -> dict[str, Any]:
    """Score ``docs``; the model is left in eval mode (the caller switches back).  ``prior``: the
    value prior the model folder will hold (`xxgk.models.prior`), decoded with as `xxgk extract` will."""
    predictor = Predictor(model.eval(), tokenizer, window=window, stride=stride)
    outside = labels().index(OUTSIDE)
    counts = np.zeros(3, dtype=np.int64)
    cells, alone = CellMetrics(keep_errors=False), CellMetrics(keep_errors=False)
    failures: list[str] = []
    for doc in docs:
        probs = predictor.predict_proba(doc.text)
        counts += token_scores(doc.labels, probs.argmax(axis=1), outside)
        for metric, arbitrate in ((cells, True), (alone, False)):
            try:
                record = decode(doc.text, probs, arbitrate=arbitrate, prior=prior).record
            except Exception as exc:  # a decode failure is a wrong report, not a crashed run
                record = None
                if arbitrate:
                    failures.append(f"{doc.id}: {type(exc).__name__}: {exc}")
            metric.update(doc.gold, record, name=doc.id)
    p, r, f1 = _f1(*counts.tolist())
    summary = cells.summary()
    return {"documents": len(docs), "token_precision": p, "token_recall": r, "token_f1": f1,
            "cell_accuracy": summary["cell_accuracy"], "nonzero_accuracy": summary["nonzero_accuracy"],
            "exact_match_rate": summary["exact_match_rate"], "blank_fidelity": summary["blank_fidelity"],
            "cell_accuracy_model_alone": alone.summary()["cell_accuracy"],
            "per_layout": summary["per_layout"], "per_table": summary["per_table"],
            "decode_failures": len(failures), "decode_failure_examples": failures[:5]}
