"""Run exports for pandas, datasets and spreadsheets: one row per episode, or one row per turn.

jsonl keeps nested values (a turn's payload) as objects; csv and parquet are flat, so nested values become
JSON text there. Parquet gets an explicit schema from the row model, so an all-empty column keeps its type.
"""

from __future__ import annotations

import csv
import json
import sys
import types
import typing
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel

from agentsim.errors import UserError
from agentsim.report.data import Db, episode_records, resolve_run, turn_records
from agentsim.report.model import EpisodeRecord, TurnRecord

RunFormat = Literal["jsonl", "csv", "parquet"]
Level = Literal["episode", "turn"]
_BATCH = 5000


def run_rows(run_id: str, *, db: Db, level: Level = "episode") -> tuple[type[BaseModel], Iterator[BaseModel]]:
    """The row model and the rows of a run (id, unique prefix, or 'latest') at the given level."""
    run = resolve_run(run_id, db=db)
    if level == "turn":
        return TurnRecord, turn_records(run.id, db=db)
    return EpisodeRecord, iter(episode_records(run.id, db=db))


def export_run(run_id: str, *, db: Db, fmt: RunFormat = "jsonl", level: Level = "episode",
               out: Path | None = None, stdout: TextIO | None = None) -> int:
    """Write the run's rows to `out` (stdout for jsonl without one). Returns how many rows were written."""
    if fmt != "jsonl" and out is None:
        raise UserError(f"--format {fmt} writes a file: give --out FILE")
    model, rows = run_rows(run_id, db=db, level=level)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        if out is None:
            raise UserError("parquet is binary: give --out FILE.parquet")
        return write_parquet(model, rows, out)
    if out is None:
        return (write_jsonl if fmt == "jsonl" else write_csv)(model, rows, stdout or sys.stdout)
    with out.open("w", encoding="utf-8", newline="") as handle:
        return (write_jsonl if fmt == "jsonl" else write_csv)(model, rows, handle)


def write_jsonl(model: type[BaseModel], rows: Iterable[BaseModel], handle: TextIO) -> int:
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007 - n is the count
        handle.write(row.model_dump_json() + "\n")
    return n


def write_csv(model: type[BaseModel], rows: Iterable[BaseModel], handle: TextIO) -> int:
    writer = csv.DictWriter(handle, fieldnames=list(model.model_fields))
    writer.writeheader()
    n = 0
    for n, row in enumerate(rows, 1):  # noqa: B007
        writer.writerow({k: _csv_cell(v) for k, v in flat(row).items()})
    return n


def write_parquet(model: type[BaseModel], rows: Iterator[BaseModel], path: Path) -> int:
    try:
        import pyarrow as pa  # lazy: only parquet exports need it
        import pyarrow.parquet as pq
    except ModuleNotFoundError:
        raise UserError("parquet export needs pyarrow: pip install 'agentsim[reports]'") from None
    schema = pa.schema([(name, arrow_type(field.annotation)) for name, field in model.model_fields.items()])
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        # batches: a turn-level export of a large run never has to fit in memory at once
        while chunk := [flat(row) for row in islice(rows, _BATCH)]:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n


def flat(row: BaseModel) -> dict[str, Any]:
    """Scalars as they are; dicts and lists as JSON text (csv and parquet cells hold no structures)."""
    return {k: json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict | list) else v
            for k, v in row.model_dump().items()}


def arrow_type(annotation: Any) -> Any:
    """The Arrow type of a row-model field: Optional[X] is X (Arrow columns are all nullable)."""
    import pyarrow as pa

    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    annotation = typing.get_origin(annotation) or annotation
    mapping = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
               datetime: pa.timestamp("us", tz="UTC"), dict: pa.string(), list: pa.string()}
    return mapping[annotation]


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value
