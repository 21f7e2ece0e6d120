#!/usr/bin/env bash
# Renders the HTML stocktaking report in a real browser (headless Chromium) and checks the result
# is not blank: a check that the self-contained HTML and its inline SVG actually display.
#
# Usage: Tests/Scripts/render-report.sh [OUT_DIR]
#   STOCKTAKE   the stocktake binary (default: swift build, then .build/debug/stocktake)
#   CHROMIUM    the browser (default: chromium, chromium-browser or google-chrome on PATH)
#   WIDTH       viewport width in CSS pixels (default 1280; try 390 for a phone)
# Needs python3 (standard library only) to inspect the PNG. Debian: apt-get install -y chromium
# Exit status: 0 rendered and not blank, 1 otherwise.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
width="${WIDTH:-1280}"

stocktake="${STOCKTAKE:-}"
if [[ -z "$stocktake" ]]; then
    (cd "$root" && swift build --product stocktake >&2)
    stocktake="$root/.build/debug/stocktake"
fi
browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null; then browser="$candidate"; break; fi
    done
fi
if [[ -z "$browser" ]]; then
    echo "render-report: no Chromium found; install it (Debian: apt-get install -y chromium) or set CHROMIUM" >&2
    exit 1
fi

db="$out/report.db"
rm -f "$db" "$db-wal" "$db-shm"
"$stocktake" import --db "$db" --quiet "$root/Fixtures/projects-sample.csv" >&2
"$stocktake" import --db "$db" --quiet --kind prizes "$root/Fixtures/prizes-sample.csv" >&2 || true
"$stocktake" report --db "$db" --out "$out/report.html"

png="$out/report.png"
rm -f "$png"
# --no-sandbox: containers often run as root, where Chromium's sandbox refuses to start.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,2400" \
    --screenshot="$png" "file://$out/report.html" >/dev/null 2>&1 || true
if [[ ! -s "$png" ]]; then
    echo "render-report: Chromium wrote no screenshot" >&2
    exit 1
fi

python3 "$root/Tests/Scripts/png-inked.py" "$png"
echo "render-report: ok ($out/report.html → $png)"
