"""One escaping helper for text a user or a document supplied (client names, instructions).

Streamlit renders Markdown in headers, captions, messages and `st.markdown`; names taken from
uploaded PDFs must show as typed, never as a link, an image, a heading or a colour directive.
Every ASCII punctuation character is backslash-escaped (CommonMark allows it for all of them),
which also stops GFM autolinks (`https\\://`, `www\\.`). Links are built only from trusted
fields by the page itself.
"""

from __future__ import annotations

import re
import string

_PUNCT = frozenset(string.punctuation)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}


def _flat(value: object) -> str:
    # A newline would start a new Markdown block (list, heading, table) in the middle of a line.
    return " ".join(str(value).split()) if value is not None else ""


def md(value: object) -> str:
    """`value` as literal text inside Markdown (st.markdown, st.header, st.caption, messages)."""
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in _flat(value))


def md_html(value: object) -> str:
    """`value` as literal text inside Markdown rendered with `unsafe_allow_html=True`."""
    out = []
    for ch in _flat(value):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _PUNCT:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


# What starts Markdown, HTML, LaTeX or a Streamlit directive in one line of a message; "." ","
# "(" "'" stay as typed so a refusal reads (and copies) as written.
_MSG = frozenset("\\`*_[]<>#!~|$@&")
_DIRECTIVE = re.compile(r":(?=[A-Za-z/\[])")  # :red[...], :material/x:, :smile:, https://
_WWW = re.compile(r"(?i)\b(www)\.")


def md_msg(value: object) -> str:
    """`value` (often an exception naming user data) as literal text in st.error and friends:
    no link, image, HTML, emphasis, colour or icon directive, yet plain sentences unchanged."""
    text = "".join("\\" + ch if ch in _MSG else ch for ch in _flat(value))
    return _WWW.sub(r"\1\\.", _DIRECTIVE.sub(r"\\:", text))


# What a Markdown file reader would act on; "-", "." and "," stay readable in a document.
_DOC = frozenset("\\`*_{}[]()<>#!~&")  # a table cell escapes "|" itself
_AUTOLINK = re.compile(r"(?i)(://|www\.)")


def md_doc(value: object) -> str:
    """`value` as literal, still readable text in a Markdown file (proposals, emails)."""
    text = "".join("\\" + ch if ch in _DOC else ch for ch in _flat(value))
    return _AUTOLINK.sub(lambda m: m.group(1).replace(":", "\\:").replace(".", "\\."), text)


_LINKY = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,15}):(?=//)|\b(www)\.(?=\w)")


def no_links(value: str) -> str:
    """`value` for an email (text or HTML, which escapes it too): a URL that came in with the
    data reads `https[:]//evil.example` and `www[.]evil.example`, so no mail client turns it
    into a link; the email's own links come from trusted fields only."""
    return _LINKY.sub(lambda m: f"{m.group(1)}[:]" if m.group(1) else f"{m.group(2)}[.]", value)
