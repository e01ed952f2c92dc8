//! HTTP to a desk's REST API (RT's REST2, django-helpdesk's DRF API):
//! authentication, a size cap on every body, JSON only, and every failure
//! turned into a [`DeskError`] that says what to do.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use crate::config::secret::Secret;
use crate::desk::{DeskError, Upload};

/// How deskterm signs in.
#[derive(Clone, Debug)]
pub enum Auth {
    /// An API token: `Authorization: <scheme> ...` (see [`Api`]).
    Token(Secret),
    /// A user name and password: HTTP basic auth.
    Basic { user: String, password: Secret },
}

/// How requests travel: time limits, the extra CA, the proxy.
#[derive(Clone, Debug)]
pub struct Transport {
    /// For a whole request.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// PEM certificates trusted besides the system's roots (an internal CA).
    pub ca_file: Option<PathBuf>,
    /// A proxy for every request; without one, HTTPS_PROXY, HTTP_PROXY and
    /// NO_PROXY from the environment are honoured.
    pub proxy: Option<String>,
    /// Answers larger than this are refused rather than read.
    pub max_body: usize,
    /// Plain http to another machine is allowed (the profile said so).
    pub allow_insecure_http: bool,
}

impl Default for Transport {
    fn default() -> Self {
        Self::with_timeout(Duration::from_secs(30))
    }
}

impl Transport {
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            connect_timeout: Duration::from_secs(10).min(timeout),
            ca_file: None,
            proxy: None,
            max_body: MAX_BODY,
            allow_insecure_http: false,
        }
    }

    /// What can be wrong with this way of travelling, found without
    /// building a client: the CA file and the proxy.
    fn check(&self) -> Result<(), DeskError> {
        if let Some(path) = &self.ca_file {
            read_ca_file(path).map_err(DeskError::Config)?;
        }
        if let Some(proxy) = &self.proxy {
            reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
                DeskError::Config(format!("the proxy {proxy:?} is not usable: {e}"))
            })?;
        }
        Ok(())
    }

    /// An HTTP client that travels this way. TLS verification is always on;
    /// for a plain `http://` desk no certificate is trusted at all, which
    /// spares reading the system's roots (tens of milliseconds a start).
    fn client(&self, tls: bool) -> Result<reqwest::Client, DeskError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("deskterm/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout);
        if !tls {
            builder = builder.tls_certs_only(Vec::new());
        }
        if let Some(path) = &self.ca_file {
            let certificates = read_ca_file(path).map_err(DeskError::Config)?;
            builder = builder.tls_certs_merge(certificates);
        }
        if let Some(proxy) = &self.proxy {
            let proxy = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| DeskError::Config(format!("the proxy {proxy:?} is not usable: {e}")))?
                .no_proxy(reqwest::NoProxy::from_env());
            builder = builder.proxy(proxy);
        }
        builder
            .build()
            .map_err(|e| DeskError::Config(format!("cannot start the HTTP client: {e}")))
    }
}

/// Why the credential must not go to `url`: plain http to a machine other
/// than this one, unless `allowed`. Loopback (localhost, 127.0.0.0/8, ::1)
/// never leaves the machine.
pub fn insecure(url: &str, allowed: bool) -> Option<String> {
    let parsed = Url::parse(url.trim()).ok()?;
    if parsed.scheme() != "http" || allowed || is_loopback(&parsed) {
        return None;
    }
    Some(format!(
        "the url {url:?} is plain http to another machine, so the token would cross the \
         network readable by anyone on the way: use https://, or set allow_insecure_http = \
         true in the profile if you trust that network"
    ))
}

/// Whether `url` names this machine.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost"
        }
    }
}

/// The certificates in a PEM file, or what is wrong with it.
pub fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    reqwest::Certificate::from_pem_bundle(&pem)
        .ok()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| format!("the CA file {} holds no PEM certificate", path.display()))
}

/// What differs between the desks' APIs at the HTTP level.
#[derive(Clone, Copy, Debug)]
pub struct Api {
    /// What people call the desk, in messages.
    pub name: &'static str,
    /// The API's path under the desk's address.
    pub root: &'static str,
    /// The word before the token in `Authorization`.
    pub token_scheme: &'static str,
    /// A header of its own the token goes in instead (Redmine's
    /// `X-Redmine-API-Key`), bare.
    pub token_header: Option<&'static str>,
    /// What to check when HTML comes back where JSON was expected.
    pub html_hint: &'static str,
}

pub const RT: Api = Api {
    name: "RT",
    root: "REST/2.0",
    token_scheme: "token",
    token_header: None,
    html_hint: "is the profile's url the RT address (https://rt.example.org, without \
                /REST/2.0), and is REST2 enabled?",
};

