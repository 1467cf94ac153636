"""Geoparsing: article text -> place mentions -> gazetteer candidates -> resolved places."""
