//! The pure domain core of the residents' survey (Module 1 of Veilig
//! Buitengebied): no database, no HTTP, no async.
//!
//! * [`definition`]: the XLSForm-like TOML definition format, parsed and
//!   validated with errors naming line, column and reason (Dutch and English).
//! * [`expr`]: the expression language of `relevant`, `constraint`,
//!   `required` and `choice_filter`.
//! * [`runtime`]: skip logic, choice filters, validation with per-field
//!   messages, pages.
//! * [`codes`]: invitation codes.
//! * [`stats`]: intervals with finite population correction, frequencies,
//!   response rates, cross-tabulations, indicators.
//! * [`disclosure`]: suppression of small counts with secondary suppression,
//!   base rules.
//! * [`advice`]: the handelingsperspectief, rules as data.
//! * [`reference`]: published national reference figures with sources.
//! * [`report`]: [`report::analyse`] builds the plain-data report model.
//! * [`synth`]: a deterministic synthetic response generator and a benchmark.
//!
//! A form at run time (the web layer keeps answers per invitation code and
//! stores the cleaned answers of a completed form as an anonymous response):
//!
//! ```
//! use bz_survey::{default_survey, Answer, Answers, Lang};
//!
//! let def = default_survey();
//! let mut answers = Answers::new();
//! answers.insert("q12".into(), Answer::Choice("ja5".into()));
//! // Skip logic: the follow-up questions on being approached are shown.
//! let shown: Vec<&str> = def.visible_questions(&answers).iter().map(|q| q.name.as_str()).collect();
//! assert!(shown.contains(&"q13"));
//! // Validation with messages per field.
//! let errors = def.validate(&answers);
//! assert!(errors.iter().any(|e| e.field == "q01" && e.message(Lang::Nl) == "Deze vraag moet u beantwoorden."));
//! // Raw form input to an answer.
//! assert_eq!(def.parse_input("q20", &["zeker"]), Ok(Some(Answer::Choice("zeker".into()))));
//! ```
//!
//! The analysis:
//!
//! ```
//! use bz_survey::synth::{synthetic_population, synthetic_responses};
//! use bz_survey::{analyse, default_survey, Audience, ReportConfig};
//!
//! let def = default_survey();
//! let population = synthetic_population(1000);
//! let responses = synthetic_responses(&def, &population, 0.3, 1);
//! let report = analyse(&def, &responses, &population, &ReportConfig::default());
//! assert_eq!(report.audience, Audience::Published);
//! assert!(report.open_answers.is_empty());
//! let json = serde_json::to_string(&report).unwrap_or_default();
//! assert!(json.contains("meldingsbereidheid"));
//! ```

pub mod advice;
pub mod codes;
pub mod definition;
pub mod disclosure;
pub mod expr;
pub mod reference;
pub mod report;
pub mod runtime;
pub mod stats;
pub mod synth;

pub use definition::{Definition, DefinitionError, DefinitionErrors, Lang};
pub use report::{Audience, Report, ReportConfig, analyse};

pub use runtime::{Answer, Answers, FieldError};
pub use stats::{Channel, Population, Response};

/// The built-in default survey "Veilig Buitengebied — bewonersenquête"
/// (question bank of survey.md §D, Dutch and English) as its source text.
pub const DEFAULT_SURVEY_TOML: &str = include_str!("default_survey.toml");

/// The built-in default survey, parsed.
pub fn default_survey() -> Definition {
    match Definition::parse(DEFAULT_SURVEY_TOML) {
        Ok(d) => d,
        // Guarded by the test `default_survey_is_valid`.
        Err(e) => panic!("the built-in survey is invalid: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use definition::{Node, QuestionType};

    #[test]
    fn default_survey_is_valid() {
        let d = match Definition::parse(DEFAULT_SURVEY_TOML) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            d.settings.form_title,
            "Veilig Buitengebied — bewonersenquête"
        );
        assert_eq!(d.languages, vec![Lang::Nl, Lang::En]);
        for i in 1..=29 {
            let name = format!("q{i:02}");
            let exists = d.question(&name).is_some()
                || d.questions.iter().any(|q| q.name.starts_with(&name));
            assert!(exists, "{name}");
        }
        for q in &d.questions {
            for lang in [Lang::Nl, Lang::En] {
                assert!(q.label.0.contains_key(&lang), "{} {lang:?}", q.name);
            }
            for c in d.choices_of(q) {
                assert!(c.label.0.contains_key(&Lang::En), "{} {}", q.name, c.name);
            }
        }
        assert_eq!(d.pages().len(), 7);
        assert!(d.groups.iter().filter(|g| g.grid.is_some()).count() == 2);
        assert!(matches!(d.outline[0], Node::Group(_)));
        assert!(matches!(
            d.question("q29").map(|q| &q.kind),
            Some(QuestionType::Text)
        ));
    }
}
