"""`python -m bench [--only NAME] [--smoke] [--json]` (the same as `perfbot bench`)."""

import sys

from bench.runner import main

sys.exit(main())
