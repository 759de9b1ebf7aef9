//! End-to-end tests of `chronicle lsp`: the real binary, spoken to over
//! stdio like an editor does (see harness.rs).

mod harness;

use serde_json::{json, Value};

use harness::{codes, range_of, with_code, Lsp, TempDir};

const UNDEFINED: &str = "undefined-reference";

fn undefined(diagnostics: &[Value]) -> Vec<&Value> {
    with_code(diagnostics, UNDEFINED)
}

// ── initialize ──────────────────────────────────────────────────────────

#[test]
fn negotiates_utf8_when_offered_and_utf16_otherwise() {
    let (lsp, result) = Lsp::start(None, true);
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["textDocumentSync"]["save"]["includeText"], false);
    assert_eq!(caps["workspace"]["workspaceFolders"]["supported"], true);
    assert_eq!(result["serverInfo"]["name"], "chronicle");
    for feature in [
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "hoverProvider",
        "completionProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "documentHighlightProvider",
        "foldingRangeProvider",
        "semanticTokensProvider",
        "codeActionProvider",
        "inlayHintProvider",
    ] {
        assert!(caps.get(feature).is_some(), "{feature} not advertised");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    // Nothing that is not implemented is advertised.
    for unimplemented in ["documentFormattingProvider", "signatureHelpProvider"] {
        assert!(
            caps.get(unimplemented).is_none(),
            "{unimplemented} advertised"
        );
    }
    assert!(lsp.shutdown_and_exit().success());

    let (lsp, result) = Lsp::start(None, false);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert!(lsp.shutdown_and_exit().success());
}

// ── workspace ───────────────────────────────────────────────────────────

#[test]
fn indexes_the_workspace_with_progress_and_publishes_files_with_diagnostics() {
    let ws = TempDir::new("index");
    ws.write("people.chron", "actor ann \"Ann\"\n  kind: person\n");
    ws.write("notes/talks.chron", "Met @ann and @bob.\n");
    ws.write(".hidden/skip.chron", "Met @nobody.\n");
    ws.write("not-utf8.chron", [b'a', 0xff, 0xfe, b'\n']);
    let (lsp, _) = Lsp::start(Some(&ws), false);

    lsp.wait_indexed();
    let messages = lsp.messages();
    // The token was created first, then begin, report(s) with a
    // percentage, end — all on that token.
    let create = messages
        .iter()
        .find(|m| m["method"] == "window/workDoneProgress/create")
        .expect("a progress token was created");
    let token = &create["params"]["token"];
    let kinds: Vec<(&str, Option<u64>)> = messages
        .iter()
        .filter(|m| m["method"] == "$/progress" && &m["params"]["token"] == token)
        .map(|m| {
            let v = &m["params"]["value"];
            (v["kind"].as_str().unwrap(), v["percentage"].as_u64())
        })
        .collect();
    assert_eq!(kinds.first().map(|k| k.0), Some("begin"), "{kinds:?}");
    assert_eq!(kinds.last().map(|k| k.0), Some("end"), "{kinds:?}");
    assert!(
        kinds.iter().any(|(k, p)| *k == "report" && *p == Some(100)),
        "{kinds:?}"
    );
    // The file watcher was registered.
    let register = messages
        .iter()
        .find(|m| m["method"] == "client/registerCapability")
        .expect("file watchers registered");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.chron"
    );

    // Diagnostics of every file that has any (cross-file resolution: @ann
    // is defined in another file, @bob nowhere).
    let talks = lsp.wait_from(0, "talks diagnostics", |m| {
        harness::is_publication(m, &ws.uri("notes/talks.chron"))
    });
    let diags = talks["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(codes(diags), [UNDEFINED], "{diags:?}");
    assert!(diags[0]["message"].as_str().unwrap().contains("@bob"));
    assert_eq!(diags[0]["source"], "chronicle");
    assert_eq!(diags[0]["severity"], 1);
    let binary = lsp.wait_from(0, "not-utf8 diagnostics", |m| {
        harness::is_publication(m, &ws.uri("not-utf8.chron"))
    });
    assert_eq!(
        codes(binary["params"]["diagnostics"].as_array().unwrap()),
        ["invalid-encoding"]
    );
    // Hidden directories are not indexed.
    assert!(lsp.publications(&ws.uri(".hidden/skip.chron")).is_empty());
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn fixing_a_reference_in_another_file_republishes_the_affected_file() {
    let ws = TempDir::new("affected");
    ws.write("people.chron", "actor ann \"Ann\"\n  kind: person\n");
    ws.write("talks.chron", "Met @ann and @bob.\n");
    let (people, talks) = (ws.uri("people.chron"), ws.uri("talks.chron"));
    let (mut lsp, _) = Lsp::start(Some(&ws), true);
    lsp.wait_indexed();
    let diags = lsp.wait_from(0, "talks diagnostics", |m| {
        harness::is_publication(m, &talks)
    });
    assert_eq!(
        undefined(diags["params"]["diagnostics"].as_array().unwrap()).len(),
        1
    );

    // Define @bob in the other file, in the editor.
    lsp.open(&people, 1, "actor ann \"Ann\"\n  kind: person\n");
    assert!(lsp.wait_for_diagnostics(&people, Some(1)).is_empty());
    lsp.change(
        &people,
        2,
        &[(2, 0, 2, 0, "actor bob \"Bob\"\n  kind: person\n")],
    );
    // The edited document is published with its version ...
    assert!(lsp.wait_for_diagnostics(&people, Some(2)).is_empty());
    // ... and the affected (closed) file is published again, fixed.
    let fixed = lsp.wait_for_diagnostics(&talks, None);
    assert!(undefined(&fixed).is_empty(), "{fixed:?}");
    let version = lsp.publications(&talks).last().unwrap()["version"].clone();
    assert!(version.is_null(), "a closed file has no version: {version}");

    // Undo: @bob is undefined again.
    lsp.change(&people, 3, &[(2, 0, 4, 0, "")]);
    assert!(lsp.wait_for_diagnostics(&people, Some(3)).is_empty());
    let broken = lsp.wait_for_diagnostics(&talks, None);
    assert_eq!(undefined(&broken).len(), 1, "{broken:?}");
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn diagnostics_carry_related_information_and_tags() {
    let ws = TempDir::new("related");
    ws.write("a.chron", "actor ann \"Ann\"\n  kind: person\n");
    ws.write("b.chron", "actor ann \"Annie\"\n  kind: person\n");
    let (a, b) = (ws.uri("a.chron"), ws.uri("b.chron"));
    let (lsp, _) = Lsp::start(Some(&ws), false);
    lsp.wait_indexed();
    let published = lsp.wait_from(0, "a", |m| harness::is_publication(m, &a));
    let diags = published["params"]["diagnostics"].as_array().unwrap();
    let duplicate = with_code(diags, "duplicate-id");
    assert_eq!(duplicate.len(), 1, "{diags:?}");
    assert_eq!(range_of(duplicate[0]), ((0, 6), (0, 9)));
    let related = &duplicate[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], b.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 0, "character": 6})
    );
    assert!(related["message"]
        .as_str()
        .unwrap()
        .contains("also defined here"));
    let unused = with_code(diags, "unused-definition");
    assert_eq!(unused.len(), 1, "{diags:?}");
    assert_eq!(unused[0]["tags"], json!([1]), "UNNECESSARY");
    assert_eq!(unused[0]["severity"], 4, "a hint");
    assert!(duplicate[0].get("tags").is_none());
    assert!(lsp.shutdown_and_exit().success());
}

