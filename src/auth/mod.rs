//! Staff authentication building blocks: password hashing and policy, TOTP, the key that
//! encrypts TOTP secrets at rest, random tokens. No HTTP and no database here.

pub mod password;
pub mod recovery;
pub mod secret_key;
pub mod throttle;
pub mod tokens;
pub mod totp;
