"""The first run, without Qt: what this computer can do, which models to fetch, and fetching them.

The GUI's welcome dialog (``ui/welcome``) only shows these values and starts these functions on
a worker thread, so every decision here is tested without a window.
"""
