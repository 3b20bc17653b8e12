"""Every file the code and docs point a reader to exists in the repository (a reference to a file a
contributor cannot open — a design note kept elsewhere, a renamed module — is a dead end)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A repository path (``console/ui/app.py``, ``.github/workflows/cd.yml``) or an upper-case doc (``CONTRIBUTING.md``).
REFERENCE = re.compile(
    r"(?<![\w/.$-])((?:\.?[\w-]+/)+[\w.-]+\.(?:md|py|ya?ml|toml|sh|tcss|json)|[A-Z][A-Z_]+\.md)\b"
)
# Files that are not read as prose: recorded data and generated pictures.
SKIP = re.compile(r"(__snapshots__|^screenshots/|\.svg$|\.json$|^tests/data/)")
# Where a reference is written relative to (a script's own folder, the workflows' callers).
BASES = ("", ".github/", ".github/scripts/", "console/", "console/ui/", "tests/")
# Paths that are data, not references: the simulated pipeline's test names in its fake logs, and the
# file `init` writes into another repository.
DATA = {"tests/test_checkout.py", "tests/test_login.py", ".github/GHAECR-SETUP.md"}
# Files of the libraries we build on (a workaround names the upstream file it works around).
LIBRARIES = ("textual/", "rich/", "githubkit/", "botocore/", "moto/")
# A segment in capitals is a variable or a placeholder (``$SCRIPTDIR/lib/x.sh``, ``repos/OWNER/REPO/...``).
PLACEHOLDER = re.compile(r"(^|/)[A-Z_]+/")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / n for n in names.splitlines() if not SKIP.search(n) and (ROOT / n).is_file()]


def dangling(path: Path) -> list[str]:
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        return []
    missing = []
    for number, line in enumerate(text.splitlines(), 1):
        for ref in REFERENCE.findall(line):
            if ref in DATA or ref.startswith(LIBRARIES) or PLACEHOLDER.search(ref):
                continue
            if not any((ROOT / base / ref).exists() or (path.parent / ref).exists() for base in BASES):
                missing.append(f"{path.relative_to(ROOT)}:{number}: {ref}")
    return missing


def test_every_referenced_file_exists():
    missing = [m for f in tracked_text_files() for m in dangling(f)]
    assert missing == []
