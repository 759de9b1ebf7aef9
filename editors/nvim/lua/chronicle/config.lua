-- The options of require("chronicle").setup(), with their defaults.

local M = {}

M.defaults = {
  -- The whole command that starts the server. When set, server_path and
  -- extra_args are not used. Example: { "/opt/chronicle/bin/chronicle", "lsp" }.
  cmd = nil,
  -- The `chronicle` binary (like VS Code's `chronicle.server.path`). `~` is
  -- expanded, a bare name is looked up on PATH. When unset: `chronicle` on
  -- PATH, then the repository's own target/release/chronicle.
  server_path = nil,
  -- Extra arguments after `chronicle lsp` (VS Code: `chronicle.server.extraArgs`).
  extra_args = {},
  -- Sent as `initializationOptions` (VS Code: `chronicle.maxFileSize`).
  init_options = {
    -- Files larger than this many bytes are not analysed.
    maxFileSize = 16 * 1024 * 1024,
  },
  -- Sent with `workspace/didChangeConfiguration` after start (the server
  -- currently reads none).
  settings = {},
  -- Called as on_attach(client, bufnr) when the server attaches to a buffer.
  on_attach = nil,
  -- Merged over vim.lsp.protocol.make_client_capabilities() (for example
  -- require("cmp_nvim_lsp").default_capabilities()).
  capabilities = nil,
  -- Passed to the client as they are.
  handlers = nil,
  flags = nil,
  -- "off", "messages" or "verbose" (VS Code: `chronicle.trace.server`).
  trace = "off",
  -- The workspace root of a buffer: a function(filename, bufnr) -> dir, or
  -- nil for the default: the nearest ancestor with one of root_markers,
  -- else the nearest directory holding a *.chron file, else the file's dir.
  root_dir = nil,
  root_markers = { ".git" },
  -- Start the server for chronicle buffers.
  autostart = true,
  -- Tree-sitter: highlight chronicle buffers with the shipped parser and
  -- queries (when the parser is built; see :ChronicleBuildParser).
  highlight = true,
  -- Where the grammar sources are (grammar.js, src/parser.c, src/scanner.c):
  -- by default the repository's grammar/ directory, ../../grammar from here.
  grammar_dir = nil,
  -- The C compiler for :ChronicleBuildParser (default: $CC, cc, gcc, clang).
  compiler = nil,
}

M.options = vim.deepcopy(M.defaults)

function M.set(opts)
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  -- Lists replace, they do not merge index by index.
  if opts and opts.root_markers then
    M.options.root_markers = opts.root_markers
  end
  if opts and opts.extra_args then
    M.options.extra_args = opts.extra_args
  end
  if opts and opts.cmd then
    M.options.cmd = opts.cmd
  end
  return M.options
end

return M
