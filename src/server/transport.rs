//! The stdio transport in front of tower-lsp-server.
//!
//! tower-lsp-server 0.23 stops reading its input at the first message it
//! cannot decode (tokio-util's `FramedRead` yields `None` after a decoder
//! error, which ends the server's read loop), so one malformed message from
//! a client would end the session. Here a reader thread does the framing
//! itself (`Content-Length` headers) and checks every body with the very
//! types tower-lsp-server decodes into: good messages are passed on, bad ones
//! are answered with a JSON-RPC error (`-32700` parse error, `-32600`
//! invalid request) and skipped, and the session goes on.
//!
//! Output goes through one writer thread that writes whole frames only, so
//! the server's messages and the transport's own error responses never
//! interleave; stdout carries nothing else.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::pin::Pin;
use std::sync::mpsc as std_mpsc;
use std::task::{Context, Poll};
use std::thread;

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};
use tracing::{error, warn};

/// The largest message body accepted (a bigger one is skipped and answered
/// with an error): far above any sensible document, below memory trouble.
pub const MAX_BODY: usize = 512 * 1024 * 1024;
/// The longest header line read before it is treated as garbage.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// What the writer thread is asked to do.
pub enum Out {
    /// One whole frame (headers and body).
    Frame(Vec<u8>),
    /// One body in parts, written one after the other: the writer adds its
    /// headers (saves copying a large body into a frame, or a large result
    /// into its response's envelope).
    Body(Vec<Vec<u8>>),
    /// Acknowledge once everything sent before has been written.
    Flush(std_mpsc::Sender<()>),
}

/// Frames a JSON body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: String) -> Vec<u8> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    frame(body.to_string().as_bytes())
}

/// Starts the writer thread: writes frames to `output` in the order they are
/// sent. It ends when every sender is dropped or the output fails.
pub fn spawn_writer(
    mut output: impl Write + Send + 'static,
) -> (std_mpsc::Sender<Out>, thread::JoinHandle<()>) {
    let (tx, rx) = std_mpsc::channel::<Out>();
    let handle = thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            for out in rx {
                match out {
                    Out::Frame(bytes) => {
                        if let Err(err) = output.write_all(&bytes).and_then(|()| output.flush()) {
                            error!("cannot write to the client: {err}");
                            return;
                        }
                    }
                    Out::Body(parts) => {
                        let len: usize = parts.iter().map(Vec::len).sum();
                        let header = format!("Content-Length: {len}\r\n\r\n");
                        if let Err(err) = write_all_vectored(&mut output, header.as_bytes(), &parts)
                            .and_then(|()| output.flush())
                        {
                            error!("cannot write to the client: {err}");
                            return;
                        }
                    }
                    Out::Flush(ack) => {
                        let _ = output.flush();
                        let _ = ack.send(());
                    }
                }
            }
        })
        .expect("spawning the writer thread");
    (tx, handle)
}

/// Writes `head` and then `parts` with as few system calls as the output
/// takes (`writev`): a large answer written part by part woke the client
/// once per part (twenty-two times for 1.4 MB of references).
fn write_all_vectored(output: &mut impl Write, head: &[u8], parts: &[Vec<u8>]) -> io::Result<()> {
    let mut slices: Vec<io::IoSlice<'_>> = std::iter::once(head)
        .chain(parts.iter().map(Vec::as_slice))
        .filter(|s| !s.is_empty())
        .map(io::IoSlice::new)
        .collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match output.write_vectored(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut rest, n),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Asks for a 1 MB buffer on stdout when it is a pipe (Linux). The default
/// is 64 KB: the references of an actor mentioned 10,000 times (1.3 MB)
/// crossed it in twenty writes, each waiting for the client to read.
/// Best effort: when stdout is not a pipe or the size is over the system's
/// limit (`/proc/sys/fs/pipe-max-size`), nothing changes.
pub fn widen_output_pipe() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: fcntl on fd 1 with an integer argument reads and writes
        // no memory of ours; on failure it returns -1 and sets errno.
        let got = unsafe { libc::fcntl(1, libc::F_SETPIPE_SZ, 1 << 20) };
        tracing::debug!(got, "stdout pipe size");
    }
}

/// Waits until everything sent so far has been written.
pub fn flush(out: &std_mpsc::Sender<Out>) {
    let (ack_tx, ack_rx) = std_mpsc::channel();
    if out.send(Out::Flush(ack_tx)).is_ok() {
        let _ = ack_rx.recv_timeout(std::time::Duration::from_secs(5));
    }
}

/// Starts the reader thread on `input`; returns what tower-lsp-server reads
/// from: well-formed messages only, re-framed. Errors for bad messages go to
/// `out`.
pub fn spawn_reader(
    input: impl Read + Send + 'static,
    out: std_mpsc::Sender<Out>,
) -> ChannelReader {
    let (tx, rx) = mpsc::unbounded_channel();
    thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let mut reader = BufReader::with_capacity(64 * 1024, input);
            loop {
                match read_message(&mut reader) {
                    Ok(Some(Ok(body))) => match check(&body) {
                        Ok(()) => {
                            if tx.send(frame(&body)).is_err() {
                                return;
                            }
                        }
                        Err(reply) => {
                            let _ = out.send(Out::Frame(reply));
                        }
                    },
                    Ok(Some(Err(reply))) => {
                        let _ = out.send(Out::Frame(reply));
                    }
                    Ok(None) => return,
                    Err(err) => {
                        error!("cannot read from the client: {err}");
                        return;
                    }
                }
            }
        })
        .expect("spawning the reader thread");
    ChannelReader {
        rx,
        current: Vec::new(),
        pos: 0,
    }
}

