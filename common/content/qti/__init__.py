"""IMS QTI 2.1 / 2.2 / 3.0: safe reading of items and content packages, and their scoring.

`rp` evaluates response processing in its JSON form and imports nothing of ours; `importer`
turns XML into our item model (and imports `common.domain.exam`).
"""
