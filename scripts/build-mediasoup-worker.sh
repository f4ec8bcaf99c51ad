#!/usr/bin/env bash
# Builds the mediasoup 3.8.4 worker once per machine and links it into node_modules.
#
# Why: mediasoup >= 3.9 downloads its C++ dependencies at build time, which this
# network forbids; 3.8.4 ships them inside the npm package (docs/DECISIONS.md).
# Two fixes are needed on Debian 12 / Python 3.11 / glibc 2.36:
#   1. gyp: the bundled copy is Python-2 only; use the gyp-next shipped in npm's node-gyp.
#   2. abseil: SIGSTKSZ is not a constant since glibc 2.34 (std::max needs an explicit type).
# The result is cached under $MEDIASOUP_CACHE_DIR, keyed by version and PATCH_LEVEL
# (bump it whenever the build steps below change), so a fresh clone reuses it.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
pkg="$here/node_modules/mediasoup"
[ -f "$pkg/package.json" ] || { echo "mediasoup is not installed in $pkg (run npm install first)" >&2; exit 1; }
version=$(node -p "require('$pkg/package.json').version")
PATCH_LEVEL=p1
cache_root=${MEDIASOUP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consultation-mediasoup}
cache_dir="$cache_root/$version-$PATCH_LEVEL"
bin="$cache_dir/mediasoup-worker"
target_dir="$pkg/worker/out/Release"

if [ ! -x "$bin" ]; then
  echo "[mediasoup] building worker $version (cache miss: $cache_dir); this takes about 10 minutes on 2 cores"
  gyp_next="$(npm root -g)/npm/node_modules/node-gyp/gyp"
  [ -d "$gyp_next" ] || { echo "gyp-next not found at $gyp_next (npm's bundled node-gyp)" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp -r "$pkg/worker" "$work/worker"
  rm -rf "$work/worker/deps/gyp"
  cp -r "$gyp_next" "$work/worker/deps/gyp"
  absl="$work/worker/deps/libwebrtc/deps/abseil-cpp/abseil-cpp/absl/debugging/failure_signal_handler.cc"
  sed -i 's/std::max(SIGSTKSZ, 65536)/std::max<size_t>(SIGSTKSZ, 65536)/' "$absl"
  grep -q 'std::max<size_t>(SIGSTKSZ' "$absl" || { echo "abseil patch did not apply" >&2; exit 1; }
  (cd "$work" && env -u MEDIASOUP_WORKER_BIN make -C worker PYTHON=python3 CORES="$(nproc)" > "$work/build.log" 2>&1) || {
    tail -40 "$work/build.log" >&2; echo "mediasoup worker build failed" >&2; exit 1; }
  mkdir -p "$cache_dir"
  cp "$work/worker/out/Release/mediasoup-worker" "$bin.tmp"
  mv "$bin.tmp" "$bin"
  echo "[mediasoup] worker cached at $bin"
fi

mkdir -p "$target_dir"
ln -sf "$bin" "$target_dir/mediasoup-worker"
echo "[mediasoup] worker ready: $target_dir/mediasoup-worker -> $bin"
