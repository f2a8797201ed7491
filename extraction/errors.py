"""Errors raised for input a user can fix; each message says what is wrong and what to do."""

from __future__ import annotations


class ExtractionError(Exception):
    """Base class: `str(error)` is a message fit to show the person who uploaded the file."""

    code = "extraction_error"

    def __init__(self, message: str, *, name: str | None = None) -> None:
        self.name = name
        prefix = f"{name}: " if name else ""
        super().__init__(prefix + message)

    def __reduce__(self) -> tuple:
        # Subclasses take other constructor arguments; rebuild from state so errors cross
        # process boundaries (extract_many) intact.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[ExtractionError], args: tuple, state: dict) -> ExtractionError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class EmptyFile(ExtractionError):
    code = "empty_file"

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(
            "the file is empty (0 bytes). Upload the contract PDF again; "
            "the copy you chose was not saved completely.",
            name=name,
        )


class NotAPdf(ExtractionError):
    code = "not_a_pdf"

    def __init__(self, detected: str, *, name: str | None = None) -> None:
        super().__init__(
            f"this is not a PDF (it looks like {detected}), nor a Word (DOCX), text or "
            "Markdown file. Export or print the contract to PDF and upload that file.",
            name=name,
        )


class CorruptPdf(ExtractionError):
    code = "corrupt_pdf"

    def __init__(self, detail: str = "", *, name: str | None = None) -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"the PDF is damaged and cannot be read{extra}. It may be truncated: "
            "download it again from the source, or open and re-save it as PDF.",
            name=name,
        )


class EncryptedPdf(ExtractionError):
    code = "encrypted_pdf"

    def __init__(self, *, wrong_password: bool, name: str | None = None) -> None:
        self.wrong_password = wrong_password
        if wrong_password:
            message = (
                "the password is wrong for this encrypted PDF. "
                "Check the password with the sender and try again."
            )
        else:
            message = "the PDF is password-protected. Enter its password to extract the terms."
        super().__init__(message, name=name)


class NoTextLayer(ExtractionError):
    code = "no_text_layer"

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(
            "no text layer: needs OCR. The PDF holds only images (a scan). "
            "Run it through OCR (for example `ocrmypdf in.pdf out.pdf`) and upload the result.",
            name=name,
        )


class TooLarge(ExtractionError):
    code = "too_large"

    def __init__(self, size: int, limit: int, *, name: str | None = None) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            f"the file is {size / 1_000_000:.1f} MB, above the {limit / 1_000_000:.0f} MB limit. "
            "Split the PDF or compress its images, then upload it again.",
            name=name,
        )


class TooManyPages(ExtractionError):
    code = "too_many_pages"

    def __init__(self, pages: int, limit: int, *, name: str | None = None) -> None:
        self.pages = pages
        self.limit = limit
        super().__init__(
            f"the PDF has {pages} pages, above the {limit}-page limit; it is kept but its "
            "terms were not extracted. Split it into smaller documents, or ask an admin to "
            "raise the setting upload.max_pages.",
            name=name,
        )


class PartlyScanned(ExtractionError):
    code = "partly_scanned"

    def __init__(self, pages: str, images: int, total: int, *, name: str | None = None) -> None:
        self.pages = pages
        super().__init__(
            f"{images} of its {total} pages (pages {pages}) are scanned images without a text "
            "layer, and OCR is not available here, so the contract was not read; the file is "
            "kept. Run it through OCR (for example `ocrmypdf in.pdf out.pdf`) and upload the "
            "result.",
            name=name,
        )


class OcrTimeout(ExtractionError):
    code = "ocr_timeout"

    def __init__(self, pages: int, seconds: float, *, name: str | None = None) -> None:
        self.seconds = seconds
        super().__init__(
            f"OCR of its {pages} scanned pages did not finish within the {seconds:g}-second "
            "budget (setting upload.ocr_seconds) and was stopped; the file is kept but its "
            "terms were not extracted. Upload a PDF with a text layer, split it, or ask an "
            "admin to raise upload.ocr_seconds.",
            name=name,
        )


class ExtractionTimeout(ExtractionError):
    code = "extraction_timeout"

    def __init__(self, seconds: float, *, name: str | None = None) -> None:
        self.seconds = seconds
        super().__init__(
            f"reading it took longer than the {seconds:g}-second limit (OCR budget plus "
            "setting upload.extract_seconds) and was stopped; the file is kept but its terms "
            "were not extracted. Split the document, or ask an admin to raise the limit.",
            name=name,
        )


class UnreadableText(ExtractionError):
    code = "unreadable_document"

    def __init__(self, detail: str, *, name: str | None = None) -> None:
        super().__init__(
            f"the document cannot be read ({detail}). Open it and save it again as PDF, "
            "DOCX or plain text, then upload that file.",
            name=name,
        )
