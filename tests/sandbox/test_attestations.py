"""Build provenance: the stand-in serves GitHub's attestations API for the digests CD staging
attested (seeded history and live pushes), schema-valid through githubkit's models; the console
reads it per digest, once."""

from __future__ import annotations

import warnings

from githubkit.utils import type_validate_python

from console.model.attestations import Provenance
from console.services.github import GitHubService
from console.services.provenance import ProvenanceReader
from tests.sandbox.helpers import tag_map

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from githubkit_schemas.latest import models as m

WORKFLOWS = ("ci.yml", "cd.yml", "security.yml")


def test_attested_digests_are_served_and_parse_through_githubkit(sandbox, gh):
    tags = tag_map(sandbox)
    attested, old = tags["latest-runtime"], tags["v1.0.0-runtime"]  # v1.0.0 predates attestations
    response = gh.get(f"/repos/{sandbox.repo}/attestations/{attested}")
    assert response.status_code == 200
    body = type_validate_python(m.ReposOwnerRepoAttestationsSubjectDigestGetResponse200, response.json())
    assert body.attestations and body.attestations[0].repository_id
    missing = gh.get(f"/repos/{sandbox.repo}/attestations/{old}")
    assert missing.status_code == 404 and type_validate_python(m.BasicError, missing.json()).message == "Not Found"


async def test_the_console_says_which_images_are_attested_and_asks_once(sandbox):
    tags = tag_map(sandbox)
    github = GitHubService(sandbox.repo, sandbox.token, sandbox.github_url)
    reader = ProvenanceReader(github, sandbox.repo, WORKFLOWS)
    try:
        digests = [tags["latest-runtime"], tags["v1.0.0-runtime"]]
        verdicts = await reader.of(digests)
        assert verdicts[tags["latest-runtime"]] == (Provenance.ATTESTED, f"attested by cd.yml of {sandbox.repo}")
        assert verdicts[tags["v1.0.0-runtime"]][0] is Provenance.NONE
        asked = github.stats.total
        assert await reader.of(digests) == verdicts and github.stats.total == asked  # cached: no request
        # Another repository's attestation is not this repository's CI.
        other = ProvenanceReader(github, "acme/other", WORKFLOWS)
        assert (await other.of(digests[:1]))[digests[0]][0] is Provenance.OTHER
    finally:
        await github.aclose()


async def test_a_live_staging_run_attests_the_digest_it_pushed(sandbox):
    sha = sandbox.push_main("Attest me")
    sandbox.wait_idle()
    digest = tag_map(sandbox)[f"sha-{sha}-minimal"]
    github = GitHubService(sandbox.repo, sandbox.token, sandbox.github_url)
    try:
        verdict = (await ProvenanceReader(github, sandbox.repo, WORKFLOWS).of([digest]))[digest]
    finally:
        await github.aclose()
    assert verdict[0] is Provenance.ATTESTED
