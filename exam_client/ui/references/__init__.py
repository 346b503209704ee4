"""The two references §20 allows at the test: the periodic table and the table of solubility.

Data (`periodic`, `solubility`) is plain Python; `references_view` draws it in kk, ru and en.
There is no calculator, by the rules.
"""
