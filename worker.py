"""Celery app (placeholder until the pipeline lands)."""
