"""Serve a bench environment for profiling by hand: prints ``export`` lines, then waits for Ctrl-C.

    python bench/serve.py --scale large > /tmp/large.env &
    . /tmp/large.env && pyinstrument -m console images --json > /dev/null
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.environment import BenchEnv


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("small", "large"), default="large")
    args = parser.parse_args()
    with BenchEnv(args.scale) as benv:
        for key, value in sorted(benv.env().items()):
            print(f"export {key}={shlex.quote(value)}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
