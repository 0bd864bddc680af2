//! A small HTTP/1.1 server for `serve` and `workbench`, on the listener it
//! is given (127.0.0.1): GET and HEAD, and for the workbench also POST with
//! a small form body ([`Options::post`]). Every connection has a thread of its own, up to
//! [`MAX_CONNECTIONS`] (beyond that the answer is 503 at once), and time-outs
//! on reading a request and on writing an answer, so a client that is slow,
//! stalls half-way or sends requests without reading the answers holds up
//! only itself. It knows nothing of the site: the handler answers.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Connections served at once; a browser opens about six.
pub const MAX_CONNECTIONS: usize = 32;
/// A request's head must arrive within this time, and a kept-alive
/// connection is closed after this long without a new request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// An answer the client does not read within this time closes the
/// connection.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection waits for the client to stop sending.
const CLOSE_GRACE: Duration = Duration::from_secs(1);
/// Longest request head (request line and header fields).
const MAX_HEAD: usize = 16 * 1024;
/// Longest request body (a form of one paper row is a few hundred bytes).
pub const MAX_BODY: usize = 64 * 1024;

/// What the server accepts beyond GET and HEAD.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Accept POST with a body of at most [`MAX_BODY`] bytes.
    pub post: bool,
}

/// What the handler is asked.
#[derive(Debug, Default)]
pub struct Request {
    /// `GET`, `HEAD` or `POST`.
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// The header fields, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body of a POST.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header field of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the handler answers.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// `Cache-Control: no-store` rather than `no-cache`.
    pub no_store: bool,
    /// Further header fields (`Location`, `Content-Security-Policy`, …).
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            content_type,
            body: body.into(),
            no_store: false,
            headers: Vec::new(),
        }
    }

    pub fn text(status: u16, text: &str) -> Self {
        Response::new(status, "text/plain; charset=utf-8", text)
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Serves connections until the listener fails for good. Never returns
/// under normal use.
pub fn run(listener: &TcpListener, handler: Arc<Handler>) {
    run_with(listener, Options::default(), handler);
}

/// As [`run`], accepting what `options` allow.
pub fn run_with(listener: &TcpListener, options: Options, handler: Arc<Handler>) {
    let port = listener.local_addr().map_or(0, |a| a.port());
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors and the like: do not spin.
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            // Briefly, on a thread of its own: the answer is written at
            // once and the connection closed within CLOSE_GRACE.
            let _ = std::thread::Builder::new()
                .name("serve-busy".into())
                .spawn(move || busy(stream));
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(Arc::clone(&active));
        let handler = Arc::clone(&handler);
        // If the thread cannot start, the closure (and the slot) is dropped.
        let _ = std::thread::Builder::new()
            .name("serve".into())
            .spawn(move || {
                let _slot = slot;
                connection(stream, port, options, &*handler);
            });
    }
}

/// Frees its place among the connections when the thread ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(CLOSE_GRACE));
    let mut response = Response::text(503, "Servern är upptagen; försök igen.\n");
    response.no_store = true;
    if send(&mut stream, &response, false, false).is_ok() {
        close(&stream);
    }
}

/// Closes after a final answer. Unread request bytes would make the
/// system reset the connection and the client could lose the answer, so
/// what the client still sends is read and dropped for a moment first.
fn close(mut stream: &TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + CLOSE_GRACE;
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < MAX_HEAD * 4 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

fn connection(mut stream: TcpStream, port: u16, options: Options, handler: &Handler) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buf) {
            Ok(Some(head)) => head,
            Ok(None) => return,
            Err(status) => {
                if send(&mut stream, &error(status), false, false).is_ok() {
                    close(&stream);
                }
                return;
            }
        };
        let parsed = match parse(&head, port, options) {
            Ok(parsed) => parsed,
            Err(status) => {
                if send(&mut stream, &error(status), false, false).is_ok() {
                    close(&stream);
                }
                return;
            }
        };
        let (is_head, keep) = (parsed.head, parsed.keep_alive);
        let body = match read_body(&mut stream, &mut buf, parsed.body_len) {
            Ok(body) => body,
            Err(status) => {
                if send(&mut stream, &error(status), false, false).is_ok() {
                    close(&stream);
                }
                return;
            }
        };
        let response = handler(&Request {
            method: parsed.method,
            target: request_target(&head),
            headers: parsed.headers,
            body,
        });
        if send(&mut stream, &response, is_head, keep).is_err() {
            return;
        }
        if !keep {
            close(&stream);
            return;
        }
    }
}

