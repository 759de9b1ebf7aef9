//! Direct responses: the requests whose results grow with the workspace are
//! answered by serialising the typed result straight into the response
//! frame.
//!
//! tower-lsp-server turns every result into a `serde_json::Value` tree
//! (`serde_json::to_value`) and then serialises that tree. For references
//! to an actor with 10,000 mentions (1.3 MB of JSON) the tree costs
//! 25–40 ms to build, write and drop, against 2.5 ms for writing the typed
//! result directly; most of it is allocation. [`Direct`] sits between the
//! panic guard and the `LspService`: for the methods of `direct_answer`,
//! once the session is initialised, it decodes the params itself, runs the
//! very `LanguageServer` method tower-lsp-server would have run, writes the
//! response frame to the output and tells tower-lsp-server there is nothing
//! to send (`Ok(None)`). Everything else passes through unchanged.
//!
//! What differs from tower-lsp-server's handling of these requests:
//! - Params that do not decode are left to tower-lsp-server, which answers
//!   with its usual "invalid params" error.
//! - Before `initialize` has been answered and after `shutdown`, requests
//!   pass through, so tower-lsp-server's lifecycle errors apply.
//! - `$/cancelRequest` does not cancel them (tower-lsp-server does not know
//!   their ids and ignores the cancellation). They run on snapshots and
//!   their result is not needed to go on, so finishing costs only the time.
//! - A panic in the handler is still turned into an internal error by
//!   [`super::catch_panic`] (the frame is written only after the handler
//!   returned).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Id, Request, Response, Result};
use tower_lsp_server::LanguageServer;
use tower_service::Service;
use tracing::{error, trace};

use super::backend::{Backend, Server};
use super::features;
use super::transport::Out;

/// The tower `Service` in front of the `LspService` (see the module docs).
pub struct Direct<S> {
    inner: S,
    server: Server,
    /// `initialize` was answered successfully and `shutdown` has not come.
    ready: Arc<AtomicBool>,
}

