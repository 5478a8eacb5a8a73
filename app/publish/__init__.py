"""Publishing finished cards to marketplaces."""
