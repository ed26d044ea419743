"""The SQLite file underneath every desk: opening and creating it, its schema, and opening files from elsewhere."""
