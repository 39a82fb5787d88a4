//! Organisations, roles and users: the identity model.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Why an identity value was rejected. `field` names the form/API field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    pub field: &'static str,
    pub reason: FieldProblem,
}

/// The reasons a field can be rejected; the web layer renders them in Dutch or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    #[error("is required")]
    Required,
    #[error("is too long")]
    TooLong,
    #[error("is too short")]
    TooShort,
    #[error("contains characters that are not allowed")]
    BadCharacters,
    #[error("is not a known value")]
    UnknownValue,
    #[error("is not a valid CBS municipality code (GM followed by four digits)")]
    BadCbsCode,
    #[error("is only allowed for a gemeente")]
    OnlyForGemeente,
    #[error("is required for a gemeente")]
    RequiredForGemeente,
    #[error("is not a valid e-mail address")]
    BadEmail,
}

impl FieldProblem {
    /// Stable key of the message catalogue entry for this problem.
    pub fn message_key(self) -> &'static str {
        match self {
            FieldProblem::Required => "err.required",
            FieldProblem::TooLong => "err.too_long",
            FieldProblem::TooShort => "err.too_short",
            FieldProblem::BadCharacters => "err.bad_characters",
            FieldProblem::UnknownValue => "err.unknown_value",
            FieldProblem::BadCbsCode => "err.bad_cbs_code",
            FieldProblem::OnlyForGemeente => "err.only_for_gemeente",
            FieldProblem::RequiredForGemeente => "err.required_for_gemeente",
            FieldProblem::BadEmail => "err.bad_email",
        }
    }
}

fn invalid(field: &'static str, reason: FieldProblem) -> InvalidField {
    InvalidField { field, reason }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = FieldProblem;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($s => Ok($name::$variant),)+ _ => Err(FieldProblem::UnknownValue) }
            }
        }
    };
}

string_enum!(
    /// The kind of organisation taking part in the partnership.
    OrgType {
        Gemeente => "gemeente",
        Politie => "politie",
        Omgevingsdienst => "omgevingsdienst",
        Riec => "riec",
        Veiligheidsregio => "veiligheidsregio",
        Waterschap => "waterschap",
        Netbeheerder => "netbeheerder",
        Natuurbeheerder => "natuurbeheerder",
        Lto => "lto",
        Coach => "coach",
        Overig => "overig",
    }
);

string_enum!(
    /// A role a user holds inside their organisation. A user may hold several.
    Role {
        Beheerder => "beheerder",
        Analist => "analist",
        Aov => "aov",
        Toezichthouder => "toezichthouder",
        Coach => "coach",
        Partner => "partner",
        Intake => "intake",
    }
);

/// A CBS municipality code such as `GM0221`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CbsCode(String);

impl CbsCode {
    pub fn parse(s: &str) -> Result<Self, FieldProblem> {
        let s = s.trim();
        let ok = s.len() == 6 && s.starts_with("GM") && s[2..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(CbsCode(s.to_string()))
        } else {
            Err(FieldProblem::BadCbsCode)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CbsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A validated new organisation (from a form, the API or the demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub name: String,
    pub org_type: OrgType,
    pub cbs_code: Option<CbsCode>,
}

impl NewOrganisation {
    /// Validate raw input. A gemeente must carry its CBS code; other types must not.
    pub fn parse(name: &str, org_type: &str, cbs_code: &str) -> Result<Self, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let name = match display_name(name) {
            Ok(n) => Some(n),
            Err(p) => {
                errors.push(invalid("name", p));
                None
            }
        };
        let org_type = match org_type.trim().parse::<OrgType>() {
            Ok(t) => Some(t),
            Err(p) => {
                errors.push(invalid(
                    "org_type",
                    if org_type.trim().is_empty() {
                        FieldProblem::Required
                    } else {
                        p
                    },
                ));
                None
            }
        };
        let code = cbs_code.trim();
        let cbs_code = match (org_type, code.is_empty()) {
            (Some(OrgType::Gemeente), true) => {
                errors.push(invalid("cbs_code", FieldProblem::RequiredForGemeente));
                None
            }
            (Some(OrgType::Gemeente), false) => match CbsCode::parse(code) {
                Ok(c) => Some(c),
                Err(p) => {
                    errors.push(invalid("cbs_code", p));
                    None
                }
            },
            (Some(_), false) => {
                errors.push(invalid("cbs_code", FieldProblem::OnlyForGemeente));
                None
            }
            _ => None,
        };
        match (name, org_type) {
            (Some(name), Some(org_type)) if errors.is_empty() => Ok(NewOrganisation {
                name,
                org_type,
                cbs_code,
            }),
            _ => Err(errors),
        }
    }
}

/// A display name: trimmed, 1..=120 characters, no control characters.
pub fn display_name(s: &str) -> Result<String, FieldProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldProblem::Required);
    }
    if s.chars().count() > 120 {
        return Err(FieldProblem::TooLong);
    }
    if s.chars().any(char::is_control) {
        return Err(FieldProblem::BadCharacters);
    }
    Ok(s.to_string())
}

