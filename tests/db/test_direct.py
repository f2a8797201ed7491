"""`db.direct.Direct` over real SQLite and PostgreSQL: the same rows and stored values as
`Session.execute`, in the session's transaction, and no Python default silently skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, insert, select, update

from db.direct import Direct
from db.models import ApiRequest, Ticket

_REQ = ApiRequest.__table__
_ADD = Direct(insert(_REQ), column_keys=["at", "token_id", "method", "path", "status", "detail"])
_BY_PATHS = Direct(
    select(_REQ.c.id, _REQ.c.at, _REQ.c.path.label("where"))
    .where(_REQ.c.path.in_(bindparam("paths", expanding=True)))
    .order_by(_REQ.c.id)
)
PARIS = timezone(timedelta(hours=1))


def _row(at: datetime, path: str, status: int = 200) -> dict:
    return {"at": at, "token_id": None, "method": "POST", "path": path, "status": status,
            "detail": None}  # fmt: skip


def test_rows_and_instants_equal_the_orm_path(session):
    at = datetime(2026, 3, 2, 10, 30, tzinfo=PARIS)  # stored as UTC by UTCDateTime
    _ADD.many(session, [_row(at, "/a"), _row(at + timedelta(minutes=1), "/b"), _row(at, "/c")])
    found = _BY_PATHS.rows(session, {"paths": ["/c", "/a"]})
    assert [(r.where, r.at) for r in found] == [
        ("/a", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
        ("/c", datetime(2026, 3, 2, 9, 30, tzinfo=UTC)),
    ]
    core = session.execute(_BY_PATHS.statement, {"paths": ["/c", "/a"]}).all()
    assert [tuple(r) for r in found] == [tuple(r) for r in core]
    assert _BY_PATHS.first(session, {"paths": ["/none"]}) is None
    # IN lists of other lengths: each shape has its own SQL, kept after its first run
    for paths, want in ((["/b"], ["/b"]), ([], []), (["/a", "/b", "/c"], ["/a", "/b", "/c"]),
                        (["/c"], ["/c"])):  # fmt: skip
        assert [r.where for r in _BY_PATHS.rows(session, {"paths": paths})] == want


def test_runs_in_the_session_transaction(session):
    _ADD.rows(session, _row(datetime(2026, 3, 2, tzinfo=UTC), "/rolled-back"))
    assert session.scalar(select(ApiRequest.path)) == "/rolled-back"  # same transaction
    session.rollback()
    assert session.scalar(select(ApiRequest.path)) is None


def test_refuses_a_statement_whose_python_defaults_it_would_skip(session):
    # tickets.changed_at has onupdate=utcnow: run without it, the change would go unrecorded
    moved = Direct(update(Ticket.__table__).values(status=bindparam("b_status")))
    with pytest.raises(TypeError, match="give changed_at explicitly"):
        moved.rows(session, {"b_status": "open"})
    # api_requests.at has default=utcnow: an insert that leaves it out is refused too
    with pytest.raises(TypeError, match="give at explicitly"):
        Direct(insert(_REQ), column_keys=["method", "path", "status"]).rows(
            session, {"method": "GET", "path": "/x", "status": 200}
        )
