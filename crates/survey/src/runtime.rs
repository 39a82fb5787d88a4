//! The form at run time: answers, relevance (skip logic), choice filters,
//! validation with per-field messages, and pages.
//!
//! Relevance follows ODK: a question is shown when its own `relevant` and
//! those of all enclosing groups are true; answers to hidden questions count
//! as empty in later expressions and are dropped by [`Definition::clean`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::definition::{Choice, Definition, Lang, Node, Question, QuestionType, Required, Texts};
use crate::expr::{Env, Value};

/// Longest accepted text answer, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// One answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Text(String),
    Integer(i64),
    Choice(String),
    Choices(Vec<String>),
    /// ISO date `YYYY-MM-DD`.
    Date(String),
}

impl Answer {
    fn value(&self) -> Value {
        match self {
            Answer::Text(s) | Answer::Choice(s) | Answer::Date(s) => Value::Str(s.clone()),
            Answer::Integer(i) => Value::Num(*i as f64),
            Answer::Choices(c) => Value::List(c.clone()),
        }
    }
    /// Whether this answer is the given choice, or contains it.
    pub fn has_choice(&self, choice: &str) -> bool {
        match self {
            Answer::Choice(c) => c == choice,
            Answer::Choices(cs) => cs.iter().any(|c| c == choice),
            _ => false,
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Answer::Text(s) | Answer::Choice(s) | Answer::Date(s) => s.trim().is_empty(),
            Answer::Integer(_) => false,
            Answer::Choices(c) => c.is_empty(),
        }
    }
}

/// Answers by question name.
pub type Answers = BTreeMap<String, Answer>;

/// A problem with the answer to one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The question name (the form field).
    pub field: String,
    pub kind: FieldErrorKind,
    /// The definition's own message (`required_message`/`constraint_message`).
    pub custom: Texts,
}

/// Kinds of field errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorKind {
    Required,
    NotAnInteger,
    NotADate,
    WrongType,
    UnknownChoice(String),
    OneChoiceOnly,
    Constraint,
    TooLong { max: usize },
    UnknownQuestion,
}

impl FieldError {
    fn new(field: &str, kind: FieldErrorKind) -> FieldError {
        FieldError {
            field: field.to_string(),
            kind,
            custom: Texts::default(),
        }
    }
    /// The message in `lang` (custom message first; German and Polish fall
    /// back to English unless the definition has its own text).
    pub fn message(&self, lang: Lang) -> String {
        if let Some(t) = self.custom.0.get(&lang) {
            return t.clone();
        }
        match lang {
            Lang::Nl => self.message_nl(),
            _ => self.message_en(),
        }
    }
    /// Dutch message.
    pub fn message_nl(&self) -> String {
        if let Some(t) = self.custom.0.get(&Lang::Nl) {
            return t.clone();
        }
        match &self.kind {
            FieldErrorKind::Required => "Deze vraag moet u beantwoorden.".into(),
            FieldErrorKind::NotAnInteger => "Vul een heel getal in, zonder punt of komma.".into(),
            FieldErrorKind::NotADate => "Vul een datum in als jjjj-mm-dd.".into(),
            FieldErrorKind::WrongType => "Dit antwoord past niet bij de vraag.".into(),
            FieldErrorKind::UnknownChoice(c) => format!("'{c}' is geen keuze bij deze vraag."),
            FieldErrorKind::OneChoiceOnly => "Kies één antwoord.".into(),
            FieldErrorKind::Constraint => "Dit antwoord is niet geldig.".into(),
            FieldErrorKind::TooLong { max } => format!("Gebruik hoogstens {max} tekens."),
            FieldErrorKind::UnknownQuestion => "Deze vraag bestaat niet.".into(),
        }
    }
    /// English message.
    pub fn message_en(&self) -> String {
        if let Some(t) = self.custom.0.get(&Lang::En) {
            return t.clone();
        }
        match &self.kind {
            FieldErrorKind::Required => "Please answer this question.".into(),
            FieldErrorKind::NotAnInteger => {
                "Enter a whole number, without a point or comma.".into()
            }
            FieldErrorKind::NotADate => "Enter a date as yyyy-mm-dd.".into(),
            FieldErrorKind::WrongType => "This answer does not fit the question.".into(),
            FieldErrorKind::UnknownChoice(c) => format!("'{c}' is not a choice of this question."),
            FieldErrorKind::OneChoiceOnly => "Choose one answer.".into(),
            FieldErrorKind::Constraint => "This answer is not valid.".into(),
            FieldErrorKind::TooLong { max } => format!("Use at most {max} characters."),
            FieldErrorKind::UnknownQuestion => "This question does not exist.".into(),
        }
    }
}

