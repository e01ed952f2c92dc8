//! A TCP proxy that delays every byte by a fixed time each way, as a far
//! network would: 150 ms each way makes a 300 ms round trip. Each chunk is
//! sent on at the moment it arrived plus the delay, so the delay adds
//! latency and takes nothing from throughput.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// A proxy listening on a port of its own, forwarding to `upstream`.
pub struct DelayProxy {
    pub addr: SocketAddr,
}

impl DelayProxy {
    /// Start forwarding to `upstream` (host:port), `each_way` late.
    pub fn start(upstream: SocketAddr, each_way: Duration) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the proxy");
        let addr = listener.local_addr().expect("its address");
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let (client2, server2) = (
                    client.try_clone().expect("client"),
                    server.try_clone().expect("server"),
                );
                relay(client, server, each_way);
                relay(server2, client2, each_way);
            }
        });
        Self { addr }
    }
}

/// Bytes read from `from` are written to `to` `delay` after they came.
fn relay(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let _ = from.set_nodelay(true);
    let _ = to.set_nodelay(true);
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx
                        .send((Instant::now() + delay, buf[..n].to_vec()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
        // The end of the stream travels as late as its bytes.
        let _ = tx.send((Instant::now() + delay, Vec::new()));
    });
    thread::spawn(move || {
        for (due, bytes) in rx {
            thread::sleep(due.saturating_duration_since(Instant::now()));
            if bytes.is_empty() {
                let _ = to.shutdown(Shutdown::Write);
                break;
            }
            if to.write_all(&bytes).is_err() {
                break;
            }
        }
    });
}
