-- The language server: finding the `chronicle` binary, the workspace root of
-- a buffer, and one client per root. Neovim 0.8+ starts and reuses clients
-- with vim.lsp.start; on 0.7 this module does it with vim.lsp.start_client
-- and vim.lsp.buf_attach_client.

local config = require("chronicle.config")
local util = require("chronicle.util")

local M = {}

M.name = "chronicle"

local uv = vim.loop

-- Neovim 0.7: root dir -> client id (vim.lsp.start does this on 0.8+).
local clients_by_root = {}
-- Client ids being stopped by :ChronicleRestart (their exit is expected).
local restarting = {}
-- Client id -> the serverInfo of its initialize result.
local server_info = {}

local INSTALL_HINT = "install it from the Chronicle repository with `cargo install --path .` "
  .. "(into ~/.cargo/bin, which must be on PATH), or point the plugin at the binary: "
  .. 'require("chronicle").setup({ server_path = "/path/to/chronicle" })'

--- Finds the `chronicle` binary. Returns path, how it was found
--- ("server_path", "PATH" or "repository build"); or nil and a message that
--- says how to fix it. `lookup` (for tests) may override repo_root.
function M.find_server(opts, lookup)
  opts = opts or config.options
  lookup = lookup or {}
  if opts.server_path and opts.server_path ~= "" then
    local given = vim.fn.expand(opts.server_path)
    if not given:find("[/\\]") then
      -- A bare name: look it up on PATH.
      local found = vim.fn.exepath(given)
      if found ~= "" then
        return found, "server_path"
      end
      return nil,
        string.format("server_path is %q, which is not on PATH (%s)", opts.server_path, vim.env.PATH or "")
    end
    local path = util.absolute(given)
    if not util.exists(path) then
      return nil,
        string.format(
          "server_path %q does not exist; fix the path, or remove server_path to use `chronicle` from PATH",
          opts.server_path
        )
    end
    if not util.is_executable_file(path) then
      return nil, string.format("server_path %q is not an executable file", opts.server_path)
    end
    return path, "server_path"
  end
  local on_path = vim.fn.exepath("chronicle")
  if on_path ~= "" then
    return on_path, "PATH"
  end
  local repo = lookup.repo_root or util.repo_root()
  local exe = util.is_windows and "chronicle.exe" or "chronicle"
  local built = util.join(repo, "target", "release", exe)
  if util.is_executable_file(built) then
    return built, "repository build"
  end
  return nil, "the language server `chronicle` was not found on PATH; " .. INSTALL_HINT
end

--- The command that starts the server, or nil and a message.
function M.command(opts)
  opts = opts or config.options
  if opts.cmd then
    if type(opts.cmd) ~= "table" or #opts.cmd == 0 then
      return nil, "cmd must be a list such as { \"chronicle\", \"lsp\" }"
    end
    if vim.fn.executable(opts.cmd[1]) ~= 1 then
      return nil, string.format("cmd[1] %q is not an executable; %s", opts.cmd[1], INSTALL_HINT)
    end
    return vim.deepcopy(opts.cmd), "cmd"
  end
  local path, how = M.find_server(opts)
  if not path then
    return nil, how
  end
  local cmd = { path, "lsp" }
  vim.list_extend(cmd, opts.extra_args or {})
  return cmd, how
end

--- The workspace root of a file: the nearest ancestor holding one of
--- root_markers (`.git`), else the nearest directory (the file's own first)
--- holding a *.chron file, else the file's directory.
function M.find_root(fname, bufnr, opts)
  opts = opts or config.options
  if type(opts.root_dir) == "function" then
    local dir = opts.root_dir(fname, bufnr)
    if dir then
      return util.absolute(dir)
    end
  elseif type(opts.root_dir) == "string" then
    return util.absolute(vim.fn.expand(opts.root_dir))
  end
  local start = util.dirname(util.absolute(fname))
  local markers = opts.root_markers or {}
  if #markers > 0 then
    local marked = util.find_ancestor(start, function(dir)
      for _, marker in ipairs(markers) do
        if util.exists(util.join(dir, marker)) then
          return true
        end
      end
      return false
    end)
    if marked then
      return marked
    end
  end
  return util.find_ancestor(start, util.has_chron_file) or start
end

local function get_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = M.name })
  end
  local out = {}
  for _, client in ipairs(vim.lsp.get_active_clients()) do
    if client.name == M.name then
      table.insert(out, client)
    end
  end
  return out
end

--- The running Chronicle clients.
function M.clients()
  local out = get_clients()
  table.sort(out, function(a, b)
    return a.id < b.id
  end)
  return out
