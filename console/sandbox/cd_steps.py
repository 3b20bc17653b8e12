"""What each step of the bundled CD workflow does in the sandbox: the script a step runs (or the
action it uses) names a handler here that changes ECR through ``console.services`` like the script
does with the AWS CLI, prints log lines and sets step outputs. Steps nobody simulates take their
time and print a canned line. Mixed into the Simulator (it needs its state, ECR and clock).
"""

from __future__ import annotations

import asyncio
import json

from console.errors import ConsoleError
from console.model.plans import plan_prune
from console.sandbox import ecr_seed, pipeline
from console.sandbox.dispatch_rules import validate_inputs
from console.sandbox.ecr_seed import EcrClient, ImageSeed
from console.sandbox.graph_runner import Leg
from console.sandbox.pipeline import StepSpec
from console.sandbox.runner import RunClock, StepFailed
from console.sandbox.seed import record_staging
from console.sandbox.state import GitHubState, Job, Run
from console.sandbox.workflow_graph import GraphStep
from console.services import ecr_ops
from console.services.registry import Registry

CLEANUP_KEEP = 10  # cd.yml KEEP_RELEASES

# script (or action) -> (handler, simulated seconds)
SCRIPTS: dict[str, tuple[str | None, float]] = {
    "push-build.sh": ("push_image", 12), "smoke.sh": ("smoke", 20), "stage.sh": ("move_staging", 3),
    "commit-status.sh": ("commit_status", 1), "staging-gate.sh": ("staging_gate", 2),
    "release-order.sh": ("release_order", 3), "promote.sh": ("promote", 6), "rollback.sh": ("rollback", 5),
    "release-notes.sh": ("release_notes", 3), "cleanup.sh": ("cleanup", 6), "prune.sh": ("prune", 6),
    "validate-dispatch.sh": ("validate", 2), "ci-summary.sh": ("verify", 1),
}
USES: dict[str, tuple[str | None, float, tuple[str, ...]]] = {
    "actions/checkout": (None, 3, ("Syncing repository: acme/shop",)),
    "aws-actions/configure-aws-credentials": (None, 2, ("Assuming role with OIDC",)),
    "aws-actions/amazon-ecr-login": (None, 2, ("Logged in to the ECR registry",)),
    "actions/download-artifact": (None, 8, ("Artifact downloaded",)),
    "actions/upload-artifact": (None, 3, ("Artifact uploaded",)),
    "actions/attest-build-provenance": ("attest", 4, ()),
    "aquasecurity/trivy-action": (None, 18, ("Total: 0 (HIGH: 0, CRITICAL: 0)",)),
    "notify": (None, 2, ("notified",)),
}


