#!/usr/bin/env bash
# Renders the pictures in docs/images from the tool's own output (iommusim explain writes an HTML page
# with its SVG walk grid), screenshotted with headless Chromium.
# Needs: a JDK and Maven (for ./iommusim) and Chromium (Debian: apt-get install chromium). It installs
# nothing; without chromium it says so and stops.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if ! command -v chromium >/dev/null 2>&1; then
  echo "render: needs chromium on PATH (Debian package 'chromium'); install it and run again" >&2
  exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
shoot() { # page.html out.png width height
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --hide-scrollbars \
    --window-size="$3,$4" --screenshot="$2" "file://$1" >/dev/null 2>&1
  echo "render: wrote $2"
}
# A cold 4-over-4 nested walk with the paging-structure caches off: all 24 references.
sed 's/^machine vtd$/machine vtd ss_psc=0 fs_psc=0/' docs/examples/vtd-nested-setup.ios > "$tmp/cold.ios"
./iommusim explain --vendor vtd --setup "$tmp/cold.ios" --sid 8 --pasid 5 --iova 0x70001234 --html "$tmp/cold.html" >/dev/null
shoot "$tmp/cold.html" docs/images/vtd-nested-walk-cold.png 820 1300
# The same walk with the model's caches as configured by default: the second-stage paging-structure
# cache answers the repeated upper levels.
./iommusim explain --vendor vtd --setup docs/examples/vtd-nested-setup.ios --sid 8 --pasid 5 --iova 0x70001234 --html "$tmp/warm.html" >/dev/null
shoot "$tmp/warm.html" docs/images/vtd-nested-walk-cached.png 820 1000
# A sweep of the IOTLB size under a Zipf workload on the VFIO-built machine of docs/examples.
./iommusim trace gen --workload zipf --pages 256 --count 20000 --sid 0x10 "$tmp/zipf.trace" >/dev/null
./iommusim trace replay "$tmp/zipf.trace" --setup docs/examples/vtd-vfio-setup.ios \
  --sweep iotlb-entries=16,32,64,128,256 --html "$tmp/sweep.html" >/dev/null
shoot "$tmp/sweep.html" docs/images/iotlb-sweep.png 1000 900
