"""Fixtures for the CLI tests: a command's follow polls quickly, and the audit log the commands write."""

from __future__ import annotations

import pytest

from console.actions.audit import AUDIT_FILE, AuditLog
from console.config import state_dir


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setenv("GHAECR_CONSOLE_POLL_SECONDS", "0.05")


@pytest.fixture
def audit_log() -> AuditLog:
    """The test's private audit log (tests/conftest.py points GHAECR_CONSOLE_STATE_DIR at a temp dir)."""
    return AuditLog(state_dir() / AUDIT_FILE)
