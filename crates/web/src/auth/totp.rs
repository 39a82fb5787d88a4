//! The second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30 s, one step of skew)
//! with totp-rs, and the enrolment QR code as inline SVG.

use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Builder, Secret, Totp};

pub const ISSUER: &str = "Buitenzicht";

/// A new random secret, base32-encoded (160 bits).
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .ok()
}

/// Check a code at Unix time `now`; returns the matched time step.
pub fn check(secret_b32: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "x")?;
    t.check(&code, u64::try_from(now).ok()?)
        .and_then(|step| i64::try_from(step).ok())
}

/// The current code (used by the demo and tests).
pub fn current_code(secret_b32: &str, now: i64) -> Option<String> {
    let t = totp(secret_b32, "x")?;
    Some(t.generate(u64::try_from(now).ok()?).to_string())
}

/// The `otpauth://` URL that authenticator apps read.
pub fn otpauth_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account)?.to_url().ok()
}

/// The enrolment QR code as an SVG element (no inline styles, CSP-safe).
pub fn qr_svg(url: &str, title: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Drop the XML declaration and give the image an accessible name.
    let start = svg.find("<svg")?;
    let body = &svg[start..];
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(body.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\""),
        1,
    ))
}

/// A secret from given bytes (the demo derives its secrets from the seed).
pub fn secret_from_bytes(bytes: &[u8]) -> String {
    Secret::from(bytes).to_base32()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_code_checks_and_a_wrong_one_does_not() {
        let s = new_secret();
        let now = 1_750_000_000;
        let code = current_code(&s, now).expect("code");
        assert_eq!(check(&s, &code, now), Some(now / 30));
        assert_eq!(
            check(&s, &code, now + 30),
            Some(now / 30),
            "one step of skew"
        );
        assert_eq!(check(&s, &code, now + 300), None);
        assert_eq!(check(&s, "12345", now), None);
        assert_eq!(check(&s, "abcdef", now), None);
    }

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s -> 94287082 (8 digits); 6 digits: 287082.
        let secret = Secret::from(b"12345678901234567890".as_slice()).to_base32();
        assert_eq!(current_code(&secret, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn qr_is_svg_without_inline_style() {
        let url = otpauth_url(&new_secret(), "demo.aov").expect("url");
        assert!(url.starts_with("otpauth://totp/"));
        let svg = qr_svg(&url, "QR-code").expect("svg");
        assert!(svg.starts_with("<svg role=\"img\""));
        assert!(!svg.contains("style="));
    }
}
