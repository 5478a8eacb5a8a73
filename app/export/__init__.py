"""Card bundles (one folder per product) and the run's manifest and report."""

from app.export.bundle import Bundle, BundlePhoto, check_writable, clean_partials, write_bundle
from app.export.csvsafe import cell, csv_text

__all__ = ["Bundle", "BundlePhoto", "cell", "check_writable", "clean_partials", "csv_text", "write_bundle"]
