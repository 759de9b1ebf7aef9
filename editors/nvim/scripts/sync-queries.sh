#!/usr/bin/env bash
# Copies the tree-sitter queries of the grammar (grammar/queries/*.scm) into
# the plugin (editors/nvim/queries/chronicle/), where Neovim finds them on
# 'runtimepath'. The grammar's copies are the source of truth.
#
#   editors/nvim/scripts/sync-queries.sh          copy
#   editors/nvim/scripts/sync-queries.sh --check  exit 1 if the copies differ
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
from="$here/../../grammar/queries"
to="$here/queries/chronicle"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

shopt -s nullglob
sources=("$from"/*.scm)
if [ ${#sources[@]} -eq 0 ]; then
  echo "no queries in $from" >&2
  exit 1
fi

status=0
if [ "$check" = 1 ]; then
  for src in "${sources[@]}"; do
    dst="$to/$(basename "$src")"
    if ! cmp -s "$src" "$dst"; then
      echo "editors/nvim/queries/chronicle/$(basename "$src") differs from grammar/queries/$(basename "$src")" >&2
      status=1
    fi
  done
  for dst in "$to"/*.scm; do
    if [ ! -e "$from/$(basename "$dst")" ]; then
      echo "editors/nvim/queries/chronicle/$(basename "$dst") has no counterpart in grammar/queries" >&2
      status=1
    fi
  done
  if [ "$status" != 0 ]; then
    echo "run editors/nvim/scripts/sync-queries.sh to update the copies" >&2
  fi
  exit "$status"
fi

mkdir -p "$to"
for dst in "$to"/*.scm; do
  [ -e "$from/$(basename "$dst")" ] || rm -f "$dst"
done
for src in "${sources[@]}"; do
  cp "$src" "$to/"
done
echo "copied ${#sources[@]} queries to $to"