// ── incremental synchronisation ─────────────────────────────────────────

/// Positions after emoji and non-Latin text, in UTF-16 and in UTF-8; the
/// ranges of the diagnostics show that the server's text is right.
#[test]
fn incremental_changes_and_columns_after_emoji_and_non_latin_text() {
    for utf8 in [false, true] {
        let (mut lsp, _) = Lsp::start(None, utf8);
        let uri = "untitled:incremental.chron";
        // 😀 is 2 UTF-16 units / 4 bytes; each Cyrillic letter 1 unit / 2 bytes.
        let col = |units16: u32, bytes: u32| if utf8 { bytes } else { units16 };
        lsp.open(uri, 1, "actor ann \"Ann\"\n\n😀 Привет @zed\n");
        let diags = lsp.wait_for_diagnostics(uri, Some(1));
        let zed = undefined(&diags);
        assert_eq!(zed.len(), 1, "{diags:?}");
        let (a, b) = (col(10, 18) as u64, col(14, 22) as u64);
        assert_eq!(range_of(zed[0]), ((2, a), (2, b)));

        // One notification, three changes, each addressed against the text
        // the previous one left:
        // 1. insert "中文 " before "@zed" (after the emoji and Cyrillic);
        // 2. replace "@zed" (now shifted by 3 units / 7 bytes) with "@ann";
        // 3. add a line with "@bob" after 😀, on a new line 3.
        lsp.change(
            uri,
            2,
            &[
                (2, col(10, 18), 2, col(10, 18), "中文 "),
                (2, col(13, 25), 2, col(17, 29), "@ann"),
                (2, col(17, 29), 2, col(17, 29), "\n😀@bob"),
            ],
        );
        let diags = lsp.wait_for_diagnostics(uri, Some(2));
        let bob = undefined(&diags);
        assert_eq!(bob.len(), 1, "{diags:?}");
        assert!(bob[0]["message"].as_str().unwrap().contains("@bob"));
        assert_eq!(
            range_of(bob[0]),
            ((3, col(2, 4) as u64), (3, col(6, 8) as u64))
        );

        // A lone `\r` typed into the text ends a line too.
        lsp.change(uri, 3, &[(3, 0, 3, 0, "x\r")]);
        let diags = lsp.wait_for_diagnostics(uri, Some(3));
        let bob = undefined(&diags);
        assert_eq!(
            range_of(bob[0]),
            ((4, col(2, 4) as u64), (4, col(6, 8) as u64))
        );
        assert!(lsp.shutdown_and_exit().success());
    }
}

