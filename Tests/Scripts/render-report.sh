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

python3 - "$png" <<'PY'
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, color_type = 8, b"", 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color_type = struct.unpack(">IIBB", chunk[:10])
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + length
raw = zlib.decompress(idat)
channels = {2: 3, 6: 4, 0: 1, 4: 2}[color_type]
stride = width * channels
# Undo the PNG row filters, then count pixels that are not background white.
previous = bytearray(stride)
rows, offset = [], 0
for _ in range(height):
    kind = raw[offset]; row = bytearray(raw[offset + 1:offset + 1 + stride]); offset += 1 + stride
    for i in range(stride):
        left = row[i - channels] if i >= channels else 0
        up = previous[i]
        upper_left = previous[i - channels] if i >= channels else 0
        if kind == 1: row[i] = (row[i] + left) & 255
        elif kind == 2: row[i] = (row[i] + up) & 255
        elif kind == 3: row[i] = (row[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - upper_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
            row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 255
    rows.append(row); previous = row
inked = colours = 0
seen = set()
for row in rows[::4]:
    for x in range(0, width, 4):
        pixel = bytes(row[x * channels:x * channels + 3])
        seen.add(pixel)
        if pixel != b"\xff\xff\xff": inked += 1
samples = len(rows[::4]) * len(range(0, width, 4))
share = inked / samples
print(f"render-report: {path}: {width}x{height}, {share:.1%} of sampled pixels inked, {len(seen)} distinct colours")
if share < 0.02 or len(seen) < 8:
    print("render-report: the page looks blank", file=sys.stderr)
    sys.exit(1)
PY
echo "render-report: ok ($out/report.html → $png)"
