"""Uploaded files to store: PDFs pass through, ZIP archives become their entries."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

ZIP_MAX_ENTRIES = 500
ZIP_MAX_RATIO = 10  # total uncompressed size of a ZIP <= 10x the per-file limit


@dataclass(frozen=True)
class UploadFile:
    """One file to store (from the uploader or a ZIP), or why it could not be read."""

    name: str
    data: bytes
    source: str  # the uploaded file's name (the ZIP's for its entries)
    error: str | None = None


def expand_uploads(files: list[tuple[str, bytes]], *, max_bytes: int) -> list[UploadFile]:
    """PDFs pass through; ZIP archives become their entries (folders skipped, bombs refused)."""
    out: list[UploadFile] = []
    for name, data in files:
        if not (name.lower().endswith(".zip") and zipfile.is_zipfile(io.BytesIO(data))):
            out.append(UploadFile(name, data, name))
            continue
        out.extend(_zip_entries(name, data, max_bytes))
    return out


def _zip_entries(name: str, data: bytes, max_bytes: int) -> list[UploadFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not i.filename.rsplit("/", 1)[-1].startswith(".")
        ]
    except (zipfile.BadZipFile, OSError) as exc:
        return [UploadFile(name, b"", name, f"{name}: the ZIP archive is damaged ({exc}).")]
    total = sum(i.file_size for i in entries)
    if len(entries) > ZIP_MAX_ENTRIES:
        return [
            UploadFile(
                name,
                b"",
                name,
                f"{name}: the ZIP holds {len(entries)} files, more than {ZIP_MAX_ENTRIES}. "
                "Split it into smaller archives.",
            )
        ]
    if total > ZIP_MAX_RATIO * max_bytes:
        return [
            UploadFile(
                name,
                b"",
                name,
                f"{name}: the ZIP unpacks to {total / 1e6:.0f} MB, above "
                f"{ZIP_MAX_RATIO * max_bytes / 1e6:.0f} MB; it was not opened. "
                "Upload the PDFs directly or in smaller archives.",
            )
        ]
    out = []
    for info in entries:
        short = info.filename.rsplit("/", 1)[-1][:255]
        try:
            # read() checks the CRC; the sizes were bounded above, so this cannot balloon.
            out.append(UploadFile(short, archive.read(info), name))
        except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
            out.append(
                UploadFile(short, b"", name, f"{short} (in {name}): cannot be unpacked ({exc}).")
            )
    return out