/// Bodies larger than this are refused rather than read, unless the
/// profile says otherwise.
pub const MAX_BODY: usize = 20 * 1024 * 1024;

pub struct Client {
    /// Built on the first request: loading the system's root certificates
    /// takes tens of milliseconds, and the first frame (from the cache)
    /// needs no network.
    http: OnceLock<reqwest::Client>,
    transport: Transport,
    api: Api,
    /// `https://rt.example.org/REST/2.0/`
    base: Url,
    auth: Auth,
    max_body: usize,
    requests: AtomicU64,
    bytes: AtomicU64,
}

/// What the client has sent and received so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub requests: u64,
    /// Response body bytes.
    pub bytes: u64,
}

/// A successful answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    /// The server's clock, from its `Date` header.
    pub date: Option<Timestamp>,
    pub body: Value,
}

impl Client {
    pub fn new(url: &str, auth: Auth, transport: &Transport, api: Api) -> Result<Self, DeskError> {
        let mut base = Url::parse(url.trim_end_matches('/'))
            .map_err(|e| DeskError::Config(crate::config::profile::not_a_url(url, &e)))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(DeskError::Config(format!(
                "the url {url:?} must start with https:// (or http://)"
            )));
        }
        // Checked again here, whoever built the settings.
        if let Some(why) = insecure(url, transport.allow_insecure_http) {
            return Err(DeskError::Config(why));
        }
        let path = base.path().trim_end_matches('/').to_string();
        // An API at the site's own root (Redmine's) has no path to add.
        let root = match api.root {
            "" => String::new(),
            root => format!("/{root}"),
        };
        let path = match root.as_str() {
            "" => path.as_str(),
            root => path.trim_end_matches(root),
        };
        base.set_path(&format!("{path}{root}/"));
        transport.check()?;
        Ok(Self {
            http: OnceLock::new(),
            transport: transport.clone(),
            api,
            base,
            auth,
            max_body: transport.max_body,
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    fn http(&self) -> Result<&reqwest::Client, DeskError> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let built = self.transport.client(self.base.scheme() == "https")?;
        Ok(self.http.get_or_init(|| built))
    }

    /// The most one answer may be (max_body_mb in the profile).
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    pub fn traffic(&self) -> Traffic {
        Traffic {
            requests: self.requests.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }

    /// The desk's own address: the profile's url, without the API's root.
    pub fn site(&self) -> String {
        let base = self.base.as_str().trim_end_matches('/');
        match self.api.root {
            "" => base,
            root => base.trim_end_matches(root).trim_end_matches('/'),
        }
        .to_string()
    }

    pub fn url(&self, path: &str) -> Result<Url, DeskError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| DeskError::Protocol(format!("bad request path {path:?}: {e}")))
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Auth::Token(token) => {
                let (name, text) = match self.api.token_header {
                    Some(name) => (name, token.expose().to_string()),
                    None => (
                        "authorization",
                        format!("{} {}", self.api.token_scheme, token.expose()),
                    ),
                };
                let mut value = HeaderValue::from_str(&text)
                    .unwrap_or_else(|_| HeaderValue::from_static("token invalid"));
                value.set_sensitive(true);
                request.header(name, value)
            }
            Auth::Basic { user, password } => request.basic_auth(user, Some(password.expose())),
        }
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Answer, DeskError> {
        let mut url = self.url(path)?;
        // An empty query would still leave a bare "?".
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        self.send(Method::GET, url, None, &[], self.max_body).await
    }

    /// What the API says a resource takes (Django REST framework answers
    /// OPTIONS with each field's type and choices).
    pub async fn options(&self, path: &str) -> Result<Answer, DeskError> {
        let url = self.url(path)?;
        self.send(Method::OPTIONS, url, None, &[], self.max_body)
            .await
    }

    /// A GET whose answer may be up to `cap` bytes (a file, not a page).
    pub async fn get_up_to(&self, path: &str, cap: usize) -> Result<Answer, DeskError> {
        let url = self.url(path)?;
        self.send(Method::GET, url, None, &[], cap).await
    }

    /// A GET that answers `None` when the record still has `etag`.
    pub async fn get_unless(&self, path: &str, etag: &str) -> Result<Option<Answer>, DeskError> {
        let url = self.url(path)?;
        let quoted = format!("\"{}\"", etag.trim_matches('"'));
        match self
            .send(
                Method::GET,
                url,
                None,
                &[("If-None-Match", quoted)],
                self.max_body,
            )
            .await
        {
            Ok(answer) if answer.status == 304 => Ok(None),
            other => other.map(Some),
        }
    }