class CdSteps:
    """Handlers ``_step_<name>(run, leg, clock) -> log lines``; raise StepFailed to fail the step."""

    # The Simulator's state these handlers use (Simulator.__init__ sets every one).
    st: GitHubState
    ecr: Registry
    seed: int
    targets: tuple[str, ...]
    region: str
    repository: str
    endpoint_url: str
    _boto: EcrClient | None
    _promoted: dict[tuple[int, str], ecr_ops.PromoteOutcome]  # (run id, target) -> its promotion
    _smoke_fails: set[int]  # release runs whose production smoke test fails
    # (run id, target) -> the digest that leg's last deploy step left the environment on (the
    # scripts' image_url output, which cd.yml makes the job's environment url).
    _deployed: dict[tuple[int, str], str]

    def step_spec(self, leg: Leg, step: GraphStep) -> StepSpec:
        if step.script in SCRIPTS:
            action, seconds = SCRIPTS[step.script]
            return StepSpec(step.name, seconds, (), action=action)
        uses = (step.uses or "").split("@", 1)[0]
        action, seconds, lines = USES.get(uses, (None, 2, ()))
        if uses == "" and "trivy" in step.name.lower():
            lines = USES["aquasecurity/trivy-action"][2]
        return StepSpec(step.name, seconds, lines, action=action)

    async def run_step(self, run: Run, job: Job, leg: Leg, action: str, clock: RunClock) -> list[str]:
        try:
            return await getattr(self, f"_step_{action}")(run, leg, clock)
        except ConsoleError as exc:
            raise StepFailed(f"##[error]{exc}") from None

    # --- staging --------------------------------------------------------------------------------

    async def _step_push_image(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        target = leg.target or ""
        manifest, digest, size = ecr_seed.make_manifest(self.seed, run.head_sha, target, self.targets.index(target))
        image = ImageSeed(target, run.head_sha, manifest, digest, size, clock.now(), [f"sha-{run.head_sha}-{target}"])
        if self._boto is None:
            self._boto = ecr_seed.client(self.endpoint_url, self.region)
        try:
            await asyncio.to_thread(ecr_seed.push, self._boto, self.repository, self.region, image)
        except self._boto.exceptions.ImageAlreadyExistsException:
            pass  # a re-run of the same commit: the build is already there (ECR answers the same)
        leg.set_output("digest", digest)
        return [f"{image.tags[0]}: digest: {digest} size: {size}"]

    async def _step_attest(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        digest = leg.steps.get("push", {}).get("outputs", {}).get("digest", "")
        if digest:
            self.st.add_attestation(digest, run, clock.now())
        return [f"Attestation created for {self.repository}@{digest}"]

    async def _step_move_staging(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        target = leg.target or ""
        result = await ecr_ops.stage(self.ecr, target, run.head_sha, self.st.is_ancestor)
        self._record_deployed(run, {target: result.digest})
        if result.skipped:
            return [f"##[notice]{result.skipped}"]
        return [f"staging-{target} -> {result.digest}" + ("" if result.moved else " (unchanged)")]

    async def _step_commit_status(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        failed = any_failed(leg)
        digest = leg.steps.get("push", {}).get("outputs", {}).get("digest", "")
        record_staging(self.st, run, leg.target or "", digest, not failed, clock.now())
        return [f"staging/{leg.target}: {'failure' if failed else 'success'}"]

    async def _step_smoke(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        env = "production" if leg.job.key != "staging" else "staging"
        url = f"GET https://{env}.shop.example.com/healthz"
        if leg.job.key == "production" and run.id in self._smoke_fails:
            raise StepFailed(url, "503 Service Unavailable (attempt 3 of 3)",
                             "##[error]Smoke test failed: /healthz answered 503 three times")
        return [url, "200 OK"]

    # --- release ----------------------------------------------------------------------------------

    async def _step_staging_gate(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        """staging-gate.sh: every target passed staging for the tagged commit (its build is in ECR)."""
        refs = [f"sha-{run.head_sha}-{t}" for t in self.targets]
        found = await self.ecr.get_manifests(refs)
        missing = [t for t, ref in zip(self.targets, refs) if ref not in found]
        if missing:
            raise StepFailed(f"##[error]commit {run.head_sha} never passed staging for '{missing[0]}'; "
                             "push it to main and let CD staging finish first")
        pairs = [f"{t}={found[ref].digest}" for t, ref in zip(self.targets, refs)]
        leg.set_output("digests", ",".join(pairs))
        return [f"staging tested {p.replace('=', ' at ')} for {run.head_sha}" for p in pairs]

    async def _step_release_order(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        version = run.head_branch or ""
        todo = await ecr_ops.release_check(self.ecr, self.targets, version, lambda t: f"sha-{run.head_sha}-{t}")
        leg.set_output("promote", "true" if todo else "false")
        if not todo:
            return [f"production already runs {version} for every target: nothing to promote, nothing to approve"]
        return [f"{t}: {version} to promote" for t in self.targets]

    async def _step_promote(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        version, target = run.head_branch or "", leg.target or ""
        [o] = await ecr_ops.promote(self.ecr, [target], version, lambda t: f"sha-{run.head_sha}-{t}")
        self._record_deployed(run, {target: o.digest})
        leg.set_output("digest", o.digest)
        leg.set_output("moved", "true" if o.previous_digest != o.digest else "false")
        self._promoted[(run.id, target)] = o
        return [f"previous-{target} := {o.previous_digest or '-'}; {version}-{target} and latest-{target} := {o.digest}"]

    async def _step_rollback(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        target = leg.target or ""
        if run.event != "workflow_dispatch":  # the automatic rollback after a failed smoke test
            return await self._undo_promotion(run, target)
        return await self._rollback(run, [target], run.inputs.get("to_version"))

    async def _undo_promotion(self, run: Run, target: str) -> list[str]:
        promoted = self._promoted.pop((run.id, target), None)
        if promoted is None:
            return [f"##[notice]{target}: this run promoted nothing; nothing to roll back"]
        outcome = await ecr_ops.undo_promotion(self.ecr, target, promoted.digest, promoted.previous_digest)
        if outcome is None:
            return [f"##[notice]latest-{target} already ran {promoted.digest} before this release; not rolling back"]
        self._record_deployed(run, {target: outcome.to_digest})
        return [f"latest-{target}: {outcome.from_digest or '-'} -> {outcome.to_digest} ({outcome.to_ref})"]

    async def _rollback(self, run: Run, targets: list[str], to_version: str | None) -> list[str]:
        outcomes = await ecr_ops.rollback(self.ecr, list(targets), to_version or None)
        self._record_deployed(run, {o.target: o.to_digest for o in outcomes})
        return [f"latest-{o.target}: {o.from_digest or '-'} -> {o.to_digest} ({o.to_ref})"
                + ("" if o.changed else " (already there)") for o in outcomes]

    async def _step_release_notes(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        return [f"Release {run.head_branch} published"]

    async def _step_cleanup(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        """cleanup.sh: keep the newest KEEP_RELEASES releases per target, never a protected image."""
        plan = plan_prune(await self.ecr.list_images(), self.targets, CLEANUP_KEEP)
        if not plan.digests:
            return [f"nothing to delete beyond the newest {CLEANUP_KEEP} releases"]
        return await self._prune(list(plan.digests))

    # --- dispatched operations ----------------------------------------------------------------------

    async def _step_validate(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        problem = validate_inputs(run.inputs, self.targets, run.head_branch or "")
        if problem:
            raise StepFailed(f"##[error]{problem}")
        operation = run.inputs.get("operation")
        targets = self._dispatch_targets(run.inputs) if operation == "rollback" else ()
        leg.set_output("targets", json.dumps(list(targets)))
        leg.set_output("digests", ",".join(pipeline.split_list(run.inputs.get("digests"))))
        what = run.inputs.get("targets") if operation == "rollback" else "digests"
        return [f"{operation}: {what} [{run.inputs.get('request_id') or 'no request id'}]"]

    async def _step_prune(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        return await self._prune(pipeline.split_list(run.inputs.get("digests")))

    async def _prune(self, digests: list[str]) -> list[str]:
        result = await ecr_ops.prune(self.ecr, digests, self.targets)
        # prune.sh's words: a protected digest is refused, one deleted by an earlier run is already gone.
        lines = [f"deleted {d}" for d in result.deleted]
        lines += [f"refused {d}: protected ({why})" for d, why in result.kept]
        lines += [f"already gone {d}" for d in result.gone]
        lines += [f"##[error]failed {d}: {why}" for d, why in result.failed]
        lines.append(f"{len(result.deleted)} deleted, {len(result.kept)} refused (protected), "
                     f"{len(result.gone)} already gone, {len(result.failed)} failed")
        if result.failed:
            raise StepFailed(*lines)
        return lines

    async def _step_verify(self, run: Run, leg: Leg, clock: RunClock) -> list[str]:
        """ci-summary.sh: fail when any job of the operation failed."""
        with self.st.lock:
            failed = [j.name for j in run.jobs if j.conclusion == "failure"]
        if failed:
            raise StepFailed(f"##[error]{run.inputs.get('operation')} failed: {', '.join(failed)}")
        return [f"{run.inputs.get('operation')}: every job succeeded"]


    def _record_deployed(self, run: Run, digests: dict[str, str]) -> None:
        for target, digest in digests.items():
            self._deployed[(run.id, target)] = digest

    def _dispatch_targets(self, inputs: dict[str, str]) -> tuple[str, ...]:
        named = pipeline.split_list(inputs.get("targets"))
        return self.targets if named in ([], ["all"]) else tuple(named)


def any_failed(leg: Leg) -> bool:
    return any(s.get("outcome") == "failure" for s in leg.steps.values())
