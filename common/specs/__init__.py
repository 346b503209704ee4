"""Shipped test specifications (§16): grade 4, grade 9, college 2nd year, college 3rd year.

Data, not code: `central-scorer spec check FILE` validates a new one; no release is needed.
"""
