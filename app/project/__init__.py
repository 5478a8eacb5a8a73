"""Folders of photos as projects: scanning and persistent per-item state."""

from app.project.scan import Product, ScanResult, scan_folder
from app.project.state import DONE, FAILED, PENDING, ExportTarget, PhotoState, ProductState, ProjectState
from app.project.store import Project

__all__ = [
    "DONE", "FAILED", "PENDING", "ExportTarget", "PhotoState", "Product", "ProductState", "Project",
    "ProjectState", "ScanResult", "scan_folder",
]