/// Many changes sent without waiting: versions are published in order, and
/// the last publication is the newest version's.
#[test]
fn rapid_changes_publish_the_newest_version_last() {
    let (mut lsp, _) = Lsp::start(None, false);
    let uri = "untitled:rapid.chron";
    lsp.open(uri, 1, "Met @a.\n");
    for v in 2..=40 {
        // Alternately break and fix nothing: every version has a diagnostic.
        lsp.change(uri, v, &[(0, 5, 0, 6, if v % 2 == 0 { "b" } else { "a" })]);
    }
    let last = lsp.wait_for_diagnostics(uri, Some(40));
    assert_eq!(undefined(&last).len(), 1);
    assert!(last[0]["message"].as_str().unwrap().contains("@b"));
    // Round trip, then check nothing older came after version 40.
    let _ = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
    let versions: Vec<i64> = lsp
        .publications(uri)
        .iter()
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{versions:?}");
    assert_eq!(versions.last(), Some(&40));
    assert!(lsp.shutdown_and_exit().success());
}

/// The analysis follows the edits on its own task; a request still sees the
/// text it was sent against (read-your-writes), however fast the edits came.
#[test]
fn requests_see_the_text_they_were_sent_against() {
    let (mut lsp, _) = Lsp::start_with(None, false, &[("CHRONICLE_TEST_PANIC", "1")], json!(null));
    let uri = "untitled:read-your-writes.chron";
    // Big enough that its analysis takes a while.
    let mut text = "actor ann \"Ann\"\n  kind: person\n".to_string();
    text.push_str(&"Met @ann at the conference and talked at length.\n".repeat(3000));
    lsp.open(uri, 1, &text);
    for v in 2..=30 {
        lsp.change(uri, v, &[(0, 0, 0, 0, "@x ")]);
    }
    let r = lsp.request("chronicle/debugFileState", json!({"uri": uri}));
    let state = &r["result"];
    assert_eq!(
        state["version"],
        30,
        "{}",
        r.to_string().chars().take(300).collect::<String>()
    );
    let expected = format!("{}{text}", "@x ".repeat(29));
    assert_eq!(state["text"].as_str().unwrap(), expected);
    // Unknown and skipped documents: nothing.
    let r = lsp.request(
        "chronicle/debugFileState",
        json!({"uri": "untitled:unknown.chron"}),
    );
    assert_eq!(r["result"], Value::Null);
    assert!(lsp.shutdown_and_exit().success());
}

// ── files changed outside the editor ────────────────────────────────────

