//! E-mail: the content of each kind of mail (text and HTML twins from one description), the
//! transports (SMTP through lettre, or `.eml` files) and the sender that drains the outbox.

pub mod content;
pub mod reminders;
pub mod security;
pub mod sender;
pub mod transport;

pub use content::{Block, MailContent};
pub use sender::{Delivery, Mailer, deliver_due};
pub use transport::{SendFailure, Transport};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("adresa SMTP nu este validă: {0}")]
    SmtpUrl(String),
    #[error("adresa expeditorului nu este validă: {0}")]
    From(String),
    #[error("{0}")]
    Db(#[from] crate::db::DbError),
}
