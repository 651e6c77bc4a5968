"""The two consoles of the CLI: results to stdout, errors and warnings to stderr.

Off a terminal (pipes, CI logs) rich would assume 80 columns and squeeze tables; a wide
fixed width keeps indicator names whole.
"""

import sys

from rich.console import Console

_WIDTH = None if sys.stdout.isatty() else 160

out = Console(soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, soft_wrap=True, width=_WIDTH)
