//! A test client that speaks to the real `chronicle lsp` binary over stdio
//! like an editor: Content-Length framing, a reader thread collecting every
//! message (and answering the server's own requests — progress tokens,
//! registrations — with `null`), requests, notifications and waits that fail
//! after a timeout instead of hanging.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long a wait may take before the test fails (debug builds on a busy
/// machine are slow; a hang fails rather than blocks).
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "chronicle-lsp-{name}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        // Canonical, so that URIs made here match the server's.
        TempDir(dir.canonicalize().unwrap())
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a file (creating directories) and returns its path.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.0.join(rel)).unwrap();
    }

    /// The `file://` URI of a file in the directory.
    pub fn uri(&self, rel: &str) -> String {
        file_uri(&self.0.join(rel))
    }

    pub fn root_uri(&self) -> String {
        file_uri(&self.0)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `file://` URI for an absolute path (percent-encoding what needs it).
pub fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Inbox {
    messages: Mutex<Vec<Value>>,
    arrived: Condvar,
}

/// A running `chronicle lsp`.
pub struct Lsp {
    child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    inbox: Arc<Inbox>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
    /// Waits look at messages from here on; every send moves it to the end.
    cursor: usize,
}

fn write_frame(stdin: &Mutex<Option<ChildStdin>>, body: &[u8]) {
    let mut guard = stdin.lock().unwrap();
    if let Some(stdin) = guard.as_mut() {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        // The server may have exited (tests of exit); ignore broken pipes.
        let _ = stdin.write_all(&frame).and_then(|()| stdin.flush());
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server wrote invalid JSON"))
}

impl Lsp {
    /// Starts the binary with extra environment variables.
    pub fn spawn(env: &[(&str, &str)]) -> Lsp {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chronicle"));
        cmd.args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("RUST_LOG")
            .env("CHRONICLE_LOG", "info");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("starting chronicle lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let inbox = Arc::new(Inbox {
            messages: Mutex::new(Vec::new()),
            arrived: Condvar::new(),
        });
        let stderr = Arc::new(Mutex::new(String::new()));

        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (reader_inbox, reader_stdin) = (inbox.clone(), stdin.clone());
        thread::spawn(move || {
            while let Some(msg) = read_frame(&mut out) {
                // Answer the server's requests (progress tokens,
                // registrations) the way an editor would.
                if msg.get("method").is_some() {
                    if let Some(id) = msg.get("id") {
                        let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                        write_frame(&reader_stdin, reply.to_string().as_bytes());
                    }
                }
                reader_inbox.messages.lock().unwrap().push(msg);
                reader_inbox.arrived.notify_all();
            }
        });
        let mut err = child.stderr.take().unwrap();
        let stderr_buf = stderr.clone();
        thread::spawn(move || {
            let mut chunk = [0; 8192];
            while let Ok(n) = err.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                stderr_buf
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&chunk[..n]));
            }
        });
        Lsp {
            child,
            stdin,
            inbox,
            stderr,
            next_id: 1,
            cursor: 0,
        }
    }

    /// Client capabilities of a capable editor; `utf8` offers UTF-8
    /// positions too.
    pub fn capabilities(utf8: bool) -> Value {
        let encodings = if utf8 {
            json!(["utf-8", "utf-16"])
        } else {
            json!(["utf-16"])
        };
        json!({
            "general": { "positionEncodings": encodings },
            "window": { "workDoneProgress": true },
            "workspace": {
                "workspaceFolders": true,
                "didChangeWatchedFiles": { "dynamicRegistration": true }
            },
            "textDocument": { "publishDiagnostics": { "versionSupport": true, "relatedInformation": true } }
        })
    }

    /// Starts a server, initializes it (on `root`, if any) and sends
    /// `initialized`. Returns the server and the `initialize` result.
    pub fn start(root: Option<&TempDir>, utf8: bool) -> (Lsp, Value) {
        Self::start_with(root, utf8, &[], json!(null))
    }

    pub fn start_with(
        root: Option<&TempDir>,
        utf8: bool,
        env: &[(&str, &str)],
        options: Value,
    ) -> (Lsp, Value) {
        let mut lsp = Lsp::spawn(env);
        let folders = root.map(|r| json!([{ "uri": r.root_uri(), "name": "ws" }]));
        let response = lsp.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root.map(|r| r.root_uri()),
                "workspaceFolders": folders,
                "capabilities": Self::capabilities(utf8),
                "initializationOptions": options,
            }),
        );
        let result = response
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("initialize failed: {response}"));
        lsp.notify("initialized", json!({}));
        (lsp, result)
    }

    /// Sends a request and waits for its response (the whole message).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_from(0, &format!("the response to request {id}"), |m| {
            m.get("method").is_none() && m.get("id") == Some(&json!(id))
        })
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_raw(msg.to_string().as_bytes());
    }

    /// Sends a body as is, framed.
    pub fn send_raw(&mut self, body: &[u8]) {
        self.cursor = self.inbox.messages.lock().unwrap().len();
        write_frame(&self.stdin, body);
    }

    /// Sends bytes as is, unframed.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.cursor = self.inbox.messages.lock().unwrap().len();
        let mut guard = self.stdin.lock().unwrap();
        let stdin = guard.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Value> {
        self.inbox.messages.lock().unwrap().clone()
    }

    /// The first message at or after index `from` that satisfies `pred`;
    /// fails the test after [`TIMEOUT`].
    pub fn wait_from(&self, from: usize, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut messages = self.inbox.messages.lock().unwrap();
        loop {
            if let Some(m) = messages.iter().skip(from).find(|m| pred(m)) {
                return m.clone();
            }
            let now = Instant::now();
            if now >= deadline {
                let recent: Vec<String> = messages
                    .iter()
                    .rev()
                    .take(12)
                    .map(|m| {
                        let s = m.to_string();
                        s.chars().take(400).collect()
                    })
                    .collect();
                drop(messages);
                panic!(
                    "timed out waiting for {what}\nlast messages (newest first):\n{}\nserver stderr (tail):\n{}",
                    recent.join("\n"),
                    self.stderr_tail()
                );
            }
            messages = self
                .inbox
                .arrived
                .wait_timeout(messages, deadline - now)
                .unwrap()
                .0;
        }
    }

    /// The first message since the last send that satisfies `pred`.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_from(self.cursor, what, pred)
    }

    /// The diagnostics of the first publication for `uri` since the last
    /// send (with `version`, if given).
    pub fn wait_for_diagnostics(&self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let what = format!("diagnostics for {uri} (version {version:?})");
        let msg = self.wait_for(&what, |m| {
            is_publication(m, uri) && version.is_none_or(|v| m["params"]["version"] == json!(v))
        });
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// The diagnostics of the first publication for `uri` since the last
    /// send that satisfies `pred`.
    pub fn wait_for_diagnostics_where(
        &self,
        uri: &str,
        what: &str,
        pred: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let msg = self.wait_for(&format!("diagnostics for {uri}: {what}"), |m| {
            is_publication(m, uri) && pred(m["params"]["diagnostics"].as_array().unwrap())
        });
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Every publication for `uri` received so far, in order.
    pub fn publications(&self, uri: &str) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| is_publication(m, uri))
            .map(|m| m["params"].clone())
            .collect()
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "chronicle", "version": version, "text": text}}),
        );
    }

    /// One `didChange` with ranged changes: `(start line, start char, end
    /// line, end char, text)`.
    pub fn change(&mut self, uri: &str, version: i64, changes: &[(u32, u32, u32, u32, &str)]) {
        let changes: Vec<Value> = changes
            .iter()
            .map(|&(sl, sc, el, ec, text)| {
                json!({
                    "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
                    "text": text
                })
            })
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// `workspace/didChangeWatchedFiles` with `(uri, type)` events
    /// (1 created, 2 changed, 3 deleted).
    pub fn watched(&mut self, events: &[(&str, u32)]) {
        let changes: Vec<Value> = events
            .iter()
            .map(|(uri, kind)| json!({"uri": uri, "type": kind}))
            .collect();
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": changes }),
        );
    }

    /// Waits for the end of the first indexing pass.
    pub fn wait_indexed(&self) {
        self.wait_from(0, "the end of indexing", |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
        });
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let response = self.request("shutdown", json!(null));
        assert_eq!(response["result"], json!(null), "{response}");
        self.notify("exit", json!(null));
        self.wait_exit()
            .expect("the server did not exit after shutdown and exit")
    }

    /// Waits (up to [`TIMEOUT`]) for the process to exit.
    pub fn wait_exit(&mut self) -> Option<ExitStatus> {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Closes the server's stdin.
    pub fn close_stdin(&mut self) {
        self.stdin.lock().unwrap().take();
    }

    pub fn stderr_tail(&self) -> String {
        let err = self.stderr.lock().unwrap();
        let start = err.len().saturating_sub(4000);
        let mut start = start;
        while !err.is_char_boundary(start) {
            start += 1;
        }
        err[start..].to_string()
    }

    /// Whether the server's stderr shows `needle` within a few seconds (it
    /// is read by another thread, which may not have caught up yet).
    pub fn stderr_shows(&self, needle: &str) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            if self.stderr.lock().unwrap().contains(needle) {
                return true;
            }
            if std::time::Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Whether the server's stderr shows `needle` by now.
    pub fn stderr_has(&self, needle: &str) -> bool {
        self.stderr.lock().unwrap().contains(needle)
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn is_publication(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

/// The codes of a list of diagnostics.
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The diagnostics with a code.
pub fn with_code<'a>(diagnostics: &'a [Value], code: &str) -> Vec<&'a Value> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}

/// `((start line, start character), (end line, end character))` of a
/// diagnostic.
pub fn range_of(d: &Value) -> ((u64, u64), (u64, u64)) {
    let p = |v: &Value| {
        (
            v["line"].as_u64().unwrap(),
            v["character"].as_u64().unwrap(),
        )
    };
    (p(&d["range"]["start"]), p(&d["range"]["end"]))
}
