"""Alert ingestion: compliant sources in, ``JobAlert``s out; what cannot be read is quarantined
with its reason and left where it was."""

from bidboard.alerts.alert import JobAlert, ParseOutcome, Quarantined, RawAlert, Skipped

__all__ = ["JobAlert", "ParseOutcome", "Quarantined", "RawAlert", "Skipped"]
