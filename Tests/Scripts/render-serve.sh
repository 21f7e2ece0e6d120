#!/usr/bin/env bash
# Loads the web server's pages in a real browser (headless Chromium): the projects list and a
# filtered list, each at 1280 and 390 CSS pixels (a phone). Checks the DOM the browser built (the
# total shown equals `stocktake find --count` for the same filters; as many project items as the page
# holds; no script element) and that each screenshot is not blank.
#
# Usage: Tests/Scripts/render-serve.sh [OUT_DIR]
#   STOCKTAKE   the stocktake binary, with stocktake-server beside it (default: swift build, .build/debug)
#   CHROMIUM    the browser (default: chromium, chromium-browser or google-chrome on PATH)
# Skips (exit 0, with a message) when no Chromium is found. Needs python3 (standard library only).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"

browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null; then browser="$candidate"; break; fi
    done
fi
if [[ -z "$browser" ]]; then
    echo "render-serve: no Chromium found (Debian: apt-get install -y chromium, or set CHROMIUM): SKIPPED"
    exit 0
fi
stocktake="${STOCKTAKE:-}"
if [[ -z "$stocktake" ]]; then
    (cd "$root" && swift build --product stocktake >&2 && swift build --product stocktake-server >&2)
    stocktake="$root/.build/debug/stocktake"
fi

db="$out/serve.db"
rm -f "$db" "$db-wal" "$db-shm"
"$stocktake" import --db "$db" --quiet "$root/Fixtures/projects-sample.csv" >&2
"$stocktake" import --db "$db" --quiet --kind prizes "$root/Fixtures/prizes-sample.csv" >&2

"$stocktake" serve --db "$db" --port 0 >"$out/server.out" 2>"$out/server.err" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 300); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/server.out" || true)
    [[ -n "$url" ]] && break
    if ! kill -0 "$server" 2>/dev/null; then cat "$out/server.err" >&2; echo "render-serve: the server did not start" >&2; exit 1; fi
    sleep 0.1
done
if [[ -z "$url" ]]; then echo "render-serve: the server printed no URL" >&2; exit 1; fi

status=0
check() {
    local name=$1 query=$2
    shift 2
    local expected
    expected=$("$stocktake" find --db "$db" --count "$@")
    # --no-sandbox: containers often run as root, where Chromium's sandbox refuses to start.
    "$browser" --headless --no-sandbox --disable-gpu --dump-dom "$url/projects$query" >"$out/$name.dom.html" 2>/dev/null || true
    if ! python3 - "$out/$name.dom.html" "$expected" <<'PY'
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
expected = int(sys.argv[2])
match = re.search(r'id="total" data-total="(\d+)"', dom)
items = dom.count('<li class="project">')
scripts = len(re.findall(r"<script", dom, re.I))
shown = int(match.group(1)) if match else None
print(f"render-serve: {sys.argv[1]}: total {shown} (find --count: {expected}), {items} project items, {scripts} script elements")
ok = shown == expected and items == min(expected, 25) and scripts == 0
sys.exit(0 if ok else 1)
PY
    then
        echo "render-serve: the DOM of $query does not match find --count" >&2
        status=1
    fi
    for width in 1280 390; do
        local png="$out/$name-$width.png"
        rm -f "$png"
        "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,2000" \
            --screenshot="$png" "$url/projects$query" >/dev/null 2>&1 || true
        if [[ ! -s "$png" ]]; then
            echo "render-serve: Chromium wrote no screenshot of $query at $width px" >&2
            status=1
        elif ! python3 "$root/Tests/Scripts/png-inked.py" "$png"; then
            status=1
        fi
    done
}
check all ""
check filtered "?action_line=C7.e-health&region=AFR&sdg=3" --action-line C7.e-health --region AFR --sdg 3
check searched "?search=rural+health&status=ongoing" --search "rural health" --status ongoing

kill -TERM "$server"
if ! wait "$server"; then echo "render-serve: the server did not exit 0 on SIGTERM" >&2; status=1; fi
trap - EXIT
if [[ $status -eq 0 ]]; then echo "render-serve: ok ($out)"; fi
exit $status