end

--- The Chronicle client attached to a buffer, if any.
function M.client_for_buffer(bufnr)
  for _, client in ipairs(M.clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
  return nil
end

local function on_attach(client, bufnr)
  -- Neovim 0.7 sets neither: completion with <C-x><C-o>, tags with <C-]>.
  if vim.bo[bufnr].omnifunc == "" then
    vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
  end
  if vim.bo[bufnr].tagfunc == "" and not util.has("0.8") then
    vim.bo[bufnr].tagfunc = "v:lua.vim.lsp.tagfunc"
  end
  local user = config.options.on_attach
  if user then
    local ok, err = pcall(user, client, bufnr)
    if not ok then
      util.notify("on_attach failed: " .. tostring(err), vim.log.levels.ERROR)
    end
  end
end

local function client_config(root, cmd)
  local opts = config.options
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if opts.capabilities then
    capabilities = vim.tbl_deep_extend("force", capabilities, opts.capabilities)
  end
  return {
    name = M.name,
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = opts.init_options,
    settings = opts.settings or {},
    capabilities = capabilities,
    handlers = opts.handlers,
    flags = opts.flags,
    trace = opts.trace,
    on_init = function(client, result)
      server_info[client.id] = result and result.serverInfo or nil
    end,
    on_attach = on_attach,
    on_exit = function(code, signal, client_id)
      vim.schedule(function()
        for r, id in pairs(clients_by_root) do
          if id == client_id then
            clients_by_root[r] = nil
          end
        end
        server_info[client_id] = nil
        local expected = restarting[client_id]
        restarting[client_id] = nil
        if not expected and (code ~= 0 or (signal and signal ~= 0)) then
          util.notify(
            string.format(
              "the language server stopped (exit code %s, signal %s); :ChronicleRestart starts it again",
              tostring(code),
              tostring(signal)
            ),
            vim.log.levels.WARN
          )
        end
      end)
    end,
  }
end

--- Starts (or reuses) the client for the buffer's root and attaches it.
--- Returns the client id, or nil when the buffer is not a file buffer or
--- the server cannot be found (the latter is reported once).
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == "" or fname:match("^%a[%w+.-]*://") then
    -- Unnamed buffers and non-file URIs: the server works on files.
    return nil
  end
  local cmd, err = M.command()
  if not cmd then
    util.notify(err, vim.log.levels.ERROR, "server-missing")
    return nil
  end
  local root = M.find_root(fname, bufnr)
  local cfg = client_config(root, cmd)
  if vim.lsp.start then
    return vim.lsp.start(cfg, { bufnr = bufnr })
  end
  -- Neovim 0.7.
  local id = clients_by_root[root]
  if id then
    -- (Not vim.lsp.client_is_stopped: on 0.7 it is true for a client that
    -- is still initializing.)
    local existing = vim.lsp.get_client_by_id(id)
    if existing == nil or existing.is_stopped() then
      id = nil
    end
  end
  if not id then
    id = vim.lsp.start_client(cfg)
    if not id then
      util.notify("could not start " .. table.concat(cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Stops every Chronicle client, waits for them to exit (forcing them after
--- 3 s), then attaches every chronicle buffer again. `done` is called at the
--- end.
function M.restart(done)
  local old = M.clients()
  local buffers = util.chronicle_buffers()
  for _, client in ipairs(old) do
    restarting[client.id] = true
    vim.lsp.stop_client(client.id)
  end
  clients_by_root = {}
  util.reset_notified({ "server-missing" })
  local started = uv.now()
  local forced = false
  local timer = uv.new_timer()
  timer:start(
    0,
    50,
    vim.schedule_wrap(function()
      if timer:is_closing() then
        return
      end
      local alive = {}
      for _, client in ipairs(old) do
        if vim.lsp.get_client_by_id(client.id) ~= nil then
          table.insert(alive, client)
        end
      end
      local elapsed = uv.now() - started
      if #alive > 0 and elapsed < 3000 then
        return
      end
      if #alive > 0 and not forced then
        forced = true
        for _, client in ipairs(alive) do
          vim.lsp.stop_client(client.id, true)
        end
      end
      if #alive > 0 and elapsed < 5000 then
        return
      end
      timer:stop()
      timer:close()
      for _, buf in ipairs(buffers) do
        if vim.api.nvim_buf_is_loaded(buf) then
          M.attach(buf)
        end
      end
      if done then
        done()
      end
    end)
  )
end

function M.server_info(client_id)
  return server_info[client_id]
end

return M