    /// POST or PUT a JSON body, optionally only if the record is still at `etag`.
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        if_match: Option<&str>,
    ) -> Result<Answer, DeskError> {
        let url = self.url(path)?;
        let headers: Vec<(&str, String)> = if_match
            .map(|etag| ("If-Match", format!("\"{}\"", etag.trim_matches('"'))))
            .into_iter()
            .collect();
        self.send(method, url, Some(Body::Json(body)), &headers, self.max_body)
            .await
    }

    /// A file's bytes from `url`, as the desk named it (a media link). The
    /// credential goes only to the desk's own origin: a file kept elsewhere
    /// (a storage service) is fetched without it.
    pub async fn fetch_file(&self, url: &str, cap: usize) -> Result<Vec<u8>, DeskError> {
        let url = self
            .base
            .join(url)
            .map_err(|e| DeskError::Protocol(format!("bad file link {url:?}: {e}")))?;
        let request = self.http()?.get(url.clone());
        let request = if url.origin() == self.base.origin() {
            self.authorised(request)
        } else {
            request
        };
        let (status, headers, bytes) = self.exchange(request, Method::GET, &url, cap).await?;
        if !status.is_success() {
            return Err(status_error(self.api, status, &headers, &bytes));
        }
        Ok(bytes)
    }

    /// Send, read the answer up to `cap` bytes, count and log it.
    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        method: Method,
        url: &Url,
        cap: usize,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), DeskError> {
        let started = std::time::Instant::now();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = read_capped(response, cap).await?;
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        tracing::debug!(
            %method,
            path = url.path(),
            // The query names what was asked (never a credential: those go
            // in headers).
            query = url.query().unwrap_or(""),
            status = status.as_u16(),
            bytes = bytes.len(),
            ms = started.elapsed().as_millis() as u64,
            "{}",
            self.api.name
        );
        Ok((status, headers, bytes))
    }

    /// POST a form with files (multipart/form-data, as a browser sends
    /// one): each of the object `fields` as a text part, each file as an
    /// `file_part` part.
    pub async fn write_form(
        &self,
        path: &str,
        fields: &Value,
        file_part: &str,
        files: &[Upload],
    ) -> Result<Answer, DeskError> {
        let url = self.url(path)?;
        let form = Form::new(fields, file_part, files);
        self.send(
            Method::POST,
            url,
            Some(Body::Form(&form)),
            &[],
            self.max_body,
        )
        .await
    }

    /// DELETE a resource.
    pub async fn delete(&self, path: &str) -> Result<Answer, DeskError> {
        let url = self.url(path)?;
        self.send(Method::DELETE, url, None, &[], self.max_body)
            .await
    }

    /// POST a file's bytes as they are, of type `mime`, to `path` with `query`.
    pub async fn post_bytes(
        &self,
        path: &str,
        query: &[(&str, &str)],
        bytes: &[u8],
        mime: &str,
    ) -> Result<Answer, DeskError> {
        let mut url = self.url(path)?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        self.send(
            Method::POST,
            url,
            Some(Body::Bytes(bytes, mime)),
            &[],
            self.max_body,
        )
        .await
    }

    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Body<'_>>,
        headers: &[(&str, String)],
        cap: usize,
    ) -> Result<Answer, DeskError> {
        let mut request = self.authorised(self.http()?.request(method.clone(), url.clone()));
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match body {
            Some(Body::Json(body)) => {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_string());
            }
            Some(Body::Bytes(bytes, mime)) => {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, mime)
                    .body(bytes.to_vec());
            }
            Some(Body::Form(form)) => {
                request = request
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={}", form.boundary),
                    )
                    .body(form.bytes.clone());
            }
            None => {}
        }
        let (status, response_headers, bytes) = self.exchange(request, method, &url, cap).await?;
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Answer {
                status: 304,
                etag: header(&response_headers, "etag"),
                date: server_date(&response_headers),
                body: Value::Null,
            });
        }
        if !status.is_success() {
            return Err(status_error(self.api, status, &response_headers, &bytes));
        }
        // No content (Redmine's 204 to a PUT) is no JSON to read.
        let body = match status == StatusCode::NO_CONTENT || bytes.is_empty() {
            true => Value::Null,
            false => parse_json(self.api, &response_headers, &bytes)?,
        };
        Ok(Answer {
            status: status.as_u16(),
            etag: header(&response_headers, "etag").map(|e| e.trim_matches('"').to_string()),
            date: server_date(&response_headers),
            body,
        })
    }
}

