"""Several repositories from the CLI: `--repo` repeated, `--all` from the config file's sections,
`status` per repository (the JSON shape of docs/status.schema.json), and actions refused with one
clear line (a write names the one repository it goes to)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.cli.test_cli_sandbox import one_line, run

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "status.schema.json").read_text())
# What changes between two reads of the same repository (time, the rate limit's count).
VOLATILE = ("fetched_at", "rate_limit")


def steady(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in VOLATILE}


def test_status_json_with_two_repos_lists_each_repositorys_own_document(sandboxes_factory, capsys):
    sbs = sandboxes_factory(["acme/shop", "acme/cart"])
    code, out, err = run(["--repo", "acme/cart", "--repo", "acme/shop", "status", "--json"], capsys)
    assert code == 0, err
    several = json.loads(out)
    jsonschema.validate(several, SCHEMA)
    assert list(several) == ["repositories"]
    cart, shop = several["repositories"]
    assert (cart["repository"], shop["repository"]) == ("acme/cart", "acme/shop")  # the order asked
    assert cart["ecr_repository"] == "cart" and shop["ecr_repository"] == "shop"
    # Each one's own waiting release, not the other's.
    assert [a["run_id"] for a in cart["pending_approvals"]] == [sbs["acme/cart"].pending_run_id]
    assert [a["run_id"] for a in shop["pending_approvals"]] == [sbs["acme/shop"].pending_run_id]
    # The same document `status --json` prints for that repository alone.
    code, out, err = run(["--repo", "acme/cart", "status", "--json"], capsys)
    assert code == 0, err
    alone = json.loads(out)
    jsonschema.validate(alone, SCHEMA)
    assert "repositories" not in alone
    assert steady(alone) == steady(cart)


def test_status_text_prints_one_block_per_repository(sandboxes_factory, capsys):
    sandboxes_factory(["acme/shop", "acme/cart"])
    code, out, err = run(["--repo", "acme/shop", "--repo", "acme/cart", "status"], capsys)
    assert code == 0, err
    shop_at, cart_at = out.index("acme/shop  ECR shop"), out.index("acme/cart  ECR cart")
    assert shop_at < cart_at
    for block in (out[shop_at:cart_at], out[cart_at:]):
        assert "WAITING" in block and "Environments" in block and "Recent runs" in block


def test_all_loads_every_repository_section_of_the_config_file(sandboxes_factory, capsys, tmp_path, monkeypatch):
    sandboxes_factory()
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\nrefresh_seconds = 60\n\n[repos."acme/search"]\necr_repository = "search"\n\n'
                      '[repos."acme/shop"]\ntargets = ["minimal", "runtime"]\n')
    monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(config))
    code, out, err = run(["--all", "status", "--json"], capsys)
    assert code == 0, err
    several = json.loads(out)
    jsonschema.validate(several, SCHEMA)
    assert [r["repository"] for r in several["repositories"]] == ["acme/search", "acme/shop"]
    # --repo adds to --all (after the sections); a repository named twice is read once.
    code, out, err = run(["--all", "--repo", "acme/cart", "--repo", "ACME/shop", "status", "--json"], capsys)
    assert code == 0, err
    assert [r["repository"] for r in json.loads(out)["repositories"]] == ["acme/search", "acme/shop", "acme/cart"]


def test_all_without_repository_sections_says_what_to_add(capsys, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[defaults]\nregion = \"eu-west-1\"\n")
    monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(config))
    code, _, err = run(["--all", "status"], capsys)
    line = one_line(err)
    assert code == 2 and '[repos."OWNER/NAME"]' in line and str(config) in line


def test_a_repository_that_cannot_be_read_is_named_and_the_others_still_print(sandboxes_factory, capsys):
    sandboxes_factory(["acme/shop", "acme/cart"])
    code, out, _ = run(["--repo", "acme/shop", "--repo", "acme/gone", "status", "--json"], capsys)
    assert code == 1
    several = json.loads(out)
    jsonschema.validate(several, SCHEMA)
    shop, gone = several["repositories"]
    assert shop["repository"] == "acme/shop" and shop["pending_approvals"]
    assert gone["repository"] == "acme/gone" and "gone" in gone["error"] and set(gone) == {"repository", "error"}


@pytest.mark.parametrize("action", [
    ["approve", "11000000001", "--comment", "ok", "--yes"],
    ["rollback", "--all", "--yes"],
    ["prune", "--yes"],
    ["rerun", "11000000001", "--yes"],
    ["cancel", "11000000001", "--yes"],
])
def test_actions_refuse_several_repositories_before_any_request(sandboxes_factory, capsys, action):
    sbs = sandboxes_factory(["acme/shop", "acme/cart"])
    before = [len(m.state.requests) for m in sbs.members]
    code, out, err = run(["--repo", "acme/shop", "--repo", "acme/cart", *action], capsys)
    line = one_line(err)
    assert code == 2 and out == ""
    assert f"`{action[0]}` works on one repository at a time" in line and "--repo OWNER/NAME" in line
    assert [len(m.state.requests) for m in sbs.members] == before  # nothing asked, nothing changed
