#!/usr/bin/env bash
# Installs the Debian packages the build links against, and checks the tools it cannot install.
# Idempotent: when every package is already installed it neither updates the package lists nor installs.
# Needs root for the install step (CI and the development machines run as root).
set -euo pipefail

# libopenblas-dev: CBLAS (the `openblas` pkg-config module). libsentencepiece-dev: CSentencePiece.
# pkg-config: SwiftPM resolves the CBLAS system library through it.
# libsqlite3-dev: GRDB (DraftStore) links the system SQLite. sqlite3: DraftStoreTests read and tamper with the
# drafts database from outside the program through the command-line tool.
REQUIRED_PACKAGES=(libopenblas-dev libsentencepiece-dev pkg-config libsqlite3-dev sqlite3)

log() { echo "install-deps: $*" >&2; }

is_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for package in "${REQUIRED_PACKAGES[@]}"; do
  is_installed "$package" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  log "all present: ${REQUIRED_PACKAGES[*]}"
else
  log "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    log "ERROR: installing packages needs root; run as root or: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  for package in "${missing[@]}"; do
    is_installed "$package" || { log "ERROR: $package is still not installed after apt-get install"; exit 1; }
  done
fi

# Tools that come with this machine kind rather than from apt: say plainly which one is missing.
command -v swift >/dev/null || { log "ERROR: swift is not on PATH (the Swift 6.3 toolchain is expected at /opt/swift)"; exit 1; }
python3 -m pip --version >/dev/null 2>&1 || { log "ERROR: python3 with pip is needed by scripts/fetch-models.py"; exit 1; }
pkg-config --exists openblas || { log "ERROR: pkg-config cannot find openblas although libopenblas-dev is installed"; exit 1; }
