"""Counted words through Qt's ``%n`` plural forms: "1 lead", "2 leads", "1 working day".

Qt chooses a plural form only through a translator (without one it shows the source
text, "2 lead(s)"). The app ships its English forms as ``resources/translations/
plurals_en.ts`` (numerus messages), compiled by ``pyside6-lrelease`` into the ``.qm``
beside it; :func:`install` loads that at start-up (``app.py``, and each
``AppContext``) — and on first use, for a widget built without the app's bootstrap.

PySide6 names a ``self.tr`` context after the object's *runtime* class, so a message
is looked up by its source text in the one context ``Plural`` whatever class asks:
``self.tr("%n lead(s)", "", n)`` anywhere needs only that string in the ``.ts``.
A test (tests/gui/common/test_plurals.py) keeps every such call covered by English forms;
``make translations`` compiles the ``.ts`` again after an edit.

:func:`plural` is for text built here: the form Qt picks for ``n``, with ``%n`` written
like every number on screen (``ui/common/format.py``: the locale's grouping).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from workbench.resources import resource
from workbench.services.tables import ColumnKind
from workbench.ui.common import format as fmt

CONTEXT = "Plural"
QM_NAME = "plurals_en.qm"


class PluralForms(QTranslator):
    """The English plural forms, found by source text in any context."""

    def translate(
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if n < 0:
            return None  # not a counted message: Qt shows the source text
        found = super().translate(CONTEXT, source_text, disambiguation or None, n)
        return found or None

    def form(self, source_text: str, n: int) -> str:
        """The raw form for ``n`` (``%n`` still in it), or the source text."""
        return super().translate(CONTEXT, source_text, None, n) or source_text


_installed: PluralForms | None = None


def install() -> PluralForms | None:
    """Load the compiled forms into the application (once). None without an app or when
    the ``.qm`` is missing (an incomplete install: the source texts show)."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return None
    if _installed is not None:
        return _installed
    forms = PluralForms(app)
    try:
        path = resource("translations", QM_NAME)
    except FileNotFoundError:
        return None
    if not forms.load(str(path)):
        return None
    app.installTranslator(forms)
    _installed = forms
    return forms


def plural(source_text: str, n: int) -> str:
    """``source_text`` (with ``%n``, listed in the ``.ts``) in the form for ``n``."""
    forms = _installed or install()
    text = forms.form(source_text, n) if forms is not None else source_text
    return text.replace("%Ln", "%n").replace("%n", fmt.display(ColumnKind.NUMBER, n))
