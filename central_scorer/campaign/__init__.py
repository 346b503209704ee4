"""The monitoring campaign: the working list, the stratified selection (§14), the calendar (§11,
§13, §27), the notices, cancellations by territory (§15) and participation rates (§12)."""
