"""Desks from laptops: merging desk files field by field, and the conflicts a merge overruled."""
