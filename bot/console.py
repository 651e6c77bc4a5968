"""The two consoles of the CLI: results to stdout, errors and warnings to stderr."""

from rich.console import Console

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
