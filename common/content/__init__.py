"""Exam content beyond one test: specifications, item banks, variant assembly, QTI import.

Modules here import the content model (`common.domain`); `common.content.qti.rp` (the QTI
response-processing evaluator, with `values`, `operators` and `arithmetic`) imports nothing of ours
outside `qti`, because the content model (`common.domain.items`) and the scoring engine
(`common.domain.scoring`) use it.
"""
