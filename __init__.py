"""xxgk: exact, checked, structured data from 政府信息公开工作年度报告.

The repository's folders are this package's subpackages (see pyproject.toml):
``xxgk.data`` (template schema, files, rules, corpus), ``xxgk.models``
(tokenizer, model, shipped default), ``xxgk.training``, ``xxgk.inference``
(readers, decoder, extraction) and ``xxgk.eval`` (metrics, harness).
"""
__version__ = "0.1.0"