fn error(status: u16) -> Response {
    let text = match status {
        405 => "Metoden stöds inte.\n",
        413 => "Begärans innehåll är för stort.\n",
        408 => "Begäran kom inte fram i tid.\n",
        431 => "Begärans huvud är för stort.\n",
        505 => "Bara HTTP/1.0 och HTTP/1.1 stöds.\n",
        _ => "Begäran kunde inte förstås.\n",
    };
    Response::text(status, text)
}

/// Reads until the end of a request head; returns it and keeps what
/// follows (a pipelined request) in `buf`. `Ok(None)`: the client closed or
/// sent nothing in time; `Err(status)`: answer with that and close.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, u16> {
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = head_end(buf) {
            return Ok(Some(buf.drain(..end).collect()));
        }
        if buf.len() > MAX_HEAD {
            return Err(431);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return if buf.is_empty() { Ok(None) } else { Err(408) };
        }
        if stream.set_read_timeout(Some(left)).is_err() {
            return Ok(None);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return if buf.is_empty() { Ok(None) } else { Err(408) };
            }
            Err(_) => return Ok(None),
        }
    }
}

/// Reads a body of `len` bytes: first what already came with the head.
fn read_body(stream: &mut TcpStream, buf: &mut Vec<u8>, len: usize) -> Result<Vec<u8>, u16> {
    if len == 0 {
        return Ok(Vec::new());
    }
    let deadline = Instant::now() + READ_TIMEOUT;
    let mut chunk = [0u8; 4096];
    while buf.len() < len {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(408);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(400),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(408),
        }
    }
    Ok(buf.drain(..len).collect())
}

/// The index just past the blank line that ends a head (CRLF or bare LF).
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.iter().enumerate().find_map(|(i, b)| {
        if *b != b'\n' {
            return None;
        }
        match buf.get(i + 1..) {
            Some([b'\n', ..]) => Some(i + 2),
            Some([b'\r', b'\n', ..]) => Some(i + 3),
            _ => None,
        }
    })
}

struct Parsed {
    method: String,
    head: bool,
    keep_alive: bool,
    headers: Vec<(String, String)>,
    body_len: usize,
}

