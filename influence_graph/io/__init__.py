"""Reading and validating input: canonical schemas, readers, the ingest report."""

from .report import IngestReport, SourceReport
from .schema import ACTIONS, EVENT_SCHEMA, FOLLOW_SCHEMA, PROBABILITY_SCHEMA

__all__ = ["ACTIONS", "EVENT_SCHEMA", "FOLLOW_SCHEMA", "PROBABILITY_SCHEMA", "IngestReport", "SourceReport"]
