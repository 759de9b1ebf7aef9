-- The tree-sitter parser and highlighting, without nvim-treesitter: the
-- parser is compiled from the repository's grammar/src into
-- parser/chronicle.so under this plugin (which is on 'runtimepath'), and the
-- queries ship in queries/chronicle/.
--
-- Neovim 0.7 loads a parser with vim.treesitter.require_language and starts
-- highlighting with vim.treesitter.highlighter.new; 0.8 added
-- vim.treesitter.start, 0.9 vim.treesitter.language.add.

local config = require("chronicle.config")
local util = require("chronicle.util")

local M = {}

M.lang = "chronicle"

-- The path the parser was loaded from in this session, if it was.
local loaded_from = nil

--- Where :ChronicleBuildParser puts the parser.
function M.parser_path()
  return util.join(util.plugin_root(), "parser", "chronicle.so")
end

--- The grammar directory (holding src/parser.c and src/scanner.c).
function M.grammar_dir()
  local dir = config.options.grammar_dir
  if dir and dir ~= "" then
    return util.absolute(vim.fn.expand(dir))
  end
  return util.join(util.repo_root(), "grammar")
end

local function sources()
  local src = util.join(M.grammar_dir(), "src")
  return src, util.join(src, "parser.c"), util.join(src, "scanner.c")
end

--- Whether the built parser is older than the grammar sources (after a
--- `git pull` that changed the grammar, say).
function M.is_stale(path)
  path = path or M.parser_path()
  local built = util.mtime(path)
  if not built then
    return false
  end
  local _, parser_c, scanner_c = sources()
  for _, file in ipairs({ parser_c, scanner_c }) do
    local changed = util.mtime(file)
    if changed and changed > built then
      return true
    end
  end
  return false
end

local function has_language()
  if loaded_from then
    return true
  end
  if vim._ts_has_language then
    return vim._ts_has_language(M.lang)
  end
  return false
end

local function add_language(path)
  if vim.treesitter.language and vim.treesitter.language.add then
    -- 0.9+: errors (0.9, 0.10) or returns nil, message (0.11+).
    local ok, res, err = pcall(vim.treesitter.language.add, M.lang, { path = path })
    if not ok then
      return false, res
    end
    if res == nil and err then
      return false, err
    end
    return true
  end
  -- 0.7, 0.8.
  local ok, err = pcall(vim.treesitter.require_language, M.lang, path)
  return ok, err
end