#[test]
fn watched_files_created_changed_and_deleted() {
    let ws = TempDir::new("watched");
    ws.write("talks.chron", "Met @bob.\n");
    let (talks, people) = (ws.uri("talks.chron"), ws.uri("people.chron"));
    let (mut lsp, _) = Lsp::start(Some(&ws), false);
    lsp.wait_indexed();
    let first = lsp.wait_from(0, "talks", |m| harness::is_publication(m, &talks));
    assert_eq!(
        undefined(first["params"]["diagnostics"].as_array().unwrap()).len(),
        1
    );

    // Created: @bob is defined now.
    ws.write("people.chron", "actor bob \"Bob\"\n  kind: person\n");
    lsp.watched(&[(&people, 1)]);
    let diags = lsp.wait_for_diagnostics(&talks, None);
    assert!(undefined(&diags).is_empty(), "{diags:?}");

    // Changed: now it defines someone else.
    ws.write("people.chron", "actor carl \"Carl\"\n  kind: person\n");
    lsp.watched(&[(&people, 2)]);
    let diags = lsp.wait_for_diagnostics(&talks, None);
    assert_eq!(undefined(&diags).len(), 1, "{diags:?}");

    // Renamed to a file that defines @bob again (delete + create).
    ws.remove("people.chron");
    ws.write("sub/people2.chron", "actor bob \"Bob\"\n  kind: person\n");
    let people2 = ws.uri("sub/people2.chron");
    lsp.watched(&[(&people, 3), (&people2, 1)]);
    let cleared = lsp.wait_for_diagnostics(&people, None);
    assert!(
        cleared.is_empty(),
        "a deleted file's diagnostics are cleared"
    );
    let diags = lsp.wait_for_diagnostics(&talks, None);
    assert!(undefined(&diags).is_empty(), "{diags:?}");

    // Deleted: undefined again.
    ws.remove("sub/people2.chron");
    lsp.watched(&[(&people2, 3)]);
    let diags = lsp.wait_for_diagnostics(&talks, None);
    assert_eq!(undefined(&diags).len(), 1, "{diags:?}");

    // A change on disk to an open document: the editor's text wins.
    lsp.open(&talks, 1, "actor bob \"Bob\"\nMet @bob.\n");
    assert!(lsp.wait_for_diagnostics(&talks, Some(1)).is_empty());
    ws.write("talks.chron", "Met @nobody.\n");
    lsp.watched(&[(&talks, 2)]);
    let _ = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
    let last = lsp.publications(&talks).last().unwrap().clone();
    assert_eq!(last["version"], 1, "{last}");
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn closing_a_document_reverts_to_the_disk_or_forgets_it() {
    let ws = TempDir::new("close");
    ws.write("talks.chron", "Met @bob.\n");
    let talks = ws.uri("talks.chron");
    let (mut lsp, _) = Lsp::start(Some(&ws), false);
    lsp.wait_indexed();
    lsp.wait_from(0, "talks", |m| harness::is_publication(m, &talks));

    lsp.open(&talks, 1, "actor bob \"Bob\"\nMet @bob.\n");
    assert!(lsp.wait_for_diagnostics(&talks, Some(1)).is_empty());
    lsp.close(&talks);
    let reverted = lsp.wait_for_diagnostics(&talks, None);
    assert_eq!(
        undefined(&reverted).len(),
        1,
        "back to the disk: {reverted:?}"
    );

    // A document outside the workspace is analysed while open, and its
    // diagnostics are cleared when it is closed.
    let elsewhere = TempDir::new("elsewhere");
    let outside = elsewhere.uri("loose.chron");
    lsp.open(&outside, 1, "Met @zed.\n");
    assert_eq!(
        undefined(&lsp.wait_for_diagnostics(&outside, Some(1))).len(),
        1
    );
    lsp.close(&outside);
    assert!(lsp.wait_for_diagnostics(&outside, None).is_empty());

    // A file deleted while open is forgotten on close.
    lsp.open(&talks, 2, "Met @bob.\n");
    lsp.wait_for_diagnostics(&talks, Some(2));
    ws.remove("talks.chron");
    lsp.close(&talks);
    assert!(lsp.wait_for_diagnostics(&talks, None).is_empty());
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn workspace_folders_added_and_removed() {
    let a = TempDir::new("folder-a");
    let b = TempDir::new("folder-b");
    a.write("talks.chron", "Met @bob.\n");
    b.write("people.chron", "actor bob \"Bob\"\n  kind: person\n");
    let talks = a.uri("talks.chron");
    let (mut lsp, _) = Lsp::start(Some(&a), false);
    lsp.wait_indexed();
    let first = lsp.wait_from(0, "talks", |m| harness::is_publication(m, &talks));
    assert_eq!(
        undefined(first["params"]["diagnostics"].as_array().unwrap()).len(),
        1
    );

    let folder = json!({"uri": b.root_uri(), "name": "b"});
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [folder], "removed": []}}),
    );
    let diags = lsp.wait_for_diagnostics(&talks, None);
    assert!(undefined(&diags).is_empty(), "{diags:?}");

    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [folder]}}),
    );
    let diags = lsp.wait_for_diagnostics(&talks, None);
    assert_eq!(undefined(&diags).len(), 1, "{diags:?}");
    assert!(lsp.shutdown_and_exit().success());
}

// ── bad input ───────────────────────────────────────────────────────────

#[test]
fn requests_before_initialize_are_refused() {
    let mut lsp = Lsp::spawn(&[]);
    let response = lsp.request("workspace/executeCommand", json!({"command": "x"}));
    assert_eq!(response["error"]["code"], -32002, "{response}");
    // And the server still initializes afterwards.
    let response = lsp.request("initialize", json!({"capabilities": {}}));
    assert!(response["result"]["capabilities"].is_object(), "{response}");
    lsp.notify("initialized", json!({}));
    assert!(lsp.shutdown_and_exit().success());
}

