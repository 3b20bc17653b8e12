"""Text is data in the CLI tables: `status`, `images` and `audit` print markup and escapes from
GitHub, ECR and the audit log as written — exit 0, nothing hidden, nothing sent to the terminal."""

from __future__ import annotations

import json

from console.cli import main
from tests.hostile import HOSTILE, LOCAL_USER, RUN_NAME, assert_shown_literally, make_hostile

HOSTILE_TAG = "v9.9.9-[link=https://evil.example/x]x[/link]"


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_status_shows_hostile_github_text_literally(sandbox, capsys, monkeypatch):
    make_hostile(sandbox, monkeypatch)
    code, out, err = run(["status"], capsys)
    assert code == 0, err
    assert_shown_literally(out.replace("\n", ""))  # long cells wrap
    assert RUN_NAME in out


def test_images_shows_a_hostile_tag_literally(sandbox, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # no cell cut short
    ecr = sandbox.ecr_client()
    [image] = ecr.batch_get_image(repositoryName=sandbox.ecr_repository, imageIds=[{"imageTag": "latest-minimal"}])["images"]
    ecr.put_image(repositoryName=sandbox.ecr_repository, imageManifest=image["imageManifest"], imageTag=HOSTILE_TAG)
    code, out, err = run(["images", "--limit", "100"], capsys)
    assert code == 0, err
    assert HOSTILE_TAG in out


def test_audit_shows_a_hostile_local_user_and_reason_literally(sandbox, capsys, monkeypatch):
    monkeypatch.setenv("LOGNAME", LOCAL_USER)
    # Not a terminal and no --yes: refused, and recorded as cancelled with this user and reason.
    code, _, err = run(["rollback", "minimal", "--reason", HOSTILE], capsys)
    assert code != 0 and "--yes" in err
    code, out, err = run(["audit"], capsys)
    assert code == 0, err
    assert LOCAL_USER in out and "\x1b" not in out
    code, out, _ = run(["audit", "--json"], capsys)
    [record] = json.loads(out)
    assert record["local_user"] == LOCAL_USER
