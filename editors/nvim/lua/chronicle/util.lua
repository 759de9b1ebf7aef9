-- Small helpers shared by the plugin's modules. Everything here runs on
-- Neovim 0.7: no vim.fs, no vim.iter, only vim.loop and vim.fn.

local M = {}

local uv = vim.loop

M.is_windows = uv.os_uname().sysname:find("Windows") ~= nil
local sep = M.is_windows and "\\" or "/"

--- Whether the running Neovim is at least major.minor.
function M.has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

function M.join(...)
  return table.concat({ ... }, sep)
end

--- The directory part of a path ("/a/b/c" -> "/a/b"; "/a" -> "/").
function M.dirname(path)
  local dir = vim.fn.fnamemodify(path, ":h")
  return dir
end

function M.exists(path)
  return path ~= nil and uv.fs_stat(path) ~= nil
end

function M.is_dir(path)
  local stat = path and uv.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

function M.is_executable_file(path)
  local stat = path and uv.fs_stat(path)
  return stat ~= nil and stat.type ~= "directory" and vim.fn.executable(path) == 1
end

function M.mtime(path)
  local stat = path and uv.fs_stat(path)
  return stat and stat.mtime.sec or nil
end

--- An absolute, normalised path (symbolic links are not resolved).
function M.absolute(path)
  return vim.fn.fnamemodify(path, ":p"):gsub("[/\\]$", "")
end

--- The root of this plugin (the directory holding lua/, plugin/, queries/):
--- three levels above this file, lua/chronicle/util.lua.
function M.plugin_root()
  local source = debug.getinfo(1, "S").source
  local file = source:sub(1, 1) == "@" and source:sub(2) or source
  file = vim.fn.fnamemodify(file, ":p")
  return vim.fn.fnamemodify(file, ":h:h:h")
end

--- The Chronicle repository the plugin lives in, when it does (the plugin
--- root is editors/nvim inside it).
function M.repo_root()
  return vim.fn.fnamemodify(M.plugin_root(), ":h:h")
end

--- Whether a directory holds at least one *.chron file.
function M.has_chron_file(dir)
  local handle = uv.fs_scandir(dir)
  if not handle then
    return false
  end
  while true do
    local name, kind = uv.fs_scandir_next(handle)
    if not name then
      return false
    end
    if kind ~= "directory" and name:match("%.chron$") then
      return true
    end
  end
end

--- Calls fn(dir) for dir and each of its ancestors, up to the filesystem
--- root; returns the first dir for which fn is true.
function M.find_ancestor(dir, fn)
  local current = dir
  while current and current ~= "" do
    if fn(current) then
      return current
    end
    local parent = M.dirname(current)
    if parent == current then
      return nil
    end
    current = parent
  end
  return nil
end

local notified = {}

--- vim.notify with a "Chronicle: " prefix; with `once`, a message is shown
--- once per session (keyed by `once`).
function M.notify(msg, level, once)
  if once then
    if notified[once] then
      return
    end
    notified[once] = true
  end
  vim.notify("Chronicle: " .. msg, level or vim.log.levels.INFO)
end

--- Forgets the "once" messages with the given keys (all when nil).
function M.reset_notified(keys)
  if not keys then
    notified = {}
    return
  end
  for _, k in ipairs(keys) do
    notified[k] = nil
  end
end

--- The loaded buffers whose filetype is chronicle.
function M.chronicle_buffers()
  local out = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "chronicle" then
      table.insert(out, buf)
    end
  end
  return out
end

return M