enum Body<'a> {
    Json(&'a Value),
    Form(&'a Form),
    /// A file's bytes as they are (Redmine's uploads).
    /// A file's bytes and their type.
    Bytes(&'a [u8], &'a str),
}

/// A multipart/form-data body (RFC 7578), built whole: the files are in
/// memory already, and a hand-built body needs no extra crate.
struct Form {
    boundary: String,
    bytes: Vec<u8>,
}

impl Form {
    fn new(fields: &Value, file_part: &str, files: &[Upload]) -> Self {
        // A boundary must not occur in any part: one that does is replaced.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let boundary = (0u64..)
            .map(|n| format!("deskterm-{seed:016x}-{n}"))
            .find(|b| {
                !files
                    .iter()
                    .any(|f| memchr::memmem::find(&f.bytes, b.as_bytes()).is_some())
            })
            .unwrap_or_default();
        let mut bytes = Vec::new();
        let mut part = |disposition: String, kind: Option<&str>, content: &[u8]| {
            bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            bytes.extend_from_slice(
                format!("Content-Disposition: form-data; {disposition}\r\n").as_bytes(),
            );
            if let Some(kind) = kind {
                bytes.extend_from_slice(format!("Content-Type: {kind}\r\n").as_bytes());
            }
            bytes.extend_from_slice(b"\r\n");
            bytes.extend_from_slice(content);
            bytes.extend_from_slice(b"\r\n");
        };
        if let Value::Object(map) = fields {
            for (name, value) in map {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                part(format!("name=\"{}\"", quoted(name)), None, text.as_bytes());
            }
        }
        for file in files {
            part(
                format!(
                    "name=\"{}\"; filename=\"{}\"",
                    quoted(file_part),
                    quoted(&file.name)
                ),
                Some(&file.mime),
                &file.bytes,
            );
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Form { boundary, bytes }
    }
}

/// A name inside a quoted header parameter, as browsers write it: a quote
/// as %22, a line break as %0A (RFC 7578, section 2).
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn server_date(headers: &HeaderMap) -> Option<Timestamp> {
    let text = header(headers, "date")?;
    jiff::fmt::rfc2822::parse(&text)
        .ok()
        .map(|zoned| zoned.timestamp())
}

async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, DeskError> {
    if response
        .content_length()
        .is_some_and(|len| len as usize > cap)
    {
        return Err(too_big(cap));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if bytes.len() + chunk.len() > cap {
            return Err(too_big(cap));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

const TOO_BIG: &str = "the answer was larger than";

fn too_big(cap: usize) -> DeskError {
    DeskError::Protocol(format!(
        "{TOO_BIG} {} MB and was not read (max_body_mb in the profile)",
        cap.div_ceil(1024 * 1024)
    ))
}

/// Whether the error is an answer refused for its size (see [`Transport::max_body`]).
pub fn is_too_big(err: &DeskError) -> bool {
    matches!(err, DeskError::Protocol(m) if m.starts_with(TOO_BIG))
}

fn parse_json(api: Api, headers: &HeaderMap, bytes: &[u8]) -> Result<Value, DeskError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(e) => {
            let content_type = header(headers, "content-type").unwrap_or_default();
            let start = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_lowercase();
            Err(DeskError::Protocol(
                if content_type.contains("html") || start.trim_start().starts_with('<') {
                    format!("HTML where JSON was expected: {}", api.html_hint)
                } else {
                    format!("the answer is not JSON ({e})")
                },
            ))
        }
    }
}

/// The reason in an error body: RT's `{"message": "..."}`, Django REST
/// framework's `{"detail": "..."}` or its field errors `{"field": ["..."]}`,
/// Redmine's `{"errors": ["..."]}`.
fn message_of(bytes: &[u8]) -> String {
    let value = serde_json::from_slice::<Value>(bytes).ok();
    let said = value.as_ref().and_then(|v| {
        if let Some(errors) = v.get("errors").and_then(Value::as_array) {
            let errors: Vec<&str> = errors.iter().filter_map(Value::as_str).collect();
            return Some(errors.join("; "));
        }
        for key in ["message", "detail"] {
            if let Some(text) = v.get(key).and_then(Value::as_str) {
                return Some(text.to_string());
            }
        }
        // Zendesk's `{"error", "description", "details": {field: [{description}]}}`.
        if let Some(text) = v.get("description").and_then(Value::as_str) {
            let details: Vec<&str> = v["details"]
                .as_object()
                .into_iter()
                .flatten()
                .flat_map(|(_, why)| why.as_array().into_iter().flatten())
                .filter_map(|why| why["description"].as_str())
                .collect();
            return Some(match details.is_empty() {
                true => text.to_string(),
                false => details.join("; "),
            });
        }
        let fields: Vec<String> = v
            .as_object()?
            .iter()
            .map(|(field, why)| match why {
                Value::Array(items) => {
                    let items: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    format!("{field}: {}", items.join(" "))
                }
                other => format!("{field}: {other}"),
            })
            .collect();
        (!fields.is_empty()).then(|| fields.join("; "))
    });
    said.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
        if text.trim_start().starts_with('<') {
            "an HTML error page".to_string()
        } else {
            text.trim().to_string()
        }
    })
}

fn status_error(api: Api, status: StatusCode, headers: &HeaderMap, bytes: &[u8]) -> DeskError {
    let message = message_of(bytes);
    match status.as_u16() {
        401 => DeskError::Auth,
        403 => DeskError::Forbidden {
            need: if message.is_empty() || message == "Forbidden" {
                format!(
                    "{name} right for this (ask your {name} admin)",
                    name = api.name
                )
            } else {
                message
            },
        },
        404 => DeskError::NotFound,
        409 | 412 => DeskError::Conflict {
            now: crate::desk::Version(header(headers, "etag").unwrap_or_default().into()),
        },
        429 | 503 => DeskError::RateLimited {
            retry_after: header(headers, "retry-after")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
        },
        code => DeskError::Server {
            status: code,
            message: if message.is_empty() {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                message
            },
        },
    }
}

fn transport_error(e: reqwest::Error) -> DeskError {
    let timed_out = e.is_timeout();
    // No connection was made: the request cannot have reached the desk.
    let unreachable = if e.is_connect() {
        DeskError::NotSent
    } else {
        DeskError::Unreachable
    };
    let host = e
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("the desk")
        .to_string();
    let port = e.url().and_then(Url::port_or_known_default);
    // The chain of causes names the real problem (refused, DNS, certificate).
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    if no_tls(&text) {
        let at = port.map_or(host.clone(), |port| format!("{host}:{port}"));
        return unreachable(format!(
            "{at} did not speak TLS (a plain-HTTP server there?): check the url's scheme and \
             port"
        ));
    }
    if let Some(why) = certificate_problem(&text) {
        return unreachable(format!(
            "the TLS certificate of {host} was refused: {why} ({text})"
        ));
    }
    if timed_out {
        unreachable(format!("timed out ({text})"))
    } else {
        unreachable(text)
    }
}

/// Whether the TLS library's message says the server answered in something
/// other than TLS (rustls: "received corrupt message of type
/// InvalidContentType"), as a plain-HTTP server on an https:// url does.
fn no_tls(text: &str) -> bool {
    let text = text.to_lowercase();
    text.contains("invalidcontenttype") || text.contains("corrupt message")
}

/// What was wrong with a server's certificate, in words, from the TLS
/// library's message. Verification itself is never turned off.
fn certificate_problem(text: &str) -> Option<&'static str> {
    let text = text.to_lowercase();
    if !text.contains("certificate") {
        return None;
    }
    Some(
        if text.contains("unknownissuer") || text.contains("unknown issuer") {
            "a certificate authority this computer does not trust signed it; if your \
         organisation runs its own CA, give its PEM file as ca_file in the profile"
        } else if text.contains("not valid for name") || text.contains("notvalidforname") {
            "it was issued for another host name"
        } else if text.contains("expired") {
            "it has expired"
        } else if text.contains("notvalidyet") || text.contains("not valid yet") {
            "it is not valid yet (is this computer's clock right?)"
        } else if text.contains("revoked") {
            "it has been revoked"
        } else {
            "it is not valid"
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_is_the_profiles_url_without_the_apis_root() {
        let token = || Auth::Token(Secret::new("t"));
        for url in ["https://rt.example.org", "https://rt.example.org/REST/2.0/"] {
            let client = Client::new(url, token(), &Transport::default(), RT).expect("a client");
            assert_eq!(client.site(), "https://rt.example.org");
        }
    }

    #[test]
    fn a_zendesk_refusal_is_told_by_its_details() {
        let body = br#"{"error":"RecordInvalid","description":"Record validation errors",
            "details":{"status":[{"description":"Status: closed is not valid","error":"InvalidValue"}]}}"#;
        assert_eq!(message_of(body), "Status: closed is not valid");
        let body =
            br#"{"error":"UpdateConflict","description":"Safe Update prevented the update"}"#;
        assert_eq!(message_of(body), "Safe Update prevented the update");
    }
}
