"""Progress of a face being written: rows written, reported as they go.

A face that writes rows (the Excel sheet, the PDF's rows, the monthly workbook) takes an
optional ``progress`` callable and calls it with the number of rows written since its last
call — every ``PROGRESS_EVERY`` rows and once at the end — so a background export can show
"rows written of total" for any register without knowing its shape. The callable may raise
(e.g. a cancelled job) to stop the writing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Progress = Callable[[int], None]
PROGRESS_EVERY = 500

T = TypeVar("T")


def counted(
    rows: Iterable[T], progress: Progress | None, every: int = PROGRESS_EVERY
) -> Iterator[T]:
    """``rows`` unchanged; ``progress(n)`` after every ``every`` rows consumed, and for the
    rest at the end."""
    if progress is None:
        yield from rows
        return
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending >= every:
            progress(pending)
            pending = 0
    if pending:
        progress(pending)
