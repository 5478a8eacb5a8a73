"""Runs: jobs over a project's photos, with typed events and cooperative cancel."""
