#!/usr/bin/env bash
# check-format: every tracked C++ file under src/ and tests/ is formatted as .clang-format says
# (STYLE.md: ".clang-format applied"). Changes nothing; lists the offending lines and exits 1.
# Usage: scripts/check-format.sh   (from anywhere inside the repository; CLANG_FORMAT overrides
# the binary)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "check-format: $clang_format not found (Debian: apt-get install clang-format)" >&2
  exit 2
fi

mapfile -t files < <(git ls-files -- 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp')
if ((${#files[@]} == 0)); then
  echo "check-format: no C++ files found" >&2
  exit 2
fi

if "$clang_format" --dry-run -Werror "${files[@]}"; then
  echo "check-format: ${#files[@]} files formatted"
else
  echo "check-format: the files above are not formatted; run: $clang_format -i <file>" >&2
  exit 1
fi