/// References, symbols, tokens and the like are answered by the server's
/// direct-response layer (src/server/direct.rs), not by tower-lsp-server's
/// own path; the protocol's lifecycle and parameter errors must still be
/// the same.
#[test]
fn directly_answered_requests_keep_the_protocol_errors() {
    let refs = |uri: &str| {
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 7},
               "context": {"includeDeclaration": true}})
    };
    let mut lsp = Lsp::spawn(&[]);
    let r = lsp.request("textDocument/references", refs("untitled:a.chron"));
    assert_eq!(r["error"]["code"], -32002, "before initialize: {r}");
    let r = lsp.request("initialize", json!({"capabilities": {}}));
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    lsp.notify("initialized", json!({}));

    let uri = "untitled:a.chron";
    lsp.open(
        uri,
        1,
        "actor macron \"Emmanuel Macron\"\nMet @macron. Saw @macron.\n",
    );
    lsp.wait_for_diagnostics(uri, Some(1));
    let r = lsp.request("textDocument/references", refs(uri));
    assert_eq!(r["result"].as_array().map(Vec::len), Some(3), "{r}");
    assert_eq!(r["jsonrpc"], "2.0");
    let r = lsp.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(r["result"][0]["name"], "macron", "{r}");
    // Unknown document: an empty answer, not an error.
    let r = lsp.request("textDocument/references", refs("untitled:nothing.chron"));
    assert!(r.get("error").is_none() && r["result"].is_null(), "{r}");
    // Params that do not decode: "invalid params".
    let r = lsp.request("textDocument/references", json!({"textDocument": 5}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = lsp.request("textDocument/semanticTokens/full", json!(null));
    assert_eq!(r["error"]["code"], -32602, "{r}");

    let r = lsp.request("shutdown", json!(null));
    assert_eq!(r["result"], Value::Null);
    let r = lsp.request("textDocument/references", refs(uri));
    assert_eq!(r["error"]["code"], -32600, "after shutdown: {r}");
    lsp.notify("exit", json!(null));
    assert_eq!(lsp.wait_exit().expect("exited").code(), Some(0));
}

#[test]
fn malformed_messages_are_answered_and_the_server_keeps_serving() {
    let (mut lsp, _) = Lsp::start(None, false);
    let alive = |lsp: &mut Lsp| {
        let r = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
        assert_eq!(r["error"]["code"], -32602, "{r}");
    };

    lsp.send_raw(b"{this is not json");
    let reply = lsp.wait_for("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(reply["id"], Value::Null);
    alive(&mut lsp);

    lsp.send_raw(br#"{"jsonrpc":"2.0","id":77,"method":42}"#);
    let reply = lsp.wait_for("an invalid request", |m| m["id"] == 77);
    assert_eq!(reply["error"]["code"], -32600);
    alive(&mut lsp);

    // Headers without Content-Length, invalid UTF-8, a lone surrogate.
    lsp.send_bytes(b"Garbage: yes\r\n\r\n");
    lsp.wait_for("missing Content-Length", |m| m["error"]["code"] == -32700);
    lsp.send_raw(&[b'{', 0xff, b'}']);
    lsp.wait_for("invalid UTF-8", |m| m["error"]["code"] == -32700);
    lsp.send_raw(br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:s","languageId":"chronicle","version":1,"text":"\ud800"}}}"#);
    lsp.wait_for("an undecodable string", |m| m.get("error").is_some());
    alive(&mut lsp);

    // Unknown methods: an error for a request, nothing for a notification.
    let r = lsp.request("chronicle/noSuchMethod", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    lsp.notify("chronicle/noSuchNotification", json!({}));
    lsp.notify("$/noSuchNotification", json!({}));
    // Wrong params for a known notification.
    lsp.notify("textDocument/didOpen", json!({"textDocument": 5}));
    alive(&mut lsp);
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn unknown_documents_and_out_of_range_positions_are_survived() {
    let (mut lsp, _) = Lsp::start(None, false);
    // Changes and closes of documents never opened.
    lsp.change("untitled:never-opened.chron", 2, &[(0, 0, 0, 0, "x")]);
    lsp.close("untitled:never-opened.chron");
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "not a uri at all", "version": 1}, "contentChanges": []}),
    );

    // Out-of-range positions are clamped: past the end of a line goes to
    // its end, past the last line to the end of the text.
    let uri = "untitled:clamp.chron";
    lsp.open(uri, 1, "Met @a.\nx");
    lsp.wait_for_diagnostics(uri, Some(1));
    lsp.change(
        uri,
        2,
        &[(0, 999, 0, 999, " @b"), (99, 99, 120, 0, "\nSaw @c.")],
    );
    let diags = lsp.wait_for_diagnostics(uri, Some(2));
    let ranges: Vec<_> = undefined(&diags).into_iter().map(range_of).collect();
    assert_eq!(
        ranges,
        [((0, 4), (0, 6)), ((0, 8), (0, 10)), ((2, 4), (2, 6))],
        "{diags:?}"
    );

    // Binary-looking text (NULs, control characters) in a document.
    let binary = "untitled:binary.chron";
    lsp.open(
        binary,
        1,
        "\u{0}\u{1}\u{2}actor\u{0} @\u{7f}\n\u{feff}\u{0}",
    );
    lsp.wait_for_diagnostics(binary, Some(1));
    let r = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
    assert_eq!(r["error"]["code"], -32602);
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn a_huge_document_is_not_parsed_and_gets_one_warning() {
    let (mut lsp, _) = Lsp::start(None, false);
    let uri = "untitled:huge.chron";
    let line = "Met @somebody at the conference, and talked at length.\n";
    let text = line.repeat(50 * 1024 * 1024 / line.len() + 1);
    assert!(text.len() > 50 * 1024 * 1024);
    lsp.open(uri, 1, &text);
    drop(text);
    let diags = lsp.wait_for_diagnostics(uri, Some(1));
    assert_eq!(codes(&diags), ["file-too-large"], "{diags:?}");
    assert_eq!(diags[0]["severity"], 2);
    // Edits to it are still followed (and still not analysed).
    lsp.change(uri, 2, &[(0, 0, 0, 0, "x")]);
    let diags = lsp.wait_for_diagnostics(uri, Some(2));
    assert_eq!(codes(&diags), ["file-too-large"]);
    let r = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
    assert_eq!(r["error"]["code"], -32602);
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn files_over_the_configured_limit_are_skipped_with_a_warning() {
    let ws = TempDir::new("limit");
    ws.write("small.chron", "Met @bob.\n");
    ws.write("big.chron", format!("Met @bob.\n{}", "x".repeat(200)));
    let (lsp, _) = Lsp::start_with(Some(&ws), false, &[], json!({"maxFileSize": 100}));
    lsp.wait_indexed();
    let big = lsp.wait_from(0, "big", |m| {
        harness::is_publication(m, &ws.uri("big.chron"))
    });
    assert_eq!(
        codes(big["params"]["diagnostics"].as_array().unwrap()),
        ["file-too-large"]
    );
    let small = lsp.wait_from(0, "small", |m| {
        harness::is_publication(m, &ws.uri("small.chron"))
    });
    assert_eq!(
        undefined(small["params"]["diagnostics"].as_array().unwrap()).len(),
        1
    );
    assert!(lsp.shutdown_and_exit().success());
}

// ── panics ──────────────────────────────────────────────────────────────

#[test]
fn a_panicking_handler_is_answered_and_the_server_keeps_serving() {
    let (mut lsp, _) = Lsp::start_with(None, false, &[("CHRONICLE_TEST_PANIC", "1")], json!(null));
    let r = lsp.request(
        "workspace/executeCommand",
        json!({"command": "chronicle.debug.panic"}),
    );
    assert_eq!(r["error"]["code"], -32603, "{r}");
    assert!(r["error"]["message"]
        .as_str()
        .unwrap()
        .contains("deliberate panic"));
    // A panicking notification is only logged.
    lsp.notify("chronicle/debugPanic", json!(null));
    // Still serving: documents, diagnostics, requests — and panics again.
    let uri = "untitled:after-panic.chron";
    lsp.open(uri, 1, "Met @bob.\n");
    assert_eq!(undefined(&lsp.wait_for_diagnostics(uri, Some(1))).len(), 1);
    let r = lsp.request(
        "workspace/executeCommand",
        json!({"command": "chronicle.debug.panic"}),
    );
    assert_eq!(r["error"]["code"], -32603, "{r}");
    let r = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        lsp.stderr_shows("handler panicked"),
        "{}",
        lsp.stderr_tail()
    );
    assert!(lsp.shutdown_and_exit().success());

    // Without the variable the command does not exist.
    let (mut lsp, _) = Lsp::start(None, false);
    let r = lsp.request(
        "workspace/executeCommand",
        json!({"command": "chronicle.debug.panic"}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(lsp.shutdown_and_exit().success());
}

// ── exit ────────────────────────────────────────────────────────────────

#[test]
fn exit_codes_follow_the_protocol() {
    // shutdown then exit: 0.
    let (lsp, _) = Lsp::start(None, false);
    assert_eq!(lsp.shutdown_and_exit().code(), Some(0));

    // exit without shutdown: 1.
    let (mut lsp, _) = Lsp::start(None, false);
    lsp.notify("exit", json!(null));
    assert_eq!(lsp.wait_exit().expect("exited").code(), Some(1));

    // The client went away (stdin closed) without exit: 1.
    let (mut lsp, _) = Lsp::start(None, false);
    lsp.close_stdin();
    assert_eq!(lsp.wait_exit().expect("exited").code(), Some(1));

    // After shutdown, requests are refused but exit still works.
    let (mut lsp, _) = Lsp::start(None, false);
    let r = lsp.request("shutdown", json!(null));
    assert_eq!(r["result"], Value::Null);
    let r = lsp.request("workspace/executeCommand", json!({"command": "nothing"}));
    assert_eq!(r["error"]["code"], -32600, "{r}");
    lsp.notify("exit", json!(null));
    assert_eq!(lsp.wait_exit().expect("exited").code(), Some(0));
    assert!(!lsp.is_running());
}

// ── features ────────────────────────────────────────────────────────────

const ACTORS: &str = "actor macron \"Emmanuel Macron\"\n  kind: person\n  aka: \"Macron\"\nactor france \"France\"\n  kind: state\n";
const EVENTS: &str = "2025-11-25 event call: Call with @macron\n  who: @macron, @france\n2025-11-25 @macron said \"We decided.\"\n  at: @call\n";

fn feature_workspace(name: &str) -> (TempDir, String, String) {
    let ws = TempDir::new(name);
    ws.write("actors.chron", ACTORS);
    ws.write("events.chron", EVENTS);
    let (actors, events) = (ws.uri("actors.chron"), ws.uri("events.chron"));
    (ws, actors, events)
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

#[test]
fn definition_references_and_rename_across_files() {
    let (ws, actors, events) = feature_workspace("navigation");
    let (mut lsp, _) = Lsp::start(Some(&ws), false);
    lsp.wait_indexed();
    lsp.open(&events, 1, EVENTS);
    lsp.wait_for_diagnostics(&events, Some(1));

    // `@macron` in `who:` (line 1) → its definition in actors.chron.
    let def = lsp.request("textDocument/definition", at(&events, 1, 9));
    let target = &def["result"];
    assert_eq!(target["uri"], actors.as_str(), "{def}");
    assert_eq!(
        target["range"]["start"],
        json!({ "line": 0, "character": 6 })
    );
    assert_eq!(
        target["range"]["end"],
        json!({ "line": 0, "character": 12 })
    );

    // References, with and without the declaration; the title mention counts.
    let mut with = at(&events, 1, 9);
    with["context"] = json!({ "includeDeclaration": true });
    let refs = lsp.request("textDocument/references", with.clone());
    assert_eq!(refs["result"].as_array().unwrap().len(), 4, "{refs}");
    with["context"] = json!({ "includeDeclaration": false });
    let refs = lsp.request("textDocument/references", with);
    assert_eq!(refs["result"].as_array().unwrap().len(), 3, "{refs}");

    // Prepare rename gives the ID without `@`; rename edits both files.
    let prep = lsp.request("textDocument/prepareRename", at(&events, 1, 9));
    assert_eq!(prep["result"]["placeholder"], "macron", "{prep}");
    let mut params = at(&events, 1, 9);
    params["newName"] = json!("emmanuel");
    let edit = lsp.request("textDocument/rename", params.clone());
    let changes = edit["result"]["changes"].as_object().unwrap();
    assert_eq!(changes[&actors].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(changes[&events].as_array().unwrap().len(), 3, "{edit}");
    assert!(changes[&events]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["newText"] == "emmanuel"));

    // A colliding or malformed new ID is refused with a message.
    params["newName"] = json!("france");
    let refused = lsp.request("textDocument/rename", params.clone());
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already defined"),
        "{refused}"
    );
    params["newName"] = json!("two words");
    let refused = lsp.request("textDocument/rename", params);
    assert!(refused.get("error").is_some(), "{refused}");
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn completion_hover_symbols_and_tokens() {
    let (ws, _actors, events) = feature_workspace("features");
    let (mut lsp, _) = Lsp::start(Some(&ws), false);
    lsp.wait_indexed();
    lsp.open(&events, 1, EVENTS);
    lsp.wait_for_diagnostics(&events, Some(1));

    // Typing `@` on a new prose line offers the actors.
    lsp.change(&events, 2, &[(4, 0, 4, 0, "Talked to @")]);
    lsp.wait_for_diagnostics(&events, Some(2));
    let list = lsp.request("textDocument/completion", at(&events, 4, 11));
    let labels: Vec<_> = list["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect();
    assert!(labels.contains(&"macron".to_string()), "{labels:?}");
    assert!(labels.contains(&"france".to_string()), "{labels:?}");

    // Hover on the speaker shows the actor card.
    let hover = lsp.request("textDocument/hover", at(&events, 2, 13));
    let card = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(card.contains("Emmanuel Macron"), "{card}");
    assert!(card.contains("person"), "{card}");

    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": events } }),
    );
    let names: Vec<_> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.iter().any(|n| n == "call"), "{names:?}");
    let found = lsp.request("workspace/symbol", json!({ "query": "mcrn" }));
    assert_eq!(found["result"][0]["name"], "macron", "{found}");

    let tokens = lsp.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": events } }),
    );
    let data = tokens["result"]["data"].as_array().unwrap();
    assert!(data.len() >= 5 * 10 && data.len() % 5 == 0, "{tokens}");
    let folds = lsp.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": events } }),
    );
    assert!(!folds["result"].as_array().unwrap().is_empty(), "{folds}");
    assert!(lsp.shutdown_and_exit().success());
}

#[test]
fn conflicts_are_explained_and_can_be_acknowledged() {
    let ws = TempDir::new("conflicts");
    let text = "actor a \"A\"\nactor b \"B\"\ntopic plan \"Plan\"\n2025-11-25 @a claims @plan.points = 19\n2025-11-25 @b claims @plan.points = 28\n2025-11-25 event call: Call\n2025-11-24 event wg: WG\n  after: @call\nevent geneva: Talks\n  before: @call\n";
    ws.write("notes.chron", text);
    let notes = ws.uri("notes.chron");
    let (mut lsp, _) = Lsp::start(Some(&ws), false);
    lsp.wait_indexed();
    lsp.open(&notes, 1, text);
    let diags = lsp.wait_for_diagnostics(&notes, Some(1));
    let conflicts = harness::with_code(&diags, "conflicting-claims");
    assert_eq!(conflicts.len(), 2, "{diags:?}");
    let temporal = harness::with_code(&diags, "temporal-conflict");
    assert_eq!(temporal.len(), 1, "{diags:?}");
    assert_eq!(
        temporal[0]["relatedInformation"].as_array().unwrap().len(),
        2
    );

    // The quick fix marks the claim disputed.
    let claim = conflicts[1].clone();
    let actions = lsp.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": notes },
            "range": claim["range"],
            "context": { "diagnostics": [claim] },
        }),
    );
    let titles: Vec<_> = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("disputed: yes")),
        "{titles:?}"
    );

    // The undated event gets its inferred window as an inlay hint.
    let hints = lsp.request(
        "textDocument/inlayHint",
        json!({
            "textDocument": { "uri": notes },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 20, "character": 0 } },
        }),
    );
    let labels: Vec<_> = hints["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap().to_string())
        .collect();
    assert!(
        labels.contains(&"≈ ../2025-11-25".to_string()),
        "{labels:?}"
    );
    assert!(lsp.shutdown_and_exit().success());
}

