//! One throttle for every check of a secret: the sign-in password, the second factor (TOTP
//! or recovery code) and the re-authentication that account and admin changes ask for.
//! Limits on an account are counted *before* the secret is checked, under every key it falls
//! under (address and account, account, pending session), so parallel tries cannot pass a
//! limit. An address alone never closes sign-in: a whole office shares one address behind
//! its router, so only its *failed* attempts are counted, and past the limit every attempt
//! from it is slowed down, a correct one still let in. Counters live in the database
//! (`db::throttle`), shared by every process.

use std::net::IpAddr;

const MINUTE: i64 = 60;
const DAY: i64 = 24 * 60 * MINUTE;

/// One counter and its limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    pub key: String,
    pub max: i64,
    pub window_seconds: i64,
    /// What the audit trail and the holder's mail say when it is passed.
    pub what: &'static str,
}

/// Passwords from one address for one account (then that address is refused for it).
pub const PASSWORDS_PER_ADDRESS_AND_ACCOUNT: i64 = 10;
/// Failed passwords from one address, whatever the account (a script trying many
/// accounts), before each attempt from it is slowed down.
pub const FAILED_PASSWORDS_PER_ADDRESS: i64 = 30;
/// Password attempts on one account, any address, before each further one is slowed down.
pub const PASSWORDS_BEFORE_DELAY: i64 = 10;
/// Second-factor codes on one pending sign-in.
pub const CODES_PER_PENDING_SESSION: i64 = 5;
/// Second-factor codes on one account a day (the password is known to whoever tries).
pub const CODES_PER_ACCOUNT_A_DAY: i64 = 20;
/// Failed second-factor codes from one address before each attempt from it is slowed down.
pub const FAILED_CODES_PER_ADDRESS: i64 = 30;
/// The wait of every attempt from an address past its failures: a script's pace drops to a
/// few tries a minute per connection, a colleague typing the right password waits a moment.
pub const ADDRESS_SLOWDOWN: std::time::Duration = std::time::Duration::from_secs(2);
/// Re-authentications (current password or code) by one signed-in account.
pub const REAUTH_PER_ACCOUNT: i64 = 5;
/// Re-authentications from one address.
pub const REAUTH_PER_ADDRESS: i64 = 10;
/// How long the short windows last.
pub const SHORT_WINDOW_MINUTES: i64 = 15;

fn limit(key: String, max: i64, window_seconds: i64, what: &'static str) -> Limit {
    Limit {
        key,
        max,
        window_seconds,
        what,
    }
}

const SHORT: i64 = SHORT_WINDOW_MINUTES * MINUTE;

/// Limits on a sign-in password; `account` is the typed address, normalised, so unknown
/// accounts are counted like known ones.
pub fn password_limits(address: IpAddr, account: &str) -> Vec<Limit> {
    vec![limit(
        password_pair_key(address, account),
        PASSWORDS_PER_ADDRESS_AND_ACCOUNT,
        SHORT,
        "prea multe parole greșite de la aceeași adresă",
    )]
}

/// The failed passwords of one address, whatever the account.
pub fn password_failures(address: IpAddr) -> Limit {
    limit(
        format!("pw:failed:{address}"),
        FAILED_PASSWORDS_PER_ADDRESS,
        SHORT,
        "prea multe parole greșite de la aceeași adresă, pentru mai multe conturi; încercările de aici sunt încetinite",
    )
}

/// The failed second-factor codes of one address.
pub fn code_failures(address: IpAddr) -> Limit {
    limit(
        format!("code:failed:{address}"),
        FAILED_CODES_PER_ADDRESS,
        SHORT,
        "prea multe coduri greșite de la aceeași adresă; încercările de aici sunt încetinite",
    )
}

/// The counter of one address's passwords for one account.
fn password_pair_key(address: IpAddr, account: &str) -> String {
    format!("pw:pair:{address}:{account}")
}

/// The account-wide counter that slows sign-in down instead of closing it.
pub fn password_account_key(account: &str) -> String {
    format!("pw:account:{account}")
}

/// How long to hold a sign-in back after `attempts` on the account in a day: nothing for
/// the first ten, then doubling from 250 ms up to 4 s. The holder still gets in; a guesser
/// gets at most about 900 tries an hour, from any number of addresses.
pub fn password_delay(attempts: i64) -> std::time::Duration {
    let over = attempts - PASSWORDS_BEFORE_DELAY;
    if over <= 0 {
        return std::time::Duration::ZERO;
    }
    let millis = 250u64.saturating_mul(1u64 << over.clamp(1, 5).saturating_sub(1));
    std::time::Duration::from_millis(millis.min(4000))
}

/// Limits on a second-factor code typed on a pending sign-in.
pub fn code_limits(session_hash: &str, account_id: i32) -> Vec<Limit> {
    vec![
        limit(
            format!("code:session:{session_hash}"),
            CODES_PER_PENDING_SESSION,
            DAY,
            "prea multe coduri greșite la aceeași autentificare",
        ),
        limit(
            code_account_key(account_id),
            CODES_PER_ACCOUNT_A_DAY,
            DAY,
            "prea multe coduri de verificare greșite în 24 de ore",
        ),
    ]
}

/// The account's daily counter of second-factor codes.
pub fn code_account_key(account_id: i32) -> String {
    format!("code:account:{account_id}")
}

/// The account's counter of re-authentications.
pub fn reauth_account_key(account_id: i32) -> String {
    format!("reauth:account:{account_id}")
}

/// Limits on re-authentication by a signed-in person (account pages, admin actions).
pub fn reauth_limits(address: IpAddr, account_id: i32) -> Vec<Limit> {
    vec![
        limit(
            reauth_account_key(account_id),
            REAUTH_PER_ACCOUNT,
            SHORT,
            "prea multe confirmări greșite ale parolei sau ale codului",
        ),
        limit(
            format!("reauth:addr:{address}"),
            REAUTH_PER_ADDRESS,
            SHORT,
            "prea multe confirmări greșite de la aceeași adresă",
        ),
    ]
}

/// The counters a successful full sign-in clears: the holder starts afresh.
pub fn cleared_by_sign_in(address: IpAddr, account: &str, account_id: i32) -> Vec<String> {
    vec![
        password_account_key(account),
        password_pair_key(address, account),
        code_account_key(account_id),
        reauth_account_key(account_id),
    ]
}

/// The first limit this attempt goes over, and whether it is the attempt that crossed it
/// (the moment to audit and to mail the holder, once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Over {
    pub limit: Limit,
    pub just_crossed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_slows_down_instead_of_closing() {
        assert_eq!(password_delay(10), std::time::Duration::ZERO);
        assert_eq!(password_delay(11).as_millis(), 250);
        assert_eq!(password_delay(12).as_millis(), 500);
        assert_eq!(password_delay(14).as_millis(), 2000);
        assert_eq!(password_delay(1000).as_millis(), 4000);
    }
}
