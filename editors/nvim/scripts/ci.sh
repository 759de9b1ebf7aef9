#!/usr/bin/env bash
# The CI step of the Neovim plugin. From a fresh machine with the Rust
# toolchain: installs Neovim when it is missing (Debian/Ubuntu, as root:
# bookworm's neovim is 0.7.2, the oldest version the plugin supports),
# checks the shipped queries against grammar/queries, builds the server and
# runs the end-to-end test in a headless Neovim.
#
#   editors/nvim/scripts/ci.sh                  build target/release/chronicle, test it
#   editors/nvim/scripts/ci.sh SERVER_BINARY    test that binary
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"

if ! command -v nvim >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing neovim (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
  else
    echo "error: nvim is not installed; install Neovim 0.7.2 or later (Debian/Ubuntu: apt-get install -y neovim)" >&2
    exit 1
  fi
fi

editors/nvim/scripts/sync-queries.sh --check

server="${1:-}"
if [ -z "$server" ]; then
  cargo build --release --locked --quiet
  server="${CARGO_TARGET_DIR:-target}/release/chronicle"
fi
exec editors/nvim/test/run.sh "$server"
