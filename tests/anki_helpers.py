"""Importing .apkg files into a real Anki collection (the ``anki`` package from PyPI)."""

from __future__ import annotations

import re
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

TEMPLATE_ERRORS = ("template has a problem", "templates/errors", "no field called", "{{", "}}")


def fresh_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_apkg(col: Collection, apkg: Path):
    """Import like a user does (Anki's defaults: update notes whose mtime is newer)."""
    request = ImportAnkiPackageRequest(package_path=str(apkg.resolve()), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def visible_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html).strip()
