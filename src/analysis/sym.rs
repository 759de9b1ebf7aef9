//! Interned strings: [`Sym`], a 4-byte handle to a string kept for the
//! whole process. A workspace's summaries hold about a million IDs, field
//! keys and dates (the large benchmark: 411,000 references alone), and a
//! `&'static str` costs 16 bytes where the handle costs 4; equal strings
//! get the same handle, so comparing two is comparing two integers.
//!
//! The strings live in an append-only table of chunks (chunk `k` holds
//! `1024 << k` slots) that is read without locks; the map from a string to
//! its handle is a [`DashMap`](dashmap::DashMap), with a small table per
//! thread in front of it so that summarising on several threads does not
//! make the map's locks bounce between cores.

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};

/// An interned string: a handle made by [`sym`], read as a `&'static str`
/// (`Deref<Target = str>`). Equal strings have equal handles; handles order
/// and hash as their strings do, so a map keyed by handles can be asked with
/// a `&str` (`Borrow<str>`).
///
/// Kept as the handle's number plus one, so that `Option<Sym>` takes 4
/// bytes like `Sym` (a workspace holds hundreds of thousands: verbs,
/// dates' weekdays, kinds).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sym(std::num::NonZeroU32);

impl Default for Sym {
    fn default() -> Sym {
        Sym::EMPTY
    }
}

impl Sym {
    /// The empty string.
    pub const EMPTY: Sym = Sym(std::num::NonZeroU32::MIN);

    fn of(n: u32) -> Sym {
        Sym(std::num::NonZeroU32::MIN.saturating_add(n))
    }

    /// The handle numbered `n` ([`Sym::handle`]); the empty string if no
    /// string has that number yet.
    pub(crate) fn from_handle(n: u32) -> Sym {
        if n >= NEXT.load(Ordering::Acquire) {
            return Sym::EMPTY;
        }
        Sym::of(n)
    }

    /// The string.
    #[inline]
    pub fn as_str(self) -> &'static str {
        table::get(self.handle())
    }

    /// The handle's number: handles are numbered in the order strings were
    /// first interned (which threads make unpredictable), so this orders
    /// handles stably within a process and never across processes.
    pub fn handle(self) -> u32 {
        self.0.get() - 1
    }

    /// The handle of `s` if some file or edit has interned it already
    /// (a string never interned is the ID of nothing).
    pub fn find(s: &str) -> Option<Sym> {
        if s.is_empty() {
            return Some(Sym::EMPTY);
        }
        if let Some(found) = LOCAL.with(|m| m.borrow().get(s).copied()) {
            return Some(found);
        }
        map().get(s).map(|e| *e)
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    #[inline]
    fn deref(&self) -> &'static str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::hash::Hash for Sym {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Sym) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, other: &Sym) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        *self == other.as_str()
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A multiplicative hash for short strings: SipHash was a tenth of the
/// time spent summarising a workspace, and these keys come from the user's
/// own files (no adversary to resist).
#[derive(Default)]
pub(crate) struct ShortHasher(u64);

impl std::hash::Hasher for ShortHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        // The last bytes as one word (a byte at a time, they were most of
        // the work for an ID of twenty-odd bytes).
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, w: u64) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
    }

    fn write_u8(&mut self, b: u8) {
        self.write_u64(u64::from(b));
    }

    fn finish(&self) -> u64 {
        // hashbrown takes its control bits from the top of the hash.
        self.0 ^ (self.0 >> 29)
    }
}

/// [`ShortHasher`] for a `HashMap` or `HashSet`.
pub(crate) type ShortBuild = std::hash::BuildHasherDefault<ShortHasher>;

fn map() -> &'static dashmap::DashMap<&'static str, Sym, ShortBuild> {
    static MAP: std::sync::OnceLock<dashmap::DashMap<&'static str, Sym, ShortBuild>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(Default::default)
}

/// The next handle to give out (0 is the empty string).
static NEXT: AtomicU32 = AtomicU32::new(1);

