"""The error of a refused metrics or reviews file."""

from __future__ import annotations


class TableError(Exception):
    """The file is refused; `errors` lists every problem as `FILE:ROW column: reason`."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors
