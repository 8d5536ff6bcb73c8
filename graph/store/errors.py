"""The failures a store can report. Each carries a message for people and, where there is one,
a hint that says what to do; callers show ``str(error)`` and never a traceback."""
from __future__ import annotations


class StoreError(Exception):
    """Base class: an expected failure with a message fit for the user."""

    status = 500  # the HTTP status the viewer answers with
    code = "store_error"

    def __init__(self, message: str, *, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class StoreUnavailable(StoreError):
    status = 503
    code = "store_unavailable"


class StoreLocked(StoreError):
    status = 503
    code = "store_locked"


class QuerySyntaxError(StoreError):
    status = 400
    code = "query_syntax"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None,
                 hint: str = ""):
        super().__init__(message, hint=hint)
        self.line = line
        self.column = column


class QueryRefused(StoreError):
    """The query asks for something the store never does (SERVICE calls, updates, huge texts)."""

    status = 403
    code = "query_refused"


class QueryTimeout(StoreError):
    status = 503
    code = "query_timeout"


class QueryFailed(StoreError):
    """The engine failed or crashed while answering; the process that serves others lives on."""

    status = 500
    code = "query_failed"


class DataError(StoreError):
    """A source file cannot be read: names the file, line and column."""

    status = 400
    code = "data_error"

    def __init__(self, message: str, *, file: str = "", line: int | None = None,
                 column: int | None = None, hint: str = ""):
        where = file + (f":{line}" if line else "") + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.file, self.line, self.column = file, line, column
