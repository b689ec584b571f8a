#!/usr/bin/env bash
# MCAP interop with an independent implementation (npm @mcap/core + @foxglove/rosmsg2-serialization,
# installed by scripts/setup into tests/mcap_interop/node_modules):
#   1. fovea writes bags (none, lz4, zstd chunks); @mcap/core reads them and checks schemas,
#      channels, counts, CRCs and every decoded field (read_fovea_bag.js);
#   2. @mcap/core writes bags (zstd, lz4, uncompressed chunks, unchunked); fovea replays them with
#      McapImageSource and checks every frame (mcap_interop_peer check).
# Usage: run_interop.sh PEER_BINARY WORK_DIR. Exits 77 (ctest: skipped) without node or node_modules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peer="$1"
work="$2"
if ! command -v node >/dev/null || [[ ! -f "$here/node_modules/@mcap/core/package.json" ]]; then
  echo "mcap_interop: skipped: node or tests/mcap_interop/node_modules missing (run scripts/setup)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
export NODE_PATH="$here/node_modules"
"$peer" write "$work"
for bag in "$work"/fovea_*.mcap; do
  node "$here/read_fovea_bag.js" "$bag"
done
node "$here/write_node_bags.js" "$work"
"$peer" check "$work"/node_*.mcap
echo "mcap_interop: all checks passed"
