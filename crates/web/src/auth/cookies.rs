//! Session tokens and the cookies that carry them.
//!
//! The token is 256 random bits; the database stores only its SHA-256.
//! Over TLS the cookie is `__Host-bz_session` with `Secure`; on plain HTTP
//! (the demo on 127.0.0.1) browsers refuse `__Host-` cookies, so it is
//! `bz_session`. Always `HttpOnly`, `SameSite=Strict`, `Path=/`, no domain.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use base64::Engine;
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SECURE_NAME: &str = "__Host-bz_session";
pub const PLAIN_NAME: &str = "bz_session";
pub const LANG_NAME: &str = "bz_lang";

pub fn session_cookie_name(tls: bool) -> &'static str {
    if tls { SECURE_NAME } else { PLAIN_NAME }
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut buf = [0u8; 32];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compare two secrets without an early exit on the first differing byte.
pub fn same_secret(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

/// Read a cookie value from the request headers.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    for value in headers.get_all(COOKIE) {
        let Ok(s) = value.to_str() else { continue };
        for c in Cookie::split_parse(s).flatten() {
            if c.name() == name {
                return Some(c.value().to_string());
            }
        }
    }
    None
}

pub fn session_token(headers: &HeaderMap, tls: bool) -> Option<String> {
    read(headers, session_cookie_name(tls)).filter(|t| !t.is_empty() && t.len() <= 128)
}

/// `Set-Cookie` value for a session token.
pub fn set_session(token: &str, tls: bool) -> String {
    Cookie::build((session_cookie_name(tls), token.to_string()))
        .path("/")
        .http_only(true)
        .secure(tls)
        .same_site(SameSite::Strict)
        .build()
        .to_string()
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session(tls: bool) -> String {
    Cookie::build((session_cookie_name(tls), ""))
        .path("/")
        .http_only(true)
        .secure(tls)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// `Set-Cookie` value for the language preference (one year; not personal data).
pub fn set_lang(code: &str, tls: bool) -> String {
    Cookie::build((LANG_NAME, code.to_string()))
        .path("/")
        .http_only(true)
        .secure(tls)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_cookies_are_locked_down() {
        let c = set_session("abc", true);
        assert!(c.starts_with("__Host-bz_session=abc"));
        for part in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(!c.contains("Domain"));
        let plain = set_session("abc", false);
        assert!(plain.starts_with("bz_session=abc") && !plain.contains("Secure"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a).len(), 64);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, "x"));
    }
}
