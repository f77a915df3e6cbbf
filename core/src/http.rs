//! The HTTP seam: core never opens a socket; crates that fetch (status lists, `did:web`,
//! issuer metadata) take an [`HttpClient`], so apps inject their own stack and tests a local
//! server or a double. The reqwest implementation lives in the network crates.

use crate::{BoxFuture, Error, Result};

/// Default cap on a response body, in bytes; implementations stop reading beyond
/// [`HttpRequest::max_body`] (which defaults to this) and fail with [`Error::TooLarge`].
pub const MAX_BODY: usize = 1024 * 1024;

/// The HTTP methods inkan needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    /// The method's name on the wire.
    ///
    /// ```
    /// assert_eq!(inkan_core::http::Method::Post.as_str(), "POST");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request, as plain data.
///
/// Built with [`HttpRequest::get`] or [`HttpRequest::post`], it requires HTTPS and caps the
/// response at [`MAX_BODY`]; both can be changed field by field.
///
/// ```
/// use inkan_core::http::{HttpRequest, Method, MAX_BODY};
/// let req = HttpRequest::post("https://issuer.example/token", b"grant_type=x".to_vec())
///     .header("content-type", "application/x-www-form-urlencoded");
/// assert_eq!(req.method, Method::Post);
/// assert!(req.https_only);
/// assert_eq!(req.max_body, MAX_BODY);
/// req.check_scheme()?;
/// assert_eq!(HttpRequest::get("http://plain.example/").check_scheme().unwrap_err().code(), "http.failed");
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order (names compared case-insensitively).
    pub headers: Vec<(String, String)>,
    /// The request body (empty for GET).
    pub body: Vec<u8>,
    /// Refuse any URL, including a redirect target, that is not `https://`.
    pub https_only: bool,
    /// Largest response body to accept, in bytes.
    pub max_body: usize,
}

impl HttpRequest {
    /// A GET for `url`, HTTPS only, body capped at [`MAX_BODY`].
    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::Get, url.into(), Vec::new())
    }

    /// A POST of `body` to `url`, HTTPS only, response capped at [`MAX_BODY`].
    pub fn post(url: impl Into<String>, body: Vec<u8>) -> Self {
        Self::new(Method::Post, url.into(), body)
    }

    fn new(method: Method, url: String, body: Vec<u8>) -> Self {
        Self {
            method,
            url,
            headers: Vec::new(),
            body,
            https_only: true,
            max_body: MAX_BODY,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Fails with [`Error::Http`] when the request is HTTPS only and `url` is not `https://`.
    /// Implementations call it for the request URL and for every redirect they follow.
    pub fn check_scheme(&self) -> Result<()> {
        let https = self
            .url
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        if self.https_only && !https {
            return Err(Error::Http(format!("refusing a non-HTTPS URL: {}", self.url)));
        }
        Ok(())
    }
}

/// A response, as plain data.
///
/// ```
/// use inkan_core::http::HttpResponse;
/// let res = HttpResponse {
///     status: 200,
///     headers: vec![("Content-Type".into(), "application/json".into())],
///     body: b"{}".to_vec(),
/// };
/// assert_eq!(res.header("content-type"), Some("application/json"));
/// assert!(res.error_for_status().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, at most the request's `max_body` bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The response itself if its status is 2xx, else [`Error::Http`] naming the status.
    ///
    /// ```
    /// use inkan_core::http::HttpResponse;
    /// let res = HttpResponse { status: 404, headers: vec![], body: vec![] };
    /// assert_eq!(res.error_for_status().unwrap_err().code(), "http.failed");
    /// ```
    pub fn error_for_status(self) -> Result<Self> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(Error::Http(format!("HTTP status {}", self.status)))
        }
    }
}

/// An HTTP client, object safe so apps can inject theirs (`&dyn HttpClient`, `Arc<dyn HttpClient>`).
///
/// Implementations must:
/// - call [`HttpRequest::check_scheme`] before sending and before following any redirect;
/// - stop reading the body beyond [`HttpRequest::max_body`] and fail with [`Error::TooLarge`]
///   (never buffer an unbounded body);
/// - apply a timeout, and report transport failures as [`Error::Http`];
/// - return non-2xx responses as responses (callers decide), not as errors.
///
/// Only [`send`](Self::send) is required; [`get`](Self::get) and [`post`](Self::post) build the
/// request with the defaults above.
///
/// ```
/// use inkan_core::http::{HttpClient, HttpRequest, HttpResponse};
/// use inkan_core::{BoxFuture, Result};
///
/// /// Answers every request with its own URL.
/// struct Echo;
/// impl HttpClient for Echo {
///     fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
///         Box::pin(async move {
///             request.check_scheme()?;
///             Ok(HttpResponse { status: 200, headers: vec![], body: request.url.into_bytes() })
///         })
///     }
/// }
/// let client: &dyn HttpClient = &Echo;
/// let _pending = client.get("https://example.com/", &[("accept", "application/json")]);
/// ```
pub trait HttpClient: Send + Sync {
    /// Sends `request` and returns the response, whatever its status.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>>;

