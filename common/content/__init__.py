"""Exam content beyond one test: specifications, item banks, variant assembly, QTI import.

Modules here import `common.domain.exam`; `common.content.qti.rp` (the QTI response-processing
evaluator) imports nothing of ours, because the one scoring engine in `exam` uses it.
"""
