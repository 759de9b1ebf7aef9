-- End-to-end test of the Neovim plugin in a real Neovim (0.7.2 or later)
-- against a real `chronicle lsp`. Run it with test/run.sh SERVER_BINARY:
--
--   nvim --headless -u NONE -i NONE -n -c "luafile editors/nvim/test/e2e.lua"
--
-- with CHRONICLE_TEST_SERVER set to the server binary. It copies
-- examples/coalition to a temporary directory and drives the plugin as a
-- user would: filetype, options, parser build, highlighting, server start,
-- diagnostics, go to definition, references, completion, rename, the
-- commands. Prints PASS/FAIL per test, then "N passed, M failed"; exits 1
-- when anything failed, 3 on the global timeout.

local uv = vim.loop

local function out(line)
  io.stdout:write(line .. "\n")
  io.stdout:flush()
end

local script = debug.getinfo(1, "S").source:gsub("^@", "")
local PLUGIN = os.getenv("CHRONICLE_TEST_PLUGIN") or vim.fn.fnamemodify(script, ":p:h:h")
PLUGIN = vim.fn.fnamemodify(PLUGIN, ":p"):gsub("/$", "")
local REPO = vim.fn.fnamemodify(PLUGIN, ":h:h")
local SERVER = os.getenv("CHRONICLE_TEST_SERVER")
local GLOBAL_TIMEOUT_MS = tonumber(os.getenv("CHRONICLE_TEST_TIMEOUT_MS") or "") or 120000
-- How long one step (attach, a publication, a request) may take.
local STEP_MS = tonumber(os.getenv("CHRONICLE_TEST_STEP_MS") or "") or 15000

local started = uv.hrtime()

-- ── never hang ───────────────────────────────────────────────────────────
local watchdog = uv.new_timer()
watchdog:start(GLOBAL_TIMEOUT_MS, 0, function()
  io.stdout:write(string.format("\nFAIL: global timeout of %d ms reached; the test was stopped\n", GLOBAL_TIMEOUT_MS))
  io.stdout:flush()
  os.exit(3)
end)

-- ── the editor, as a user's minimal config would set it up ───────────────
vim.opt.runtimepath:prepend(PLUGIN)
vim.opt.swapfile = false
vim.opt.hidden = true
vim.cmd("filetype plugin on")
vim.cmd("runtime! plugin/chronicle.lua")

-- Record vim.notify (the plugin reports through it) and echo it.
local notifications = {}
vim.notify = function(msg, level)
  table.insert(notifications, { msg = msg, level = level })
  out(string.format("  [notify %s] %s", tostring(level), msg))
end

-- Record every publishDiagnostics, by file.
local publications = {}
local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, cfg)
  if result and result.uri then
    local fname = uv.fs_realpath(vim.uri_to_fname(result.uri)) or vim.uri_to_fname(result.uri)
    publications[fname] = publications[fname] or {}
    table.insert(publications[fname], { diagnostics = result.diagnostics or {}, version = result.version })
  end
  return default_publish(err, result, ctx, cfg)
end

-- ── the test harness ─────────────────────────────────────────────────────
local passed, failed = 0, 0
local failures = {}

local function test(name, fn)
  local ok, err = xpcall(fn, function(e)
    if type(e) == "table" and e.plain then
      return e.msg
    end
    return debug.traceback(tostring(e), 2)
  end)
  if ok then
    passed = passed + 1
    out("PASS " .. name)
  else
    failed = failed + 1
    table.insert(failures, name)
    out("FAIL " .. name .. "\n     " .. tostring(err):gsub("\n", "\n     "))
  end
end

-- Fails the current test with a message (no traceback).
local function fail(msg, ...)
  error({ plain = true, msg = string.format(msg, ...) }, 0)
end

local function check(cond, msg, ...)
  if not cond then
    fail(msg, ...)
  end
  return cond
end

local function wait_for(what, cond, ms)
  local ok = vim.wait(ms or STEP_MS, cond, 20)
  if not ok then
    fail("timed out after %d ms waiting for %s", ms or STEP_MS, what)
  end