/// A login name: 3..=64 characters of `a-z 0-9 . _ -`, stored lower-case.
pub fn username(s: &str) -> Result<String, FieldProblem> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return Err(FieldProblem::Required);
    }
    if s.len() < 3 {
        return Err(FieldProblem::TooShort);
    }
    if s.len() > 64 {
        return Err(FieldProblem::TooLong);
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(FieldProblem::BadCharacters);
    }
    Ok(s)
}

/// An e-mail address (optional on users): a plain structural check.
pub fn email(s: &str) -> Result<Option<String>, FieldProblem> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 254 {
        return Err(FieldProblem::TooLong);
    }
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok {
        Ok(Some(s.to_string()))
    } else {
        Err(FieldProblem::BadEmail)
    }
}

/// Minimum length of a password (NIST SP 800-63B, BIO: long passphrases, no composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Maximum length accepted, to bound hashing work.
pub const MAX_PASSWORD_BYTES: usize = 256;

pub fn password_policy(s: &str) -> Result<(), FieldProblem> {
    if s.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldProblem::TooShort);
    }
    if s.len() > MAX_PASSWORD_BYTES {
        return Err(FieldProblem::TooLong);
    }
    Ok(())
}

/// Parse a list of role names (e.g. from checkboxes). At least one is required.
pub fn roles(raw: &[String]) -> Result<Vec<Role>, FieldProblem> {
    let mut out = Vec::new();
    for r in raw {
        let role: Role = r.trim().parse()?;
        if !out.contains(&role) {
            out.push(role);
        }
    }
    if out.is_empty() {
        return Err(FieldProblem::Required);
    }
    out.sort();
    Ok(out)
}

/// A validated new user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub roles: Vec<Role>,
}

impl NewUser {
    pub fn parse(
        username_raw: &str,
        name: &str,
        email_raw: &str,
        roles_raw: &[String],
    ) -> Result<Self, Vec<InvalidField>> {
        let mut errors = Vec::new();
        let u = username(username_raw)
            .map_err(|p| errors.push(invalid("username", p)))
            .ok();
        let n = display_name(name)
            .map_err(|p| errors.push(invalid("display_name", p)))
            .ok();
        let e = email(email_raw)
            .map_err(|p| errors.push(invalid("email", p)))
            .ok();
        let r = roles(roles_raw)
            .map_err(|p| errors.push(invalid("roles", p)))
            .ok();
        match (u, n, e, r) {
            (Some(username), Some(display_name), Some(email), Some(roles)) => Ok(NewUser {
                username,
                display_name,
                email,
                roles,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemeente_needs_cbs_code_and_others_must_not_have_one() {
        assert!(NewOrganisation::parse("Gemeente Doesburg", "gemeente", "GM0221").is_ok());
        let e = NewOrganisation::parse("Gemeente X", "gemeente", "").unwrap_err();
        assert_eq!(e[0].reason, FieldProblem::RequiredForGemeente);
        let e = NewOrganisation::parse("Politie Oost", "politie", "GM0221").unwrap_err();
        assert_eq!(e[0].reason, FieldProblem::OnlyForGemeente);
        let e = NewOrganisation::parse("X", "gemeente", "GM22").unwrap_err();
        assert_eq!(e[0].reason, FieldProblem::BadCbsCode);
    }

    #[test]
    fn all_field_errors_are_reported_at_once() {
        let e = NewOrganisation::parse("", "bakkerij", "").unwrap_err();
        let fields: Vec<_> = e.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["name", "org_type"]);
        let e = NewUser::parse("A!", "", "nope", &[]).unwrap_err();
        let fields: Vec<_> = e.iter().map(|f| f.field).collect();
        assert_eq!(fields, vec!["username", "display_name", "email", "roles"]);
    }

    #[test]
    fn enums_round_trip_through_their_names() {
        for t in OrgType::ALL {
            assert_eq!(t.as_str().parse::<OrgType>(), Ok(*t));
        }
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(*r));
        }
        assert_eq!(OrgType::ALL.len(), 11);
        assert_eq!(Role::ALL.len(), 7);
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(username(" Demo.AOV "), Ok("demo.aov".into()));
        assert_eq!(username("ab"), Err(FieldProblem::TooShort));
        assert_eq!(username("jan jansen"), Err(FieldProblem::BadCharacters));
    }

    #[test]
    fn passwords_need_length_not_composition() {
        assert!(password_policy("correct horse battery").is_ok());
        assert_eq!(password_policy("Sh0rt!"), Err(FieldProblem::TooShort));
        assert_eq!(
            password_policy(&"x".repeat(300)),
            Err(FieldProblem::TooLong)
        );
    }

    #[test]
    fn roles_are_deduplicated_and_required() {
        let r = roles(&["aov".into(), "beheerder".into(), "aov".into()]).unwrap();
        assert_eq!(r, vec![Role::Beheerder, Role::Aov]);
        assert_eq!(roles(&[]), Err(FieldProblem::Required));
        assert_eq!(roles(&["koning".into()]), Err(FieldProblem::UnknownValue));
    }
}