--- Loads the parser: this plugin's parser/chronicle.so, else one on
--- 'runtimepath' (nvim-treesitter's :TSInstall chronicle). Returns true
--- when a Chronicle parser is available.
function M.load()
  if loaded_from then
    return true
  end
  local path = M.parser_path()
  if not util.exists(path) then
    path = vim.api.nvim_get_runtime_file("parser/" .. M.lang .. ".*", false)[1]
  end
  if not path then
    return false
  end
  if path == M.parser_path() and M.is_stale(path) then
    util.notify(
      "the tree-sitter parser is older than the grammar in " .. M.grammar_dir() .. "; run :ChronicleBuildParser",
      vim.log.levels.WARN,
      "stale-parser"
    )
  end
  local ok, err = add_language(path)
  if not ok then
    util.notify(
      string.format("could not load the tree-sitter parser %s: %s; rebuild it with :ChronicleBuildParser", path, err),
      vim.log.levels.ERROR,
      "parser-load-failed"
    )
    return false
  end
  loaded_from = path
  return true
end

function M.loaded_from()
  return loaded_from
end

-- The capture names of queries/chronicle/highlights.scm and the classic
-- highlight groups they fall back to.
local links = {
  ["comment"] = "Comment",
  ["keyword"] = "Keyword",
  ["type"] = "Type",
  ["function"] = "Function",
  ["constant"] = "Constant",
  ["property"] = "Identifier",
  ["operator"] = "Operator",
  ["punctuation.special"] = "Special",
  ["punctuation.delimiter"] = "Delimiter",
  ["string"] = "String",
  ["string.escape"] = "SpecialChar",
  ["string.special"] = "SpecialChar",
  ["number"] = "Number",
  ["boolean"] = "Boolean",
  ["text.title"] = "Title",
}

--- Makes every capture of the highlights query highlight something, also
--- without nvim-treesitter and without a colorscheme that knows the
--- captures. Never overrides what is already defined.
function M.define_highlights()
  if util.has("0.8") then
    -- Captures are highlight groups (@capture); `default` keeps any link or
    -- colour already set by Neovim or the colorscheme.
    for capture, group in pairs(links) do
      vim.cmd(string.format("highlight default link @%s %s", capture, group))
    end
  else
    -- 0.7: the highlighter maps capture names through hl_map.
    local hl_map = vim.treesitter.highlighter.hl_map
    if type(hl_map) == "table" then
      for capture, group in pairs(links) do
        if rawget(hl_map, capture) == nil then
          hl_map[capture] = group
        end
      end
    end
  end
end

--- Whether tree-sitter highlighting runs in the buffer.
function M.is_highlighting(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local active = vim.treesitter.highlighter and vim.treesitter.highlighter.active
  return active ~= nil and active[bufnr] ~= nil
end

--- Starts highlighting in the buffer now. Returns true, or false and why.
function M.start(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if M.is_highlighting(bufnr) then
    return true
  end
  if not M.load() then
    return false, "no tree-sitter parser for Chronicle: run :ChronicleBuildParser"
  end
  M.define_highlights()
  local ok, err
  if vim.treesitter.start then
    ok, err = pcall(vim.treesitter.start, bufnr, M.lang)
  else
    ok, err = pcall(function()
      vim.treesitter.highlighter.new(vim.treesitter.get_parser(bufnr, M.lang))
    end)
  end
  if not ok then
    return false, tostring(err)
  end
  return true
end

--- Starts highlighting for a chronicle buffer unless disabled or already
--- running (nvim-treesitter, on the same FileType event, goes first).
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if config.options.highlight == false or vim.g.chronicle_highlight == false or vim.g.chronicle_highlight == 0 then
    return
  end
  vim.schedule(function()
    if not vim.api.nvim_buf_is_loaded(bufnr) or vim.bo[bufnr].filetype ~= "chronicle" then
      return
    end
    local ok, err = M.start(bufnr)
    if not ok then
      util.notify(err .. " (it needs a C compiler) for syntax highlighting", vim.log.levels.INFO, "no-parser")
    end
  end)
end

local function compiler()
  local given = config.options.compiler or vim.env.CC
  if given and given ~= "" then
    local words = vim.split(given, "%s+", { trimempty = true })
    if vim.fn.executable(words[1]) == 1 then
      return words
    end
    return nil, string.format("the C compiler %q is not executable", given)
  end
  for _, name in ipairs({ "cc", "gcc", "clang" }) do
    if vim.fn.executable(name) == 1 then
      return { name }
    end
  end
  return nil,
    "no C compiler found (tried $CC, cc, gcc, clang); install one (Debian/Ubuntu: apt install gcc, "
      .. "macOS: xcode-select --install) or set compiler in require(\"chronicle\").setup()"
end

local function after_build(ok, msg, opts)
  if ok then
    if has_language() then
      msg = msg .. "; restart Neovim to use it (a loaded parser cannot be replaced)"
    else
      M.load()
      for _, buf in ipairs(util.chronicle_buffers()) do
        M.attach(buf)
      end
    end
  end
  if not opts.quiet then
    util.notify(msg, ok and vim.log.levels.INFO or vim.log.levels.ERROR)
  end
  if opts.on_done then
    opts.on_done(ok, msg)
  end
  return ok, msg
end

--- Compiles grammar/src/parser.c and scanner.c into parser/chronicle.so
--- with the system C compiler.
---
--- opts.sync: wait and return ok, message (else returns at once and
---   reports when done; opts.on_done(ok, message) is called either way).
--- opts.output: where to write the parser (default M.parser_path()).
--- opts.quiet: no vim.notify.
function M.build_parser(opts)
  opts = opts or {}
  local src, parser_c, scanner_c = sources()
  if not (util.exists(parser_c) and util.exists(scanner_c)) then
    return after_build(
      false,
      string.format(
        "the grammar sources are not in %s (parser.c, scanner.c); set grammar_dir in "
          .. 'require("chronicle").setup() to the Chronicle repository\'s grammar/ directory',
        src
      ),
      opts
    )
  end
  local cc, err = compiler()
  if not cc then
    return after_build(false, err, opts)
  end
  local out = opts.output or M.parser_path()
  vim.fn.mkdir(util.dirname(out), "p")
  -- Compile to a temporary file and rename it: writing over a parser that
  -- a running Neovim has loaded would crash it.
  local tmp = string.format("%s.tmp-%d", out, vim.loop.getpid())
  local args = vim.deepcopy(cc)
  vim.list_extend(args, { "-o", tmp, "-shared", "-fPIC", "-Os", "-I" .. src, parser_c, scanner_c })

  local function finish(code, output)
    if code ~= 0 then
      os.remove(tmp)
      local text = vim.trim(table.concat(output or {}, "\n"))
      return after_build(false, string.format("building the parser failed: %s\n%s", table.concat(args, " "), text), opts)
    end
    local renamed, rename_err = os.rename(tmp, out)
    if not renamed then
      os.remove(tmp)
      return after_build(false, string.format("could not move the parser to %s: %s", out, rename_err), opts)
    end
    return after_build(true, "built the tree-sitter parser " .. out, opts)
  end

  if opts.sync then
    local output = vim.fn.system(args)
    return finish(vim.v.shell_error, vim.split(output, "\n"))
  end
  local collected = {}
  local function collect(_, data)
    for _, line in ipairs(data or {}) do
      if line ~= "" then
        table.insert(collected, line)
      end
    end
  end
  local job = vim.fn.jobstart(args, {
    on_stdout = collect,
    on_stderr = collect,
    on_exit = function(_, code)
      vim.schedule(function()
        finish(code, collected)
      end)
    end,
  })
  if job <= 0 then
    return after_build(false, "could not run " .. args[1], opts)
  end
  if not opts.quiet then
    util.notify("building the tree-sitter parser…")
  end
  return true, job
end

return M
