//! Server-rendered pages, one module per page group.

pub mod account;
pub mod acties;
pub mod api;
pub mod audit;
pub mod coaching;
pub mod deboerop;
pub mod gemeente;
pub mod health;
pub mod home;
pub mod import;
pub mod indicators;
pub mod lang;
pub mod map;
pub mod melden;
pub mod orgs;
pub mod scan;
pub mod scan_api;
pub mod scan_export;
pub mod signalen;
pub mod signalen_actions;
pub mod signalen_api;
pub mod signalen_beheer;
pub mod signalen_intake;
pub mod signalen_purge;
pub mod survey_admin;
pub mod survey_export;
pub mod survey_form;
pub mod survey_public;
pub mod users;

use crate::error::AppError;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};

/// Render a template as an HTML response.
pub fn html(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Accept only a path on this site (`/x`, not `//host` or `https://…`) as a redirect target.
pub fn local_path(p: &str) -> Option<&str> {
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control())
        && p.len() <= 512;
    ok.then_some(p)
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// The same calendar date `years` earlier; 29 February becomes 28 February.
pub fn years_before(d: time::Date, years: i32) -> time::Date {
    let y = d.year() - years;
    time::Date::from_calendar_date(y, d.month(), d.day())
        .or_else(|_| time::Date::from_calendar_date(y, d.month(), d.day() - 1))
        .unwrap_or(d)
}

/// A field error to show beside its input.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Translate domain field errors for display.
pub fn field_errors(
    lang: crate::i18n::Lang,
    errs: &[bz_domain::identity::InvalidField],
) -> Vec<FieldError> {
    errs.iter()
        .map(|e| FieldError {
            field: e.field.to_string(),
            message: crate::i18n::tr(lang, e.reason.message_key()),
        })
        .collect()
}

/// The message for `field`, if any (used by templates).
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path("/beheer"), Some("/beheer"));
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
        assert_eq!(local_path("/\\evil"), None);
    }

    #[test]
    fn leap_days_fall_back_to_the_28th() {
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 1),
            date!(2023 - 02 - 28)
        );
        assert_eq!(
            years_before(date!(2024 - 02 - 29), 4),
            date!(2020 - 02 - 29)
        );
        assert_eq!(
            years_before(date!(2026 - 12 - 02), 5),
            date!(2021 - 12 - 02)
        );
    }
}
