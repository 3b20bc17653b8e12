"""One order of release versions on both paths: the workflows' ``version_cmp`` (bash, refusing an
older release in release-order.sh and promote.sh) and the console's ``version_key`` (drift, the
release-order check of ecr_ops, the rollback dialog's list) agree on every pair."""

from __future__ import annotations

import itertools
import subprocess

from console.model.environments import version_key
from tests.workflows.helpers import SCRIPTS

# Forms validate_version admits: short cores, pre-releases with numeric and text fields, a 4th field.
VERSIONS = ["v1", "v1.0.0", "v1.4", "v1.4.0-rc.1", "v1.4.0-rc.2", "v1.4.0-rc.10", "v1.4.0-rc.2.1", "v1.4.0-beta",
            "v1.4.0-1", "v1.4.0-rc1", "v1.4.0", "v1.4.1", "v1.10.0", "v1.9.0", "v2.0.0-alpha", "v2", "v1.4.0.1"]


def _cmp(a: str, b: str) -> int:
    ka, kb = version_key(a), version_key(b)
    return (ka > kb) - (ka < kb)


def test_version_key_orders_every_pair_as_the_workflows_version_cmp_does():
    pairs = list(itertools.permutations(VERSIONS, 2))
    snippet = '. "$1/lib/common.sh"; shift; while [ $# -gt 0 ]; do version_cmp "$1" "$2"; shift 2; done'
    proc = subprocess.run(["bash", "-c", snippet, "-", str(SCRIPTS), *itertools.chain.from_iterable(pairs)],
                          capture_output=True, text=True, check=False, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    assert proc.returncode == 0, proc.stderr
    script = [int(line) for line in proc.stdout.split()]
    assert len(script) == len(pairs)
    disagree = [(a, b, s, _cmp(a, b)) for (a, b), s in zip(pairs, script) if s != _cmp(a, b)]
    assert disagree == []
