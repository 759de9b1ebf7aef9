-- Chronicle for Neovim: the language server (`chronicle lsp`) for *.chron
-- buffers, and tree-sitter highlighting without nvim-treesitter.
--
--   require("chronicle").setup({
--     server_path = "~/.cargo/bin/chronicle",  -- or cmd = { "chronicle", "lsp" }
--     init_options = { maxFileSize = 16 * 1024 * 1024 },
--     on_attach = function(client, bufnr) ... end,
--     capabilities = require("cmp_nvim_lsp").default_capabilities(),
--   })
--
-- Works on Neovim 0.7 and later. See editors/nvim/README.md.

local config = require("chronicle.config")
local util = require("chronicle.util")

local M = {}

local group = nil

--- Filetype detection for *.chron (also done by ftdetect/chronicle.lua;
--- repeated here for plugin managers that add this directory to
--- 'runtimepath' after startup, when ftdetect is no longer read). Set
--- unconditionally: registered after filetype.vim, `setfiletype` could come
--- after another guess (notes that start with `#` look like "conf").
function M.register_filetype()
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { chron = "chronicle" } })
  end
  vim.cmd([[
    augroup chronicle_ftdetect
      autocmd!
      autocmd BufRead,BufNewFile *.chron if &filetype !=# 'chronicle' | set filetype=chronicle | endif
    augroup END
  ]])
end

--- The user commands (also defined by plugin/chronicle.lua).
function M.create_commands()
  vim.api.nvim_create_user_command("ChronicleBuildParser", function()
    require("chronicle.treesitter").build_parser()
  end, { desc = "Chronicle: compile the tree-sitter parser from grammar/src with the C compiler" })
  vim.api.nvim_create_user_command("ChronicleRestart", function()
    M.restart()
  end, { desc = "Chronicle: restart the language server" })
  vim.api.nvim_create_user_command("ChronicleInfo", function()
    M.show_info()
  end, { desc = "Chronicle: show the server, clients and parser in use" })
end

--- Starts the server and highlighting for chronicle buffers.
function M.setup(opts)
  config.set(opts)
  M.register_filetype()
  M.create_commands()
  group = vim.api.nvim_create_augroup("chronicle", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "chronicle",
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = "Chronicle: start the language server",
  })
  vim.api.nvim_create_autocmd("ColorScheme", {
    group = group,
    callback = function()
      require("chronicle.treesitter").define_highlights()
    end,
    desc = "Chronicle: default links for the highlight captures",
  })
  -- Buffers opened before setup() (lazy loading): detect them, then attach.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      local name = vim.api.nvim_buf_get_name(buf)
      if vim.bo[buf].filetype ~= "chronicle" and name:match("%.chron$") then
        -- Sets the filetype: the FileType autocmd above attaches.
        vim.api.nvim_buf_call(buf, function()
          vim.cmd("setlocal filetype=chronicle")
        end)
      elseif vim.bo[buf].filetype == "chronicle" then
        M.attach(buf)
      end
    end
  end
  return M
end

--- Starts (or reuses) the server for the buffer and starts highlighting.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  require("chronicle.treesitter").attach(bufnr)
  if config.options.autostart ~= false then
    return require("chronicle.lsp").attach(bufnr)
  end
end

function M.restart(done)
  require("chronicle.lsp").restart(function()
    util.notify("language server restarted")
    if done then
      done()
    end
  end)
end

function M.build_parser(opts)
  return require("chronicle.treesitter").build_parser(opts)
end

--- What :ChronicleInfo shows, as lines.
function M.info()
  local lsp = require("chronicle.lsp")
  local ts = require("chronicle.treesitter")
  local v = vim.version()
  local lines = {
    "Chronicle",
    string.format("  Neovim %d.%d.%d, plugin %s", v.major, v.minor, v.patch, util.plugin_root()),
  }
  local cmd, how = lsp.command()
  if cmd then
    local version = vim.trim(vim.fn.system({ cmd[1], "--version" }))
    if vim.v.shell_error ~= 0 then
      version = "(--version failed)"
    end
    table.insert(lines, string.format("  server: %s (from %s): %s", table.concat(cmd, " "), how, version))
  else
    table.insert(lines, "  server: NOT FOUND: " .. how)
  end
  local clients = lsp.clients()
  if #clients == 0 then
    table.insert(lines, "  clients: none running")
  end
  for _, client in ipairs(clients) do
    local bufs = {}
    if type(client.attached_buffers) == "table" then -- 0.9+
      for b in pairs(client.attached_buffers) do
        table.insert(bufs, b)
      end
      table.sort(bufs)
    else
      bufs = vim.lsp.get_buffers_by_client_id(client.id)
    end
    local names = {}
    for _, b in ipairs(bufs) do
      if vim.api.nvim_buf_is_valid(b) then
        table.insert(names, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ":~:."))
      end
    end
    local caps = {}
    for key, value in pairs(client.server_capabilities or {}) do
      if key:match("Provider$") and value then
        table.insert(caps, (key:gsub("Provider$", "")))
      end
    end
    table.sort(caps)
    local info = lsp.server_info(client.id)
    table.insert(
      lines,
      string.format(
        "  client %d: root %s, encoding %s%s",
        client.id,
        client.config.root_dir or "?",
        client.offset_encoding or "?",
        info and string.format(", server %s %s", info.name or "", info.version or "") or ""
      )
    )
    table.insert(lines, "    buffers: " .. (#names > 0 and table.concat(names, ", ") or "none"))
    table.insert(lines, "    features: " .. (#caps > 0 and table.concat(caps, ", ") or "diagnostics only"))
  end
  local parser = ts.parser_path()
  local state
  if ts.loaded_from() then
    state = "loaded from " .. ts.loaded_from()
  elseif util.exists(parser) then
    state = parser .. " (built, not loaded yet)"
  else
    state = "not built: run :ChronicleBuildParser (grammar sources: " .. ts.grammar_dir() .. "/src)"
  end
  if util.exists(parser) and ts.is_stale(parser) then
    state = state .. "; OLDER than the grammar, run :ChronicleBuildParser"
  end
  table.insert(lines, "  tree-sitter parser: " .. state)
  local queries = vim.api.nvim_get_runtime_file("queries/chronicle/highlights.scm", true)
  table.insert(lines, "  highlights query: " .. (queries[1] or "NOT FOUND on runtimepath"))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype == "chronicle" then
    table.insert(
      lines,
      "  this buffer: highlighting " .. (ts.is_highlighting(buf) and "on" or "off") .. ", server "
        .. (lsp.client_for_buffer(buf) and "attached" or "not attached")
    )
  end
  return lines
end

function M.show_info()
  local chunks = {}
  for _, line in ipairs(M.info()) do
    table.insert(chunks, { line .. "\n" })
  end
  vim.api.nvim_echo(chunks, true, {})
end

return M
