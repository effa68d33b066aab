"""Narrate: articles in, podcast episodes out. See the README's Architecture section for the map of this package."""

import os

# ONNX Runtime's wheel reports usage to Microsoft (1DS telemetry) and keeps a device ID in ~/.cache/Microsoft unless
# told not to before it is imported; a service user without a home then gets a warning on every voice it loads.
# Narrate runs offline and keeps its readers' articles to itself: off, unless the operator's environment says.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
