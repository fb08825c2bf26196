"""Pipeline files: one rep's pipeline as XLSX or JSON, following one versioned schema.

The schema (``resources/pipeline-file.schema.json``) is the contract: the
writers take their sheets and columns from it, the reader checks files against it.
"""

from workbench.exchange.pipeline_file.model import (
    ALL_TABLE_KEYS,
    OPTIONAL_TABLE_KEYS,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    SHEET_ROW_LIMIT,
    TABLE_KEYS,
    ActivityRow,
    FileMeta,
    FollowUpRow,
    LeadRow,
    OpportunityRow,
    PipelineFile,
    SequenceRow,
    SequenceStepRow,
    StageInfo,
    TableData,
    TableSpec,
    TargetRow,
    table,
    tables,
)
from workbench.exchange.pipeline_file.reader import PipelineFileError, read_pipeline_file
from workbench.exchange.pipeline_file.summary import Summary, SummaryTable
from workbench.exchange.zip_guard import DEFAULT_LIMITS, ReadLimits

__all__ = [
    "ALL_TABLE_KEYS",
    "DEFAULT_LIMITS",
    "OPTIONAL_TABLE_KEYS",
    "SCHEMA_NAME",
    "SCHEMA_VERSION",
    "SHEET_ROW_LIMIT",
    "TABLE_KEYS",
    "ActivityRow",
    "FileMeta",
    "FollowUpRow",
    "LeadRow",
    "OpportunityRow",
    "PipelineFile",
    "PipelineFileError",
    "ReadLimits",
    "SequenceRow",
    "SequenceStepRow",
    "StageInfo",
    "Summary",
    "SummaryTable",
    "TableData",
    "TableSpec",
    "TargetRow",
    "read_pipeline_file",
    "table",
    "tables",
]
