//! Mail as the outbox keeps it: its status and kind, parsed in one place, with the Romanian
//! labels pages and reports show.

use chrono::{DateTime, Duration, Utc};

/// Where a mail is in its life: queued, being sent, delivered, given up on or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutboxStatus {
    Pending,
    Sending,
    Sent,
    Dead,
    Cancelled,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 5] = [
        OutboxStatus::Pending,
        OutboxStatus::Sending,
        OutboxStatus::Sent,
        OutboxStatus::Dead,
        OutboxStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Dead => "dead",
            OutboxStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<OutboxStatus> {
        OutboxStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "în așteptare",
            OutboxStatus::Sending => "în curs",
            OutboxStatus::Sent => "trimise",
            OutboxStatus::Dead => "nelivrate",
            OutboxStatus::Cancelled => "anulate",
        }
    }
}

/// What a mail is: a school digest, a security notice, a test or the weekly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    Digest,
    Security,
    Test,
    Report,
    /// The legal department's daily hearing digest.
    Hearings,
}

impl MailKind {
    pub const ALL: [MailKind; 5] = [
        MailKind::Digest,
        MailKind::Security,
        MailKind::Test,
        MailKind::Report,
        MailKind::Hearings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Digest => "digest",
            MailKind::Security => "security",
            MailKind::Test => "test",
            MailKind::Report => "report",
            MailKind::Hearings => "hearings",
        }
    }

    pub fn parse(text: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            MailKind::Digest => "memento / rezumat",
            MailKind::Security => "securitate",
            MailKind::Test => "test",
            MailKind::Report => "raport săptămânal",
            MailKind::Hearings => "rezumat termene",
        }
    }

    /// Who receives mail of this kind, as the mail log names them.
    pub fn audience(self, concerns_schools: bool) -> &'static str {
        match self {
            MailKind::Security | MailKind::Test => "personal ISJ",
            MailKind::Report | MailKind::Hearings => "Compartimentul Juridic",
            MailKind::Digest if concerns_schools => "unitate",
            MailKind::Digest => "—",
        }
    }
}

/// One mail as pages and reports show it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    pub id: i32,
    /// `None` for a kind this version does not know (written by a newer one).
    pub kind: Option<MailKind>,
    pub recipient: String,
    pub subject: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_kinds_round_trip() {
        for status in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::parse(status.as_str()), Some(status));
        }
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OutboxStatus::parse("nope"), None);
        assert_eq!(MailKind::Digest.audience(false), "—");
    }
}

/// A mail to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMail {
    /// Names the mail for good: the same key is never enqueued twice.
    pub dedupe_key: String,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub sealed_tokens: Vec<String>,
    pub attachment: Option<(String, String)>,
    /// School mail waits for working hours; security and test mail do not.
    pub respect_window: bool,
}

/// Tries to deliver a mail for this long before giving up (reminders lose their value).
pub const GIVE_UP_AFTER: Duration = Duration::hours(48);

/// 1, 5 and 15 minutes after the first three failures, then every 30 minutes.
pub fn retry_delay(attempts: i32) -> Duration {
    match attempts {
        ..=1 => Duration::minutes(1),
        2 => Duration::minutes(5),
        3 => Duration::minutes(15),
        _ => Duration::minutes(30),
    }
}

/// After a failed try: when to try again, or `None` to give up (a permanent refusal, or a
/// mail first queued `GIVE_UP_AFTER` ago).
pub fn next_try(
    attempts: i32,
    permanent: bool,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    (!permanent && now - created_at < GIVE_UP_AFTER).then(|| now + retry_delay(attempts))
}

/// A mail claimed for sending: what the message is built from.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedMail {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// The link tokens, sealed, as a JSON list.
    pub sealed_tokens: Option<String>,
    pub attachment_path: Option<String>,
    pub attachment_name: Option<String>,
    pub message_id: String,
    /// Tries so far, this one included.
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}
