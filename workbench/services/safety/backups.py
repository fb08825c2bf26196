"""Backups as the rep sees them: back up now, automatically, before risky steps; list; restore; thin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from workbench.paths import backup_dir_for
from workbench.services.clock import Clock, system_clock
from workbench.services.safety.change_watch import ChangeWatch
from workbench.services.settings import values as settings
from workbench.store import Workbench
from workbench.store.backup import (
    BackupInfo,
    Progress,
    backup_file,
    delete_backup,
    list_backups,
    looks_intact,
)
from workbench.store.rotation import RetentionPolicy, to_keep
from workbench.store.write_marker import state_of_engine

settings.DEFAULTS.update(
    {
        "backup.interval_minutes": 30,
        "backup.keep_last": 10,
        "backup.daily_days": 7,
        "backup.weekly_weeks": 4,
        "backup.monthly_months": 12,
    }
)


def folder_for(wb: Workbench) -> Path:
    return backup_dir_for(wb.path)


def policy(wb: Workbench) -> RetentionPolicy:
    values = settings.read_all(wb)
    return RetentionPolicy(
        keep_last=int(values["backup.keep_last"]),
        daily_days=int(values["backup.daily_days"]),
        weekly_weeks=int(values["backup.weekly_weeks"]),
        monthly_months=int(values["backup.monthly_months"]),
    )


def back_up(
    wb: Workbench,
    *,
    reason: str = "manual",
    to: Path | None = None,
    clock: Clock = system_clock,
    progress: Progress | None = None,
    prune: bool = True,
) -> BackupInfo:
    """A verified backup of the open workbench; old ones thinned by the retention policy."""
    folder = to or folder_for(wb)
    info = backup_file(wb.path, folder, reason=reason, now=clock(), progress=progress)
    if prune and to is None:
        thin(wb, clock=clock)
    return info


@dataclass(frozen=True)
class BeforeImport:
    """The backup that holds the file as it was before an import."""

    info: BackupInfo
    #: True when no new backup was taken: ``info`` already held the current state.
    reused: bool


def holding_current_state(wb: Workbench) -> BackupInfo | None:
    """The newest verified backup that holds exactly the file's current state (no
    write since it was taken, per :mod:`workbench.store.write_marker`), or None."""
    state = state_of_engine(wb.engine)
    for info in backups_of(wb):
        if info.state == state and looks_intact(info):
            return info
    return None


def before_import(
    wb: Workbench, *, clock: Clock = system_clock, progress: Progress | None = None
) -> BeforeImport | None:
    """Make sure a verified backup holds the file as it is now, before an import writes.

    When one already does (nothing was written since it was taken — a backup of a
    large file costs more than most imports), it is reused; otherwise a new one is
    taken. None for a team database or a file opened read-only (nothing to protect).
    """
    if not wb.is_file or wb.readonly:
        return None
    found = holding_current_state(wb)
    if found is not None:
        return BeforeImport(found, reused=True)
    return BeforeImport(back_up(wb, reason="before-import", clock=clock, progress=progress), reused=False)


def thin(wb: Workbench, *, clock: Clock = system_clock) -> list[BackupInfo]:
    backups = list_backups(folder_for(wb))
    keep = to_keep([b.taken_at for b in backups], clock(), policy(wb))
    removed = [b for b in backups if b.taken_at not in keep]
    for info in removed:
        delete_backup(info)
    return removed


def backups_of(wb: Workbench) -> list[BackupInfo]:
    return list_backups(folder_for(wb))


def due_for_auto_backup(wb: Workbench, watch: ChangeWatch, now: datetime) -> bool:
    if not watch.changed():
        return False
    newest = next(iter(backups_of(wb)), None)
    interval = int(settings.read(wb, "backup.interval_minutes"))
    if newest is not None and (now - newest.taken_at).total_seconds() < interval * 60:
        return False
    # The file's times also move when nothing was written (a checkpoint): the write
    # marker says whether a backup already holds exactly this state.
    return holding_current_state(wb) is None
