"""Where the read-only shared specs live, so tests do not hard-code a machine path."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
VECTORS = SHARED / "vectors"
