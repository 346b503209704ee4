"""Item response theory: the models (`model`), their marginal likelihood (`likelihood`), calibration by
marginal maximum likelihood (`calibration`) and student abilities (`abilities`)."""
