"""A real PostgreSQL server for the team desk's tests: one cluster per session
(:mod:`tests.pgcluster`), a fresh database per test, the team desk set up in it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.pgcluster import Cluster

_numbers = itertools.count()


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL server (stopped and removed at the end)."""
    started = Cluster().start()
    try:
        yield started
    finally:
        started.stop()


@dataclass
class Team:
    """A team desk on a fresh database: its admin's URL and a URL per editor role."""

    cluster: Cluster
    dbname: str
    admin_url: str
    team_id: str

    def url(self, role: str) -> str:
        return self.cluster.url(role, self.dbname)

    def editor(self, role: str, *, read_only: bool = False) -> str:
        """Grant ``role`` (created if missing) and return its URL."""
        from desk.team.server import grant

        grant(self.admin_url, role, read_only=read_only)
        return self.url(role)


@pytest.fixture
def team(cluster: Cluster) -> Team:
    """A fresh database with the team desk 'Newsroom' set up by the superuser."""
    from desk.team.server import init_server

    name = f"team{next(_numbers)}"
    admin = cluster.create_database(name)
    return Team(cluster, name, admin, init_server(admin, "Newsroom"))
