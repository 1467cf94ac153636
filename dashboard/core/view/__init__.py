"""The view: what a shared link restores, and the registry of map layers."""
