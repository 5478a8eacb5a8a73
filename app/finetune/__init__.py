"""Fine-tuning BiRefNet on the photographer's own corrected masks."""
