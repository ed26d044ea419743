"""What leaves and enters the desk as files: CSV, W3C Web Annotations, ClaimReview, annotation import.

The package's public face (``write_csv``, ``CSV_HEADER``, ``write_json``, ``import_annotations``) is loaded on first use, so that importing one module of
the package stays cheap::

    from desk.formats import write_csv
"""

from __future__ import annotations

from desk.lazy import lazy_face

#: Public name -> the module that defines it.
_FACE = {
    "write_csv": "desk.formats.csv_export",
    "CSV_HEADER": "desk.formats.csv_export",
    "write_json": "desk.formats.interchange",
    "import_annotations": "desk.formats.annotation_import",
}


__getattr__ = lazy_face(__name__, _FACE)
