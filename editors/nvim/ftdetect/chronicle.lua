-- *.chron files are Chronicle notes. (Neovim 0.7 reads ftdetect/*.lua.)
vim.cmd([[
  augroup chronicle_ftdetect
    autocmd!
    autocmd BufRead,BufNewFile *.chron setfiletype chronicle
  augroup END
]])
