//! A fake HTTP server, a few lines over a TCP socket, for what no real desk
//! can be made to answer on demand (500, HTML, garbage, 21 MB, nothing).
//! Tests that use it say so in their names.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// Serve `response` (raw HTTP) to every connection; answer the URL.
pub fn fake_server(response: Vec<u8>, hang: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            if hang {
                std::thread::sleep(Duration::from_secs(30));
                continue;
            }
            let _ = stream.write_all(&response);
        }
    });
    url
}

pub fn answer(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}
