"""Services: geocoding chain and storage (may touch the disk and, when asked, the network)."""
