#!/usr/bin/env bash
# check-includes: dependencies point inward (STYLE.md, docs/architecture.md). A component — the
# first folder under src/ (src/storage/sqlite is part of storage) — may include its own headers
# and those of components earlier in the layer order, never a later one. The order is the line
# of docs/architecture.md that starts with "Layers, innermost first:". tests/ are not checked.
# Prints file:line: the offending include, and exits 1 when there is any.
# Usage: scripts/check-includes.sh   (from anywhere inside the repository)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

layers=$(grep -m1 '^Layers, innermost first:' docs/architecture.md || true)
if [[ -z $layers ]]; then
  echo 'check-includes: docs/architecture.md has no "Layers, innermost first:" line' >&2
  exit 2
fi

# Quoted includes only: <...> are system and library headers.
git ls-files -- 'src/*.cpp' 'src/*.hpp' | xargs awk -v layers="$layers" '
  BEGIN {
    sub(/^Layers, innermost first:[ \t]*/, "", layers)
    sub(/[ \t]*\.?[ \t]*$/, "", layers)
    n = split(layers, names, /[ \t]*,[ \t]*/)
    for (i = 1; i <= n; i++) rank[names[i]] = i
    bad = 0
  }
  FNR == 1 {
    split(FILENAME, parts, "/")  # src/<component>/...
    component = parts[2]
    if (!(component in rank)) {
      printf "%s: component \"%s\" is not in the layer order of docs/architecture.md\n", FILENAME, component
      bad = 1
    }
  }
  /^[ \t]*#[ \t]*include[ \t]*"/ {
    header = $0
    sub(/^[ \t]*#[ \t]*include[ \t]*"/, "", header)
    sub(/".*$/, "", header)
    target = header
    sub(/\/.*$/, "", target)
    if (target == header) next               # "x.hpp": beside the file, its own component
    if (!(target in rank)) next              # not one of ours
    if ((component in rank) && rank[target] > rank[component]) {
      line = $0
      sub(/^[ \t]+/, "", line)
      printf "%s:%d: %s (%s may not include %s, a later layer)\n", FILENAME, FNR, line, component, target
      bad = 1
    }
  }
  END { exit bad }
' && status=0 || status=$?

if ((status == 0)); then
  echo "check-includes: every include points inward"
else
  echo "check-includes: the includes above break the layer order: ${layers#Layers, innermost first: }" >&2
  exit 1
fi
