"""Label projection: derive a report's character labels from its text and gold record.

See `core.project_report`.  The label scheme is `xxgk.data.labels`.
"""
from .core import ProjectionResult, project, project_report

__all__ = ["ProjectionResult", "project", "project_report"]
