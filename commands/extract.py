"""`extract FILE... --json`: terms of each contract file (PDF, DOCX, text, Markdown; no store
needed); `documents import FILE_OR_ZIP... [--client NAME]`: store files exactly as the upload
page does."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _record(name: str, outcome) -> dict:
    from extraction import TERM_FIELDS, ExtractionError

    if isinstance(outcome, ExtractionError):
        return {
            "file": name,
            "ok": False,
            "error": {"code": outcome.code, "message": str(outcome)},
        }
    data = outcome.to_dict()
    out = {"file": name, "ok": True, "page_count": data["page_count"]}
    out["ocr_applied"] = data["ocr_applied"]
    out["source"] = data["source"]
    out["warnings"] = data["warnings"]
    out.update({key: data[key] for key in TERM_FIELDS})
    out["suggestions"] = data["suggestions"]  # low-confidence fallbacks, never the value
    return out


def extract_cmd(args) -> int:
    from extraction import extract_many

    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    passwords = [args.password] * len(paths)
    items = extract_many(paths, workers=args.workers, passwords=passwords)
    failed = 0
    for path, item in zip(paths, items, strict=True):
        outcome = item.terms if item.ok else item.error
        failed += not item.ok
        record = _record(path.name, outcome)
        if args.json:
            if args.with_text and item.ok:
                record["pages"] = item.terms.pages
                record["tables"] = [t.to_dict() for t in item.terms.tables]
            print(json.dumps(record, ensure_ascii=False, default=str))
        elif item.ok:
            terms = item.terms
            print(f"{path.name}: {terms.extent()} ({terms.source})")
            for warning in terms.warnings:
                print(f"  warning: {warning}")
            for name, f in terms.terms().items():
                where = terms.location(f)
                print(f"  {name:<28} {f.value[:70]!s:<70} {where} ({f.confidence:.2f})")
            for name, f in terms.suggestions.items():
                where = terms.location(f)
                print(f"  {name:<28} {f.value[:70]!s:<70} {where} (suggestion)")
        else:
            print(f"{path.name}: {item.error}", file=sys.stderr)
    return 1 if failed else 0


def import_cmd(args) -> int:
    from access.roles import SYSTEM
    from db.documents.archives import expand_uploads
    from db.documents.batch import store_many
    from db.documents.client_match import match_client
    from db.documents.settings import upload_limit
    from db.engine import open_store, session_scope

    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    engine = open_store()
    with session_scope(engine) as s:
        limit, warning = upload_limit(session=s)
        client_id = _client(s, args.client, match_client) if args.client else None
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    files = expand_uploads([(p.name, p.read_bytes()) for p in paths], max_bytes=limit)
    counts = {"ok": 0, "failed": 0, "duplicate": 0}
    for f in files:
        if f.error:
            counts["failed"] += 1
            print(f"[-/{len(files)}] failed  {f.error}")

    def arrived(i: int, n: int, _name: str, r) -> None:
        counts[r.status if r.status in counts else "failed"] += 1
        where = f" -> {r.client_name}" if r.client_name else ""
        if r.status == "ok" and not r.client_name and r.customer_name:
            where = f" (no client match; suggested new client {r.customer_name!r})"
        print(f"[{i}/{n}] {r.status:<8} {r.message}{where}", flush=True)
        for warning in r.warnings:
            print(f"        warning: {warning}", flush=True)

    store_many(
        engine_or_session_factory=engine,
        actor=SYSTEM,
        files=[(f.name, f.data) for f in files if not f.error],
        client_id=client_id,
        workers=args.workers,
        progress=arrived,
        password=args.password,
    )
    print(", ".join(f"{n} {k}" for k, n in counts.items()))
    return 1 if counts["failed"] else 0


def _client(session, name: str, match_client) -> int:
    """The client called `name` (exact or a close fuzzy match), created when there is none."""
    from access.roles import SYSTEM
    from db.clients_repo import create_client

    found = match_client(session=session, names=[name])
    if found is not None:
        print(f"client: {found[1]} (id {found[0]})")
        return found[0]
    client = create_client(session=session, actor=SYSTEM, name=name)
    print(f"client: {client.name} created (id {client.id})")
    return client.id


def register(sub, commands) -> None:
    e = sub.add_parser(
        "extract",
        help="extract contract terms from PDF, DOCX, text or Markdown files (stores nothing)",
    )
    e.add_argument("files", nargs="+", metavar="FILE")
    e.add_argument("--json", action="store_true", help="one JSON object per file (JSON lines)")
    e.add_argument("--with-text", action="store_true", help="with --json: add page texts, tables")
    e.add_argument("--password", help="password for encrypted PDFs")
    e.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    e.set_defaults(cmd="files")
    commands["extract files"] = extract_cmd

    docs = sub.add_parser("documents", help="contract documents").add_subparsers(
        dest="cmd", required=True
    )
    i = docs.add_parser(
        "import", help="store contract files (PDF, DOCX, text, Markdown) or ZIPs of them"
    )
    i.add_argument("files", nargs="+", metavar="FILE_OR_ZIP")
    i.add_argument("--client", help="attach every file to this client (created if missing)")
    i.add_argument("--password", help="password for encrypted PDFs")
    i.add_argument("--workers", type=int, default=2, help="extraction processes (default 2)")
    commands["documents import"] = import_cmd
