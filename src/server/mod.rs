//! The server layer: LSP handlers, position encoding, conversion of analysis
//! results to LSP types, and all I/O of the language server.

pub mod text;
