"""The window's tests' fixtures (QSettings in a temporary folder) for the crowded desk."""

from tests.ui.conftest import isolated_settings  # noqa: F401 (an autouse fixture)
