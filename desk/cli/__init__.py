"""The command line: ``claims-desk COMMAND …``, a thin face of the same core as the window."""

from __future__ import annotations

from desk.cli.commands import command_names, run

__all__ = ["command_names", "run"]
