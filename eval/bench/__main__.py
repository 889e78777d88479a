"""`python -m eval.bench`: the same as `reportqa bench`."""

import sys

from eval.bench.cli import main

sys.exit(main())
