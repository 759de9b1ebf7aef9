//! `textDocument/references`
//!
//! An actor of a long story is mentioned tens of thousands of times, so the
//! answer is written as JSON here ([`references_json`]), in one pass over
//! the locations: each file's URI is made and escaped once, positions are
//! found with a forward-moving line search and written with `itoa`. The direct-response layer sends those bytes as
//! they are; [`references`] (tower-lsp-server's typed path, used only where
//! that layer steps aside) decodes the same bytes, so both answers are the
//! same by construction.

use tower_lsp_server::ls_types::{Location, Position, ReferenceParams};

use std::sync::Arc;

use crate::analysis::ide::references::{references_by_file_then, Occurrence};
use crate::analysis::FileData;
use crate::server::convert::RangeCursor;
use crate::server::text::PositionEncoding;
use crate::server::world::World;

pub fn references(world: &World, params: ReferenceParams) -> Option<Vec<Location>> {
    serde_json::from_slice(&references_json(world, params).concat()).unwrap_or_default()
}

/// The answer as JSON, in parts written one after the other: an array of
/// `Location`s, or `null` when the position is not in an analysed file.
/// Each part of the files is written by the thread that read it
/// ([`references_by_file_then`]), while its data is in that core's cache.
pub fn references_json(world: &World, params: ReferenceParams) -> Vec<Vec<u8>> {
    let Some((file, offset)) = world.locate(&params.text_document_position) else {
        return vec![b"null".to_vec()];
    };
    array(references_by_file_then(
        &world.analysis,
        file.id,
        offset,
        params.context.include_declaration,
        |found| locations(&found, world.encoding),
    ))
}

/// A JSON array of the comma-separated elements in `lists` (some empty),
/// each list written in chunks.
fn array(lists: Vec<Vec<Vec<u8>>>) -> Vec<Vec<u8>> {
    let mut parts = vec![b"[".to_vec()];
    for list in lists
        .into_iter()
        .filter(|l| l.iter().any(|c| !c.is_empty()))
    {
        if parts.len() > 1 {
            parts.push(b",".to_vec());
        }
        parts.extend(list);
    }
    parts.push(b"]".to_vec());
    parts
}

/// How large the chunks of an answer grow: a whole answer in one buffer
/// (1.4 MB for 11,000 locations) is a new mapping from the allocator for
/// each request, or a hole in the heap after it.
const CHUNK: usize = 64 * 1024;

/// The locations of these files, comma-separated, in chunks of about
/// [`CHUNK`] bytes (each holding whole locations).
fn locations(
    found: &[(&Arc<FileData>, Vec<Occurrence>)],
    encoding: PositionEncoding,
) -> Vec<Vec<u8>> {
    let mut chunks = Vec::new();
    // A location is about 120 bytes.
    let mut out = Vec::with_capacity(CHUNK + 1024);
    let mut first = true;
    // One URI and one forward-moving line search per file.
    for (data, group) in found {
        // A file's key is the URI it is known by (what `World::uri` would
        // parse and write back unchanged), escaped as a JSON string.
        // Usually nothing to escape: the key is written as it is.
        let escaped;
        let (open, uri, close): (&[u8], &[u8], &[u8]) = if data
            .key
            .bytes()
            .all(|b| b >= 0x20 && b != b'"' && b != b'\\')
        {
            (
                b"{\"uri\":\"",
                data.key.as_bytes(),
                b"\",\"range\":{\"start\":",
            )
        } else {
            let Ok(e) = serde_json::to_vec(&*data.key) else {
                continue;
            };
            escaped = e;
            (b"{\"uri\":", &escaped, b",\"range\":{\"start\":")
        };
        let mut cursor = RangeCursor::new(data, encoding);
        for r in group {
            if out.len() >= CHUNK {
                chunks.push(std::mem::replace(
                    &mut out,
                    Vec::with_capacity(CHUNK + 1024),
                ));
            }
            let range = cursor.range(r.range.clone());
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(open);
            out.extend_from_slice(uri);
            out.extend_from_slice(close);
            position(&mut out, range.start);
            out.extend_from_slice(b",\"end\":");
            position(&mut out, range.end);
            out.extend_from_slice(b"}}");
        }
    }
    chunks.push(out);
    chunks
}

fn position(out: &mut Vec<u8>, p: Position) {
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(b"{\"line\":");
    out.extend_from_slice(digits.format(p.line).as_bytes());
    out.extend_from_slice(b",\"character\":");
    out.extend_from_slice(digits.format(p.character).as_bytes());
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::{array, locations};
    use crate::analysis::ide::references::occurrences_by_file;
    use crate::server::text::PositionEncoding;
    use std::sync::Arc;

    /// Keys are written as they are unless JSON needs them escaped; either
    /// way the answer reads back as the key.
    #[test]
    fn locations_write_each_key_as_a_json_string() {
        for key in [
            "/plain.chron",
            "/q\"uote\\back\u{1}.chron",
            "/caf\u{e9}.chron",
        ] {
            let files = vec![(key.to_string(), Arc::from("Prose about @x.\n"))];
            let ws = crate::analysis::workspace_of(crate::analysis::prepare_all(files));
            let snap = ws.snapshot();
            let found = occurrences_by_file(&snap, "x", false);
            let json = [
                b"[".to_vec(),
                locations(&found, PositionEncoding::Utf16).concat(),
                b"]".to_vec(),
            ]
            .concat();
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            assert_eq!(
                value,
                serde_json::json!([{"uri": key, "range": {
                    "start": {"line": 0, "character": 13},
                    "end": {"line": 0, "character": 14}}}]),
                "{key:?}"
            );
        }
    }

    #[test]
    fn halves_join_into_one_array() {
        // Each list in chunks, as `locations` writes them.
        let cases: [(&[&[&str]], &str); 7] = [
            (&[], "[]"),
            (&[&[""], &[""]], "[]"),
            (&[&["1,2"], &[""]], "[1,2]"),
            (&[&[""], &["3"]], "[3]"),
            (&[&["1,2"], &["3"]], "[1,2,3]"),
            (&[&["1", ",2"], &["3", ",4"]], "[1,2,3,4]"),
            (&[&["", ""], &["3", ",4"]], "[3,4]"),
        ];
        for (lists, expect) in cases {
            let lists = lists
                .iter()
                .map(|l| l.iter().map(|c| c.as_bytes().to_vec()).collect())
                .collect();
            assert_eq!(array(lists).concat(), expect.as_bytes());
        }
    }
}