end

local function realpath(p)
  return uv.fs_realpath(p) or p
end

local function lines_of(buf)
  return vim.api.nvim_buf_get_lines(buf, 0, -1, false)
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function count(haystack, pattern)
  local n = 0
  for _ in haystack:gmatch(pattern) do
    n = n + 1
  end
  return n
end

-- The first (0-based) line of a buffer matching a Lua pattern, and the byte
-- column (0-based) where the match starts.
local function find_line(buf, pattern, from)
  for i, line in ipairs(lines_of(buf)) do
    if i - 1 >= (from or 0) then
      local col = line:find(pattern)
      if col then
        return i - 1, col - 1, line
      end
    end
  end
  return nil
end

-- An LSP character index for a byte column, in the client's encoding.
local function char_index(line, byte, encoding)
  if encoding == "utf-8" then
    return byte
  end
  if vim.fn.has("nvim-0.11") == 1 then
    return vim.str_utfindex(line, encoding, byte)
  end
  local utf32, utf16 = vim.str_utfindex(line, byte)
  return encoding == "utf-32" and utf32 or utf16
end

-- Version compatibility of the tree-sitter API (0.7 names first).
local ts = vim.treesitter
local parse_query = ts.query.parse or ts.parse_query
local get_query = ts.query.get or ts.query.get_query
local node_text = ts.get_node_text or ts.query.get_node_text

-- ── the workspace ────────────────────────────────────────────────────────
local tmp_base = os.getenv("TMPDIR") or "/tmp"
local WS = realpath(assert(uv.fs_mkdtemp(tmp_base .. "/chronicle-nvim-XXXXXX")))
local EXAMPLES = REPO .. "/examples/coalition"
local files = { "actors.chron", "events.chron", "quotes.chron" }
for _, f in ipairs(files) do
  assert(uv.fs_copyfile(EXAMPLES .. "/" .. f, WS .. "/" .. f), "copying " .. f)
end
local EVENTS, ACTORS, QUOTES = WS .. "/events.chron", WS .. "/actors.chron", WS .. "/quotes.chron"

out("Neovim " .. tostring(vim.version().major .. "." .. vim.version().minor .. "." .. vim.version().patch))
out("plugin " .. PLUGIN)
out("server " .. tostring(SERVER))
out("workspace " .. WS)

local client -- the Chronicle client, once attached
local events_buf
local on_attach_calls = {}

local function need_client()
  check(client ~= nil, "no Chronicle client is attached (see the failure of \"server starts and attaches\")")
  return client
end

local function need_capability(name, what)
  local caps = need_client().server_capabilities or {}
  check(
    caps[name],
    "SERVER FEATURE MISSING: the server does not advertise %s, so %s is not available "
      .. "(not implemented in the server yet?)",
    name,
    what
  )
  return caps[name]
end

local function request(buf, method, params)
  local results, err = vim.lsp.buf_request_sync(buf, method, params, STEP_MS)
  check(results ~= nil, "%s: no answer (%s)", method, tostring(err))
  local answer = results[need_client().id]
  check(answer ~= nil, "%s: no answer from the Chronicle client", method)
  check(answer.err == nil and answer.error == nil, "%s failed: %s", method, vim.inspect(answer.err or answer.error))
  return answer.result
end

local function position_params(buf, row, byte_col)
  local line = lines_of(buf)[row + 1]
  return {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = row, character = char_index(line, byte_col, need_client().offset_encoding) },
  }
end