/// A document read by regions (no tree kept: `keepTreeBelow: 0`, as for a
/// large document) answers as one with a tree: the same diagnostics after
/// each edit, completions, hovers, tokens and folds.
#[test]
fn a_document_read_by_regions_answers_as_one_with_a_tree() {
    let notes = format!(
        "# Week one\n\n{EVENTS}\nTalked to @macron today.\n\n## Later\n2025-11-26 event talks: Talks\n  after: @call\n  who: @france\n"
    );
    let edits: &[(u32, u32, u32, u32, &str)] = &[
        (5, 0, 5, 0, "Then @fr"),
        (5, 8, 5, 8, "ance met @"),
        (8, 9, 8, 9, "2"),
        (9, 2, 9, 2, "before: @talks\n  "),
        (0, 2, 0, 6, "Month"),
        (
            11,
            0,
            11,
            0,
            "2025-11-24 @france claims @talks.date = 2025-11-27\n",
        ),
        (7, 0, 8, 0, ""),
    ];
    let mut answers: Vec<Vec<String>> = Vec::new();
    for options in [json!({}), json!({ "keepTreeBelow": 0 })] {
        let (ws, _actors, _events) = feature_workspace("regions");
        ws.write("notes.chron", &notes);
        let uri = ws.uri("notes.chron");
        let regions = options.get("keepTreeBelow").is_some();
        let log = [("CHRONICLE_LOG", "chronicle=debug")];
        let (mut lsp, _) = Lsp::start_with(Some(&ws), false, &log, options);
        lsp.wait_indexed();
        lsp.open(&uri, 1, &notes);
        let mut got = vec![json!(lsp.wait_for_diagnostics(&uri, Some(1)))];
        for (i, edit) in edits.iter().enumerate() {
            let version = i as i64 + 2;
            lsp.change(&uri, version, &[*edit]);
            got.push(json!(lsp.wait_for_diagnostics(&uri, Some(version))));
            for line in 0..12 {
                for character in [0, 3, 11, 14, 20, 30] {
                    for method in ["textDocument/hover", "textDocument/completion"] {
                        got.push(lsp.request(method, at(&uri, line, character))["result"].clone());
                    }
                }
            }
            for method in [
                "textDocument/semanticTokens/full",
                "textDocument/foldingRange",
            ] {
                let doc = json!({ "textDocument": { "uri": uri } });
                got.push(lsp.request(method, doc)["result"].clone());
            }
        }
        // Each server read its edits its own way.
        let (yes, no) = if regions {
            ("read by regions", "reparsed")
        } else {
            ("reparsed", "read by regions")
        };
        assert!(lsp.stderr_shows(yes) && !lsp.stderr_has(no));
        assert!(lsp.shutdown_and_exit().success());
        let root = ws.root_uri();
        answers.push(
            got.iter()
                .map(|a| a.to_string().replace(&root, "ROOT"))
                .collect(),
        );
    }
    assert_eq!(answers[0].len(), answers[1].len());
    for (i, (a, b)) in answers[0].iter().zip(&answers[1]).enumerate() {
        assert_eq!(a, b, "answer {i}");
    }
    // The edits made diagnostics: an unknown ID, then the claim's date.
    assert!(answers[0].iter().any(|a| a.contains("undefined-reference")));
}
