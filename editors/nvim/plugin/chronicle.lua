-- Chronicle: user commands, available before setup().
--   :ChronicleBuildParser  compile the tree-sitter parser (grammar/src) with the C compiler
--   :ChronicleRestart      restart the language server
--   :ChronicleInfo         the server, clients and parser in use
-- The language server starts once require("chronicle").setup() is called.

if vim.g.loaded_chronicle then
  return
end
vim.g.loaded_chronicle = 1

if vim.fn.has("nvim-0.7") ~= 1 then
  vim.notify("Chronicle: the plugin needs Neovim 0.7 or later", vim.log.levels.ERROR)
  return
end

require("chronicle").create_commands()
