#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/web) when it is missing. The tests drive
# it with playwright-core; browsers are never downloaded by Playwright (no `playwright install`).
# Needs root (CI and the dev machines run as root); without it, says what to run.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "!! /usr/bin/chromium is missing and this is not root: run 'apt-get install -y chromium' for the browser tests." >&2
  exit 1
fi
echo "== installing chromium (Debian package) for the browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
