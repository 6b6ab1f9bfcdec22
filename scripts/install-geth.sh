#!/usr/bin/env bash
# Installs go-ethereum v1.13.15 — the last release that can seal Clique proof-of-authority blocks —
# into the project-local, git-ignored tools folder, building it from source with `go install` once
# per machine.
#
#   scripts/install-geth.sh            # prints the path of a working geth on stdout (last line)
#
# Order of preference (first that answers `geth version` with 1.13.15 wins):
#   1. $GETH_BIN, if set (an operator-provided binary);
#   2. .tools/geth-v1.13.15/geth in this checkout;
#   3. the machine cache ${XDG_CACHE_HOME:-$HOME/.cache}/permit-registry/geth-v1.13.15/geth,
#      copied into .tools/ (so a fresh clone on the same machine does not rebuild);
#   4. a build: `nice -n 10 go install github.com/ethereum/go-ethereum/cmd/geth@v1.13.15`.
#      Go >= 1.23 refuses the restricted linkname of an old dependency (fjl/memsize) at link time,
#      hence `-ldflags=-checklinkname=0`; if the current compiler still refuses the 2024 code, the
#      build is retried with the toolchain the release was built with (GOTOOLCHAIN=go1.21.13,
#      fetched through the Go module proxy).
# Only one build runs per machine at a time (flock on a lock file in the cache folder); a second
# caller waits for the first and then reuses its binary.
#
# Exit codes: 0 ok, 3 Go is not installed (callers may skip), 1 any other failure.
set -euo pipefail

GETH_VERSION="1.13.15"
GETH_MODULE="github.com/ethereum/go-ethereum/cmd/geth@v${GETH_VERSION}"
FALLBACK_TOOLCHAIN="go1.21.13"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS_DIR="${ROOT}/.tools/geth-v${GETH_VERSION}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/permit-registry/geth-v${GETH_VERSION}"
LOCK_FILE="${CACHE_DIR}.lock"

log() { echo "[install-geth] $*" >&2; }

is_wanted_geth() {
  [[ -x "$1" ]] && "$1" version 2>/dev/null | grep -q "^Version: ${GETH_VERSION}-stable"
}

install_into_tools() {
  # copy (not link) so the checkout works even if the cache is wiped
  mkdir -p "$TOOLS_DIR"
  cp "$1" "${TOOLS_DIR}/geth.tmp.$$" && chmod +x "${TOOLS_DIR}/geth.tmp.$$"
  mv -f "${TOOLS_DIR}/geth.tmp.$$" "${TOOLS_DIR}/geth"
}

install_into_cache() {
  mkdir -p "$CACHE_DIR"
  cp "$1" "${CACHE_DIR}/geth.tmp.$$" && chmod +x "${CACHE_DIR}/geth.tmp.$$"
  mv -f "${CACHE_DIR}/geth.tmp.$$" "${CACHE_DIR}/geth"
}

try_existing() {
  if [[ -n "${GETH_BIN:-}" ]] && is_wanted_geth "$GETH_BIN"; then
    log "using GETH_BIN=${GETH_BIN}"
    echo "$GETH_BIN"; return 0
  fi
  if is_wanted_geth "${TOOLS_DIR}/geth"; then
    is_wanted_geth "${CACHE_DIR}/geth" || install_into_cache "${TOOLS_DIR}/geth"
    log "already installed: ${TOOLS_DIR}/geth"
    echo "${TOOLS_DIR}/geth"; return 0
  fi
  if is_wanted_geth "${CACHE_DIR}/geth"; then
    install_into_tools "${CACHE_DIR}/geth"
    log "copied from the machine cache ${CACHE_DIR}/geth"
    echo "${TOOLS_DIR}/geth"; return 0
  fi
  return 1
}

try_existing && exit 0

if ! command -v go >/dev/null 2>&1; then
  log "Go is not installed: cannot build geth v${GETH_VERSION} (install Go >= 1.21, or set GETH_BIN)"
  exit 3
fi

mkdir -p "$(dirname "$LOCK_FILE")"
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log "another geth build is running on this machine (lock ${LOCK_FILE}); waiting for it..."
  flock 9
fi
# The build we waited for may have produced the binary.
try_existing && exit 0

BUILD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/geth-build.XXXXXX")"
BUILD_LOG="${CACHE_DIR}.build.log"
trap 'rm -rf "$BUILD_DIR"' EXIT

# Runs one `go install` attempt in the background, printing progress every 15 s:
# elapsed time, packages compiled so far (go -v prints one line per package) and the last one.
build_with() {
  local label="$1"; shift
  local start now pid status
  : >"$BUILD_LOG"
  log "building geth v${GETH_VERSION} (${label}) with $(env "$@" go version 2>/dev/null || echo go) — takes minutes"
  log "  env $* nice -n 10 go install -v -trimpath -ldflags=-checklinkname=0 ${GETH_MODULE}"
  log "  full log: ${BUILD_LOG}"
  start=$(date +%s)
  (
    cd "$BUILD_DIR"
    exec env GOBIN="$BUILD_DIR/bin" GOFLAGS="-buildvcs=false" "$@" \
      nice -n 10 go install -v -trimpath -ldflags=-checklinkname=0 "$GETH_MODULE"
  ) >>"$BUILD_LOG" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null || break
    now=$(date +%s)
    log "  ... $((now - start))s elapsed, $(grep -c -v '^go: downloading' "$BUILD_LOG" || true) packages built, last: $(tail -n 1 "$BUILD_LOG" | cut -c1-90)"
  done
  status=0; wait "$pid" || status=$?
  now=$(date +%s)
  if [[ $status -eq 0 && -x "$BUILD_DIR/bin/geth" ]]; then
    log "build (${label}) succeeded in $((now - start))s"
    return 0
  fi
  log "build (${label}) failed after $((now - start))s (exit ${status}); last lines:"
  tail -n 20 "$BUILD_LOG" >&2 || true
  return 1
}

if ! build_with "current toolchain" GOTOOLCHAIN=local; then
  build_with "pinned toolchain ${FALLBACK_TOOLCHAIN}" GOTOOLCHAIN="${FALLBACK_TOOLCHAIN}" || {
    log "could not build geth v${GETH_VERSION}; see ${BUILD_LOG}"
    exit 1
  }
fi

if ! is_wanted_geth "$BUILD_DIR/bin/geth"; then
  log "built binary does not report version ${GETH_VERSION}:"
  "$BUILD_DIR/bin/geth" version >&2 || true
  exit 1
fi
install_into_cache "$BUILD_DIR/bin/geth"
install_into_tools "$BUILD_DIR/bin/geth"
log "installed ${TOOLS_DIR}/geth (cached in ${CACHE_DIR}/geth)"
echo "${TOOLS_DIR}/geth"
