"""The job graph of a bundled workflow, read from its YAML (``console/bundled_github`` links to ``.github``):
jobs, ``needs``, ``if``, ``environment``, ``concurrency``, the matrix, steps (name, id, ``if``, the
script a step runs) and job outputs. The simulator runs this graph (graph_runner), so what the
sandbox asks for (how many approvals, in which order, what waits for what) is what the workflow
file says, not a restatement of it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(__file__).parent.parent / "bundled_github" / "workflows"
_SCRIPT = re.compile(r"\.github/scripts/([A-Za-z0-9_.-]+\.sh)")


@dataclass(frozen=True)
class GraphStep:
    name: str
    id: str | None = None
    condition: str | None = None  # the step's `if:`
    script: str | None = None  # the .github/scripts/<name>.sh it runs, if any
    uses: str | None = None


@dataclass(frozen=True)
class GraphJob:
    key: str
    name: str  # may hold ${{ matrix.* }}
    needs: tuple[str, ...] = ()
    condition: str | None = None
    environment: str | None = None
    deployment: bool = True  # `deployment: false`: the environment's rules apply, no deployment record
    concurrency: str | None = None  # the job-level group (may hold expressions)
    matrix: dict[str, Any] = field(default_factory=dict)  # key -> list, or an expression giving one
    steps: tuple[GraphStep, ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)
    called_jobs: tuple[str, ...] = ()  # a reusable workflow's job names (`uses:` jobs)


@dataclass(frozen=True)
class Workflow:
    file: str
    concurrency: str | None
    jobs: dict[str, GraphJob]
    run_name: str = ""  # the `run-name:` template (expressions in ${{ }})
    inputs: tuple[str, ...] = ()  # the workflow_dispatch inputs it declares

    def environments(self) -> set[str]:
        return {j.environment for j in self.jobs.values() if j.environment and "${{" not in j.environment}


@functools.lru_cache(maxsize=8)
def load(file: str = "cd.yml") -> Workflow:
    doc = _read(file)
    jobs = {key: _job(key, body) for key, body in (doc.get("jobs") or {}).items()}
    # YAML 1.1 (PyYAML) reads the key `on` as True
    triggers = next((value for key, value in doc.items() if key in ("on", True)), None) or {}
    dispatch = triggers.get("workflow_dispatch") or {} if isinstance(triggers, dict) else {}
    return Workflow(file, _group(doc.get("concurrency")), jobs, str(doc.get("run-name") or ""),
                    tuple((dispatch.get("inputs") or {}).keys()))


def _read(file: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / file).read_text(encoding="utf-8")) or {}


def _job(key: str, body: dict[str, Any]) -> GraphJob:
    needs = body.get("needs") or ()
    environment = body.get("environment")
    env_name, deployment = (environment.get("name"), environment.get("deployment", True)) if isinstance(
        environment, dict) else (environment, True)
    uses = body.get("uses")
    called = _called_jobs(uses) if isinstance(uses, str) else ()
    matrix = dict((body.get("strategy") or {}).get("matrix") or {})
    return GraphJob(
        key=key,
        name=str(body.get("name") or key),
        needs=(needs,) if isinstance(needs, str) else tuple(needs),
        condition=_text(body.get("if")),
        environment=env_name,
        deployment=bool(deployment),
        concurrency=_group(body.get("concurrency")),
        matrix=matrix,
        steps=tuple(_step(s) for s in body.get("steps") or ()),
        outputs={k: str(v) for k, v in (body.get("outputs") or {}).items()},
        called_jobs=called,
    )


def _step(body: dict[str, Any]) -> GraphStep:
    uses = body.get("uses")
    run = body.get("run") or ""
    script = _SCRIPT.search(run)
    return GraphStep(
        name=str(body.get("name") or (f"Run {uses}" if uses else f"Run {run.splitlines()[0] if run else ''}")),
        id=body.get("id"),
        condition=_text(body.get("if")),
        script=script.group(1) if script else None,
        uses=uses,
    )


def _called_jobs(uses: str) -> tuple[str, ...]:
    """Job names of a reusable workflow of this repository (``$/`` or ``./`` path)."""
    file = uses.rsplit("/", 1)[-1].split("@", 1)[0]
    try:
        doc = _read(file)
    except OSError:
        return ("call",)
    return tuple(str(j.get("name") or k) for k, j in (doc.get("jobs") or {}).items())


def _group(concurrency: Any) -> str | None:
    if isinstance(concurrency, dict):
        return _text(concurrency.get("group"))
    return _text(concurrency)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
