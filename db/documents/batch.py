"""Storing a batch of uploads: duplicate and size checks first, extraction of the rest on
both cores (`extraction.extract_many`), one short transaction per file as each result
arrives, so a file that cannot be stored loses no other."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.contracts_repo import NotFound
from db.documents.common import _live_client
from db.documents.settings import extraction_limits, upload_limit
from db.documents.upload import (
    Outcome,
    UploadResult,
    _clean_name,
    _sha,
    store_extracted,
    store_upload,
)
from db.engine import session_factory
from db.models import ContractDocument
from extraction import TooLarge, extract_many
from extraction.pdf import MAX_BYTES as EXTRACT_MAX_BYTES

# Below this many files to extract, a batch runs in this process: starting a worker
# (importing spaCy and pdfplumber, ~1.5 s) costs more than it saves (measured: 24 files
# take 3.0 s either way, 100 ten-page files 11.3 s in one process vs 7.8 s with two).
PARALLEL_FROM = 24

Progress = Callable[[int, int, str, UploadResult], None]

_log = logging.getLogger(__name__)


def store_many(
    *,
    engine_or_session_factory: Engine | Callable[[], Session],
    actor: Actor,
    files: list[tuple[str, bytes]],
    client_id: int | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    password: str | None = None,
) -> list[UploadResult]:
    """Store a batch: results in input order; `progress(i, n, name, result)` once per file.

    Duplicates (of stored documents or of an earlier file in the batch) and files over the
    size limit are settled first without extraction; the rest go through `extract_many`
    with `workers` processes (one below `PARALLEL_FROM` files) and are stored one short
    transaction each as they finish (`i` counts finished files from 1, in completion
    order). A file that cannot be stored is reported as failed ("not stored") and the batch
    goes on. Raises only for the batch as a whole: the actor may not upload, or
    `client_id` is not a live client.
    """
    require(actor, "upload_documents")
    new_session = (
        session_factory(engine_or_session_factory)
        if isinstance(engine_or_session_factory, Engine)
        else engine_or_session_factory
    )
    files = [(_clean_name(name), bytes(data)) for name, data in files]
    n = len(files)
    results: list[UploadResult | None] = [None] * n
    finished = 0

    def settle(index: int, store: Callable[[Session], UploadResult]) -> None:
        nonlocal finished
        if results[index] is not None:
            return
        name = files[index][0]
        try:
            with new_session() as s:
                result = store(s)
                s.commit()
        except Exception as exc:  # noqa: BLE001 - one file that cannot be stored stops nothing
            _log.exception("storing %s failed", name)
            result = UploadResult(
                document_id=None,
                duplicate_of=None,
                status="failed",
                # The store's own text carries SQL, parameters and paths: logged, not shown.
                message=f"{name}: not stored ({type(exc).__name__}; details in the server log)",
                filename=name,
                error_code="not_stored",
            )
        results[index] = result
        finished += 1
        if progress is not None:
            progress(finished, n, name, result)

    def store_outcome(index: int, outcome: Outcome) -> None:
        name, data = files[index]
        settle(
            index,
            lambda s: store_extracted(
                session=s,
                actor=actor,
                filename=name,
                data=data,
                outcome=outcome,
                client_id=client_id,
                password=password,
            ),
        )

    def upload_now(index: int) -> None:
        """store_upload: duplicate check first, in-process extraction only when still new."""
        name, data = files[index]
        settle(
            index,
            lambda s: store_upload(
                session=s,
                actor=actor,
                filename=name,
                data=data,
                client_id=client_id,
                password=password,
            ),
        )

    with new_session() as s:
        if client_id is not None and _live_client(s, client_id) is None:
            raise NotFound(f"Client {client_id} does not exist.")
        max_bytes, _ = upload_limit(session=s)
        limits, _ = extraction_limits(session=s, max_bytes=max_bytes)
        shas = [_sha(data) for _, data in files]
        stored = _stored_shas(s, set(shas))
    batch: list[int] = []  # extracted in the worker processes
    later: list[int] = []  # stored with store_upload once the batch is in
    first_of: dict[str, int] = {}
    for index, ((name, data), sha) in enumerate(zip(files, shas, strict=True)):
        if sha in stored:
            upload_now(index)  # reported as a duplicate, nothing extracted
        elif len(data) > max_bytes:
            store_outcome(index, TooLarge(len(data), max_bytes, name=name))
        elif sha in first_of or len(data) > EXTRACT_MAX_BYTES:
            later.append(index)  # a copy of an earlier file, or above extract_many's own limit
        else:
            first_of[sha] = index
            batch.append(index)

    # extract_many names a bytes input "document <k>" (k from 1); a name it does not
    # report that way is stored from its returned list instead.
    by_name = {f"document {k}": index for k, index in enumerate(batch, start=1)}

    def arrived(_i: int, _n: int, name: str, outcome: Outcome) -> None:
        if name in by_name:
            store_outcome(by_name[name], outcome)

    items = extract_many(
        [files[index][1] for index in batch],
        workers=workers if len(batch) >= PARALLEL_FROM else 1,
        progress=arrived,
        passwords=[password] * len(batch),
        limits=limits,
        names=[files[index][0] for index in batch],
    )
    for index, item in zip(batch, items, strict=True):
        store_outcome(index, item.terms if item.ok else item.error)
    for index in later:
        upload_now(index)  # a copy: a duplicate by now, unless its original was not stored
    return results  # type: ignore[return-value] - every index was settled above


def _stored_shas(session: Session, shas: set[str], chunk: int = 500) -> set[str]:
    """Which of these SHA-256 digests are stored already (one query per 500)."""
    wanted = sorted(shas)
    found: set[str] = set()
    for first in range(0, len(wanted), chunk):
        found.update(
            session.scalars(
                select(ContractDocument.sha256).where(
                    ContractDocument.sha256.in_(wanted[first : first + chunk])
                )
            )
        )
    return found
