"""Topics: curated stories as data (data/topics/<id>/), loaded, validated and queried."""
