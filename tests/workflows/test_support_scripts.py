"""The scripts around the deploy: production gate, commit status, release notes, CI summary,
security counting and the one findings issue, notifications. GitHub is a recording `gh` double;
Discord is a local HTTP server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

SHA = "c" * 40
DIGEST = "sha256:" + "d" * 64


def write(path: str, data) -> None:
    Path(path).write_text(data if isinstance(data, str) else json.dumps(data))


def grype(severity: str, fix_state: str) -> dict:
    return {"vulnerability": {"severity": severity, "fix": {"state": fix_state}}}


def status(context: str, state: str, description: str) -> dict:
    return {"context": context, "state": state, "description": description}


# --- production gate -------------------------------------------------------------------------


def test_staging_gate_returns_the_digest_staging_tested(run_offline, fake_gh):
    # Two pages, newest first: the latest staging/runtime status decides.
    pages = json.dumps([status("staging/runtime", "success", f"smoke-tested {DIGEST}"), status("ci", "success", "")])
    pages += json.dumps([status("staging/runtime", "failure", "staging failed")])
    write(fake_gh.env["GH_STATUSES"], pages)
    result = run_offline("staging-gate.sh", path_prefix=fake_gh.path, HEAD_SHA=SHA, TARGET="runtime", **fake_gh.env)
    assert result.returncode == 0, result.stderr
    assert result.outputs == {"digest": DIGEST, "digests": f"runtime={DIGEST}"}
    assert fake_gh.calls() == [f"api --paginate repos/acme/shop/commits/{SHA}/statuses?per_page=100"]


def test_release_preflight_needs_every_targets_staging_status_before_anyone_reviews(run_offline, fake_gh):
    """The preflight job (no environment) runs this for all targets: one missing status fails the
    release before the production legs exist, so nothing waits for review and nothing is promoted."""
    other = "sha256:" + "e" * 64
    write(fake_gh.env["GH_STATUSES"], [status("staging/runtime", "success", f"smoke-tested {DIGEST}")])
    missing = run_offline("staging-gate.sh", path_prefix=fake_gh.path, HEAD_SHA=SHA, TARGETS="all", **fake_gh.env)
    assert missing.returncode == 1
    assert missing.errors == [
        f"::error::commit {SHA} never passed staging for 'minimal' (commit status staging/minimal: none); "
        "push it to main and let CD staging finish first"
    ]
    assert missing.outputs == {}  # no digests: the production legs' `if` cannot pass
    write(fake_gh.env["GH_STATUSES"], [status("staging/runtime", "success", f"smoke-tested {DIGEST}"),
                                       status("staging/minimal", "success", f"smoke-tested {other}")])
    both = run_offline("staging-gate.sh", path_prefix=fake_gh.path, HEAD_SHA=SHA, TARGETS="all", **fake_gh.env)
    assert both.returncode == 0, both.stderr
    assert both.outputs == {"digests": f"minimal={other},runtime={DIGEST}"}


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        ([], "none"),
        ([status("staging/minimal", "success", f"smoke-tested {DIGEST}")], "none"),
        ([status("staging/runtime", "failure", "staging failed"), status("staging/runtime", "success", DIGEST)], "failure"),
        ([status("staging/runtime", "success", "no digest here")], "success"),
    ],
    ids=["no-status", "other-target", "latest-failed", "no-digest"],
)
def test_staging_gate_refuses_a_commit_that_never_passed_staging(run_offline, fake_gh, statuses, state):
    write(fake_gh.env["GH_STATUSES"], statuses)
    result = run_offline("staging-gate.sh", path_prefix=fake_gh.path, HEAD_SHA=SHA, TARGET="runtime", **fake_gh.env)
    assert result.returncode == 1
    assert result.errors == [
        f"::error::commit {SHA} never passed staging for 'runtime' (commit status staging/runtime: {state}); "
        "push it to main and let CD staging finish first"
    ]


def test_commit_status_records_what_staging_tested(run_offline, fake_gh):
    result = run_offline("commit-status.sh", path_prefix=fake_gh.path, HEAD_SHA=SHA, CONTEXT="staging/minimal",
                         STATE="success", DESCRIPTION=f"smoke-tested {DIGEST}", **fake_gh.env)
    assert result.returncode == 0, result.stderr
    assert fake_gh.calls() == [
        f"api --method POST repos/acme/shop/statuses/{SHA} -f state=success -f context=staging/minimal "
        f"-f description=smoke-tested {DIGEST} --silent"
    ]


# --- release notes and summaries -----------------------------------------------------------------


def test_release_notes_list_each_targets_digest(run_offline, fake_gh, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "minimal.md").write_text(f"| minimal | `{DIGEST}` |\n")
    result = run_offline("release-notes.sh", path_prefix=fake_gh.path, VERSION="v1.4.0-rc.1", NOTES_DIR=str(notes), **fake_gh.env)
    assert result.returncode == 0, result.stderr
    calls = fake_gh.calls()
    assert calls[0] == "release view v1.4.0-rc.1"
    assert calls[1].startswith("release create v1.4.0-rc.1 --verify-tag --title v1.4.0-rc.1 --generate-notes --notes-file ")
    assert calls[1].endswith(" --prerelease")
    assert f"| minimal | `{DIGEST}` |" in calls
    rerun = run_offline("release-notes.sh", path_prefix=fake_gh.path, VERSION="v1.4.0-rc.1", NOTES_DIR=str(notes),
                        GH_RELEASE_EXISTS="0", **fake_gh.env)
    assert rerun.returncode == 0 and "already exists" in rerun.stdout


def test_ci_summary_fails_on_a_failed_or_cancelled_gate(run_offline):
    needs = {"lint": {"result": "success"}, "build": {"result": "failure"}, "test": {"result": "cancelled"},
             "security": {"result": "skipped"}}
    result = run_offline("ci-summary.sh", NEEDS_JSON=json.dumps(needs))
    assert result.returncode == 1
    assert result.errors == ["::error::CI failed: build, test"]
    assert "| build | failure |" in result.summary
    ok = run_offline("ci-summary.sh", NEEDS_JSON=json.dumps({"lint": {"result": "success"}}), TITLE="rollback")
    assert ok.returncode == 0 and ok.summary.startswith("## rollback")


# --- security ----------------------------------------------------------------------------------

TRIVY = {"Results": [
    {"Vulnerabilities": [{"VulnerabilityID": "CVE-1"}, {"VulnerabilityID": "CVE-2"}]},
    {"Secrets": [{"RuleID": "aws-access-key-id"}]},
    {"Misconfigurations": [{"Status": "FAIL"}, {"Status": "PASS"}]},
    {"Target": "clean"},
]}


@pytest.mark.parametrize(
    ("fmt", "report", "count"),
    [
        ("trivy", TRIVY, "4"),
        ("trivy", {"Results": []}, "0"),
        # Only fixable medium-and-up matches count: the JSON lists every severity whatever the cutoff.
        ("grype", {"matches": [grype("High", "fixed"), grype("Critical", "fixed"), grype("Medium", "fixed"),
                               grype("Low", "fixed"), grype("Negligible", "fixed"), grype("Unknown", "fixed"),
                               grype("Critical", "not-fixed"), grype("High", "wont-fix"), {}]}, "3"),
        ("sarif", {"runs": [{"results": [{}, {}]}, {"results": [{}]}, {}]}, "3"),
    ],
)
def test_security_count_reads_each_report_format(run_offline, tmp_path, fmt, report, count):
    path = tmp_path / "report.json"
    write(str(path), report)
    result = run_offline("security-count.sh", REPORT_FORMAT=fmt, REPORT_FILE=str(path), LABEL="scan")
    assert result.returncode == 0, result.stderr
    assert result.outputs == {"count": count}


def test_security_count_fails_when_the_scanner_left_no_report(run_offline, tmp_path):
    result = run_offline("security-count.sh", REPORT_FORMAT="trivy", REPORT_FILE=str(tmp_path / "missing.json"))
    assert result.returncode == 1 and "the scanner did not finish" in result.errors[0]


def scan_env(secrets: str = "0", vulns: str = "0", vuln_result: str = "success") -> dict:
    return {"RUN_URL": "https://github.com/acme/shop/actions/runs/9", "SCANS": "secrets vulnerabilities",
            "SECRETS_RESULT": "success", "SECRETS_FINDINGS": secrets,
            "VULNERABILITIES_RESULT": vuln_result, "VULNERABILITIES_FINDINGS": vulns}


def test_findings_open_one_issue(run_offline, fake_gh):
    write(fake_gh.env["GH_ISSUES"], [])
    result = run_offline("security-issue.sh", path_prefix=fake_gh.path, **fake_gh.env, **scan_env(secrets="2", vulns="5"))
    assert result.returncode == 0, result.stderr
    calls = fake_gh.calls()
    assert calls[0] == "issue list --label security-scan --state open --json number --limit 1"
    assert calls[1].startswith("label create security-scan")
    assert calls[2].startswith("issue create --title Security scan findings --label security-scan --body-file ")
    assert "| secrets | success | 2 |" in calls and "| vulnerabilities | success | 5 |" in calls


def test_findings_update_the_open_issue_instead_of_opening_another(run_offline, fake_gh):
    write(fake_gh.env["GH_ISSUES"], [{"number": 17}])
    result = run_offline("security-issue.sh", path_prefix=fake_gh.path, **fake_gh.env,
                         **scan_env(vulns="", vuln_result="failure"))
    assert result.returncode == 0, result.stderr
    calls = fake_gh.calls()
    assert not any(c.startswith("issue create") for c in calls)
    assert calls[1].startswith("issue edit 17 --body-file ")
    assert "| vulnerabilities | failure | ? |" in calls  # a scan that did not finish is a problem too
    assert any(c.startswith("issue comment 17 --body Still failing: 0 finding(s), 1 scan(s) not clean") for c in calls)


def test_a_clean_scan_closes_the_issue(run_offline, fake_gh):
    write(fake_gh.env["GH_ISSUES"], [{"number": 17}])
    result = run_offline("security-issue.sh", path_prefix=fake_gh.path, **fake_gh.env, **scan_env())
    assert result.returncode == 0, result.stderr
    assert fake_gh.calls()[1:] == ["issue close 17 --comment The scan https://github.com/acme/shop/actions/runs/9 is clean: closing."]
    write(fake_gh.env["GH_ISSUES"], [])
    fake_gh.log.unlink()
    quiet = run_offline("security-issue.sh", path_prefix=fake_gh.path, **fake_gh.env, **scan_env())
    assert quiet.returncode == 0 and len(fake_gh.calls()) == 1


# --- notifications -----------------------------------------------------------------------------


def test_notification_payloads_carry_text_as_data(run_offline, tmp_path):
    out = tmp_path / "notify"
    details = 'reason: "bad" deploy & co\n@everyone <!channel> <https://evil.example/x|the run> `x`'
    result = run_offline("notify-payload.sh", EVENT="rollback", STATUS="failure", TARGETS="runtime", DETAILS=details,
                         OUT_DIR=str(out), GITHUB_SERVER_URL="https://github.com", GITHUB_REPOSITORY="acme/shop", GITHUB_RUN_ID="77")
    assert result.returncode == 0, result.stderr
    slack = json.loads((out / "slack.json").read_text())
    discord = json.loads((out / "discord.json").read_text())
    run_url = "https://github.com/acme/shop/actions/runs/77"
    # Slack: the reason cannot mention a channel nor make a link; the run URL is the only link.
    assert slack == {
        "text": "❌ acme/shop rollback (runtime) failure\n"
                'reason: "bad" deploy &amp; co\n@everyone &lt;!channel&gt; &lt;https://evil.example/x|the run&gt; `x`\n'
                f"<{run_url}>",
        "unfurl_links": False, "unfurl_media": False,
    }
    assert "<!channel>" not in slack["text"] and "<https://evil" not in slack["text"]
    # Discord: the text as written, mentions disabled.
    assert discord == {"content": f"❌ acme/shop rollback (runtime) failure\n{details}\n{run_url}",
                       "allowed_mentions": {"parse": []}}


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    status = 204

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((self.path, self.headers["Content-Type"], body))
        self.send_response(_Hook.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    _Hook.received, _Hook.status = [], 204
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/webhooks/123/s3cr3t-token", _Hook
    server.shutdown()


def test_discord_receives_the_payload_and_the_url_never_shows(run_offline, tmp_path, webhook):
    url, hook = webhook
    payload = tmp_path / "discord.json"
    payload.write_text('{"content": "hi", "allowed_mentions": {"parse": []}}')
    result = run_offline("notify-discord.sh", DISCORD_WEBHOOK_URL=url, PAYLOAD_FILE=str(payload))
    assert result.returncode == 0, result.stderr
    assert hook.received == [("/api/webhooks/123/s3cr3t-token", "application/json", payload.read_bytes())]
    hook.status = 400  # a rejected payload (5xx would be retried first)
    failed = run_offline("notify-discord.sh", DISCORD_WEBHOOK_URL=url, PAYLOAD_FILE=str(payload))
    assert failed.returncode == 1
    assert failed.errors == ["::error::Discord rejected the notification or could not be reached (the webhook address is not shown)"]
    assert "s3cr3t" not in failed.stdout + failed.stderr


def test_vulnerability_counts_of_the_released_images_add_up_or_say_a_scan_did_not_finish(run_offline, tmp_path):
    counts = tmp_path / "counts"
    counts.mkdir()
    (counts / "minimal.txt").write_text("2\n")
    (counts / "runtime.txt").write_text("5\n")
    total = run_offline("sum-findings.sh", COUNTS_DIR=str(counts), EXPECTED="2")
    assert total.returncode == 0 and total.outputs == {"count": "7"}
    missing = run_offline("sum-findings.sh", COUNTS_DIR=str(counts), EXPECTED="3")
    assert missing.returncode == 1 and missing.outputs == {"count": "?"}
    assert missing.errors == ["::error::2 of 3 image scans reported a count: a scan did not finish"]


def test_the_approval_request_names_the_console_command(run_offline, tmp_path, workflows):
    """cd.yml's awaiting-approval job: Slack and Discord both say how to approve the waiting run."""
    call = workflows["cd.yml"]["jobs"]["awaiting-approval"]["with"]
    details = call["details"].replace("${{ format('", "").replace("', github.run_id) }}", "").replace("{0}", "4242")
    out = tmp_path / "notify"
    result = run_offline("notify-payload.sh", EVENT=call["event"], STATUS=call["status"], VERSION="v1.4.0",
                         TARGETS=call["targets"], DETAILS=details, OUT_DIR=str(out), GITHUB_REPOSITORY="acme/shop",
                         GITHUB_RUN_ID="4242")
    assert result.returncode == 0, result.stderr
    slack = json.loads((out / "slack.json").read_text())["text"]
    discord = json.loads((out / "discord.json").read_text())["content"]
    assert slack.startswith("⏳ acme/shop approval needed v1.4.0 (minimal,runtime) waiting\n")
    for text in (slack, discord):
        assert "ghaecr-console approve 4242" in text
