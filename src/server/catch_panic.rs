//! A panic in any handler must not take the server down. [`CatchPanic`]
//! wraps the whole `LspService`: every call's future runs under
//! `catch_unwind`; a panicking request is answered with a JSON-RPC internal
//! error (with its id), a panicking notification is logged, and the server
//! goes on serving.
//!
//! (tower-lsp-server keeps a table of pending request ids for
//! `$/cancelRequest`; a request whose handler panicked stays in it. Clients
//! never reuse ids, so this costs one entry per panic and nothing else.)
//!
//! It also notes `shutdown` and `exit`, which decide the exit code.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_service::Service;
use tracing::error;

/// What the session has seen of its end.
#[derive(Default, Debug)]
pub struct Lifecycle {
    /// A `shutdown` request was answered successfully.
    pub shutdown: AtomicBool,
    /// An `exit` notification arrived.
    pub exit: AtomicBool,
}

impl Lifecycle {
    /// The process exit code: 0 after `shutdown` then `exit`, 1 otherwise
    /// (as the protocol asks).
    pub fn exit_code(&self) -> i32 {
        if self.shutdown.load(Ordering::SeqCst) && self.exit.load(Ordering::SeqCst) {
            0
        } else {
            1
        }
    }
}

pub struct CatchPanic<S> {
    inner: S,
    lifecycle: Arc<Lifecycle>,
}

impl<S> CatchPanic<S> {
    pub fn new(inner: S, lifecycle: Arc<Lifecycle>) -> Self {
        CatchPanic { inner, lifecycle }
    }
}

/// The message of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// The JSON-RPC error a request whose handler panicked is answered with.
pub fn internal_error(method: &str, message: &str) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: format!("internal error in {method}: {message}").into(),
        data: None,
    }
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        if method == "exit" {
            self.lifecycle.exit.store(true, Ordering::SeqCst);
        }
        let lifecycle = self.lifecycle.clone();
        let failed = move |method: &str, payload: Box<dyn Any + Send>| {
            let message = panic_message(&*payload);
            error!(method, "handler panicked: {message}");
            id.clone()
                .map(|id| Response::from_error(id, internal_error(method, &message)))
        };
        // Building the future runs no handler code, but deserialises the
        // params: guard it too.
        let fut = match std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(fut) => fut,
            Err(payload) => {
                let response = failed(&method, payload);
                return futures::future::ready(Ok(response)).boxed();
            }
        };
        AssertUnwindSafe(fut)
            .catch_unwind()
            .map(move |outcome| match outcome {
                Ok(Ok(response)) => {
                    if method == "shutdown" && response.as_ref().is_some_and(Response::is_ok) {
                        lifecycle.shutdown.store(true, Ordering::SeqCst);
                    }
                    Ok(response)
                }
                Ok(Err(err)) => Err(err),
                Err(payload) => Ok(failed(&method, payload)),
            })
            .boxed()
    }
}