local function last_publication(path)
  local list = publications[realpath(path)]
  return list and list[#list] or nil
end

local function describe(diags)
  local parts = {}
  for _, d in ipairs(diags or {}) do
    table.insert(
      parts,
      string.format("%d:%d %s %s", d.range.start.line + 1, d.range.start.character + 1, tostring(d.code), d.message)
    )
  end
  return table.concat(parts, "; ")
end

-- Waits until the newest publication for `path` is empty, then makes sure
-- nothing else arrives for a moment.
local function wait_clean(path)
  wait_for("a publishDiagnostics for " .. path, function()
    return last_publication(path) ~= nil
  end)
  local ok = vim.wait(STEP_MS, function()
    return #last_publication(path).diagnostics == 0
  end, 20)
  check(ok, "%s has diagnostics: %s", path, describe(last_publication(path).diagnostics))
  vim.wait(300)
  check(
    #last_publication(path).diagnostics == 0,
    "%s has diagnostics: %s",
    path,
    describe(last_publication(path).diagnostics)
  )
end

-- ── tests ────────────────────────────────────────────────────────────────

test("queries/chronicle/*.scm are copies of grammar/queries/*.scm", function()
  local grammar = vim.fn.glob(REPO .. "/grammar/queries/*.scm", false, true)
  local shipped = vim.fn.glob(PLUGIN .. "/queries/chronicle/*.scm", false, true)
  check(#grammar > 0, "no queries in %s/grammar/queries", REPO)
  local differ = {}
  for _, g in ipairs(grammar) do
    local name = vim.fn.fnamemodify(g, ":t")
    local copy = PLUGIN .. "/queries/chronicle/" .. name
    if vim.fn.filereadable(copy) ~= 1 then
      table.insert(differ, name .. " (missing)")
    elseif read_file(copy) ~= read_file(g) then
      table.insert(differ, name .. " (differs)")
    end
  end
  for _, s in ipairs(shipped) do
    local name = vim.fn.fnamemodify(s, ":t")
    if vim.fn.filereadable(REPO .. "/grammar/queries/" .. name) ~= 1 then
      table.insert(differ, name .. " (not in grammar/queries)")
    end
  end
  check(#differ == 0, "%s; run editors/nvim/scripts/sync-queries.sh", table.concat(differ, ", "))
end)

test("commands exist before setup()", function()
  for _, name in ipairs({ "ChronicleBuildParser", "ChronicleRestart", "ChronicleInfo" }) do
    check(vim.fn.exists(":" .. name) == 2, ":%s is not defined", name)
  end
end)

test("a missing server is reported with the fix", function()
  local lsp = require("chronicle.lsp")
  local path, msg = lsp.find_server({ server_path = WS .. "/no/such/chronicle" })
  check(path == nil and msg:find("does not exist", 1, true), "server_path to a missing file: %s", tostring(msg))
  local saved = vim.env.PATH
  vim.env.PATH = WS .. "/empty-bin"
  path, msg = lsp.find_server({}, { repo_root = WS .. "/no-repo" })
  vim.env.PATH = saved
  check(path == nil, "found a server with an empty PATH: %s", tostring(path))
  check(
    msg:find("cargo install --path .", 1, true) and msg:find("server_path", 1, true),
    "the message does not say how to fix it: %s",
    msg
  )
  -- attach() reports it through vim.notify, at ERROR level.
  local chronicle = require("chronicle")
  chronicle.setup({ server_path = WS .. "/no/such/chronicle", highlight = false })
  local before = #notifications
  vim.cmd("edit " .. vim.fn.fnameescape(QUOTES))
  local got
  for i = before + 1, #notifications do
    if notifications[i].msg:find("does not exist", 1, true) then
      got = notifications[i]
    end
  end
  check(got ~= nil, "no vim.notify about the missing server")
  check(got.level == vim.log.levels.ERROR, "the notification is not an error: level %s", tostring(got.level))
  check(#require("chronicle.lsp").clients() == 0, "a client was started without a server")
  vim.cmd("bwipeout!")
end)

test("root directory: .git, else the nearest directory with *.chron, else the file's dir", function()
  local lsp = require("chronicle.lsp")
  check(lsp.find_root(EVENTS) == WS, "root of %s is %s", EVENTS, lsp.find_root(EVENTS))
  vim.fn.mkdir(WS .. "/drafts/new", "p")
  local r = lsp.find_root(WS .. "/drafts/new/note.chron")
  check(r == WS, "a new file in a directory without notes: root %s, expected %s", r, WS)
  -- A new file where no directory has notes: its own directory. (Should
  -- an ancestor of the temporary directory hold *.chron files, that one.)
  local lone = realpath(assert(uv.fs_mkdtemp(tmp_base .. "/chronicle-lone-XXXXXX")))
  local expected = lone
  local dir = lone
  while true do
    if #vim.fn.glob(dir .. "/*.chron", true, true) > 0 then
      expected = dir
      break
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  r = lsp.find_root(lone .. "/x.chron")
  vim.fn.delete(lone, "rf")
  check(r == expected, "no notes around a new file: root %s, expected %s", r, expected)
  vim.fn.mkdir(WS .. "/repo/.git", "p")
  vim.fn.mkdir(WS .. "/repo/notes/deep", "p")
  local f = io.open(WS .. "/repo/notes/deep/a.chron", "w")
  f:write("actor a \"A\"\n")
  f:close()
  r = lsp.find_root(WS .. "/repo/notes/deep/a.chron")
  vim.fn.delete(WS .. "/repo", "rf")
  vim.fn.delete(WS .. "/drafts", "rf")
  check(r == WS .. "/repo", "inside a git repository: root %s, expected %s/repo", r, WS)
end)

test("parser builds from grammar/src with the C compiler (:ChronicleBuildParser's function)", function()
  local ok, msg = require("chronicle").build_parser({ sync = true, quiet = true })
  check(ok, "build failed: %s", tostring(msg))
  local path = require("chronicle.treesitter").parser_path()
  check(vim.fn.filereadable(path) == 1, "no parser at %s", path)
  check(path == PLUGIN .. "/parser/chronicle.so", "parser at %s, not in the plugin's parser/", path)
end)

test("setup() and opening events.chron: filetype and buffer options", function()
  -- As when a plugin manager adds the plugin to 'runtimepath' after
  -- startup: ftdetect/ was not read and a note is already open.
  vim.cmd("autocmd! chronicle_ftdetect")
  vim.cmd("edit " .. vim.fn.fnameescape(ACTORS))
  local actors_buf = vim.api.nvim_get_current_buf()
  require("chronicle").setup({
    server_path = SERVER,
    init_options = { maxFileSize = 1024 * 1024 },
    on_attach = function(c, b)
      table.insert(on_attach_calls, { client = c.id, buf = b })
    end,
  })
  check(vim.bo[actors_buf].filetype == "chronicle", "setup() did not set the filetype of the open actors.chron")
  vim.cmd("edit " .. vim.fn.fnameescape(EVENTS))
  events_buf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == "chronicle", "filetype is %q", vim.bo.filetype)
  check(vim.bo.commentstring == "// %s", "commentstring is %q", vim.bo.commentstring)
  check(vim.bo.shiftwidth == 2, "shiftwidth is %d", vim.bo.shiftwidth)
  check(vim.bo.expandtab, "expandtab is off")
  local row, col = find_line(events_buf, "@coalition%-call")
  check(row, "no @coalition-call in events.chron")
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 3 })
  check(vim.fn.expand("<cword>") == "coalition-call", "<cword> on @coalition-call is %q", vim.fn.expand("<cword>"))
  vim.cmd("silent normal! *")
  local search = vim.fn.getreg("/")
  check(search == "\\<coalition-call\\>", "* searches for %q", search)
  vim.fn.setreg("/", "")
  -- A second file of the same notes, opened while the server is still
  -- starting: it must share the client.
  vim.cmd("edit " .. vim.fn.fnameescape(QUOTES))
  vim.cmd("buffer " .. events_buf)
end)

test("tree-sitter: parser loads, highlighting starts, the highlights query captures references", function()
  check(events_buf, "events.chron is not open")
  local tsmod = require("chronicle.treesitter")
  wait_for("tree-sitter highlighting in events.chron", function()
    return tsmod.is_highlighting(events_buf)
  end, 5000)
  check(
    tsmod.loaded_from() == PLUGIN .. "/parser/chronicle.so",
    "parser loaded from %s",
    tostring(tsmod.loaded_from())
  )
  local parser = ts.get_parser(events_buf, "chronicle")
  local tree = parser:parse()[1]
  local root = tree:root()
  check(root:type() == "document", "root node is %s", root:type())
  check(not root:has_error(), "events.chron parses with errors")
  local query = get_query("chronicle", "highlights")
  check(query ~= nil, "no highlights query for chronicle on 'runtimepath'")
  local files_used = (ts.query.get_files or ts.query.get_query_files)("chronicle", "highlights")
  check(
    files_used[1] == PLUGIN .. "/queries/chronicle/highlights.scm",
    "highlights query read from %s",
    tostring(files_used[1])
  )
  local found = {}
  for id, node in query:iter_captures(root, events_buf, 0, -1) do
    local name = query.captures[id]
    local parent = node:parent()
    if node:type() == "identifier" and parent and parent:type() == "reference" then
      local text = node_text(node, events_buf)
      found[text] = found[text] or {}
      found[text][name] = true
    end
    if node:type() == "identifier" and parent and parent:type() == "event" then
      found["event:" .. node_text(node, events_buf)] = { [name] = true }
    end
  end
  check(found.macron and found.macron.constant, "the reference @macron is not captured as @constant: %s", vim.inspect(found.macron))
  check(found["coalition-call"] and found["coalition-call"].constant, "@coalition-call is not captured as @constant")
  check(found["event:coalition-call"] and found["event:coalition-call"]["function"], "event names are not @function")
  -- Every capture has a highlight, without a colorscheme or nvim-treesitter.
  local unmapped = {}
  for _, name in ipairs(query.captures) do
    local mapped
    if vim.fn.has("nvim-0.8") == 1 then
      mapped = vim.fn.hlexists("@" .. name) == 1
    else
      local group = ts.highlighter.hl_map[name]
      mapped = group ~= nil and group ~= "__notfound" and vim.fn.hlexists(group) == 1
    end
    if not mapped then
      table.insert(unmapped, name)
    end
  end
  check(#unmapped == 0, "captures without a highlight group: %s", table.concat(unmapped, ", "))
  for _, name in ipairs({ "folds", "locals" }) do
    check(get_query("chronicle", name) ~= nil, "no %s query", name)
  end
  local ok, err = pcall(parse_query, "chronicle", read_file(PLUGIN .. "/queries/chronicle/highlights.scm"))
  check(ok, "highlights.scm does not compile: %s", tostring(err))
end)

test("server starts and attaches (one client, root = the notes' directory)", function()
  check(events_buf, "events.chron is not open")
  local lsp = require("chronicle.lsp")
  local stopped
  wait_for("the Chronicle client to attach to events.chron", function()
    for _, n in ipairs(notifications) do
      if n.msg:find("language server stopped", 1, true) then
        stopped = n.msg
        return true
      end
    end
    return lsp.client_for_buffer(events_buf) ~= nil
  end)
  check(not stopped, "the server exited instead: %s", tostring(stopped))
  client = lsp.client_for_buffer(events_buf)
  check(#lsp.clients() == 1, "%d clients running", #lsp.clients())
  local quotes_client = lsp.client_for_buffer(vim.fn.bufnr(QUOTES))
  check(quotes_client and quotes_client.id == client.id, "quotes.chron is not attached to the same client")
  check(realpath(client.config.root_dir) == WS, "root_dir is %s", client.config.root_dir)
  check(client.config.cmd[1] == SERVER and client.config.cmd[2] == "lsp", "cmd is %s", vim.inspect(client.config.cmd))
  check(client.config.init_options.maxFileSize == 1024 * 1024, "init_options not passed")
  wait_for("on_attach for events.chron", function()
    for _, call in ipairs(on_attach_calls) do
      if call.buf == events_buf and call.client == client.id then
        return true
      end
    end
    return false
  end, 2000)
  check(vim.bo[events_buf].omnifunc == "v:lua.vim.lsp.omnifunc", "omnifunc is %q", vim.bo[events_buf].omnifunc)
end)

test("diagnostics: the coalition notes have none", function()
  need_client()
  -- All three are open (the server publishes open files even when clean).
  wait_clean(EVENTS)
  wait_clean(ACTORS)
  wait_clean(QUOTES)
  for fname, list in pairs(publications) do
    local last = list[#list]
    check(#last.diagnostics == 0, "%s has diagnostics: %s", fname, describe(last.diagnostics))
  end
  check(#vim.diagnostic.get(events_buf) == 0, "vim.diagnostic has %d for events.chron", #vim.diagnostic.get(events_buf))
end)

test("diagnostics: an undefined reference typed into the buffer is reported", function()
  need_client()
  local n = vim.api.nvim_buf_line_count(events_buf)
  vim.api.nvim_buf_set_lines(events_buf, n, n, false, { "", "Later, @nobody-knows-this-actor joined the call." })
  local row = n + 1
  local function has_undefined()
    local last = last_publication(EVENTS)
    for _, d in ipairs(last and last.diagnostics or {}) do
      if d.code == "undefined-reference" and d.range.start.line == row then
        return true
      end
    end
    return false
  end
  local ok = vim.wait(STEP_MS, has_undefined, 20)
  check(ok, "no undefined-reference on line %d; last publication: %s", row + 1, describe((last_publication(EVENTS) or {}).diagnostics))
  local shown = false
  for _, d in ipairs(vim.diagnostic.get(events_buf)) do
    if d.lnum == row then
      shown = true
    end
  end
  check(shown, "vim.diagnostic does not show it on line %d", row + 1)
  -- Remove the line again: the diagnostic goes away.
  vim.api.nvim_buf_set_lines(events_buf, n, n + 2, false, {})
  wait_clean(EVENTS)
end)

test("go to definition: @macron in events.chron lands on `actor macron` in actors.chron", function()
  need_capability("definitionProvider", "go to definition")
  local row, col = find_line(events_buf, "@macron")
  check(row, "no @macron in events.chron")
  local result = request(events_buf, "textDocument/definition", position_params(events_buf, row, col + 2))
  check(result ~= nil and (result.uri or #result > 0), "no definition found: %s", vim.inspect(result))
  local loc = result.uri and result or result[1]
  local uri = loc.uri or loc.targetUri
  local range = loc.range or loc.targetSelectionRange or loc.targetRange
  check(realpath(vim.uri_to_fname(uri)) == ACTORS, "definition in %s", vim.uri_to_fname(uri))
  local actors_text = vim.split(read_file(ACTORS), "\n")
  local def_row
  for i, l in ipairs(actors_text) do
    if l:match("^actor macron ") then
      def_row = i - 1
    end
  end
  check(range.start.line == def_row, "definition on line %d, `actor macron` is on line %d", range.start.line + 1, def_row + 1)
  -- And the editor jumps there.
  local jump = vim.lsp.util.show_document or vim.lsp.util.jump_to_location
  if vim.lsp.util.show_document then
    jump(loc, client.offset_encoding, { focus = true })
  else
    jump(loc, client.offset_encoding)
  end
  check(realpath(vim.api.nvim_buf_get_name(0)) == ACTORS, "the jump opened %s", vim.api.nvim_buf_get_name(0))
  check(vim.api.nvim_win_get_cursor(0)[1] == def_row + 1, "the cursor is on line %d", vim.api.nvim_win_get_cursor(0)[1])
  vim.cmd("buffer " .. events_buf)
end)

test("find references: @macron is found in all three files", function()
  need_capability("referencesProvider", "find references")
  local row, col = find_line(events_buf, "@macron")
  local params = position_params(events_buf, row, col + 2)
  params.context = { includeDeclaration = true }
  local result = request(events_buf, "textDocument/references", params)
  check(type(result) == "table" and #result > 0, "no references: %s", vim.inspect(result))
  local per_file = {}
  for _, loc in ipairs(result) do
    local f = realpath(vim.uri_to_fname(loc.uri))
    per_file[f] = (per_file[f] or 0) + 1
  end
  local expected_events = count(table.concat(lines_of(events_buf), "\n"), "@macron[^%w_-]")
  check(per_file[ACTORS] == 1, "%s references in actors.chron (the definition)", tostring(per_file[ACTORS]))
  check(per_file[EVENTS] == expected_events, "%s references in events.chron, expected %d", tostring(per_file[EVENTS]), expected_events)
  check((per_file[QUOTES] or 0) == 3, "%s references in quotes.chron, expected 3", tostring(per_file[QUOTES]))
end)

test("completion after a typed @ offers the actors", function()
  local provider = need_capability("completionProvider", "completion")
  local triggers = provider.triggerCharacters or {}
  check(vim.tbl_contains(triggers, "@"), "`@` is not a completion trigger character: %s", vim.inspect(triggers))
  local n = vim.api.nvim_buf_line_count(events_buf)
  local text = "Then @"
  vim.api.nvim_buf_set_lines(events_buf, n, n, false, { "", text })
  local params = position_params(events_buf, n + 1, #text)
  params.context = { triggerKind = 2, triggerCharacter = "@" }
  local result = request(events_buf, "textDocument/completion", params)
  vim.api.nvim_buf_set_lines(events_buf, n, n + 2, false, {})
  check(result ~= nil, "no completion result")
  local items = result.items or result
  local labels = {}
  for _, item in ipairs(items) do
    local word = item.textEdit and item.textEdit.newText or item.insertText or item.label
    labels[(item.label:gsub("^@", ""))] = true
    labels[(word:gsub("^@", ""))] = true
  end
  local missing = {}
  for _, actor in ipairs({ "macron", "trump", "france", "uk", "coalition", "levitt" }) do
    if not labels[actor] then
      table.insert(missing, actor)
    end
  end
  check(#missing == 0, "actors missing from the completion: %s (got %d items: %s)", table.concat(missing, ", "), #items, table.concat(vim.tbl_keys(labels), " "))
end)

test("rename @macron to @emmanuel-macron edits every file", function()
  local provider = need_capability("renameProvider", "rename")
  -- Only events.chron is open: the edit must open the other files.
  for _, path in ipairs({ ACTORS, QUOTES }) do
    local b = vim.fn.bufnr(path)
    if b > 0 then
      vim.cmd("bwipeout " .. b)
    end
  end
  vim.cmd("buffer " .. events_buf)
  local row, col = find_line(events_buf, "@macron")
  local params = position_params(events_buf, row, col + 2)
  if type(provider) == "table" and provider.prepareProvider then
    local prep = request(events_buf, "textDocument/prepareRename", params)
    check(prep ~= nil, "prepareRename refused @macron")
  end
  local before = {
    [EVENTS] = count(read_file(EVENTS), "@macron[^%w_-]"),
    [QUOTES] = count(read_file(QUOTES), "@macron[^%w_-]"),
  }
  params.newName = "emmanuel-macron"
  local edit = request(events_buf, "textDocument/rename", params)
  check(edit ~= nil and (edit.changes or edit.documentChanges), "no WorkspaceEdit: %s", vim.inspect(edit))
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
  local function buffer_text(path)
    local b = vim.fn.bufnr(path)
    check(b > 0 and vim.api.nvim_buf_is_loaded(b), "%s has no loaded buffer after the edit", path)
    return table.concat(lines_of(b), "\n") .. "\n"
  end
  local ev, ac, qu = buffer_text(EVENTS), buffer_text(ACTORS), buffer_text(QUOTES)
  check(count(ev, "@macron[^%w_-]") == 0, "events.chron still mentions @macron")
  check(count(ev, "@emmanuel%-macron[^%w_-]") == before[EVENTS], "events.chron: %d renamed of %d", count(ev, "@emmanuel%-macron[^%w_-]"), before[EVENTS])
  check(ac:find("\nactor emmanuel%-macron \"Emmanuel Macron\"") ~= nil, "actors.chron: the definition was not renamed")
  check(count(qu, "@emmanuel%-macron[^%w_-]") == before[QUOTES], "quotes.chron: %d renamed of %d", count(qu, "@emmanuel%-macron[^%w_-]"), before[QUOTES])
  -- The files the edit opened are buffers the server follows too.
  local lsp = require("chronicle.lsp")
  for _, path in ipairs({ ACTORS, QUOTES }) do
    local b = vim.fn.bufnr(path)
    wait_for("the server to attach to " .. path, function()
      return lsp.client_for_buffer(b) ~= nil
    end, 5000)
  end
  -- Written to disk, the workspace is still clean.
  vim.cmd("silent wall")
  check(read_file(ACTORS):find("\nactor emmanuel%-macron ") ~= nil, "actors.chron on disk was not renamed")
  check(count(read_file(QUOTES), "@emmanuel%-macron[^%w_-]") == before[QUOTES], "quotes.chron on disk was not renamed")
  wait_clean(EVENTS)
end)

test(":ChronicleInfo shows the server, the client and the parser", function()
  local text = table.concat(require("chronicle").info(), "\n")
  check(text:find(SERVER, 1, true), "no server path in:\n%s", text)
  check(text:find("root " .. WS, 1, true), "no client root in:\n%s", text)
  check(text:find("loaded from " .. PLUGIN .. "/parser/chronicle.so", 1, true), "no parser in:\n%s", text)
  vim.cmd("silent ChronicleInfo")
end)

test(":ChronicleBuildParser builds in the background and says a restart is needed", function()
  local before = #notifications
  vim.cmd("ChronicleBuildParser")
  local done
  wait_for("the build to finish", function()
    for i = before + 1, #notifications do
      if notifications[i].msg:find("built the tree-sitter parser", 1, true) or notifications[i].msg:find("failed", 1, true) then
        done = notifications[i]
        return true
      end
    end
    return false
  end, 60000)
  check(done.level == vim.log.levels.INFO, "the build failed: %s", done.msg)
  check(done.msg:find("restart Neovim", 1, true), "no word about the loaded parser: %s", done.msg)
  check(vim.fn.filereadable(PLUGIN .. "/parser/chronicle.so") == 1, "no parser after the build")
  check(#vim.fn.glob(PLUGIN .. "/parser/*.tmp-*", false, true) == 0, "temporary files left in parser/")
end)

test(":ChronicleRestart starts a new client for the open buffers", function()
  local old = need_client().id
  local done = false
  local count_before = #(publications[EVENTS] or {})
  vim.cmd("ChronicleRestart")
  -- The command reports "restarted" when done.
  wait_for("the restart", function()
    for _, n in ipairs(notifications) do
      if n.msg:find("restarted", 1, true) then
        done = true
      end
    end
    return done
  end)
  local lsp = require("chronicle.lsp")
  wait_for("a new client on events.chron", function()
    local c = lsp.client_for_buffer(events_buf)
    return c ~= nil and c.id ~= old
  end)
  check(vim.lsp.get_client_by_id(old) == nil, "the old client %d is still there", old)
  check(#lsp.clients() == 1, "%d clients after the restart", #lsp.clients())
  client = lsp.client_for_buffer(events_buf)
  wait_for("diagnostics from the new server", function()
    return #(publications[EVENTS] or {}) > count_before
  end)
  wait_clean(EVENTS)
end)

-- ── the end ──────────────────────────────────────────────────────────────
for _, c in ipairs(require("chronicle.lsp").clients()) do
  vim.lsp.stop_client(c.id)
end
vim.wait(2000, function()
  return #require("chronicle.lsp").clients() == 0
end, 50)

if failed > 0 then
  local log = vim.lsp.get_log_path()
  if vim.fn.filereadable(log) == 1 then
    out("--- last lines of " .. log .. " ---")
    local lines = vim.fn.readfile(log)
    for i = math.max(1, #lines - 30), #lines do
      out(lines[i]:sub(1, 400))
    end
  end
  out("failed: " .. table.concat(failures, "; "))
end
if os.getenv("CHRONICLE_TEST_KEEP") then
  out("kept " .. WS)
else
  vim.fn.delete(WS, "rf")
end
out(string.format("(%.1f s)", (uv.hrtime() - started) / 1e9))
out(string.format("%d passed, %d failed", passed, failed))
watchdog:stop()
if failed > 0 then
  vim.cmd("cquit 1")
else
  vim.cmd("qall!")
end
