#!/usr/bin/env bash
# A real consumer of `export --format xlsx`: LibreOffice (headless) converts the exported workbook
# to CSV, and every cell must equal the CSV export's (the sample and a generated set of hostile
# values). LibreOffice keeps a line break in a cell as LF, so CR and CRLF compare as LF.
#
# Usage: Tests/Scripts/libreoffice-check.sh
#   needs soffice on PATH (Debian: apt-get install -y --no-install-recommends libreoffice-calc-nogui)
# Runs the LibreOfficeCheckTests suite, which `swift test` alone skips (it starts LibreOffice).
# Exit status: 0 every cell matched, 1 otherwise (or no soffice).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v soffice >/dev/null; then
    echo "libreoffice-check: soffice is not on PATH; install libreoffice-calc-nogui" >&2
    exit 1
fi
swift build --build-tests >&2
output=$(STOCKTAKE_LIBREOFFICE_CHECK=1 swift test --skip-build --filter LibreOfficeCheckTests 2>&1) || { echo "$output" >&2; exit 1; }
echo "$output" | grep -E "✔|✘|skipped" >&2
# The suite must have run, not been skipped.
if ! echo "$output" | grep -q "Suite LibreOfficeCheckTests passed"; then
    echo "libreoffice-check: the LibreOffice suite did not run" >&2
    exit 1
fi
echo "libreoffice-check: LibreOffice read every cell of the workbooks as the CSV export has it"
