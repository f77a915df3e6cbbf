//! Delivering messages (OTPs) to people: the [`Notifier`] trait and three implementations.
//!
//! - [`LogNotifier`] writes each message to the service log (`tracing`, target
//!   `inkan_idp::notify`) — development only: the log then holds the codes.
//! - [`FileNotifier`] appends one JSON line per message to a file (browser tests read the OTP
//!   there).
//! - [`SmtpNotifier`] sends email through an SMTP relay (lettre, rustls): implicit TLS or
//!   STARTTLS; unencrypted SMTP only to a loopback address (a local relay or test sink).
//!
//! ```
//! use inkan_idp::factors::notify::{Message, Notifier, FileNotifier};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("outbox.ndjson");
//! let notifier = FileNotifier::new(&path);
//! notifier.send(&Message::sms("+254700123456", "Your code is 482913")).await?;
//! let line = std::fs::read_to_string(&path).unwrap();
//! assert!(line.ends_with("\n") && line.contains("\"body\":\"Your code is 482913\""));
//! # Ok::<(), inkan_idp::factors::FactorError>(())
//! # }).unwrap();
//! ```

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use inkan_core::BoxFuture;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use super::FactorError;

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "channel", content = "address")]
pub enum Channel {
    /// An email address.
    Email(String),
    /// A phone number (E.164).
    Sms(String),
}

impl Channel {
    fn name(&self) -> &'static str {
        match self {
            Channel::Email(_) => "email",
            Channel::Sms(_) => "sms",
        }
    }
}

/// One message.
///
/// ```
/// use inkan_idp::factors::notify::{Channel, Message};
/// let m = Message::email("a@example.org", "Your code", "482913");
/// assert_eq!(m.to, Channel::Email("a@example.org".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The recipient.
    pub to: Channel,
    /// A subject line (email) — empty for SMS.
    pub subject: String,
    /// The text.
    pub body: String,
}

impl Message {
    /// An email.
    pub fn email(to: impl Into<String>, subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            to: Channel::Email(to.into()),
            subject: subject.into(),
            body: body.into(),
        }
    }

    /// A text message.
    pub fn sms(to: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            to: Channel::Sms(to.into()),
            subject: String::new(),
            body: body.into(),
        }
    }
}

/// Sends messages. Object safe (`Arc<dyn Notifier>`).
pub trait Notifier: Send + Sync {
    /// Delivers `message` (or fails with [`FactorError::Notify`] /
    /// [`FactorError::UnsupportedChannel`]).
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), FactorError>>;
}

/// Writes messages to the service log. Development only.
///
/// ```
/// use inkan_idp::factors::notify::{LogNotifier, Message, Notifier};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// LogNotifier.send(&Message::sms("+254700123456", "code 482913")).await?;
/// # Ok::<(), inkan_idp::factors::FactorError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct LogNotifier;

impl Notifier for LogNotifier {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), FactorError>> {
        Box::pin(async move {
            let (channel, address) = match &message.to {
                Channel::Email(a) | Channel::Sms(a) => (message.to.name(), a.as_str()),
            };
            tracing::info!(target: "inkan_idp::notify", channel, to = address, subject = %message.subject, body = %message.body, "notification");
            Ok(())
        })
    }
}

/// Appends each message as one JSON line (`{"to": {"channel", "address"}, "subject", "body"}`)
/// to a file, creating it if needed. Lines are written whole, one writer at a time.
#[derive(Debug)]
pub struct FileNotifier {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FileNotifier {
    /// A notifier appending to `path`.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self {
            path: path.as_ref().to_owned(),
            lock: Mutex::new(()),
        }
    }

    async fn append(&self, message: &Message) -> Result<(), FactorError> {
        let mut line = serde_json::to_vec(message).map_err(|e| FactorError::Notify(e.to_string()))?;
        line.push(b'\n');
        let _guard = self.lock.lock().await;
        let io = |e: std::io::Error| FactorError::Notify(format!("{}: {e}", self.path.display()));
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await
            .map_err(io)?;
        file.write_all(&line).await.map_err(io)?;
        file.flush().await.map_err(io)
    }
}

impl Notifier for FileNotifier {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), FactorError>> {
        Box::pin(self.append(message))
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    #[default]
    Tls,
    /// STARTTLS, required (port 587).
    StartTls,
    /// No encryption: refused unless the host is a loopback address.
    Loopback,
}

/// SMTP settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The relay's host name (an IP literal for [`SmtpSecurity::Loopback`]).
    pub host: String,
    /// The port (default for the security mode when absent).
    pub port: Option<u16>,
    /// TLS mode.
    #[serde(default)]
    pub security: SmtpSecurity,
    /// Login, if the relay wants one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// The sender, e.g. `ID Registry <no-reply@id.example>`.
    pub from: String,
}

/// Sends [`Channel::Email`] messages through an SMTP relay.
pub struct SmtpNotifier {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl SmtpNotifier {
    /// Builds the transport (no connection is made until the first message).
    ///
    /// ```
    /// use inkan_idp::factors::notify::{SmtpConfig, SmtpNotifier, SmtpSecurity};
    /// let plain_remote = SmtpConfig { host: "smtp.example".into(), port: Some(25), security: SmtpSecurity::Loopback,
    ///     username: None, password: None, from: "no-reply@id.example".into() };
    /// assert_eq!(SmtpNotifier::new(&plain_remote).unwrap_err().code(), "idp.bad_factor_config");
    /// ```
    pub fn new(config: &SmtpConfig) -> Result<Self, FactorError> {
        let bad = |e: String| FactorError::BadConfig(format!("SMTP: {e}"));
        let from: Mailbox = config.from.parse().map_err(|e| bad(format!("from: {e}")))?;
        let builder = match config.security {
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).map_err(|e| bad(e.to_string()))?
            }
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
                .map_err(|e| bad(e.to_string()))?,
            SmtpSecurity::Loopback => {
                let loopback = config.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if !loopback {
                    return Err(bad(
                        "unencrypted SMTP is only allowed to a loopback address".into()
                    ));
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
                    .port(config.port.unwrap_or(25))
            }
        };
        let mut builder = builder.timeout(Some(Duration::from_secs(10)));
        if let Some(port) = config.port {
            builder = builder.port(port);
        }
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    async fn deliver(&self, message: &Message) -> Result<(), FactorError> {
        let Channel::Email(address) = &message.to else {
            return Err(FactorError::UnsupportedChannel("sms"));
        };
        let to: Mailbox = address
            .parse()
            .map_err(|e| FactorError::Notify(format!("recipient: {e}")))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_str())
            .body(message.body.clone())
            .map_err(|e| FactorError::Notify(e.to_string()))?;
        self.transport
            .send(email)
            .await
            .map(drop)
            .map_err(|e| FactorError::Notify(e.to_string()))
    }
}

impl Notifier for SmtpNotifier {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), FactorError>> {
        Box::pin(self.deliver(message))
    }
}
