"""The version of Claims Desk: one place, read by the package build, --version and About."""

from __future__ import annotations

__version__ = "0.1.0"
