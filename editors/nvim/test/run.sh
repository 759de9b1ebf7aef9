#!/usr/bin/env bash
# End-to-end test of the Neovim plugin in a real, headless Neovim against a
# real language server.
#
#   editors/nvim/test/run.sh SERVER_BINARY
#
# e.g. editors/nvim/test/run.sh target/release/chronicle. Needs `nvim`
# (0.7.2 or later; Debian/Ubuntu: apt-get install -y neovim) and a C
# compiler (the test builds the tree-sitter parser). Exits non-zero when a
# test fails; never runs longer than CHRONICLE_TEST_TIMEOUT seconds (180).
# CHRONICLE_TEST_KEEP=1 keeps the temporary workspace.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 SERVER_BINARY" >&2
  exit 2
fi
server="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [ ! -x "$server" ] || [ -d "$server" ]; then
  echo "error: the server binary $1 does not exist or is not executable (build it with: cargo build --release)" >&2
  exit 2
fi
if ! command -v nvim >/dev/null; then
  echo "error: nvim is not installed (Debian/Ubuntu: apt-get install -y neovim)" >&2
  exit 2
fi

if ! nvim --headless -u NONE -i NONE -c 'if !has("nvim-0.7") | cquit | endif' -c 'qall!' </dev/null >/dev/null 2>&1; then
  echo "error: $(nvim --version | head -n 1) is too old: the plugin needs Neovim 0.7.2 or later" >&2
  exit 2
fi

here="$(cd "$(dirname "$0")" && pwd)"
plugin="$(cd "$here/.." && pwd)"
timeout_s="${CHRONICLE_TEST_TIMEOUT:-180}"

# Keep Neovim's state (lsp.log, shada, swap) out of the user's home.
state="$(mktemp -d "${TMPDIR:-/tmp}/chronicle-nvim-home-XXXXXX")"
trap 'rm -rf "$state"' EXIT
export XDG_CONFIG_HOME="$state/config" XDG_DATA_HOME="$state/data" \
  XDG_STATE_HOME="$state/state" XDG_CACHE_HOME="$state/cache"
export CHRONICLE_TEST_SERVER="$server" CHRONICLE_TEST_PLUGIN="$plugin"
export CHRONICLE_TEST_TIMEOUT_MS="$(( (timeout_s - 10) * 1000 ))"

echo "$(nvim --version | head -n 1), server $("$server" --version 2>/dev/null || echo '?')"
failed=0

# The build hook plugin managers run (the e2e test then rebuilds with
# :ChronicleBuildParser's Lua function).
if ! "$plugin/scripts/build-parser.sh"; then
  echo "FAIL: editors/nvim/scripts/build-parser.sh" >&2
  failed=1
fi

set +e
timeout --kill-after=5 "$timeout_s" \
  nvim --headless -u NONE -i NONE -n -c "luafile $here/e2e.lua" </dev/null
status=$?
set -e
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  echo "FAIL: Neovim did not finish within ${timeout_s} s and was killed" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "FAIL: the Neovim end-to-end test failed (exit status $status)" >&2
  exit 1
fi
exit "$failed"
