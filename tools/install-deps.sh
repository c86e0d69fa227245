#!/usr/bin/env bash
# Installs the Debian 12 packages riftsim needs, only those that are missing.
# Idempotent and quiet when everything is already there, so `make` can call it every time.
# `install-deps.sh fuzz` adds what `make fuzz` needs (clang, its libFuzzer and sanitizer runtimes, and
# llvm-symbolizer for readable reports); plain builds stay on GCC.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsimgrid-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libgtest-dev
  libcli11-dev nlohmann-json3-dev libbenchmark-dev libjemalloc-dev
  python3 python3-matplotlib python3-pandas python3-yaml python3-jsonschema
)
if [ "${1:-}" = fuzz ]; then
  packages+=(clang libclang-rt-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "riftsim: installing missing packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "riftsim: not root and no sudo; install these packages first: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
