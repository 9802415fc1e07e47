"""ORM queries compiled once per database and then run with new arguments.

Every page asks a few questions in its navigation (unread messages, does this person
coordinate). Written with the ORM they stay readable and tested, but Django compiles a query
with subqueries anew at each call, and for these that costs some 20 times what SQLite takes to
answer them (about 2 ms against 0.1 ms per query, measured with bench/load/profile.py). A
PreparedQuery builds the queryset once with marker values in place of its arguments, keeps the
SQL, and afterwards only swaps the arguments into the parameters.

Only for queries whose shape never depends on the arguments: the same SQL must be right for
every value (no `None` that would turn `=` into `IS NULL`, no lists whose length changes the
SQL, nothing read from the clock).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Values no argument takes (ids are positive), so that finding them in the parameters can only
# mean the argument's place.
_MARKER_BASE = -(2**62) + 7919


class PreparedQuery:
    """`build(**arguments)` returns the queryset; `rows(**arguments)` its rows as tuples,
    `count(...)` and `exists(...)` the usual answers. Arguments are integers (primary keys)."""

    def __init__(self, build: Callable[..., QuerySet], *arguments: str) -> None:
        self.build = build
        self.arguments = arguments
        # (database alias, form) -> (sql, parameters, {position: argument name})
        self._compiled: dict[tuple[str, str], tuple[str, list[Any], dict[int, str]]] = {}

    def rows(self, *, using: str = "default", **values: int) -> list[tuple]:
        return self._run("rows", using, values)

    def count(self, *, using: str = "default", **values: int) -> int:
        return self._run("count", using, values)[0][0]

    def exists(self, *, using: str = "default", **values: int) -> bool:
        return bool(self._run("exists", using, values))

    def _run(self, form: str, using: str, values: dict[str, int]) -> list[tuple]:
        if set(values) != set(self.arguments):
            raise TypeError(f"expected arguments {sorted(self.arguments)}, got {sorted(values)}")
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
        sql, parameters, places = self._compile(form, using)
        bound = list(parameters)
        for position, name in places.items():
            bound[position] = values[name]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, bound)
            return cursor.fetchall()

    def _compile(self, form: str, using: str) -> tuple[str, list[Any], dict[int, str]]:
        key = (using, form)
        if key not in self._compiled:
            markers = {name: _MARKER_BASE + i for i, name in enumerate(self.arguments)}
            queryset = self.build(**markers)
            if form == "exists":
                queryset = queryset.order_by().values("pk")[:1]
            elif form == "count":
                queryset = queryset.order_by().values("pk")
            sql, parameters = queryset.query.sql_with_params()
            if form == "count":
                # The inner SQL is Django's own compilation; every value stays a bound parameter.
                sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608  # nosec B608
            by_marker = {marker: name for name, marker in markers.items()}
            places = {
                i: by_marker[p]
                for i, p in enumerate(parameters)
                if isinstance(p, int) and p in by_marker
            }
            missing = set(self.arguments) - set(places.values())
            if missing:
                raise ValueError(f"the query does not use {sorted(missing)}")
            self._compiled[key] = (sql, list(parameters), places)
        return self._compiled[key]