    /// GETs `url` with `headers` (HTTPS only, body capped at [`MAX_BODY`]).
    fn get(&self, url: &str, headers: &[(&str, &str)]) -> BoxFuture<'_, Result<HttpResponse>> {
        self.send(with_headers(HttpRequest::get(url), headers))
    }

    /// POSTs `body` to `url` with `headers` (HTTPS only, response capped at [`MAX_BODY`]).
    fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> BoxFuture<'_, Result<HttpResponse>> {
        self.send(with_headers(HttpRequest::post(url, body), headers))
    }
}

fn with_headers(request: HttpRequest, headers: &[(&str, &str)]) -> HttpRequest {
    headers
        .iter()
        .fold(request, |req, (name, value)| req.header(*name, *value))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::future::Future;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Waker};

    use super::*;

    /// A canned-response double that records what it was sent.
    #[derive(Default)]
    struct Canned {
        routes: HashMap<String, HttpResponse>,
        seen: Mutex<Vec<HttpRequest>>,
    }

    impl HttpClient for Canned {
        fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
            Box::pin(async move {
                request.check_scheme()?;
                let found = self.routes.get(&request.url).cloned();
                self.seen.lock().unwrap().push(request.clone());
                let res = found.ok_or_else(|| Error::Http(format!("no route for {}", request.url)))?;
                if res.body.len() > request.max_body {
                    return Err(Error::TooLarge {
                        size: res.body.len(),
                        limit: request.max_body,
                    });
                }
                Ok(res)
            })
        }
    }

    /// Drives a future that never waits (the double answers immediately).
    fn ready<T>(fut: impl Future<Output = T>) -> T {
        let mut fut = std::pin::pin!(fut);
        let mut cx = Context::from_waker(Waker::noop());
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("the test double never waits"),
        }
    }

    fn client() -> Canned {
        let ok = HttpResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: b"hello".to_vec(),
        };
        let big = HttpResponse {
            status: 200,
            headers: vec![],
            body: vec![0; MAX_BODY + 1],
        };
        let mut canned = Canned::default();
        canned.routes.insert("https://a.example/x".into(), ok);
        canned.routes.insert("https://a.example/big".into(), big);
        canned
    }

    #[test]
    fn usable_as_dyn_and_arc() {
        let shared: Arc<dyn HttpClient> = Arc::new(client());
        let res = ready(shared.get("https://a.example/x", &[("Accept", "text/plain")])).unwrap();
        assert_eq!(res.body, b"hello");
        assert_eq!(res.header("content-type"), Some("text/plain"));
        let by_ref: &dyn HttpClient = shared.as_ref();
        let err = ready(by_ref.post("https://a.example/none", &[], b"q".to_vec())).unwrap_err();
        assert_eq!(err.code(), "http.failed");
    }

    #[test]
    fn headers_and_body_reach_the_client() {
        let canned = client();
        ready(canned.post("https://a.example/x", &[("a", "1"), ("b", "2")], b"body".to_vec())).unwrap();
        let seen = canned.seen.lock().unwrap();
        assert_eq!(seen[0].method, Method::Post);
        assert_eq!(
            seen[0].headers,
            [("a".into(), "1".into()), ("b".into(), "2".into())]
        );
        assert_eq!(seen[0].body, b"body");
    }

    #[test]
    fn plain_http_and_oversized_bodies_are_refused() {
        let canned = client();
        let err = ready(canned.get("http://a.example/x", &[])).unwrap_err();
        assert_eq!(err.code(), "http.failed");
        assert!(canned.seen.lock().unwrap().is_empty(), "refused before sending");
        let err = ready(canned.get("https://a.example/big", &[])).unwrap_err();
        assert_eq!(err.code(), "input.too_large");
        let mut raised = HttpRequest::get("https://a.example/big");
        raised.max_body = 2 * MAX_BODY;
        assert!(ready(canned.send(raised)).is_ok());
    }

    #[test]
    fn scheme_check_is_case_insensitive_and_total() {
        assert!(HttpRequest::get("HTTPS://A.EXAMPLE/").check_scheme().is_ok());
        assert!(HttpRequest::get("").check_scheme().is_err());
        assert!(HttpRequest::get("https:/").check_scheme().is_err());
        assert!(HttpRequest::get("é").check_scheme().is_err());
        let mut plain = HttpRequest::get("http://localhost/");
        plain.https_only = false;
        assert!(plain.check_scheme().is_ok());
        assert!(
            !HttpResponse {
                status: 302,
                headers: vec![],
                body: vec![]
            }
            .is_success()
        );
    }
}
