"""The JSON export: one record per problem, as the export contract defines it, written as
the records are made (so memory stays flat however many there are).

Two formats: ``json``, a JSON list with one compact record per line, and ``jsonl``, one
record per line and nothing else. Both are UTF-8 and the same bytes however many
processes made them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable

from quizgen.batch import Chunk, parallel_map
from quizgen.errors import QuizgenError
from quizgen.writers.output import atomic_write_with

if TYPE_CHECKING:
    from quizgen.model.problem import Problem

FORMATS = ("json", "jsonl")

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def export_record(problem: Problem) -> dict[str, Any]:
    """One problem as the export contract's JSON object."""
    from quizgen.render import text  # here, not above: a parallel export's main process makes no record

    s = problem.solution
    return {
        "id": problem.id,
        "family": problem.family,
        "version": problem.version,
        "seed": problem.seed,
        "tags": list(problem.tags),
        "difficulty": problem.difficulty,
        "prompt": text.blocks(s.prompt + s.task),
        "answer": text.blocks(s.answer),
        "steps": [text.step(st) for st in s.steps],
        "inputs": problem.inputs,
        "truth": s.truth,
        "question": text.inline(s.question),
        "choice": text.inline(s.choice),
        "distractors": [
            {"choice": text.inline(d.choice), "mistake": d.mistake.name, "explanation": d.mistake.explanation}
            for d in s.distractors
        ],
    }


def encode_chunk(chunk: Chunk) -> list[bytes]:
    """A chunk's records, each encoded as one line of compact UTF-8 JSON (no newline)."""
    return [_encode(export_record(p)).encode("utf-8") for p in chunk.problems()]


def write_records(out: BinaryIO, chunks: Iterable[Chunk], fmt: str, *, jobs: int = 1,
                  progress: Callable[[int], None] | None = None) -> int:
    """Write the records of ``chunks`` to ``out`` in format ``fmt`` as they are made, on
    ``jobs`` processes; call ``progress`` with the number of new records after each chunk.
    Returns the number of records written."""
    if fmt not in FORMATS:
        raise QuizgenError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    written = 0
    if fmt == "json":
        out.write(b"[\n")
    for records in parallel_map(encode_chunk, chunks, jobs):
        if fmt == "json":
            out.write((b",\n" if written else b"") + b",\n".join(records))
        else:
            out.write(b"".join(record + b"\n" for record in records))
        written += len(records)
        if progress is not None:
            progress(len(records))
    if fmt == "json":
        out.write(b"\n]\n")
    return written


def export_to_file(path: Path, chunks: Iterable[Chunk], fmt: str, *, jobs: int = 1,
                   progress: Callable[[int], None] | None = None) -> int:
    """``write_records`` into a temporary file beside ``path``, renamed to ``path`` only when
    every record is written; on an error or an interrupt the temporary file is removed.
    ``path`` must be a regular file (or not exist yet): a rename cannot write into a pipe
    or a device, so those are refused rather than replaced."""
    path = Path(path)
    if path.exists() and not path.is_file():
        kind = "a directory" if path.is_dir() else "not a regular file"
        raise QuizgenError(f"cannot write {path}: it is {kind} (leave out -o to write to standard output)")
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        with open(tmp, "wb") as out:
            written = write_records(out, chunks, fmt, jobs=jobs, progress=progress)

    atomic_write_with(path, write)
    return written
