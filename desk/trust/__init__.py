"""Nothing is lost: backups and restores, the integrity check, other windows on the same desk, updating articles."""
