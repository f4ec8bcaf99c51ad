#!/usr/bin/env bash
# Installs everything the system needs on a fresh Debian 12 machine, then builds it.
# Idempotent: each step is skipped when its result is already there.
#   SKIP_APT=1     do not try apt-get (report missing packages instead)
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-cjk: Chinese glyphs in Chromium (screenshots, PDF minutes, members on Linux desktops).
# espeak-ng, sox: synthesised speech for the transcript tests and bench:asr.
# pocketsphinx, pocketsphinx-en-us: the English recogniser (libpocketsphinx3 comes with it).
# poppler-utils: pdftoppm, to look at the rendered PDF minutes in tests.
# prometheus: promtool, which checks /metrics in the tests (the Prometheus server itself is not started).
# libreoffice-writer-nogui: opens the Word minutes in the tests (and converts office files to PDF).
APT_PACKAGES=(chromium redis-server ffmpeg fonts-noto-cjk espeak-ng sox pocketsphinx pocketsphinx-en-us poppler-utils prometheus libreoffice-writer-nogui)
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${APT_PACKAGES[@]}"; do have_pkg "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "${SKIP_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[setup] missing Debian packages: ${missing[*]}" >&2
    echo "[setup] install them with: sudo apt-get install ${missing[*]}" >&2
    echo "[setup] (the server runs without them; browser tests need chromium, Redis tests need redis-server)" >&2
  fi
fi

# npm packages: reinstall when the lock file changed since the last install.
stamp=node_modules/.setup-lock-hash
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "[setup] npm ci"
  # mediasoup's own postinstall would try to build the worker; ours does it with a cache.
  MEDIASOUP_WORKER_BIN=/dev/null npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

bash scripts/build-mediasoup-worker.sh

echo "[setup] building server and client"
npx tsc -b
npm run build -w client --silent
echo "[setup] done"
