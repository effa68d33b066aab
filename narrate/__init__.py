"""Narrate: articles in, podcast episodes out. See the README's Architecture section for the map of this package."""
