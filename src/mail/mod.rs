//! E-mail: the content of each kind of mail (text and HTML twins from one description), the
//! transports (SMTP through lettre, or `.eml` files) and the sender of one claimed mail.
//! No database here: the outbox round is `app::outbox`.

pub mod content;
pub mod reminders;
pub mod security;
pub mod sender;
pub mod transport;

pub use content::{Block, MailContent};
pub use sender::Mailer;
pub use transport::{SendFailure, Transport};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("adresa SMTP nu este validă: {0}")]
    SmtpUrl(String),
    #[error("adresa expeditorului nu este validă: {0}")]
    From(String),
}
