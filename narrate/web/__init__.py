"""The HTTP service: public files for listeners, the staff API and the staff pages.

Kept light on import: the CLI reaches tokens from here without loading the web stack.
"""
