//! A fake HTTP server, a few lines over a TCP socket, for what no real desk
//! can be made to answer on demand (500, HTML, garbage, 21 MB, nothing),
//! and a routing one that answers a whole ticket by request target and logs
//! what it was asked. Tests that use them say so in their names.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Serve `response` (raw HTTP) to every connection; answer the URL.
pub fn fake_server(response: Vec<u8>, hang: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            read_head(&mut stream);
            if hang {
                std::thread::sleep(Duration::from_secs(30));
                continue;
            }
            let _ = stream.write_all(&response);
        }
    });
    url
}

/// Requests a routing server has answered.
#[derive(Clone, Default)]
pub struct Count(Arc<AtomicUsize>);

impl Count {
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Answer each request with what `respond` makes of its first line
/// ("GET /path?query HTTP/1.1"); count them. The URL and the count.
pub fn routing_server(
    respond: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static,
) -> (String, Count) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Count::default();
    let counted = count.clone();
    let respond = Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (respond, counted) = (respond.clone(), counted.clone());
            std::thread::spawn(move || {
                let Some(line) = read_head(&mut stream) else {
                    return;
                };
                counted.0.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(&respond(&line));
            });
        }
    });
    (url, count)
}

/// A query parameter of a request line, decoded no further.
pub fn param(line: &str, name: &str) -> Option<String> {
    let target = line.split_whitespace().nth(1)?;
    let (_, query) = target.split_once('?')?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .map(str::to_string)
}

/// A 200 with a JSON body.
pub fn json_answer(body: &str) -> Vec<u8> {
    answer(
        "200 OK",
        "Content-Type: application/json\r\n",
        body.as_bytes(),
    )
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

/// Which answer a [`route_server`] gives: the first route whose test
/// accepts the request target (percent-decoded), else 404.
pub type Route = (Box<dyn Fn(&str) -> bool + Send>, Vec<u8>);

/// A fake desk that answers by request target and logs every target it was
/// asked for (percent-decoded), in order.
pub fn route_server(routes: Vec<Route>) -> (String, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::clone(&log);
    let routes = Mutex::new(routes);
    let (url, _) = routing_server(move |line| {
        let target = decode(line.split(' ').nth(1).unwrap_or(""));
        asked.lock().unwrap().push(target.clone());
        routes
            .lock()
            .unwrap()
            .iter()
            .find(|(accepts, _)| accepts(&target))
            .map(|(_, response)| response.clone())
            .unwrap_or_else(|| answer("404 Not Found", "", b"{}"))
    });
    (url, log)
}

/// Read a request's head; its first line, unless the client went away first.
fn read_head(stream: &mut std::net::TcpStream) -> Option<String> {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    Some(text.lines().next().unwrap_or("").to_string())
}

/// A request target with its %XX escapes (and + for space) decoded.
pub fn decode(target: &str) -> String {
    let bytes = target.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&target[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON 200 of a value.
pub fn json_value(body: &serde_json::Value) -> Vec<u8> {
    answer(
        "200 OK",
        "Content-Type: application/json\r\n",
        body.to_string().as_bytes(),
    )
}
