"""Reading article files: encodings, HTML extraction, importers, and the figures in a text."""
