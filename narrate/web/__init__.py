"""The HTTP service: public files for listeners, the staff API and the staff pages.

app (create_app, errors) builds it from service (what handlers share), files (public/X at /X), api (/api, tokens),
staff and staff_pages (/staff, sessions), headers and limits (middleware) and renderer (where renders go).
Kept light on import: the CLI reaches tokens from here without loading the web stack.
"""
