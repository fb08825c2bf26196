"""Team database passwords in the system keyring — never in the workbench's settings.

A rep's password is shown once when the role is created; the app then either asks for
it at each start or keeps it in the operating system's keyring (Keychain, Windows
Credential Locker, Secret Service) through ``keyring``. Without a usable keyring the
functions say so (None / False) and the app simply asks each time.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

#: The keyring "service" every password is filed under.
SERVICE = "Prospecting Workbench"


def account_key(url: URL) -> str:
    """One keyring entry per login: user, server and database."""
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def saved_password(url: URL) -> str | None:
    try:
        import keyring

        value = keyring.get_password(SERVICE, account_key(url))
    except Exception as exc:  # no keyring module or backend: ask instead
        log.debug("no password from the keyring: %s", exc)
        return None
    return value or None


def save_password(url: URL, password: str) -> bool:
    """Keep ``password`` in the system keyring; False when there is no usable keyring."""
    try:
        import keyring

        keyring.set_password(SERVICE, account_key(url), password)
    except Exception as exc:
        log.info("the password could not be saved in a keyring: %s", exc)
        return False
    return True


def forget_password(url: URL) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, account_key(url))
    except Exception as exc:
        log.debug("no saved password to forget: %s", exc)
