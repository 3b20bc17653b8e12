"""Every bad input of issue 16, through the CLI as a user types it: exactly one line on stderr, a
non-zero exit, no traceback, no token — and the line names what is wrong."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.cli import main
from tests.cli.helpers import expired_profile

HUGE = "# padding\n" * 200_000  # 2 MB of comments


class _HtmlError(BaseHTTPRequestHandler):
    """A proxy in front of ECR answering every call with an HTML error page."""

    def do_POST(self):
        body = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def html_endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlError)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


# (id, argv, config file text or bytes or a path, environment, what the line must say)
CASES = [
    ("keys-value-number", ["status"], "[defaults.keys]\nrefresh = 5\n", {}, "[keys] refresh"),
    ("keys-as-list", ["status"], '[defaults]\nkeys = ["r"]\n', {}, "'keys'"),
    ("targets-numbers", ["status"], "[defaults]\ntargets = [1, 2]\n", {}, "'targets' must list names"),
    ("refresh-nan", ["status"], "[defaults]\nrefresh_seconds = nan\n", {}, "refresh_seconds"),
    ("refresh-inf", ["--refresh", "inf", "status"], None, {}, "--refresh"),
    ("refresh-huge", ["--refresh", "1e300", "status"], None, {}, "--refresh"),
    ("workflow-path", ["status"], '[defaults.workflows]\ncd = "../../../x.yml"\n', {}, "workflows.cd"),
    ("config-not-utf8", ["status"], b"[defaults]\nrepo = \"\xff\xfe\"\n", {}, "not UTF-8"),
    ("config-dev-zero", ["status"], "/dev/zero", {}, "/dev/zero is not a regular file"),
    ("config-huge", ["status"], HUGE, {}, "too large"),
    ("github-url-broken", ["--github-url", "http://[::1", "status"], None, {}, "http://[::1"),
    ("port-out-of-range", ["sandbox", "serve", "--port", "70000"], None, {}, "70000 is not a port number"),
    ("repo-newline", ["status"], None, {"GHAECR_REPO": "acme/shop\n\x1b[2J"}, "is not a repository name"),
    ("to-newline", ["rollback", "minimal", "--to", "v1\n\x1b[2J", "--yes"], None, {}, "--to must be a release"),
    ("to-staging-direct", ["rollback", "minimal", "--to", "staging", "--direct", "--yes"], None, {}, "--to must be a release"),
    ("rollback-unknown", ["rollback", "nosuch", "--yes"], None, {}, "Unknown target 'nosuch'"),
    ("target-vs-all", ["--target", "minimal", "rollback", "--all", "--yes"], None, {}, "disagree"),
    ("images-limit", ["images", "--limit", "-1"], None, {}, "--limit must be at least 1"),
    ("images-target", ["--target", "nosuch", "images"], None, {}, "Unknown target 'nosuch'"),
    ("aws-profile", ["images"], None, {"AWS_PROFILE": "nosuch"}, "AWS profile 'nosuch'"),
    ("aws-expired", ["images"], None, "expired", "expired"),
    ("ecr-html", ["images"], None, "html", "ECR DescribeImages failed"),
]


@pytest.mark.parametrize("argv, config, env, says", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_ends_in_one_line(sandbox, tmp_path, monkeypatch, capsys, html_endpoint, request, argv, config, env, says):
    if isinstance(config, bytes):
        (tmp_path / "config.toml").write_bytes(config)
        monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(tmp_path / "config.toml"))
    elif config and config.startswith("/"):
        monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", config)
    elif config:
        (tmp_path / "config.toml").write_text(config)
        monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(tmp_path / "config.toml"))
    if env == "expired":
        expired_profile(tmp_path, monkeypatch)
    elif env == "html":
        monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", html_endpoint)
    else:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's exit for a bad flag
        code = exc.code
    out, err = capsys.readouterr()
    assert code not in (0, None)
    if request.node.callspec.id == "aws-expired":
        assert code == 4  # authentication needed: log in again
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert says in lines[0]
    assert "Traceback" not in err and "\x1b" not in err and "<html" not in err
    assert sandbox.token not in out + err
