//! The rule for an e-mail address typed at any door (a designee's, a declared contact, a
//! staff account): what is stored is what mail can reach and a search finds.

use super::text::{TypedTextError, typed};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("adresa de e-mail nu are forma nume@domeniu.ro")]
    Shape,
    #[error(
        "partea dinaintea @ poate avea doar litere fără diacritice, cifre și . _ - + (fără puncte la capete sau două la rând)"
    )]
    Local,
    #[error(
        "domeniul adresei de e-mail nu este valid (litere, cifre și cratime, cu punct între părți, ca scoala.ro)"
    )]
    Domain,
    #[error("{0}")]
    Text(#[from] TypedTextError),
}

/// The local part's characters (RFC 5322 `atext`, ASCII only: no mailbox of a school needs
/// more, and lookalike letters are how addresses are faked).
fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c)
}

/// Trimmed, lower case, invisible characters removed; the domain plain ASCII, an
/// internationalised one only as valid punycode (a Unicode domain is turned into it).
pub fn parse(raw: &str) -> Result<String, EmailError> {
    let text = typed(raw)?.trim().to_lowercase();
    let (local, domain) = text.split_once('@').ok_or(EmailError::Shape)?;
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return Err(EmailError::Shape);
    }
    let local_ok = local.len() <= 64
        && local.chars().all(is_local_char)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return Err(EmailError::Local);
    }
    Ok(format!("{local}@{}", plain_domain(domain)?))
}

/// The domain in ASCII: UTS #46 with the strict (STD3) rules checks every label, decodes
/// `xn--` labels and refuses broken punycode, bidi mixes and joiners in the wrong place.
fn plain_domain(domain: &str) -> Result<String, EmailError> {
    let ascii = idna::domain_to_ascii_strict(domain).map_err(|_| EmailError::Domain)?;
    let labels: Vec<&str> = ascii.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top = labels.last().copied().unwrap_or_default();
    let top_ok =
        top.len() >= 2 && (top.chars().all(|c| c.is_ascii_alphabetic()) || top.starts_with("xn--"));
    if labels.len() < 2 || ascii.len() > 253 || !labels.iter().all(label_ok) || !top_ok {
        return Err(EmailError::Domain);
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_addresses_pass_lower_case() {
        assert_eq!(
            parse(" Secretariat@Scoala1-Deva.RO "),
            Ok("secretariat@scoala1-deva.ro".into())
        );
        assert_eq!(
            parse("ana.pop+den@isj.hd.edu.ro"),
            Ok("ana.pop+den@isj.hd.edu.ro".into())
        );
    }

    #[test]
    fn invisible_characters_are_dropped_before_the_check() {
        assert_eq!(
            parse("scoala@\u{200B}deva.ro\u{200F}"),
            Ok("scoala@deva.ro".into())
        );
        assert_eq!(parse("\u{202E}or.aved@aloocs"), Err(EmailError::Domain));
    }

    #[test]
    fn international_domains_only_as_valid_punycode() {
        assert_eq!(
            parse("info@școala.ro"),
            Ok("info@xn--coala-e9b.ro".into()),
            "turned into punycode"
        );
        assert_eq!(
            parse("info@xn--coala-e9b.ro"),
            Ok("info@xn--coala-e9b.ro".into())
        );
        assert_eq!(parse("info@xn--zz-.ro"), Err(EmailError::Domain));
        assert_eq!(parse("info@xn--a.ro"), Err(EmailError::Domain));
    }

    #[test]
    fn broken_addresses_are_refused() {
        for bad in [
            "scoala",
            "@deva.ro",
            "a@b@deva.ro",
            "a b@deva.ro",
            "ană@deva.ro",
            ".a@deva.ro",
            "a..b@deva.ro",
            "a@localhost",
            "a@deva",
            "a@[127.0.0.1]",
            "a@127.0.0.1",
            "a@-deva.ro",
            "a@deva_x.ro",
            "a@deva..ro",
            "a@deva.ro.",
            "a@dеva.ro\u{0}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
