-- Buffer options for Chronicle notes (*.chron).

if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

local opt = vim.opt_local

-- `// comment` lines (gc in comment plugins, `gq` keeps the leader).
opt.commentstring = "// %s"
opt.comments = "://"
-- IDs contain dashes: `*` on @coalition-call searches for coalition-call
-- (without the @, so that it also finds `event coalition-call:`).
opt.iskeyword:append("-")
-- Fields are indented two spaces.
opt.shiftwidth = 2
opt.softtabstop = 2
opt.tabstop = 2
opt.expandtab = true
-- A field is one line: do not wrap long quotes while typing.
opt.textwidth = 0
opt.formatoptions:remove("t")
opt.formatoptions:append("cqj")

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. " | ") or "")
  .. "setlocal commentstring< comments< iskeyword< shiftwidth< softtabstop< tabstop< expandtab< textwidth< formatoptions<"

-- Tree-sitter highlighting with the shipped parser and queries (does
-- nothing until the parser is built; see :ChronicleBuildParser).
require("chronicle.treesitter").attach(vim.api.nvim_get_current_buf())