/// One page of the paged form: a top-level group or grid, or a run of
/// top-level questions outside groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The group's name, if the page is a group.
    pub group: Option<usize>,
    pub items: Vec<PageItem>,
}

/// What a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageItem {
    /// Index into [`Definition::questions`].
    Question(usize),
    /// Index into [`Definition::groups`] of a rating grid; its rows are the
    /// group's children.
    Grid(usize),
}

struct AnswerEnv<'a> {
    def: &'a Definition,
    answers: &'a Answers,
    shown: Option<&'a [bool]>,
    current: Option<&'a Answer>,
    choice: Option<&'a Choice>,
}

impl Env for AnswerEnv<'_> {
    fn answer(&self, name: &str) -> Value {
        if let Some(shown) = self.shown {
            let idx = self.def.question_index(name);
            if idx.is_some_and(|i| !shown.get(i).copied().unwrap_or(false)) {
                return Value::Empty;
            }
        }
        self.answers.get(name).map_or(Value::Empty, Answer::value)
    }
    fn current(&self) -> Value {
        self.current.map_or(Value::Empty, Answer::value)
    }
    fn field(&self, name: &str) -> Value {
        match self.choice {
            Some(c) if name == "name" => Value::Str(c.name.clone()),
            Some(c) => c
                .columns
                .get(name)
                .map_or(Value::Empty, |v| Value::Str(v.clone())),
            None => Value::Empty,
        }
    }
}

impl Definition {
    fn question_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// For every question (in [`Definition::questions`] order) whether it is
    /// shown given the answers. Answers of hidden questions count as empty.
    pub fn relevance(&self, answers: &Answers) -> Vec<bool> {
        let mut shown = vec![false; self.questions.len()];
        let mut group_ok: Vec<Option<bool>> = vec![None; self.groups.len()];
        for i in 0..self.questions.len() {
            let q = &self.questions[i];
            let env = AnswerEnv {
                def: self,
                answers,
                shown: Some(&shown),
                current: None,
                choice: None,
            };
            let mut ok = q.relevant.as_ref().is_none_or(|e| e.eval_bool(&env));
            let mut g = q.parent;
            while ok && let Some(gi) = g {
                let v = match group_ok[gi] {
                    Some(v) => v,
                    None => {
                        let v = self.groups[gi]
                            .relevant
                            .as_ref()
                            .is_none_or(|e| e.eval_bool(&env));
                        group_ok[gi] = Some(v);
                        v
                    }
                };
                ok = v;
                g = self.groups[gi].parent;
            }
            shown[i] = ok;
        }
        shown
    }

    /// The questions shown given the answers, in order.
    pub fn visible_questions(&self, answers: &Answers) -> Vec<&Question> {
        let shown = self.relevance(answers);
        self.questions
            .iter()
            .zip(shown)
            .filter_map(|(q, s)| s.then_some(q))
            .collect()
    }

