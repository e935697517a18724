"""Entry point of ``python -m analysis`` (the CLI lives in analysis.pipeline.cli)."""

import sys

from analysis.pipeline.cli import main

sys.exit(main())
