"""Small round badges for outcomes, channels and follow-ups, painted once and cached.

Painted rather than shipped as files: eight outcomes × states would be a folder of
near-identical SVGs, and a coloured disc with one glyph reads at 16 px in both themes.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

#: outcome → (colour, glyph)
OUTCOME_BADGES: dict[str, tuple[str, str]] = {
    "connected": ("#2e7d32", "✓"),
    "left voicemail": ("#ef6c00", "…"),
    "no answer": ("#757575", "–"),
    "replied": ("#1565c0", "↩"),
    "meeting booked": ("#6a1b9a", "★"),
    "not interested": ("#c62828", "✕"),
    "bounced": ("#ad1457", "!"),
    "wrong person": ("#6d4c41", "?"),
}
CHANNEL_GLYPHS = {"call": "C", "email": "E", "meeting": "M", "social": "S", "note": "N"}
FOLLOWUP_BADGES = {"open": ("#00838f", "→"), "overdue": ("#c62828", "!"), "done": ("#9e9e9e", "✓")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Outreach", text)


def channel_label(channel: str) -> str:
    return {
        "call": _tr("Call"),
        "email": _tr("Email"),
        "meeting": _tr("Meeting"),
        "social": _tr("Social"),
        "note": _tr("Note"),
    }.get(channel, channel)


def outcome_label(outcome: str) -> str:
    return {
        "connected": _tr("Connected"),
        "left voicemail": _tr("Left voicemail"),
        "no answer": _tr("No answer"),
        "replied": _tr("Replied"),
        "meeting booked": _tr("Meeting booked"),
        "not interested": _tr("Not interested"),
        "bounced": _tr("Bounced"),
        "wrong person": _tr("Wrong person"),
    }.get(outcome, outcome)


@cache
def badge(colour: str, glyph: str, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.55))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)


def activity_icon(channel: str, outcome: str) -> QIcon:
    if outcome in OUTCOME_BADGES:
        return badge(*OUTCOME_BADGES[outcome])
    return badge("#546e7a", CHANNEL_GLYPHS.get(channel, "•"))


def followup_icon(state: str) -> QIcon:
    return badge(*FOLLOWUP_BADGES.get(state, FOLLOWUP_BADGES["open"]))