impl<S> Direct<S> {
    pub fn new(inner: S, server: Server) -> Self {
        Direct {
            inner,
            server,
            ready: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// A result already written as JSON, in parts written one after the other
/// (by a feature that writes its large results itself, such as
/// [`super::features::references::references_json`]).
pub struct Json(pub Vec<Vec<u8>>);

/// What a direct handler answers with: a typed result or pre-written JSON.
pub trait Payload {
    /// The result as JSON, in parts.
    fn into_json(self) -> serde_json::Result<Vec<Vec<u8>>>;
}

/// A typed result, serialised with serde.
pub struct Typed<R>(pub R);

impl<R: Serialize> Payload for Typed<R> {
    fn into_json(self) -> serde_json::Result<Vec<Vec<u8>>> {
        Ok(vec![serde_json::to_vec(&self.0)?])
    }
}

impl Payload for Json {
    fn into_json(self) -> serde_json::Result<Vec<Vec<u8>>> {
        Ok(self.0)
    }
}

/// The body of the response to request `id`, in parts: the envelope's
/// start, the result (moved, not copied: references to a much-mentioned
/// actor are 1.4 MB, and copying them into the envelope took 0.6-1.3 ms),
/// the envelope's end.
fn body<P: Payload>(id: Id, result: Result<P>) -> serde_json::Result<Vec<Vec<u8>>> {
    match result {
        Ok(payload) => {
            let mut parts = vec![b"{\"jsonrpc\":\"2.0\",\"result\":".to_vec()];
            parts.extend(payload.into_json()?);
            let mut end = b",\"id\":".to_vec();
            serde_json::to_writer(&mut end, &id)?;
            end.push(b'}');
            parts.push(end);
            Ok(parts)
        }
        Err(err) => Ok(vec![serde_json::to_vec(&Response::from_error(id, err))?]),
    }
}

type Answer = BoxFuture<'static, ()>;

/// Decodes `params` and runs `handler` on them; `None` when they do not
/// decode (tower-lsp-server then answers with its error).
fn answer<P, R, F>(
    server: &Server,
    id: Id,
    params: &Value,
    handler: impl FnOnce(Backend, P) -> F,
) -> Option<Answer>
where
    P: DeserializeOwned,
    R: Payload,
    F: std::future::Future<Output = Result<R>> + Send + 'static,
{
    let params = P::deserialize(params).ok()?;
    let fut = handler(Backend(server.clone()), params);
    let out = server.output.clone();
    Some(
        async move {
            let result = fut.await;
            let started = std::time::Instant::now();
            match body(id, result) {
                Ok(bytes) => {
                    trace!(
                        bytes = bytes.iter().map(Vec::len).sum::<usize>(),
                        serialise_us = started.elapsed().as_micros() as u64,
                        "direct response"
                    );
                    let _ = out.send(Out::Body(bytes));
                }
                Err(err) => error!("cannot serialise a response: {err}"),
            }
        }
        .boxed(),
    )
}

/// The answer to `method`, if it is one of the requests answered directly.
fn direct_answer(server: &Server, method: &str, id: Id, params: &Value) -> Option<Answer> {
    macro_rules! route {
        ($($name:literal => $handler:ident,)*) => {
            match method {
                // References to a much-mentioned actor: tens of thousands
                // of locations, written by the feature itself.
                "textDocument/references" => answer(server, id, params, |b: Backend, p| async move {
                    b.0.read("references", move |w| {
                        Json(features::references::references_json(w, p))
                    })
                    .await
                }),
                $($name => answer(server, id, params, |b: Backend, p| async move {
                    b.$handler(p).await.map(Typed)
                }),)*
                _ => None,
            }
        };
    }
    route! {
        "textDocument/rename" => rename,
        "textDocument/documentHighlight" => document_highlight,
        "textDocument/documentSymbol" => document_symbol,
        "workspace/symbol" => symbol,
        "textDocument/completion" => completion,
        "textDocument/foldingRange" => folding_range,
        "textDocument/semanticTokens/full" => semantic_tokens_full,
        "textDocument/semanticTokens/range" => semantic_tokens_range,
        "textDocument/inlayHint" => inlay_hint,
        "textDocument/codeAction" => code_action,
    }
}

impl<S> Service<Request> for Direct<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, std::result::Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<std::result::Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match req.method() {
            "shutdown" => self.ready.store(false, Ordering::SeqCst),
            "initialize" => {
                let ready = self.ready.clone();
                return self
                    .inner
                    .call(req)
                    .map(move |response| {
                        // A second `initialize` is refused and changes nothing.
                        if matches!(&response, Ok(Some(r)) if r.is_ok()) {
                            ready.store(true, Ordering::SeqCst);
                        }
                        response
                    })
                    .boxed();
            }
            _ => {}
        }
        if self.ready.load(Ordering::SeqCst) {
            if let (Some(id), Some(params)) = (req.id(), req.params()) {
                if let Some(fut) = direct_answer(&self.server, req.method(), id.clone(), params) {
                    return fut.map(|()| Ok(None)).boxed();
                }
            }
        }
        self.inner.call(req).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tower_lsp_server::jsonrpc::Error;

    /// A body's parts as the writer sends them: one after the other.
    fn joined(parts: serde_json::Result<Vec<Vec<u8>>>) -> Vec<u8> {
        parts.unwrap().concat()
    }

    /// The bytes written directly decode to the response tower-lsp-server
    /// would have sent.
    #[test]
    fn direct_bodies_equal_tower_lsp_server_responses() {
        let result = Some(vec![json!({"uri": "file:///a.chron", "n": [1, 2]})]);
        for id in [Id::Number(7), Id::String("x".into())] {
            let direct: Value =
                serde_json::from_slice(&joined(body(id.clone(), Ok(Typed(&result))))).unwrap();
            let theirs = serde_json::to_value(Response::from_ok(
                id.clone(),
                serde_json::to_value(&result).unwrap(),
            ))
            .unwrap();
            assert_eq!(direct, theirs);
            let raw = Json(vec![serde_json::to_vec(&result).unwrap()]);
            let direct: Value = serde_json::from_slice(&joined(body(id.clone(), Ok(raw)))).unwrap();
            assert_eq!(direct, theirs);
            let none: Result<Typed<Option<u8>>> = Ok(Typed(None));
            let direct: Value = serde_json::from_slice(&joined(body(id.clone(), none))).unwrap();
            assert_eq!(direct["result"], Value::Null);
            assert!(direct.as_object().unwrap().contains_key("result"));
            let err = Error::invalid_params("no");
            let direct: Value =
                serde_json::from_slice(&joined(body::<Typed<u8>>(id.clone(), Err(err.clone()))))
                    .unwrap();
            let theirs = serde_json::to_value(Response::from_error(id, err)).unwrap();
            assert_eq!(direct, theirs);
        }
    }
}
