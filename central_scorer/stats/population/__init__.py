"""Population estimates of the monitoring: design weights, jackknife errors, plausible values, the
reporting scale and its levels, trends, and the National report's tables (docs/statistics.md)."""
