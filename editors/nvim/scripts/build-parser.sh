#!/usr/bin/env sh
# Compiles the Chronicle tree-sitter parser (grammar/src/parser.c and
# scanner.c) into editors/nvim/parser/chronicle.so, where Neovim finds it on
# 'runtimepath'. The same as :ChronicleBuildParser, for plugin managers'
# build hooks (they run it from the repository root):
#
#   editors/nvim/scripts/build-parser.sh
#
# Uses $CC, else cc. Writes to a temporary file first: overwriting a parser
# that a running Neovim has loaded would crash it.
set -eu
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/../../grammar/src"
out="$here/parser/chronicle.so"
cc="${CC:-cc}"
if [ ! -f "$src/parser.c" ] || [ ! -f "$src/scanner.c" ]; then
  echo "error: the grammar sources are not in $src" >&2
  exit 1
fi
mkdir -p "$here/parser"
tmp="$out.tmp-$$"
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086 # $CC may hold a command and its arguments
$cc -o "$tmp" -shared -fPIC -Os -I"$src" "$src/parser.c" "$src/scanner.c"
mv -f "$tmp" "$out"
echo "built $out"
