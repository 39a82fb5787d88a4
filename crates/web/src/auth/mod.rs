//! Authentication: passwords (argon2id), the second factor (TOTP), session
//! tokens and cookies, and the login pages.

pub mod cookies;
pub mod login;
pub mod password;
pub mod totp;