/// Reads one message: `Ok(None)` at the end of the input; `Ok(Some(Err))`
/// with the error response to send when the headers are unusable.
fn read_message(reader: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, Vec<u8>>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut seen_header = false;
    loop {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if seen_header {
                break;
            }
            continue;
        }
        seen_header = true;
        // Tolerates garbage before the header on the same line.
        let lower = text.to_ascii_lowercase();
        match lower.find("content-length") {
            Some(at) => {
                let value = text[at + "content-length".len()..]
                    .trim_start()
                    .strip_prefix(':')
                    .map(str::trim)
                    .unwrap_or("");
                length = Some(value.parse::<usize>().map_err(|_| value.to_string()));
                if at > 0 {
                    warn!("skipped garbage before a header: {:?}", &text[..at]);
                }
            }
            None if lower.starts_with("content-type") => {}
            None => warn!("skipped an unknown or malformed header line: {text:?}"),
        }
    }
    match length {
        Some(Ok(n)) if n <= MAX_BODY => {
            let mut body = vec![0; n];
            reader.read_exact(&mut body)?;
            Ok(Some(Ok(body)))
        }
        Some(Ok(n)) => {
            warn!(length = n, "skipping a message over {MAX_BODY} bytes");
            io::copy(&mut reader.by_ref().take(n as u64), &mut io::sink())?;
            Ok(Some(Err(error_frame(
                Value::Null,
                -32600,
                format!("Invalid request: the message is {n} bytes, over the limit of {MAX_BODY}"),
            ))))
        }
        Some(Err(value)) => {
            warn!("a message with an invalid Content-Length: {value:?}");
            Ok(Some(Err(error_frame(
                Value::Null,
                -32700,
                format!("Parse error: invalid Content-Length {value:?}"),
            ))))
        }
        None => {
            warn!("a message without a Content-Length header");
            Ok(Some(Err(error_frame(
                Value::Null,
                -32700,
                "Parse error: missing Content-Length header".to_string(),
            ))))
        }
    }
}

/// Whether tower-lsp-server can decode a body (as a request, notification or
/// response); if not, the error response to send.
fn check(body: &[u8]) -> Result<(), Vec<u8>> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(err) => {
            warn!("a message that is not UTF-8: {err}");
            return Err(error_frame(
                Value::Null,
                -32700,
                format!("Parse error: the message is not UTF-8 ({err})"),
            ));
        }
    };
    if text.trim().is_empty() {
        warn!("an empty message");
        return Err(error_frame(
            Value::Null,
            -32600,
            "Invalid request: empty message".into(),
        ));
    }
    if serde_json::from_str::<Request>(text).is_ok()
        || serde_json::from_str::<Response>(text).is_ok()
    {
        return Ok(());
    }
    match serde_json::from_str::<Value>(text) {
        Err(err) => {
            warn!("a message that is not JSON: {err}");
            Err(error_frame(
                Value::Null,
                -32700,
                format!("Parse error: {err}"),
            ))
        }
        Ok(value) => {
            let id = value
                .get("id")
                .filter(|id| id.is_i64() || id.is_string())
                .cloned()
                .unwrap_or(Value::Null);
            warn!("a message that is not a JSON-RPC 2.0 request, notification or response");
            Err(error_frame(
                id,
                -32600,
                "Invalid request: not a JSON-RPC 2.0 request, notification or response".into(),
            ))
        }
    }
}

/// The server's input: the messages the reader thread let through.
pub struct ChannelReader {
    rx: mpsc::UnboundedReceiver<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if self.pos < self.current.len() {
                let n = buf.remaining().min(self.current.len() - self.pos);
                let pos = self.pos;
                buf.put_slice(&self.current[pos..pos + n]);
                self.pos += n;
                return Poll::Ready(Ok(()));
            }
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(bytes)) => {
                    self.current = bytes;
                    self.pos = 0;
                }
                // The end of the input.
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// The server's output: cuts what tower-lsp-server writes into whole frames
/// and hands them to the writer thread.
pub struct FrameSink {
    buf: Vec<u8>,
    out: std_mpsc::Sender<Out>,
}

impl FrameSink {
    pub fn new(out: std_mpsc::Sender<Out>) -> Self {
        FrameSink {
            buf: Vec::new(),
            out,
        }
    }

