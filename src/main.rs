fn main() {
    let _ = chronicle::syntax::language();
}
