"""``python -m narrate.cli``: the same command as ``narrate``."""

import sys

from narrate.cli import run

sys.exit(run())
