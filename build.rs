//! Compiles the generated tree-sitter parser (and its external scanner) into the binary.
fn main() {
    let src = std::path::Path::new("grammar/src");
    let mut build = cc::Build::new();
    build
        .include(src)
        .std("c11")
        .warnings(false)
        .file(src.join("parser.c"))
        .file(src.join("scanner.c"));
    build.compile("tree-sitter-chronicle");
    for f in ["parser.c", "scanner.c", "tree_sitter/parser.h"] {
        println!("cargo:rerun-if-changed=grammar/src/{f}");
    }
}
