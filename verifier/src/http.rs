//! [`ReqwestHttpClient`]: the real [`HttpClient`] (reqwest 0.13 on rustls with the aws-lc-rs
//! provider), behind the `http` feature.
//!
//! It keeps the trait's contract: HTTPS only unless a request says otherwise, never a redirect to
//! anything but HTTPS, bodies capped while they stream in, a timeout on every request. Tests
//! reach a loopback HTTPS server by adding their test CA as an extra root
//! ([`HttpClientConfig::extra_roots_pem`]); there is no switch that allows plain HTTP.

use std::time::Duration;

use inkan_core::http::{HttpClient, HttpRequest, HttpResponse, Method};
use inkan_core::{BoxFuture, Error, Result};

/// How a [`ReqwestHttpClient`] connects.
///
/// ```
/// let config = inkan_verifier::http::HttpClientConfig::default();
/// assert_eq!(config.max_redirects, 5);
/// assert!(config.extra_roots_pem.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpClientConfig {
    /// Whole-request timeout (default 30 s).
    pub timeout: Duration,
    /// Connection timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Redirects followed at most (default 5), each to HTTPS only.
    pub max_redirects: usize,
    /// PEM certificates trusted as roots besides the platform's (a private CA, a test CA).
    pub extra_roots_pem: Vec<Vec<u8>>,
}

impl Default for HttpClientConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
            extra_roots_pem: Vec::new(),
        }
    }
}

/// An [`HttpClient`] on reqwest and rustls. Its futures must run inside a Tokio runtime.
///
/// ```
/// use inkan_core::http::HttpClient;
/// use inkan_verifier::http::ReqwestHttpClient;
/// let client = ReqwestHttpClient::new()?;
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// let err = rt.block_on(client.get("http://localhost/", &[])).unwrap_err();
/// assert_eq!(err.code(), "http.failed"); // plain HTTP is refused before any connection
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReqwestHttpClient {
    client: reqwest::Client,
}

impl ReqwestHttpClient {
    /// A client with the default configuration (platform roots only).
    pub fn new() -> Result<Self> {
        Self::with_config(&HttpClientConfig::default())
    }

    /// A client with `config`; fails with [`Error::Http`] if a root certificate does not parse
    /// or the TLS stack cannot start.
    pub fn with_config(config: &HttpClientConfig) -> Result<Self> {
        let mut roots = Vec::new();
        for pem in &config.extra_roots_pem {
            roots.extend(reqwest::Certificate::from_pem_bundle(pem).map_err(transport)?);
        }
        let max_redirects = config.max_redirects;
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                attempt.error(format!("more than {max_redirects} redirects"))
            } else if attempt.url().scheme() != "https" {
                let refused = format!("refusing a redirect to a non-HTTPS URL: {}", attempt.url());
                attempt.error(refused)
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(redirects)
            .tls_certs_merge(roots)
            .build()
            .map_err(transport)?;
        Ok(Self { client })
    }

    async fn fetch(&self, request: HttpRequest) -> Result<HttpResponse> {
        request.check_scheme()?;
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if request.method == Method::Post {
            builder = builder.body(request.body);
        }
        let mut response = builder.send().await.map_err(transport)?;
        let too_large = |size: u64| Error::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            limit: request.max_body,
        };
        // A declared length over the cap fails before anything is read.
        if let Some(declared) = response.content_length().filter(|n| *n > request.max_body as u64) {
            return Err(too_large(declared));
        }
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            let size = body.len() + chunk.len();
            if size > request.max_body {
                return Err(too_large(size as u64));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

impl HttpClient for ReqwestHttpClient {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
        Box::pin(self.fetch(request))
    }
}

/// A transport failure as [`Error::Http`], with every cause in the message (reqwest's own
/// message rarely says why: the TLS or redirect reason is in its sources).
fn transport(err: reqwest::Error) -> Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Http(message)
}
