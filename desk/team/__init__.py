"""The team desk: every laptop keeps its desk and syncs it through the newsroom's PostgreSQL
server, with the merge rules of fieldwork (psycopg is loaded only when syncing).

The package's public face (``sync_desk``, ``SyncSummary``, ``SyncCancelled``, ``team_state``,
``waiting``, ``init_server``, ``grant``) is loaded on first use::

    from desk.team import sync_desk
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "sync_desk": "desk.team.sync",
    "SyncSummary": "desk.team.sync",
    "SyncCancelled": "desk.team.sync",
    "team_state": "desk.team.state",
    "waiting": "desk.team.state",
    "init_server": "desk.team.server",
    "grant": "desk.team.server",
}


__getattr__ = lazy_face(__name__, _FACE)
