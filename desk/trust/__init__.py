"""Nothing is lost: backups and restores, the integrity check, other windows on the same desk, updating articles.

The package's public face (``check_desk``, ``list_backups``, ``backup_dir``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.trust import check_desk
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "check_desk": "desk.trust.check",
    "list_backups": "desk.trust.backup",
    "backup_dir": "desk.trust.backup",
}


__getattr__ = lazy_face(__name__, _FACE)
