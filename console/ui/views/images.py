"""Images: ECR images grouped by target, newest first, filtered as you type.

The table is a VirtualTable: it paints only visible rows, and a filter keystroke swaps a list, so
10,000 images cost the same per key as 100 (see widgets/virtual_table.py)."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from console.model import Image, Snapshot
from console.model.images import image_build_sha
from console.ui.format import web_base, with_data
from console.ui.prepare import Prepared
from console.ui.views.base import View
from console.ui.widgets.virtual_table import Column, Row, VirtualTable

# Attested: ✓ build provenance from this repository's CI/CD, ≠ only from elsewhere, ✗ none, ? unchecked.
COLUMNS = [Column("Tags"), Column("Digest", 12), Column("Pushed (UTC)", 16), Column("Size", 9, "right"),
           Column("Runs in", 12), Column("Attested", 11, "center")]
EMPTY = ("No images in ECR repository '$ecr'. The CD workflow pushes sha-<commit>-<target> images on every "
         "push to main; check the repository name and region if you expected some.")
LOADING = "Loading every image of ECR repository '$ecr'… (the overview is already complete)."


class ImagesView(View):
    title = "Images"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._by_digest: dict[str, Image] = {}
        self._total = 0
        self._rows: list[Row] | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ filter images: tag, version, digest, target, prod, staging…",
                    id="images-filter", classes="filter")
        yield Static(id="images-empty", classes="empty")
        yield VirtualTable(COLUMNS, id="images-table", noun=("image", "images"))

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#images-table", VirtualTable)

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        self._by_digest = {i.digest: i for i in snapshot.images}
        self._total = prepared.image_count
        self.set_class(not snapshot.images or not snapshot.images_complete, "-empty")
        message = EMPTY if snapshot.images_complete else LOADING
        self.query_one("#images-empty", Static).update(with_data(message, ecr=snapshot.ecr_repository))
        if prepared.image_rows is not None and prepared.image_rows is not self._rows:  # else keep the table
            self._rows = prepared.image_rows
            self.table.set_rows(self._rows)
        self._count()

    @on(Input.Changed, "#images-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value)
        self._count()

    @on(Input.Submitted, "#images-filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def _count(self) -> None:
        shown = self.table.row_count
        self.table.border_title = f"Images ({shown:,} of {self._total:,})" if shown != self._total \
            else f"Images ({self._total:,})"

    def _image(self) -> Image | None:
        row = self.table.cursor_row
        return self._by_digest.get(row.key) if row and not row.header else None

    def selected_target(self) -> str | None:
        row = self.table.cursor_row
        targets = self.snapshot.targets if self.snapshot else ()
        return row.group if row and row.group in targets else None

    def selected_url(self) -> str | None:
        """The commit the image was built from (ECR has no stable web address to link)."""
        image = self._image()
        targets = self.snapshot.targets if self.snapshot else ()
        sha = image_build_sha(image, targets) if image else None
        return f"{web_base(self.settings.github_url)}/{self.settings.repo}/commit/{sha}" if sha else None

    def selected_copy(self) -> str | None:
        image = self._image()
        return image.digest if image else None

    def focus_filter(self) -> bool:
        self.query_one("#images-filter", Input).focus()
        return True