/// A thread's own table is cleared past this many strings.
const LOCAL_LIMIT: usize = 1 << 16;

thread_local! {
    /// This thread's handles, in front of the shared map.
    static LOCAL: std::cell::RefCell<std::collections::HashMap<&'static str, Sym, ShortBuild>> =
        Default::default();
}

/// The handle of `s`, interning it on first sight. The interner keeps
/// every distinct string it is given for the life of the process: what the
/// session's files and edits contain (IDs, keys and dates, each stored
/// once), which is small next to the summaries that use them.
pub fn sym(s: &str) -> Sym {
    if s.is_empty() {
        return Sym::EMPTY;
    }
    if let Some(found) = LOCAL.with(|m| m.borrow().get(s).copied()) {
        return found;
    }
    let (key, found) = shared(s);
    LOCAL.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= LOCAL_LIMIT {
            m.clear();
        }
        m.insert(key, found);
    });
    found
}

/// Where interned strings are kept: copied one after another into chunks
/// that are never freed. One allocation per string would cost 16 bytes of
/// the allocator's bookkeeping each and, worse, scatter 100,000 small
/// blocks that live for the whole process among the indexing's temporary
/// ones, pinning pages that would otherwise be given back.
mod arena {
    use std::sync::Mutex;

    const CHUNK: usize = 64 * 1024;

    /// What is left of the current chunk.
    static REST: Mutex<&'static mut [u8]> = Mutex::new(&mut []);

    /// `s` copied into the arena.
    pub fn copy(s: &str) -> &'static str {
        if s.len() > CHUNK / 16 {
            return Box::leak(Box::from(s));
        }
        let mut rest = REST.lock().unwrap_or_else(|e| e.into_inner());
        if rest.len() < s.len() {
            *rest = Box::leak(vec![0u8; CHUNK].into_boxed_slice());
        }
        let (head, tail) = std::mem::take(&mut *rest).split_at_mut(s.len());
        *rest = tail;
        drop(rest);
        head.copy_from_slice(s.as_bytes());
        // Copied from a `str`, whole.
        std::str::from_utf8(head).unwrap_or_default()
    }
}

/// The shared map's handle of `s` (added if new), with the map's copy of
/// the string.
fn shared(s: &str) -> (&'static str, Sym) {
    let map = map();
    if let Some(e) = map.get(s) {
        return (*e.key(), *e.value());
    }
    let leaked = arena::copy(s);
    match map.entry(leaked) {
        // Another thread added it meanwhile (the copy made here is lost:
        // a few bytes, once per race).
        dashmap::Entry::Occupied(e) => (*e.key(), *e.get()),
        dashmap::Entry::Vacant(e) => {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            // A reference's packed role keeps a handle in 29 bits.
            assert!(n < 1 << 29, "more than 500 million distinct strings");
            // Written before the handle leaves this function (and the
            // map's lock): whoever holds the handle can read the string.
            table::set(n, leaked);
            e.insert(Sym::of(n));
            (leaked, Sym::of(n))
        }
    }
}

/// Forgets this thread's own table (the shared map keeps every handle):
/// after indexing, the workers' tables would otherwise outlive the batch.
pub(crate) fn forget_local() {
    LOCAL.with(|m| *m.borrow_mut() = Default::default());
}

/// The lock-free table from handle to string.
mod table {
    use super::*;

    /// Slots of chunk 0; chunk `k` has `FIRST << k`.
    const FIRST: usize = 1 << 10;
    /// Enough chunks for every `u32`.
    const CHUNKS: usize = 23;

    struct Slot {
        ptr: AtomicPtr<u8>,
        len: AtomicUsize,
    }

    #[allow(clippy::declare_interior_mutable_const)]
    const NO_CHUNK: AtomicPtr<Slot> = AtomicPtr::new(std::ptr::null_mut());
    static TABLE: [AtomicPtr<Slot>; CHUNKS] = [NO_CHUNK; CHUNKS];

