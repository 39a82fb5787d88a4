//! Rendering survey questions as form fields (the public form and the paper
//! entry screen share it) and reading the answers back through the
//! `bz_survey` runtime, which applies types, constraints and skip logic.

use crate::i18n::Lang;
use bz_survey::definition::{Node, QuestionType};
use bz_survey::runtime::{Page, PageItem};
use bz_survey::{Answer, Answers, Definition};

/// One choice of a select question.
pub struct ChoiceView {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// One question as a form field.
pub struct QuestionView {
    pub name: String,
    /// `select_one`, `select_multiple`, `integer`, `text`, `date`, `note`.
    pub kind: &'static str,
    pub label: String,
    pub hint: String,
    pub required: bool,
    pub value: String,
    pub choices: Vec<ChoiceView>,
    pub error: Option<String>,
    /// Shown on the paper entry screen for questions behind skip logic.
    pub follow_up: bool,
}

/// A page item: a question, or a rating grid with its rows.
pub struct ItemView {
    pub grid_label: Option<String>,
    pub questions: Vec<QuestionView>,
}

pub fn survey_lang(lang: Lang) -> bz_survey::Lang {
    match lang {
        Lang::Nl => bz_survey::Lang::Nl,
        _ => bz_survey::Lang::En,
    }
}

fn kind_of(k: &QuestionType) -> &'static str {
    match k {
        QuestionType::SelectOne(_) => "select_one",
        QuestionType::SelectMultiple(_) => "select_multiple",
        QuestionType::Integer => "integer",
        QuestionType::Text => "text",
        QuestionType::Note => "note",
        QuestionType::Date => "date",
    }
}

fn answer_text(a: Option<&Answer>) -> String {
    match a {
        Some(Answer::Text(s)) | Some(Answer::Choice(s)) | Some(Answer::Date(s)) => s.clone(),
        Some(Answer::Integer(n)) => n.to_string(),
        Some(Answer::Choices(v)) => v.join(" "),
        None => String::new(),
    }
}

fn question_view(
    def: &Definition,
    qi: usize,
    answers: &Answers,
    lang: Lang,
    errors: &[bz_survey::FieldError],
) -> QuestionView {
    let l = survey_lang(lang);
    let fallback = def.settings.default_language;
    let q = &def.questions[qi];
    let current = answers.get(&q.name);
    let chosen: Vec<String> = match current {
        Some(Answer::Choice(c)) => vec![c.clone()],
        Some(Answer::Choices(v)) => v.clone(),
        _ => Vec::new(),
    };
    QuestionView {
        name: q.name.clone(),
        kind: kind_of(&q.kind),
        label: q.label.get(l, fallback).to_string(),
        hint: q.hint.get(l, fallback).to_string(),
        required: def.is_required(q, answers),
        value: answer_text(current),
        choices: def
            .visible_choices(q, answers)
            .into_iter()
            .map(|c| ChoiceView {
                checked: chosen.contains(&c.name),
                value: c.name.clone(),
                label: c.label.get(l, fallback).to_string(),
            })
            .collect(),
        error: errors
            .iter()
            .find(|e| e.field == q.name)
            .map(|e| e.message(l)),
        follow_up: false,
    }
}

/// Which questions a page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The public form: the questions relevant given the answers so far.
    Relevant,
    /// The paper entry screen: every question, as on the printed form;
    /// follow-up questions are marked and their answers are dropped when
    /// the routing question does not call them up.
    All,
}

/// The visible items of a page given the answers so far.
pub fn page_items(
    def: &Definition,
    page: &Page,
    answers: &Answers,
    lang: Lang,
    errors: &[bz_survey::FieldError],
    mode: Shown,
) -> Vec<ItemView> {
    let shown = match mode {
        Shown::Relevant => def.relevance(answers),
        Shown::All => vec![true; def.questions.len()],
    };
    let view = |qi: usize| {
        let mut v = question_view(def, qi, answers, lang, errors);
        v.follow_up = mode == Shown::All && def.questions[qi].relevant.is_some();
        v
    };
    let l = survey_lang(lang);
    let mut out = Vec::new();
    for item in &page.items {
        match *item {
            PageItem::Question(qi) => {
                if shown[qi] {
                    out.push(ItemView {
                        grid_label: None,
                        questions: vec![view(qi)],
                    });
                }
            }
            PageItem::Grid(gi) => {
                let g = &def.groups[gi];
                let questions: Vec<QuestionView> = g
                    .children
                    .iter()
                    .filter_map(|n| match n {
                        Node::Question(qi) if shown[*qi] => Some(view(*qi)),
                        _ => None,
                    })
                    .collect();
                if !questions.is_empty() {
                    out.push(ItemView {
                        grid_label: Some(g.label.get(l, def.settings.default_language).to_string()),
                        questions,
                    });
                }
            }
        }
    }
    out
}

/// Reads the fields of a page into the answers (fields of the page that
/// were left empty are removed). Returns the field errors of parsing.
pub fn read_page(
    def: &Definition,
    page: &Page,
    fields: &[(String, String)],
    answers: &mut Answers,
) -> Vec<bz_survey::FieldError> {
    let mut errors = Vec::new();
    for qi in def.page_questions(page) {
        let q = &def.questions[qi];
        if matches!(q.kind, QuestionType::Note) {
            continue;
        }
        let raw: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| k == &q.name)
            .map(|(_, v)| v.as_str())
            .collect();
        match def.parse_input(&q.name, &raw) {
            Ok(Some(a)) => {
                answers.insert(q.name.clone(), a);
            }
            Ok(None) => {
                answers.remove(&q.name);
            }
            Err(e) => errors.push(e),
        }
    }
    errors
}