fn lines(head: &[u8]) -> impl Iterator<Item = &str> {
    std::str::from_utf8(head)
        .unwrap_or("")
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

fn request_target(head: &[u8]) -> String {
    lines(head)
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned()
}

/// Checks the request line and the fields that matter: a GET or HEAD
/// without a body (or a POST with a small one, when allowed), for this
/// server's own host name.
fn parse(head: &[u8], port: u16, options: Options) -> Result<Parsed, u16> {
    if std::str::from_utf8(head).is_err() {
        return Err(400);
    }
    let mut lines = lines(head);
    let request_line = lines.next().unwrap_or("");
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(400);
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Err(505),
        _ => return Err(400),
    };
    if !target.starts_with('/') {
        return Err(400);
    }
    let mut host = None;
    let mut connection = String::new();
    let mut headers = Vec::new();
    let mut body_len = None;
    for line in lines.take_while(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        let value = value.trim();
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "host" => host = Some(value.to_ascii_lowercase()),
            "connection" => connection = value.to_ascii_lowercase(),
            "content-length" => {
                let len: usize = value.parse().map_err(|_| 400u16)?;
                if body_len.is_some_and(|l| l != len) {
                    return Err(400);
                }
                body_len = Some(len);
            }
            "transfer-encoding" => return Err(400),
            _ => {}
        }
        headers.push((name, value.to_owned()));
    }
    let body_len = body_len.unwrap_or(0);
    // Another host name means a page elsewhere is reaching in (DNS
    // rebinding); HTTP/1.1 requires the field.
    match host {
        Some(h) if h == format!("127.0.0.1:{port}") || h == format!("localhost:{port}") => {}
        None if !http11 => {}
        _ => return Err(400),
    }
    let head = match method {
        "GET" | "HEAD" if body_len > 0 => return Err(400),
        "GET" => false,
        "HEAD" => true,
        "POST" if options.post && body_len > MAX_BODY => return Err(413),
        "POST" if options.post => false,
        _ => return Err(405),
    };
    let keep_alive = if http11 {
        !connection.split(',').any(|c| c.trim() == "close")
    } else {
        connection.split(',').any(|c| c.trim() == "keep-alive")
    };
    Ok(Parsed {
        method: method.to_owned(),
        head,
        keep_alive,
        headers,
        body_len,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Internal Server Error",
    }
}

fn head_bytes(r: &Response, close: bool, out: &mut Vec<u8>) {
    let cache = if r.no_store { "no-store" } else { "no-cache" };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {cache}\r\nX-Content-Type-Options: nosniff\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if r.status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    for (name, value) in &r.headers {
        // A value never spans lines: nothing the handler puts here can add
        // a header field of its own.
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if r.status == 503 {
        head.push_str("Retry-After: 1\r\n");
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    out.extend_from_slice(head.as_bytes());
}

fn send(stream: &mut TcpStream, r: &Response, is_head: bool, keep: bool) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(256 + r.body.len());
    head_bytes(r, !keep, &mut bytes);
    if !is_head {
        bytes.extend_from_slice(&r.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_a_head_with_or_without_carriage_returns() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
    }

    const GET: Options = Options { post: false };

    #[test]
    fn accepts_a_small_post_only_when_asked_to() {
        let post = b"POST /a HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(parse(post, 8000, GET).err(), Some(405));
        let parsed = parse(post, 8000, Options { post: true }).expect("post");
        assert_eq!((parsed.method.as_str(), parsed.body_len), ("POST", 5));
        let big = format!(
            "POST /a HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(
            parse(big.as_bytes(), 8000, Options { post: true }).err(),
            Some(413)
        );
        let foreign = b"POST /a HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 5\r\n\r\n";
        assert_eq!(
            parse(foreign, 8000, Options { post: true }).err(),
            Some(400)
        );
    }

    #[test]
    fn accepts_only_get_and_head_for_its_own_host() {
        let ok = parse(
            b"GET /a HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
            8000,
            GET,
        )
        .expect("ok");
        assert!(!ok.head && ok.keep_alive);
        let head = parse(
            b"HEAD / HTTP/1.1\r\nHost: localhost:8000\r\nConnection: close\r\n\r\n",
            8000,
            GET,
        )
        .expect("ok");
        assert!(head.head && !head.keep_alive);
        assert!(
            !parse(b"GET / HTTP/1.0\r\n\r\n", 8000, GET)
                .expect("1.0")
                .keep_alive
        );
        for (bad, status) in [
            (&b"POST / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n"[..], 405),
            (b"GET / HTTP/1.1\r\nHost: evil.example:8000\r\n\r\n", 400),
            (b"GET / HTTP/1.1\r\n\r\n", 400),
            (b"GET / HTTP/2\r\nHost: 127.0.0.1:8000\r\n\r\n", 505),
            (
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nContent-Length: 5\r\n\r\n",
                400,
            ),
            (
                b"GET http://x/ HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
                400,
            ),
        ] {
            assert_eq!(
                parse(bad, 8000, GET).err(),
                Some(status),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
