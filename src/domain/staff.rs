//! Staff roles: who may read and who may change.

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// The legal department: full write access to the tracked data.
    Juridic,
    /// Read-only.
    Inspector,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "juridic" => Some(Role::Juridic),
            "inspector" => Some(Role::Inspector),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Juridic => "juridic",
            Role::Inspector => "inspector",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::Juridic => "compartiment juridic",
            Role::Inspector => "inspector (doar citire)",
        }
    }

    pub fn can_write(self) -> bool {
        matches!(self, Role::Admin | Role::Juridic)
    }
}

/// A staff e-mail as stored: trimmed, lower case, one `@` with text on both sides.
pub fn normalise_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace);
    plausible.then_some(email)
}

/// A staff member's name as typed: one line of typed text, at most 120 characters; the
/// e-mail address when left empty.
pub fn display_name(
    typed: Option<&str>,
    email: &str,
) -> Result<String, super::text::TypedTextError> {
    let name = super::text::one_line(&super::text::typed(typed.unwrap_or_default())?);
    Ok(if name.is_empty() {
        email.to_string()
    } else {
        name.chars().take(120).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_emails() {
        assert_eq!(Role::parse(" Juridic "), Some(Role::Juridic));
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::Inspector.can_write());
        assert_eq!(
            normalise_email(" Ana.Pop@ISJ.HD.edu.ro "),
            Some("ana.pop@isj.hd.edu.ro".into())
        );
        assert_eq!(normalise_email("ana"), None);
        assert_eq!(normalise_email("a b@x.ro"), None);
    }
}

/// A staff account as the pages and the sign-in checks see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffUser {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    pub recovery_hashes: Vec<String>,
    pub must_reenrol: bool,
    pub failed_passwords: i32,
    pub failed_codes: i32,
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    pub disabled: bool,
}
