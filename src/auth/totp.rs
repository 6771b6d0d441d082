//! TOTP as the D.E.N. and every authenticator app use it: SHA-1, 6 digits, 30 s steps,
//! 20-byte secrets, one step of tolerance either side. Time is passed in, never read here.

use totp_rs::{Algorithm, Builder, Secret, Totp};

pub const ISSUER: &str = "isj-tracker";
const STEP_SECONDS: u64 = 30;

/// A new random 20-byte secret.
pub fn new_secret() -> Vec<u8> {
    Secret::generate().as_bytes().to_vec()
}

fn totp(secret: &[u8], account: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', " "))
        .build()
        .ok()
}

/// The time step a code belongs to, if it is valid at `unix_time` (±1 step). The caller
/// accepts it only if it is later than the last step used, so a code works once.
pub fn matched_step(secret: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    totp(secret, "x")?.check(&code, unix_time)
}

/// The code an authenticator app shows at `unix_time` (used by tests and the setup check).
pub fn code_at(secret: &[u8], unix_time: u64) -> Option<String> {
    Some(totp(secret, "x")?.generate(unix_time).to_string())
}

/// The base32 text users can type instead of scanning.
pub fn secret_base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec()).to_base32()
}

/// The `otpauth://totp/…` URI for authenticator apps.
pub fn provisioning_uri(secret: &[u8], account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The URI as an inline SVG QR code, drawn here so the secret never leaves the server.
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 secret, the last 6 of the 8 published digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        let vectors = [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, eight) in vectors {
            let six = &eight[2..];
            assert_eq!(code_at(secret, time).as_deref(), Some(six), "t={time}");
            assert_eq!(matched_step(secret, six, time), Some(time / 30));
        }
    }

    #[test]
    fn window_is_one_step_each_side() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let previous = code_at(&secret, now - 30).unwrap();
        let next = code_at(&secret, now + 30).unwrap();
        let too_old = code_at(&secret, now - 60).unwrap();
        assert_eq!(matched_step(&secret, &previous, now), Some(now / 30 - 1));
        assert_eq!(matched_step(&secret, &next, now), Some(now / 30 + 1));
        assert_eq!(matched_step(&secret, &too_old, now), None);
        assert_eq!(matched_step(&secret, "12a456", now), None);
    }

    #[test]
    fn provisioning() {
        let secret = new_secret();
        assert_eq!(secret.len(), 20);
        let uri = provisioning_uri(&secret, "ana@isj.ro").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/isj-tracker:ana%40isj.ro?secret="),
            "{uri}"
        );
        assert!(uri.contains(&secret_base32(&secret)));
        assert!(qr_svg(&uri).unwrap().starts_with("<?xml"));
    }
}