    /// The choices offered for `q` given the answers (`choice_filter`).
    pub fn visible_choices<'a>(&'a self, q: &Question, answers: &Answers) -> Vec<&'a Choice> {
        let choices = self.choices_of(q);
        match &q.choice_filter {
            None => choices.iter().collect(),
            Some(f) => {
                let shown = self.relevance(answers);
                choices
                    .iter()
                    .filter(|c| {
                        f.eval_bool(&AnswerEnv {
                            def: self,
                            answers,
                            shown: Some(&shown),
                            current: None,
                            choice: Some(c),
                        })
                    })
                    .collect()
            }
        }
    }

    /// Turns raw form input (the submitted strings for one field) into an
    /// answer; `Ok(None)` for no answer.
    pub fn parse_input(&self, name: &str, raw: &[&str]) -> Result<Option<Answer>, FieldError> {
        let q = self
            .question(name)
            .ok_or_else(|| FieldError::new(name, FieldErrorKind::UnknownQuestion))?;
        let values: Vec<&str> = raw
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        let single = || {
            if values.len() > 1 {
                Err(FieldError::new(name, FieldErrorKind::OneChoiceOnly))
            } else {
                Ok(values[0])
            }
        };
        let answer = match &q.kind {
            QuestionType::SelectOne(_) => Answer::Choice(single()?.to_string()),
            QuestionType::SelectMultiple(_) => {
                let mut v: Vec<String> = Vec::new();
                for s in &values {
                    if !v.iter().any(|x| x == s) {
                        v.push((*s).to_string());
                    }
                }
                Answer::Choices(v)
            }
            QuestionType::Integer => {
                let s = single()?;
                Answer::Integer(
                    s.parse()
                        .map_err(|_| FieldError::new(name, FieldErrorKind::NotAnInteger))?,
                )
            }
            QuestionType::Text => Answer::Text(raw.join("\n").trim().to_string()),
            QuestionType::Date => Answer::Date(single()?.to_string()),
            QuestionType::Note => return Ok(None),
        };
        Ok(Some(answer))
    }

    /// Whether `q` must be answered given the answers.
    pub fn is_required(&self, q: &Question, answers: &Answers) -> bool {
        match &q.required {
            Required::No => false,
            Required::Yes => true,
            Required::If(e) => {
                let shown = self.relevance(answers);
                e.eval_bool(&AnswerEnv {
                    def: self,
                    answers,
                    shown: Some(&shown),
                    current: None,
                    choice: None,
                })
            }
        }
    }

    /// Validates a whole answer set: required, type, choice exists (and
    /// passes the choice filter), constraint. Hidden questions and unknown
    /// names are reported only for unknown names; hidden answers are ignored.
    pub fn validate(&self, answers: &Answers) -> Vec<FieldError> {
        let shown = self.relevance(answers);
        let mut errors = Vec::new();
        for name in answers.keys() {
            if self.question(name).is_none() {
                errors.push(FieldError::new(name, FieldErrorKind::UnknownQuestion));
            }
        }
        for (i, q) in self.questions.iter().enumerate() {
            if shown[i]
                && let Some(e) = self.check_question(q, answers, &shown)
            {
                errors.push(e);
            }
        }
        errors
    }

    /// Validates only the questions of one page.
    pub fn validate_page(&self, page: &Page, answers: &Answers) -> Vec<FieldError> {
        let shown = self.relevance(answers);
        let mut errors = Vec::new();
        for qi in self.page_questions(page) {
            if shown[qi]
                && let Some(e) = self.check_question(&self.questions[qi], answers, &shown)
            {
                errors.push(e);
            }
        }
        errors
    }

    fn check_question(
        &self,
        q: &Question,
        answers: &Answers,
        shown: &[bool],
    ) -> Option<FieldError> {
        let env = |current| AnswerEnv {
            def: self,
            answers,
            shown: Some(shown),
            current,
            choice: None,
        };
        let with_custom = |kind, custom: &Texts| FieldError {
            field: q.name.clone(),
            kind,
            custom: custom.clone(),
        };
        let answer = answers.get(&q.name).filter(|a| !a.is_empty());
        let Some(answer) = answer else {
            let required = match &q.required {
                Required::No => false,
                Required::Yes => true,
                Required::If(e) => e.eval_bool(&env(None)),
            };
            return (required && q.kind != QuestionType::Note)
                .then(|| with_custom(FieldErrorKind::Required, &q.required_message));
        };
        let err = |k| Some(FieldError::new(&q.name, k));
        match (&q.kind, answer) {
            (QuestionType::Note, _) => return None,
            (QuestionType::SelectOne(_), Answer::Choice(c)) => {
                if let Some(e) = self.check_choice(q, c, answers, shown) {
                    return Some(e);
                }
            }
            (QuestionType::SelectMultiple(_), Answer::Choices(cs)) => {
                for c in cs {
                    if let Some(e) = self.check_choice(q, c, answers, shown) {
                        return Some(e);
                    }
                }
            }
            (QuestionType::Integer, Answer::Integer(_)) => {}
            (QuestionType::Text, Answer::Text(t)) => {
                if t.chars().count() > MAX_TEXT_CHARS {
                    return err(FieldErrorKind::TooLong {
                        max: MAX_TEXT_CHARS,
                    });
                }
            }
            (QuestionType::Date, Answer::Date(d)) => {
                let fmt = time::macros::format_description!("[year]-[month]-[day]");
                if time::Date::parse(d, &fmt).is_err() {
                    return err(FieldErrorKind::NotADate);
                }
            }
            (QuestionType::Integer, _) => return err(FieldErrorKind::NotAnInteger),
            (QuestionType::Date, _) => return err(FieldErrorKind::NotADate),
            (QuestionType::SelectOne(_), Answer::Choices(_)) => {
                return err(FieldErrorKind::OneChoiceOnly);
            }
            _ => return err(FieldErrorKind::WrongType),
        }
        if let Some(c) = &q.constraint
            && !c.eval_bool(&env(Some(answer)))
        {
            return Some(with_custom(
                FieldErrorKind::Constraint,
                &q.constraint_message,
            ));
        }
        None
    }

    fn check_choice(
        &self,
        q: &Question,
        c: &str,
        answers: &Answers,
        shown: &[bool],
    ) -> Option<FieldError> {
        let choice = self.choices_of(q).iter().find(|x| x.name == c);
        let ok = match (choice, &q.choice_filter) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(ch), Some(f)) => f.eval_bool(&AnswerEnv {
                def: self,
                answers,
                shown: Some(shown),
                current: None,
                choice: Some(ch),
            }),
        };
        (!ok).then(|| FieldError::new(&q.name, FieldErrorKind::UnknownChoice(c.to_string())))
    }

    /// Answers without those to hidden questions, notes and unknown names.
    pub fn clean(&self, answers: &Answers) -> Answers {
        let shown = self.relevance(answers);
        self.questions
            .iter()
            .zip(shown)
            .filter(|(q, s)| *s && q.kind != QuestionType::Note)
            .filter_map(|(q, _)| answers.get(&q.name).map(|a| (q.name.clone(), a.clone())))
            .collect()
    }

    /// Paper double entry: the questions (in form order) whose answers differ
    /// between two entries of the same paper form, after cleaning both.
    pub fn differences(&self, first: &Answers, second: &Answers) -> Vec<String> {
        let (a, b) = (self.clean(first), self.clean(second));
        let norm = |x: Option<&Answer>| match x {
            Some(Answer::Choices(c)) => {
                let mut c = c.clone();
                c.sort();
                Some(Answer::Choices(c))
            }
            Some(Answer::Text(t)) => Some(Answer::Text(t.trim().to_string())),
            other => other.cloned(),
        };
        self.questions
            .iter()
            .filter(|q| norm(a.get(&q.name)) != norm(b.get(&q.name)))
            .map(|q| q.name.clone())
            .collect()
    }

    /// The pages of the paged form, in order.
    pub fn pages(&self) -> Vec<Page> {
        let mut pages = Vec::new();
        let mut loose = Vec::new();
        for node in &self.outline {
            match node {
                Node::Question(i) => loose.push(PageItem::Question(*i)),
                Node::Group(g) => {
                    if !loose.is_empty() {
                        pages.push(Page {
                            group: None,
                            items: std::mem::take(&mut loose),
                        });
                    }
                    let mut items = Vec::new();
                    self.flatten(*g, &mut items);
                    pages.push(Page {
                        group: Some(*g),
                        items,
                    });
                }
            }
        }
        if !loose.is_empty() {
            pages.push(Page {
                group: None,
                items: loose,
            });
        }
        pages
    }

    fn flatten(&self, g: usize, out: &mut Vec<PageItem>) {
        if self.groups[g].grid.is_some() {
            out.push(PageItem::Grid(g));
            return;
        }
        for child in &self.groups[g].children {
            match child {
                Node::Question(i) => out.push(PageItem::Question(*i)),
                Node::Group(c) => self.flatten(*c, out),
            }
        }
    }

    /// Indices of the questions on a page (grid rows included).
    pub fn page_questions(&self, page: &Page) -> Vec<usize> {
        let mut out = Vec::new();
        for item in &page.items {
            match item {
                PageItem::Question(i) => out.push(*i),
                PageItem::Grid(g) => {
                    out.extend(self.groups[*g].children.iter().filter_map(|n| match n {
                        Node::Question(i) => Some(*i),
                        Node::Group(_) => None,
                    }))
                }
            }
        }
        out
    }

    /// The pages with at least one shown question, given the answers so far.
    pub fn visible_pages(&self, answers: &Answers) -> Vec<Page> {
        let shown = self.relevance(answers);
        self.pages()
            .into_iter()
            .filter(|p| self.page_questions(p).iter().any(|&i| shown[i]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"
[settings]
form_title = "T"
form_id = "t"
version = "1"
default_language = "nl"

[[survey]]
type = "select_one jn"
name = "a"
"label::nl" = "A?"
required = "yes"
"required_message::nl" = "Kies ja of nee."

[[survey]]
type = "begin_group"
name = "p2"
"label::nl" = "Meer"
relevant = "${a} = 'ja'"

[[survey]]
type = "integer"
name = "n"
"label::nl" = "Hoeveel?"
required = "yes"
constraint = ". >= 1 and . <= 10"
"constraint_message::nl" = "Tussen 1 en 10."
"constraint_message::en" = "Between 1 and 10."

[[survey]]
type = "select_multiple kanaal"
name = "k"
"label::nl" = "Hoe?"
choice_filter = "${n} > 5 or groot = 'nee'"

[[survey]]
type = "end_group"

[[survey]]
type = "begin_grid freq"
name = "g"
"label::nl" = "Hoe vaak"

[[survey]]
type = "select_one freq"
name = "g_a"
"label::nl" = "afval"
required = "${a} = 'nee'"

[[survey]]
type = "end_grid"

[[survey]]
type = "date"
name = "d"
"label::nl" = "Datum"

[[survey]]
type = "text"
name = "t"
"label::nl" = "Opmerking"
relevant = "${n} > 3"

[[choices]]
list_name = "jn"
name = "ja"
"label::nl" = "Ja"

[[choices]]
list_name = "jn"
name = "nee"
"label::nl" = "Nee"

[[choices]]
list_name = "kanaal"
name = "brief"
"label::nl" = "Brief"
groot = "nee"

[[choices]]
list_name = "kanaal"
name = "bijeenkomst"
"label::nl" = "Bijeenkomst"
groot = "ja"

[[choices]]
list_name = "freq"
name = "vaak"
"label::nl" = "Vaak"

[[choices]]
list_name = "freq"
name = "nooit"
"label::nl" = "Nooit"
"#;

    fn def() -> Definition {
        Definition::parse(SRC).unwrap_or_else(|e| panic!("{e}"))
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn skip_logic_hides_and_clears() {
        let d = def();
        let a = answers(&[
            ("a", Answer::Choice("nee".into())),
            ("n", Answer::Integer(5)),
        ]);
        let names: Vec<_> = d
            .visible_questions(&a)
            .iter()
            .map(|q| q.name.as_str())
            .collect();
        assert_eq!(names, vec!["a", "g_a", "d"]);
        // n is hidden, so t (relevant on n) is hidden too
        assert!(!d.clean(&a).contains_key("n"));
        let a = answers(&[
            ("a", Answer::Choice("ja".into())),
            ("n", Answer::Integer(5)),
        ]);
        let names: Vec<_> = d
            .visible_questions(&a)
            .iter()
            .map(|q| q.name.as_str())
            .collect();
        assert_eq!(names, vec!["a", "n", "k", "g_a", "d", "t"]);
    }

    #[test]
    fn validation_gives_field_messages() {
        let d = def();
        let e = d.validate(&Answers::new());
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "a");
        assert_eq!(e[0].message_nl(), "Kies ja of nee.");
        assert_eq!(e[0].message_en(), "Please answer this question.");

        let a = answers(&[
            ("a", Answer::Choice("ja".into())),
            ("n", Answer::Integer(0)),
            ("k", Answer::Choices(vec!["bijeenkomst".into()])),
            ("d", Answer::Date("2026-02-30".into())),
            ("zz", Answer::Text("x".into())),
        ]);
        let e = d.validate(&a);
        let got: Vec<_> = e
            .iter()
            .map(|e| (e.field.as_str(), e.kind.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("zz", FieldErrorKind::UnknownQuestion),
                ("n", FieldErrorKind::Constraint),
                ("k", FieldErrorKind::UnknownChoice("bijeenkomst".into())),
                ("d", FieldErrorKind::NotADate),
            ]
        );
        assert_eq!(e[1].message(Lang::En), "Between 1 and 10.");
        // required expression: g_a required when a = nee
        let a = answers(&[("a", Answer::Choice("nee".into()))]);
        let e = d.validate(&a);
        assert_eq!(e[0].field, "g_a");
        assert_eq!(e[0].kind, FieldErrorKind::Required);
        let ok = answers(&[
            ("a", Answer::Choice("ja".into())),
            ("n", Answer::Integer(7)),
            (
                "k",
                Answer::Choices(vec!["bijeenkomst".into(), "brief".into()]),
            ),
            ("d", Answer::Date("2026-02-28".into())),
        ]);
        assert!(d.validate(&ok).is_empty());
        let wrong = answers(&[("a", Answer::Integer(1))]);
        assert_eq!(d.validate(&wrong)[0].kind, FieldErrorKind::WrongType);
    }

    #[test]
    fn double_entry_differences() {
        let d = def();
        let one = answers(&[
            ("a", Answer::Choice("ja".into())),
            ("n", Answer::Integer(7)),
            (
                "k",
                Answer::Choices(vec!["brief".into(), "bijeenkomst".into()]),
            ),
        ]);
        let mut two = one.clone();
        two.insert(
            "k".into(),
            Answer::Choices(vec!["bijeenkomst".into(), "brief".into()]),
        );
        assert!(d.differences(&one, &two).is_empty());
        two.insert("n".into(), Answer::Integer(8));
        two.insert("d".into(), Answer::Date("2026-01-01".into()));
        assert_eq!(d.differences(&one, &two), vec!["n", "d"]);
    }

    #[test]
    fn parses_form_input() {
        let d = def();
        assert_eq!(d.parse_input("n", &[" 7 "]), Ok(Some(Answer::Integer(7))));
        assert_eq!(d.parse_input("n", &[""]), Ok(None));
        assert_eq!(
            d.parse_input("n", &["7,5"]).map_err(|e| e.kind),
            Err(FieldErrorKind::NotAnInteger)
        );
        assert_eq!(
            d.parse_input("a", &["ja", "nee"]).map_err(|e| e.kind),
            Err(FieldErrorKind::OneChoiceOnly)
        );
        assert_eq!(
            d.parse_input("k", &["brief", "brief"]),
            Ok(Some(Answer::Choices(vec!["brief".into()])))
        );
        assert!(d.parse_input("nope", &["x"]).is_err());
    }

    #[test]
    fn choice_filter_and_pages() {
        let d = def();
        let q = d.question("k").unwrap_or_else(|| panic!("k"));
        let a = answers(&[
            ("a", Answer::Choice("ja".into())),
            ("n", Answer::Integer(2)),
        ]);
        let names: Vec<_> = d
            .visible_choices(q, &a)
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, vec!["brief"]);
        let pages = d.pages();
        assert_eq!(pages.len(), 4);
        assert_eq!(pages[1].group, Some(0));
        assert!(matches!(pages[2].items[0], PageItem::Grid(1)));
        assert_eq!(d.page_questions(&pages[2]), vec![3]);
        let a = answers(&[("a", Answer::Choice("nee".into()))]);
        assert_eq!(d.visible_pages(&a).len(), 3);
        let e = d.validate_page(&pages[2], &a);
        assert_eq!(e.len(), 1);
    }
}
