"""The contents API for the files of the sandbox repository's default branch (the bundled workflows, so
`doctor` reads the same cd.yml a real repository would hold)."""

from __future__ import annotations

import base64
import hashlib

from starlette.requests import Request

from console.sandbox.http_features import Reply, not_found
from console.sandbox.state import GitHubState
from console.scaffold import bundled_files


def bundled_workflows() -> dict[str, str]:
    """path -> text of the workflows this package ships (package data: the repository's own .github)."""
    return {path: text for path, text in bundled_files() if path.startswith(".github/workflows/")}


def content_file(api: str, st: GitHubState, path: str, text: str) -> dict:
    raw = text.encode()
    sha = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
    url = f"{api}/repos/{st.full_name}/contents/{path}?ref={st.default_branch}"
    html = f"https://github.com/{st.full_name}/blob/{st.default_branch}/{path}"
    git = f"{api}/repos/{st.full_name}/git/blobs/{sha}"
    return {
        "type": "file", "encoding": "base64", "size": len(raw), "name": path.rsplit("/", 1)[-1], "path": path,
        "content": base64.encodebytes(raw).decode(), "sha": sha, "url": url, "git_url": git, "html_url": html,
        "download_url": f"https://raw.githubusercontent.com/{st.full_name}/{st.default_branch}/{path}",
        "_links": {"git": git, "html": html, "self": url},
    }


async def get_contents(request: Request, st: GitHubState, api: str) -> Reply:
    path = request.path_params["path"].strip("/")
    ref = request.query_params.get("ref", st.default_branch)
    text = st.files.get(path) if ref == st.default_branch else None
    return Reply(200, content_file(api, st, path, text)) if text is not None else not_found()
