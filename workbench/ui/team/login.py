"""Opening a team database: its address, the rep's password (asked, or remembered in
the system keyring — never in the app's settings), and what went wrong if it did."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.store import PasswordRequiredError, StoreError, Workbench, is_server_url, open_workbench

PLACEHOLDER = "postgresql+psycopg://you@server/team"


@dataclass(frozen=True)
class LoginAnswer:
    url: str
    password: str
    remember: bool


class TeamLoginDialog(QDialog):
    def __init__(self, parent: QWidget | None, url: str = "", problem: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open team database"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "A team database is one PostgreSQL database for the whole team; you see and change "
                "your own records there. Your administrator gave you its address and your password."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url_edit = QLineEdit(url, self)
        self.url_edit.setPlaceholderText(PLACEHOLDER)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("&Address:"), self.url_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        layout.addLayout(form)
        self.remember = QCheckBox(self.tr("&Remember the password in the system keyring"), self)
        layout.addWidget(self.remember)
        self.problem = QLabel(problem, self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.setVisible(bool(problem))
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password_edit if url else self.url_edit).setFocus()

    def accept(self) -> None:
        if not is_server_url(self.url_edit.text()):
            self.problem.setText(self.tr("Write the address as {0}.").format(PLACEHOLDER))
            self.problem.show()
            self.url_edit.setFocus()
            return
        super().accept()

    def answer(self) -> LoginAnswer:
        return LoginAnswer(self.url_edit.text().strip(), self.password_edit.text(), self.remember.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, url: str = "", problem: str = "") -> LoginAnswer | None:
        """The address and password typed, or None when cancelled (tests replace this)."""
        dialog = cls(parent, url, problem)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None


def open_team(parent: QWidget | None, url: str = "", *, ask_first: bool = False) -> Workbench | None:
    """Open the team database at ``url``, asking for the address or the password as long as
    the server wants one (None when the rep cancels). A password the rep asked to remember
    goes to the system keyring once it worked."""
    from workbench.store.backends.postgres import parse_url
    from workbench.store.credentials import save_password

    problem = ""
    answer: LoginAnswer | None = None
    if ask_first or not url:
        answer = TeamLoginDialog.ask(parent, url)
        if answer is None:
            return None
    while True:
        target = answer.url if answer else url
        password = (answer.password or None) if answer else None
        try:
            wb = open_workbench(target, password=password)
        except PasswordRequiredError as exc:
            problem = str(exc) if exc.refused else ""
        except StoreError as exc:
            problem = str(exc)
        else:
            if answer is not None and answer.remember and answer.password:
                save_password(parse_url(target, use_keyring=False), answer.password)
            return wb
        answer = TeamLoginDialog.ask(parent, _without_password(target), problem)
        if answer is None:
            return None


def _without_password(url: str) -> str:
    from workbench.store.backends.postgres import parse_url, redacted

    try:
        return redacted(parse_url(url, use_keyring=False))
    except StoreError:
        return url
