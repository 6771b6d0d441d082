//! Mail as the outbox keeps it: its status and kind, parsed in one place, with the Romanian
//! labels pages and reports show.

use chrono::{DateTime, Utc};

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
