"""Vitrina core: photos in, marketplace card bundles out. Never imports Qt."""

__version__ = "0.1.0"
