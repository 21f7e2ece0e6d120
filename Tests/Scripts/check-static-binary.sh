#!/usr/bin/env bash
# Builds the release `stocktake` exactly as the README says (`swift build -c release`: Package.swift
# links it fully statically — Swift runtime, libc and SQLite) and checks that it works copied alone to
# another directory: no dynamic dependencies at all, migrations inside the binary, and the SQLite
# linked in is the system's (same version and compile options as the libsqlite3 the sqlite3 CLI uses).
#
# Usage: Tests/Scripts/check-static-binary.sh [OUTPUT_DIR]   (default: a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

swift build -c release --scratch-path .build-static --product stocktake
binary="$(swift build -c release --scratch-path .build-static --show-bin-path)/stocktake"

# A dynamically linked executable names its loader (an INTERP program header) and its libraries.
if readelf --program-headers --dynamic "$binary" | grep -E 'INTERP|NEEDED'; then
    echo "FAIL: the release binary is not fully static (above: its loader or needed libraries)" >&2
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
# The linked-in SQLite is the system's: same version, same compile options (FTS5 among them).
sqlite3 :memory: 'SELECT sqlite_version(); PRAGMA compile_options' > system-sqlite.txt
# (our CSV ends records with CRLF, RFC 4180; the header line of each answer is dropped)
{ ./stocktake sql --format csv 'SELECT sqlite_version()' | tail -n +2
  ./stocktake sql --format csv 'PRAGMA compile_options' | tail -n +2; } | tr -d '\r' > linked-sqlite.txt
diff system-sqlite.txt linked-sqlite.txt
./stocktake --generate-completion-script bash > stocktake.bash
grep -q '_stocktake' stocktake.bash
echo "OK: $out/stocktake ($(du -h stocktake | cut -f1)) works alone, with no dynamic dependency"
