"""``ghaecr-console`` with the candidate fixes named in BENCH_EXPERIMENT applied (bench/experiments.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.experiments import apply_from_env

apply_from_env()

from console.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
