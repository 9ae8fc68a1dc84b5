"""The ``xxgk`` command: a thin typer layer over plain functions."""
from __future__ import annotations

import typer

app = typer.Typer(help="Exact, checked, structured data from 政府信息公开工作年度报告.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False)
