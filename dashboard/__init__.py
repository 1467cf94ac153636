"""Missile-defense geography dashboard: article -> places -> geocodes -> map."""
