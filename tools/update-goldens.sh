#!/usr/bin/env bash
# Regenerates the golden results under tests/golden/ from the current build. Run it only after
# checking that a change in results is intended, and commit the diff with the reason.
# Usage: tools/update-goldens.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${1:-$repo/build}" && pwd)/riftsim
cd "$repo/tests/data"
for scenario in mini-cutoff mini-notice mini-compare; do
  "$bin" run "$scenario.yaml" --quiet --out "$repo/tests/golden/$scenario" >/dev/null
  echo "updated tests/golden/$scenario"
done