    /// Sends every complete frame at the start of the buffer.
    fn drain(&mut self) -> io::Result<()> {
        loop {
            let Some(header_end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                return Ok(());
            };
            let headers = String::from_utf8_lossy(&self.buf[..header_end]);
            let length = headers
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .ok_or_else(|| {
                    io::Error::other("the server wrote a frame without Content-Length")
                })?;
            let end = header_end + 4 + length;
            if self.buf.len() < end {
                return Ok(());
            }
            let rest = self.buf.split_off(end);
            let frame = std::mem::replace(&mut self.buf, rest);
            self.out
                .send(Out::Frame(frame))
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the writer has stopped"))?;
        }
    }
}

impl AsyncWrite for FrameSink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.buf.extend_from_slice(buf);
        Poll::Ready(self.drain().map(|()| buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output that takes at most `most` bytes per call, from the first
    /// slices only, and is interrupted every third call.
    struct Stingy {
        got: Vec<u8>,
        most: usize,
        calls: usize,
    }

    impl Write for Stingy {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[io::IoSlice::new(buf)])
        }
        fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 3 == 0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.most - n);
                self.got.extend_from_slice(&b[..take]);
                n += take;
                if n == self.most {
                    break;
                }
            }
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn vectored_writes_write_every_part_in_order() {
        let parts: Vec<Vec<u8>> = vec![b"[1,".to_vec(), vec![], b"2,3".to_vec(), b"]".to_vec()];
        for most in [1, 2, 3, 5, 100] {
            let mut out = Stingy {
                got: Vec::new(),
                most,
                calls: 0,
            };
            write_all_vectored(&mut out, b"H:7\r\n\r\n", &parts).unwrap();
            assert_eq!(out.got, b"H:7\r\n\r\n[1,2,3]", "at most {most} per call");
        }
        let mut out = Stingy {
            got: Vec::new(),
            most: 0,
            calls: 0,
        };
        let err = write_all_vectored(&mut out, b"H", &parts).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    }

    fn messages(input: &[u8]) -> Vec<Result<Vec<u8>, Value>> {
        let mut reader = BufReader::new(input);
        let mut out = Vec::new();
        while let Some(m) = read_message(&mut reader).unwrap() {
            out.push(match m {
                Ok(body) => match check(&body) {
                    Ok(()) => Ok(body),
                    Err(reply) => Err(reply_json(&reply)),
                },
                Err(reply) => Err(reply_json(&reply)),
            });
        }
        out
    }

    fn reply_json(frame: &[u8]) -> Value {
        let at = frame.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        serde_json::from_slice(&frame[at + 4..]).unwrap()
    }

    #[test]
    fn passes_good_messages_and_answers_bad_ones() {
        let good = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let mut input = Vec::new();
        input.extend(frame(good));
        input.extend(frame(b"{not json"));
        input.extend(frame(br#"{"jsonrpc":"2.0","id":7,"method":42}"#));
        input.extend(frame(br#"{"jsonrpc":"1.0","id":"x","method":"a"}"#));
        input.extend(frame(br#"[1,2]"#));
        input.extend(frame(&[0xff, 0xfe]));
        input.extend(b"garbage line\r\n\r\n");
        input.extend(b"Content-Length: zz\r\n\r\n");
        input.extend(b"xxContent-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
        input.extend(frame(br#"{"jsonrpc":"2.0","result":null,"id":3}"#));
        input.extend(frame(
            br#"{"jsonrpc":"2.0","method":"t","params":{"text":"\ud800"}}"#,
        ));
        let got = messages(&input);
        assert_eq!(got.len(), 11);
        assert_eq!(got[0].as_ref().unwrap(), good);
        let code = |v: &Result<Vec<u8>, Value>| v.as_ref().unwrap_err()["error"]["code"].as_i64();
        let id = |v: &Result<Vec<u8>, Value>| v.as_ref().unwrap_err()["id"].clone();
        assert_eq!(code(&got[1]), Some(-32700));
        assert_eq!((code(&got[2]), id(&got[2])), (Some(-32600), json!(7)));
        assert_eq!((code(&got[3]), id(&got[3])), (Some(-32600), json!("x")));
        assert_eq!(code(&got[4]), Some(-32600));
        assert_eq!(code(&got[5]), Some(-32700));
        assert_eq!(code(&got[6]), Some(-32700)); // no Content-Length
        assert_eq!(code(&got[7]), Some(-32700)); // invalid Content-Length
        assert_eq!(code(&got[8]), Some(-32600)); // `{}` is not a message
        assert!(got[9].is_ok()); // a response to a server request
                                 // A lone surrogate: not decodable into the server's types.
        assert!(got[10].is_err());
    }

    #[test]
    fn sink_cuts_whole_frames() {
        let (tx, rx) = std_mpsc::channel();
        let mut sink = FrameSink::new(tx);
        let a = frame(b"{\"a\":1}");
        let b = frame(b"{\"b\":22}");
        let mut all = a.clone();
        all.extend(&b);
        for piece in all.chunks(5) {
            sink.buf.extend_from_slice(piece);
            sink.drain().unwrap();
        }
        let frames: Vec<Vec<u8>> = rx
            .try_iter()
            .map(|o| match o {
                Out::Frame(f) => f,
                Out::Body(_) | Out::Flush(_) => unreachable!(),
            })
            .collect();
        assert_eq!(frames, vec![a, b]);
    }
}
