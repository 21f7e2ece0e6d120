#!/usr/bin/env bash
# Builds and runs the libFuzzer targets.
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET]     TARGET: csv-reader | resolvers | workbook | all (default: 60 s, all)
#
# The targets are compiled with swiftc directly (not SwiftPM: an executable without `main` would
# break `swift build`), from the package's own sources, into .build-fuzz/:
#   Digest, SafeText, CSV, SQLite, Stocktaking, Workbook as static libraries instrumented with -sanitize=fuzzer,address
#   (Workbook's C libraries, Expat, minizip and zlib, are the system's, not instrumented);
#   Stocktaking gets its EmbeddedMigrations.swift from Sources/MigrationEmbedder, as the build plugin does;
#   CSVReaderFuzzChecks and ResolverFuzzChecks (Tests/Fuzz/*FuzzChecks/: what an input means and what
#   must hold for it, also SwiftPM targets that the regression tests replay kept inputs with) likewise.
# Each target runs for SECONDS with a persistent corpus (.build-fuzz/corpus/TARGET, seeded from
# Fixtures/ and Tests/Fuzz/resolver-seeds.txt). A crash, failed invariant, timeout or out-of-memory
# input is copied into Fixtures/fuzz-regressions/TARGET/ (the *FuzzRegressionTests replay them) and the
# script exits 1. FUZZ_NICE (default 10) sets the nice level of the fuzzing processes.
set -euo pipefail

seconds="${1:-60}"
target="${2:-all}"
case "$target" in csv-reader|resolvers|workbook|all) ;; *) echo "usage: $0 [SECONDS] [csv-reader|resolvers|workbook|all]" >&2; exit 64 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out/lib" "$out/gen" "$out/bin"
cd "$root"

swiftc="${SWIFTC:-swiftc}"
flags=(-O -sanitize=fuzzer,address -parse-as-library -g -I "$out/lib")

# A module is rebuilt when any of its inputs is newer than its library.
needs_build() {
    local product="$1"; shift
    [[ ! -e "$product" ]] && return 0
    [[ -n "$(find "$@" -newer "$product" -print -quit)" ]]
}

build_module() {
    local name="$1"; shift
    local lib="$out/lib/lib$name.a"
    if needs_build "$lib" "$@" "$0"; then
        echo "fuzz: compiling $name" >&2
        "$swiftc" "${flags[@]}" -I Sources/CSQLite -I Sources/CExpat -I Sources/CMinizip -Xcc -I/usr/include/minizip \
            -module-name "$name" -emit-library -static \
            -emit-module -emit-module-path "$out/lib/$name.swiftmodule" -o "$lib" "$@"
    fi
}

# The checks modules import a package module: rebuild one when the module it imports was rebuilt.
rebuild_after() {
    if [[ "$out/lib/lib$1.a" -nt "$out/lib/lib$2.a" ]]; then rm -f "$out/lib/lib$2.a"; fi
}

