"""When the workbench cannot be opened because it is damaged: say exactly what happened,
move the damaged file aside (never delete it) and offer the newest good backup (R2)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.paths import backup_dir_for
from workbench.store import StoreError, Workbench, open_workbench
from workbench.store.backup import BackupInfo
from workbench.store.lock import WriterLock
from workbench.store.recovery import move_aside, newest_good_backup, restore_backup
from workbench.ui.common import format as fmt
from workbench.ui.common.plural import plural


def recoverable(path: Path, exc: StoreError) -> BackupInfo | None:
    """The backup to offer, when the failure looks like damage to a file of ours."""
    from workbench.store import CorruptFileError, NotAWorkbenchError

    if not isinstance(exc, CorruptFileError | NotAWorkbenchError) or not path.exists():
        return None
    return newest_good_backup(backup_dir_for(path))


def recover(path: Path, backup: BackupInfo) -> tuple[Workbench, Path]:
    """Move the damaged file aside, restore ``backup`` in its place and open it."""
    with WriterLock(path):
        aside = move_aside(path)
        restore_backup(backup.path, path, backup_dir_for(path))
    return open_workbench(path), aside


def backup_counts(backup: BackupInfo) -> str:
    """ "1 lead, 2 opportunities": each count in its own form ("?" for one not recorded)."""
    parts = []
    for table, text, unknown in (
        ("lead", "%n lead(s)", "? leads"),
        ("opportunity", "%n opportunity(ies)", "? opportunities"),
    ):
        n = backup.counts.get(table)
        parts.append(unknown if n is None else plural(text, n))
    return ", ".join(parts)


def offer_recovery(parent: QWidget | None, path: Path, exc: StoreError) -> Workbench | None:
    backup = recoverable(path, exc)
    if backup is None:
        QMessageBox.critical(parent, "Cannot open the workbench", str(exc))
        return None
    box = QMessageBox(QMessageBox.Icon.Warning, "The workbench file is damaged", str(exc), parent=parent)
    box.setInformativeText(
        f"A good backup from {fmt.datetime_text(backup.taken_at)} exists ({backup_counts(backup)}).\n\n"
        "Restore it? The damaged file will be kept beside it, renamed, so nothing is deleted."
    )
    restore = box.addButton("Restore the backup", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    try:
        wb, aside = recover(path, backup)
    except StoreError as err:
        QMessageBox.critical(parent, "Restore failed", str(err))
        return None
    QMessageBox.information(
        parent,
        "Backup restored",
        f"Your workbench was restored from the backup of {fmt.datetime_text(backup.taken_at)}.\n\n"
        f"The damaged file was kept at:\n{aside}",
    )
    return wb
