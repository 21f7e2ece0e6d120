#!/usr/bin/env bash
# Builds one self-contained `stocktake` (Swift runtime linked statically) and checks that it works
# copied alone to another directory: no Swift runtime library in ldd, migrations inside the binary.
# Needs only libsqlite3 (and libc/libstdc++) on the target machine.
#
# Usage: Tests/Scripts/check-static-binary.sh [OUTPUT_DIR]   (default: a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

swift build -c release --static-swift-stdlib --scratch-path .build-static --product stocktake
binary="$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/stocktake"

if ldd "$binary" | grep -Ei 'libswift|libFoundation|libdispatch|libBlocksRuntime|lib_FoundationICU'; then
    echo "FAIL: the binary links a Swift runtime library dynamically" >&2
    exit 1
fi

out=${1:-$(mktemp -d)}
mkdir -p "$out"
cp "$binary" "$out/stocktake"
cd "$out"
rm -f stocktaking.db stocktaking.db-wal stocktaking.db-shm
./stocktake init
./stocktake migrate --status --format csv | grep -q '0001_schema,applied'
./stocktake import --quiet "$root/Fixtures/projects-sample.csv"
test "$(./stocktake ref sdgs --format csv | wc -l)" -eq 18
test "$(sqlite3 stocktaking.db 'PRAGMA integrity_check')" = ok
./stocktake --generate-completion-script bash > stocktake.bash
grep -q '_stocktake' stocktake.bash
echo "OK: $out/stocktake ($(du -h stocktake | cut -f1)) works alone; ldd:"
ldd stocktake
