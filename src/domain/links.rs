//! Directors' one-time links, as a rule: what a link is for, how long it lasts, and what a
//! stored link is worth at a given moment. Tokens are minted in `auth::tokens`; only their
//! SHA-256 is stored.

use chrono::{DateTime, Duration, Utc};

/// How long a link stays valid after it is mailed.
pub const VALID_FOR: Duration = Duration::hours(72);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm or change the designee.
    Designee,
    /// Report a step towards the D.E.N. account.
    Progress,
    /// Stop non-critical mail to one address.
    OptOut,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Designee => "designee",
            Purpose::Progress => "progress",
            Purpose::OptOut => "optout",
        }
    }

    pub fn parse(text: &str) -> Option<Purpose> {
        [Purpose::Designee, Purpose::Progress, Purpose::OptOut]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

/// A link as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLink {
    pub id: i32,
    pub school_code: String,
    pub purpose: String,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub consumed_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A link that may be used now.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: i32,
    pub school_code: String,
    pub purpose: Purpose,
    pub email: Option<String>,
}

/// What a token turns out to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Valid(Link),
    /// Used already: the director is told so.
    Used,
    /// Unknown, altered, expired or revoked: one generic answer for all.
    Invalid,
}

impl Lookup {
    /// What a stored link (or none) is worth at `now`.
    pub fn of(stored: Option<StoredLink>, now: DateTime<Utc>) -> Lookup {
        let Some(found) = stored else {
            return Lookup::Invalid;
        };
        if found.consumed_at.is_some() {
            return Lookup::Used;
        }
        let Some(purpose) = Purpose::parse(&found.purpose) else {
            return Lookup::Invalid;
        };
        if found.revoked_at.is_some() || found.expires_at <= now {
            return Lookup::Invalid;
        }
        Lookup::Valid(Link {
            id: found.id,
            school_code: found.school_code,
            purpose,
            email: found.email,
        })
    }
}
