"""User and file data on labels: plain text, never HTML (issue 19).

A ``QLabel`` left on ``Qt.AutoText`` guesses: text that looks like HTML is rendered as
HTML. Names, facts and notes come from imports, vCards and colleagues' pipeline files,
so an imported company ``<a href='file:///…'>`` became a clickable link. Labels that
show such data are made plain here; labels that mix the app's own formatting with data
escape the data with :func:`esc`; a link is only ever built by :func:`web_link`, from a
website that parses as ``http(s)://host`` (anything else shows as text, linking nowhere).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)


def plain(label: QLabel) -> QLabel:
    """Show whatever is set on ``label`` exactly as typed."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def esc(text: object) -> str:
    """``text`` for a rich-text label: shown literally, never as markup."""
    return html.escape(str(text), quote=True)


def safe_url(website: str, domain: str = "") -> str | None:
    """An ``http(s)`` URL to a real host name from ``website`` (or ``https://domain``),
    or None when neither is one."""
    candidate = website.strip()
    if candidate:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
        if parts.scheme in ("http", "https") and _HOST.match(host) and not parts.username:
            return parts.geturl()
    domain = domain.strip().lower()
    if domain and _HOST.match(domain):
        return f"https://{domain}"
    return None


def web_link(website: str, domain: str, text: str) -> str:
    """Rich text: ``text`` as a link to the validated website, or just ``text``."""
    url = safe_url(website, domain)
    if url is None:
        return esc(text)
    return f"<a href='{esc(url)}'>{esc(text)}</a>"


__all__ = ["esc", "plain", "safe_url", "web_link"]