    /// The chunk and the slot in it of handle `n`.
    #[inline]
    fn locate(n: u32) -> (usize, usize) {
        let i = n as usize / FIRST + 1;
        let k = (usize::BITS - 1 - i.leading_zeros()) as usize;
        (k, n as usize - FIRST * ((1 << k) - 1))
    }

    fn chunk(k: usize) -> *mut Slot {
        let p = TABLE[k].load(Ordering::Acquire);
        if !p.is_null() {
            return p;
        }
        let fresh: Box<[Slot]> = (0..FIRST << k)
            .map(|_| Slot {
                ptr: AtomicPtr::new(std::ptr::null_mut()),
                len: AtomicUsize::new(0),
            })
            .collect();
        let fresh = Box::into_raw(fresh) as *mut Slot;
        match TABLE[k].compare_exchange(
            std::ptr::null_mut(),
            fresh,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => fresh,
            Err(theirs) => {
                // SAFETY: `fresh` was made above from a boxed slice of this
                // length and was never shared.
                drop(unsafe {
                    Box::from_raw(std::ptr::slice_from_raw_parts_mut(fresh, FIRST << k))
                });
                theirs
            }
        }
    }

    pub(super) fn set(n: u32, s: &'static str) {
        let (k, i) = locate(n);
        // SAFETY: chunk `k` has `FIRST << k` slots and `i` is below that
        // (`locate`); chunks are never freed.
        let slot = unsafe { &*chunk(k).add(i) };
        slot.len.store(s.len(), Ordering::Relaxed);
        slot.ptr.store(s.as_ptr() as *mut u8, Ordering::Release);
    }

    #[inline]
    pub(super) fn get(n: u32) -> &'static str {
        let (k, i) = locate(n);
        let p = TABLE[k].load(Ordering::Acquire);
        if p.is_null() {
            return "";
        }
        // SAFETY: as in `set`.
        let slot = unsafe { &*p.add(i) };
        let ptr = slot.ptr.load(Ordering::Acquire);
        if ptr.is_null() {
            return "";
        }
        let len = slot.len.load(Ordering::Relaxed);
        // SAFETY: `ptr` and `len` are those of a leaked `&'static str`,
        // written by `set` (the length before the pointer, which is read
        // here with `Acquire`).
        unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(ptr, len)) }
    }

    #[cfg(test)]
    #[test]
    fn chunks_cover_the_handles() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(1023), (0, 1023));
        assert_eq!(locate(1024), (1, 0));
        assert_eq!(locate(3071), (1, 2047));
        assert_eq!(locate(3072), (2, 0));
        let (k, i) = locate(u32::MAX);
        assert!(k < CHUNKS && i < FIRST << k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_a_handle() {
        let a = sym("kyiv-talks");
        let b = sym(&String::from("kyiv-talks"));
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "kyiv-talks");
        assert_ne!(sym("kyiv"), a);
        assert_eq!(sym(""), Sym::EMPTY);
        assert_eq!(Sym::EMPTY.as_str(), "");
        assert_eq!(Sym::find("kyiv-talks"), Some(a));
        assert_eq!(Sym::find("never-interned-anywhere-else"), None);
    }

    #[test]
    fn handles_order_by_their_strings() {
        let (b, a) = (sym("b-order"), sym("a-order"));
        assert!(a < b);
        assert_eq!(a.cmp(&a), std::cmp::Ordering::Equal);
    }

    #[test]
    fn threads_agree() {
        let names: Vec<String> = (0..5000).map(|i| format!("t-{i}")).collect();
        let handles: Vec<Vec<Sym>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| names.iter().map(|n| sym(n)).collect::<Vec<_>>()))
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).collect()
        });
        for h in &handles[1..] {
            assert_eq!(h, &handles[0]);
        }
        for (n, h) in names.iter().zip(&handles[0]) {
            assert_eq!(h.as_str(), n);
        }
    }
}