build_csv_reader() {
    build_module SafeText Sources/SafeText/*.swift
    build_module CSV Sources/CSV/*.swift
    rebuild_after CSV CSVReaderFuzzChecks
    build_module CSVReaderFuzzChecks Tests/Fuzz/CSVReaderFuzzChecks/*.swift
    link_target csv-reader Tests/Fuzz/CSVReaderFuzz.swift -lCSVReaderFuzzChecks -lCSV -lSafeText
}

build_resolvers() {
    # The schema, embedded the way Sources/EmbedMigrationsPlugin does it.
    # The embedder is a build tool: compiled without instrumentation, with its own Digest.
    if needs_build "$out/bin/MigrationEmbedder" Sources/MigrationEmbedder Sources/Digest; then
        echo "fuzz: compiling MigrationEmbedder" >&2
        mkdir -p "$out/host"
        "$swiftc" -O -parse-as-library -module-name Digest -emit-library -static -emit-module \
            -emit-module-path "$out/host/Digest.swiftmodule" -o "$out/host/libDigest.a" Sources/Digest/*.swift
        "$swiftc" -O -I "$out/host" -L "$out/host" -lDigest Sources/MigrationEmbedder/main.swift -o "$out/bin/MigrationEmbedder"
    fi
    if needs_build "$out/gen/EmbeddedMigrations.swift" Migrations "$out/bin/MigrationEmbedder"; then
        "$out/bin/MigrationEmbedder" "$out/gen/EmbeddedMigrations.swift" Migrations/*.sql
    fi
    build_module Digest Sources/Digest/*.swift
    build_module SafeText Sources/SafeText/*.swift
    build_module CSV Sources/CSV/*.swift
    build_module SQLite Sources/SQLite/*.swift
    # Stocktaking imports Workbook (the .xlsx record source).
    build_module Workbook Sources/Workbook/*.swift
    rebuild_after Workbook Stocktaking
    local stocktaking_sources
    mapfile -t stocktaking_sources < <(find Sources/Stocktaking -name '*.swift' | sort)
    build_module Stocktaking "${stocktaking_sources[@]}" "$out/gen/EmbeddedMigrations.swift"
    rebuild_after Stocktaking ResolverFuzzChecks
    build_module ResolverFuzzChecks Tests/Fuzz/ResolverFuzzChecks/*.swift
    link_target resolvers Tests/Fuzz/ResolverFuzz.swift -lResolverFuzzChecks -lStocktaking -lWorkbook -lSQLite -lCSV -lSafeText -lDigest \
        -lsqlite3 -lexpat -lminizip -lz
}

build_workbook() {
    build_module Workbook Sources/Workbook/*.swift
    rebuild_after Workbook WorkbookFuzzChecks
    build_module WorkbookFuzzChecks Tests/Fuzz/WorkbookFuzzChecks/*.swift
    link_target workbook Tests/Fuzz/WorkbookFuzz.swift -lWorkbookFuzzChecks -lWorkbook -lexpat -lminizip -lz
}

link_target() {
    local name="$1" harness="$2"; shift 2
    local binary="$out/bin/fuzz-$name"
    if needs_build "$binary" "$harness" "$out/lib" "$0"; then
        echo "fuzz: linking fuzz-$name" >&2
        # ld.gold warns once per ASan helper symbol; those lines say nothing about our code.
        "$swiftc" "${flags[@]}" -I Sources/CSQLite -I Sources/CExpat -I Sources/CMinizip -Xcc -I/usr/include/minizip \
            -L "$out/lib" "$harness" "$@" -o "$binary" \
            2> >(grep -v "Cannot export local symbol '__asan" >&2)
    fi
}

# Seeds: every small fixture, behind four zero option bytes (comma, strict UTF-8, default limits) and
# once behind bytes that ask for 1-byte chunks; for the resolvers, one value per line of the seed list.
seed_csv() {
    local corpus="$out/corpus/csv-reader"
    [[ -d "$corpus" ]] && return
    mkdir -p "$corpus"
    local i=0 file
    while IFS= read -r -d '' file; do
        i=$((i + 1))
        { printf '\0\0\0\0'; head -c 4096 "$file"; } > "$corpus/seed-$i"
        { printf '\0\0\010\001'; head -c 4096 "$file"; } > "$corpus/seed-$i-chunk1"
    done < <(find Fixtures -type f \( -name '*.csv' -o -name '*.tsv' \) -size -64k -print0 | sort -z)
    { printf '\0\0\0\0'; head -c 4096 Fixtures/projects-sample.csv; } > "$corpus/seed-sample"
}
seed_resolvers() {
    local corpus="$out/corpus/resolvers"
    [[ -d "$corpus" ]] && return
    mkdir -p "$corpus"
    local i=0 line
    while IFS= read -r line || [[ -n "$line" ]]; do
        i=$((i + 1))
        printf '%s' "$line" > "$corpus/seed-$i"
    done < Tests/Fuzz/resolver-seeds.txt
}

# Workbook seeds: each small workbook fixture whole (first byte 0), and each one's first sheet as XML
# (first byte 1, wrapped by the harness), unzipped with Python's zipfile.
seed_workbook() {
    local corpus="$out/corpus/workbook"
    [[ -d "$corpus" ]] && return
    mkdir -p "$corpus"
    local i=0 file
    while IFS= read -r -d '' file; do
        i=$((i + 1))
        { printf '\0'; cat "$file"; } > "$corpus/seed-$i"
        python3 - "$file" "$corpus/seed-$i-sheet" <<'PYTHON' || true
import sys, zipfile
try:
    with zipfile.ZipFile(sys.argv[1]) as archive:
        data = archive.read("xl/worksheets/sheet1.xml")[:60000]
except Exception:
    sys.exit(0)
with open(sys.argv[2], "wb") as out:
    out.write(b"\x01" + data)
PYTHON
    done < <(find Fixtures/workbooks -type f -size -64k -print0 | sort -z)
}

status=0
run_target() {
    local name="$1" max_len="$2"
    local artifacts="$out/artifacts/$name"
    local log="$out/fuzz-$name.log"
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    echo "fuzz: running $name for $seconds s (log: $log)" >&2
    local rc=0
    # LeakSanitizer is off: the Swift runtime keeps metadata caches alive on purpose. Swift's own
    # backtracer is off too: it would inspect the crashed process under ASan and muddle the report.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" nice -n "${FUZZ_NICE:-10}" "$out/bin/fuzz-$name" \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$artifacts/" \
        "$out/corpus/$name" > "$log" 2>&1 || rc=$?
    local executions
    executions=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log" | tail -1)
    local found=0 file
    for file in "$artifacts"/*; do
        [[ -e "$file" ]] || continue
        found=1
        mkdir -p "$root/Fixtures/fuzz-regressions/$name"
        cp "$file" "$root/Fixtures/fuzz-regressions/$name/"
        echo "fuzz: $name: kept $(basename "$file") in Fixtures/fuzz-regressions/$name/" >&2
    done
    if [[ $rc -ne 0 || $found -ne 0 ]]; then
        echo "fuzz: $name FAILED after ${executions:-?} executions (exit $rc); see $log" >&2
        grep -E "invariant violated|ERROR: (AddressSanitizer|libFuzzer)|Fatal error" "$log" | head -5 >&2 || true
        status=1
    else
        echo "fuzz: $name: ${executions:-?} executions in $seconds s, no crash" >&2
    fi
}

if [[ "$target" == csv-reader || "$target" == all ]]; then
    build_csv_reader
    seed_csv
    run_target csv-reader 4096
fi
if [[ "$target" == resolvers || "$target" == all ]]; then
    build_resolvers
    seed_resolvers
    run_target resolvers 1024
fi
if [[ "$target" == workbook || "$target" == all ]]; then
    build_workbook
    seed_workbook
    run_target workbook 65536
fi
exit $status
