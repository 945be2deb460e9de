#!/usr/bin/env bash
# A test of `make check`'s own scripts: each must pass a clean tree and fail (exit 1, naming the
# place) on the fault it exists to catch — an include that points outward, a file clang-format
# would change. Runs the working tree's scripts on a small repository made in a temporary
# directory. Part of `make check`.
# Usage: scripts/check-scripts-test.sh
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
failures=0
fail() { echo "check-scripts-test: $*" >&2; failures=$((failures + 1)); }

# expect STATUS PATTERN SCRIPT: the script exits with STATUS and its output matches PATTERN.
expect() {
  local want=$1 pattern=$2 script=$3 out status
  out=$(cd "$tree" && "scripts/$script" 2>&1) && status=0 || status=$?
  [[ $status == "$want" ]] || fail "$script exited $status, expected $want: $out"
  grep -qE -- "$pattern" <<<"$out" || fail "$script did not print /$pattern/: $out"
}

mkdir -p "$tree/scripts" "$tree/docs" "$tree/src/inner" "$tree/src/outer"
cp "$src/scripts/check-includes.sh" "$src/scripts/check-format.sh" "$tree/scripts/"
cp "$src/.clang-format" "$tree/"
echo 'Layers, innermost first: inner, outer.' >"$tree/docs/architecture.md"
printf '#pragma once\n\nint inner_value();\n' >"$tree/src/inner/inner.hpp"
printf '#include "inner/inner.hpp"\n\nint outer_value() { return inner_value(); }\n' >"$tree/src/outer/outer.cpp"
git -C "$tree" init -q
git -C "$tree" add -A

expect 0 'every include points inward' check-includes.sh
expect 0 '2 files formatted' check-format.sh

printf '#pragma once\n\n#include "outer/outer.hpp"\n\nint inner_value();\n' >"$tree/src/inner/inner.hpp"
expect 1 'src/inner/inner.hpp:3: #include "outer/outer.hpp" \(inner may not include outer' check-includes.sh

printf '#pragma once\n\nint   inner_value( );\n' >"$tree/src/inner/inner.hpp"
expect 1 'src/inner/inner.hpp:3' check-format.sh

mkdir -p "$tree/src/stray"
printf 'int stray();\n' >"$tree/src/stray/stray.cpp"
git -C "$tree" add -A
expect 1 'component "stray" is not in the layer order' check-includes.sh

if ((failures)); then exit 1; fi
echo "check-scripts-test: check-includes and check-format pass a clean tree and catch their faults"
