"""IMS QTI 2.1 / 2.2 / 3.0: safe reading of items and content packages, and their scoring.

`rp` evaluates response processing in its JSON form (`values`, `operators`, `arithmetic`) and
imports nothing of ours outside this package; `importer` turns XML into our item model
(`source` reads the input safely, `compiler` the declarations and response processing, `body` the
item body, `imported` holds what one item's import found).
"""
