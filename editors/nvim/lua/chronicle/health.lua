-- :checkhealth chronicle

local M = {}

local function reporter()
  local h = vim.health
  if h and h.start then
    return h.start, h.ok, h.warn, h.error, h.info
  end
  h = h or require("health") -- 0.7: the health module
  return h.report_start, h.report_ok, h.report_warn, h.report_error, h.report_info
end

function M.check()
  local start, ok, warn, error, info = reporter()
  local util = require("chronicle.util")
  local lsp = require("chronicle.lsp")
  local ts = require("chronicle.treesitter")

  start("Chronicle: language server")
  if vim.fn.has("nvim-0.7") ~= 1 then
    error("Neovim 0.7 or later is needed")
  end
  local cmd, how = lsp.command()
  if cmd then
    ok(string.format("%s (from %s)", table.concat(cmd, " "), how))
  else
    error(how)
  end
  local clients = lsp.clients()
  info(#clients .. " Chronicle client(s) running")

  start("Chronicle: tree-sitter")
  local parser = ts.parser_path()
  if util.exists(parser) then
    if ts.is_stale(parser) then
      warn(parser .. " is older than the grammar sources", { "run :ChronicleBuildParser" })
    else
      ok("parser " .. parser)
    end
  elseif vim.api.nvim_get_runtime_file("parser/chronicle.*", false)[1] then
    ok("parser " .. vim.api.nvim_get_runtime_file("parser/chronicle.*", false)[1])
  else
    warn("no parser built: no syntax highlighting", { "run :ChronicleBuildParser (needs a C compiler)" })
  end
  local query = vim.api.nvim_get_runtime_file("queries/chronicle/highlights.scm", false)[1]
  if query then
    ok("highlights query " .. query)
  else
    error("queries/chronicle/highlights.scm is not on 'runtimepath'")
  end
end

return M
