//! The accept loop: axum on 127.0.0.1:0 on a thread and runtime of its own (as
//! [`crate::BackgroundServer`]), handing each connection a [`FaultIo`] whose switch, reachable
//! from handlers as [`Connection`], turns its close into a TCP reset.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// Accepts on 127.0.0.1:0 on a thread and runtime of its own (see [`crate::BackgroundServer`]
/// for why), handing each connection a [`FaultIo`].
pub(super) fn serve(router: Router) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("set_nonblocking");
    let addr = listener.local_addr().expect("local_addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("fault-registry".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("tokio runtime for the fault registry");
            runtime.block_on(async move {
                let listener = FaultListener(TcpListener::from_std(listener).expect("to tokio"));
                let app = router.into_make_service_with_connect_info::<Connection>();
                tokio::select! {
                    served = axum::serve(listener, app) => {
                        if let Err(e) = served {
                            eprintln!("fault-registry: server stopped: {e}");
                        }
                    }
                    _ = stopped => {}
                }
            });
        })
        .expect("spawn fault registry thread");
    (addr, stop, thread)
}

struct FaultListener(TcpListener);

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (FaultIo, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let io = FaultIo {
                        stream,
                        reset: Arc::default(),
                    };
                    return (io, addr);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A connection that, once told to, ends with a TCP reset instead of a FIN.
struct FaultIo {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        // No FIN before the reset: the peer must see the connection torn, not ended.
        if self.reset.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

impl Drop for FaultIo {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // SO_LINGER 0: close sends RST. Never blocks, unlike a non-zero linger.
            let _ = self.stream.set_zero_linger();
        }
    }
}

/// What a handler knows of its connection: the switch that makes it end in a reset.
#[derive(Clone)]
pub(super) struct Connection {
    pub(super) reset: Arc<AtomicBool>,
}

impl Connected<IncomingStream<'_, FaultListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        Connection {
            reset: stream.io().reset.clone(),
        }
    }
}
