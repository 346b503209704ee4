"""Statistical processing at the centre (§26, §29): item analysis, Rasch/1PL/2PL calibration by
marginal maximum likelihood, EAP and WLE abilities, linking of variants, DIF by language, and the
analysis report. See docs/statistics.md."""
