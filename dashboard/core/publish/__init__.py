"""Published snapshots: frozen views with their own pages, embed code, images and data."""
