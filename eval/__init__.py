"""xxgk.eval: metrics shared with training's validation, and the harness behind ``xxgk eval``."""
from .harness import evaluate, summary_paragraph
from .metrics import CellMetrics, EvalMetrics, RuleMetrics, SectionMetrics, TemplateMetrics

__all__ = ["evaluate", "summary_paragraph", "EvalMetrics", "CellMetrics", "SectionMetrics", "TemplateMetrics",
           "RuleMetrics"]
