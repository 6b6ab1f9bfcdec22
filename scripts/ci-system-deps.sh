#!/usr/bin/env bash
# Installs the Debian packages the test suite uses, when missing: poppler-utils (PDF text and
# rasterising in the PDF tests) and chromium (the real-browser tests of the web pages). Needs root (CI and the dev machines run as root).
set -euo pipefail
missing=()
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  echo "== system packages: all present"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "!! missing ${missing[*]} and not root: install them (apt-get install -y ${missing[*]}) or some tests will skip."
  exit 0
fi
echo "== installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
