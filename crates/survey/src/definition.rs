//! Survey definitions: an XLSForm-like text format in TOML.
//!
//! One UTF-8 file with three parts, named after XLSForm's sheets:
//!
//! ```toml
//! [settings]
//! form_title = "Veilig Buitengebied — bewonersenquête"
//! form_id = "veilig-buitengebied"
//! version = "2026-1"
//! default_language = "nl"
//!
//! [[survey]]
//! type = "select_one janee"
//! name = "q09"
//! "label::nl" = "Heeft u iets opgemerkt?"
//! "label::en" = "Did you notice anything?"
//! required = "yes"
//!
//! [[survey]]
//! type = "text"
//! name = "q10"
//! "label::nl" = "Wat?"
//! "label::en" = "What?"
//! relevant = "${q09} = 'ja'"
//!
//! [[choices]]
//! list_name = "janee"
//! name = "ja"
//! "label::nl" = "Ja"
//! "label::en" = "Yes"
//! ```
//!
//! Each `[[survey]]` table is one row of XLSForm's survey sheet with the
//! columns `type`, `name`, `label::<lang>`, `hint::<lang>`, `required`
//! (`yes`/`no`/`true`/`false` or an expression), `required_message::<lang>`,
//! `relevant`, `constraint`, `constraint_message::<lang>`, `choice_filter` and
//! `appearance`. Languages: `nl`, `en`, `de`, `pl`; `label` without a
//! language means the default language.
//!
//! Types: `select_one L`, `select_multiple L`, `integer`, `text`, `note`,
//! `date`, `begin_group`/`end_group` and the rating grid
//! `begin_grid L`/`end_grid`: a grid has a name and a label (the stem) and
//! contains only `select_one L` rows with the same list `L`; it is shown as a
//! table with one row per statement and one column per choice (XLSForm's
//! `table-list` appearance). A top-level group or grid is a page of the paged
//! form.
//!
//! `[[choices]]` rows have `list_name`, `name`, `label::<lang>` and any extra
//! columns, which `choice_filter` expressions can use by their bare name.
//!
//! Meta types that identify people or devices (`deviceid`, `username`,
//! `phonenumber`, `start`, `end`, …) are refused: responses are anonymous.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::expr::{BinOp, Expr, Expression, Func, is_valid_name};

/// A language of labels and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    En,
    De,
    Pl,
}

impl Lang {
    /// All supported languages.
    pub const ALL: [Lang; 4] = [Lang::Nl, Lang::En, Lang::De, Lang::Pl];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
            Lang::De => "de",
            Lang::Pl => "pl",
        }
    }

    /// Parses `nl`, or XLSForm's `Dutch (nl)`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim();
        let code = match (s.rfind('('), s.rfind(')')) {
            (Some(a), Some(b)) if a < b => &s[a + 1..b],
            _ => s,
        };
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }
}

/// A text in several languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Texts(pub BTreeMap<Lang, String>);

impl Texts {
    /// The text in `lang`, else in `fallback`, else any, else "".
    pub fn get(&self, lang: Lang, fallback: Lang) -> &str {
        self.0
            .get(&lang)
            .or_else(|| self.0.get(&fallback))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }
    /// Whether no language has a text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `[settings]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub form_title: String,
    pub form_id: String,
    pub version: String,
    pub default_language: Lang,
}

/// The answer type of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "list", rename_all = "snake_case")]
pub enum QuestionType {
    SelectOne(String),
    SelectMultiple(String),
    Integer,
    Text,
    Note,
    Date,
}

impl QuestionType {
    /// The choice list, for selects.
    pub fn list(&self) -> Option<&str> {
        match self {
            QuestionType::SelectOne(l) | QuestionType::SelectMultiple(l) => Some(l),
            _ => None,
        }
    }
}

/// Whether an answer is required.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Required {
    #[default]
    No,
    Yes,
    /// Required when the expression is true.
    If(Expression),
}

/// One question (a row of the survey sheet that is not a group marker).
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub name: String,
    /// 1-based line of the `[[survey]]` table in the definition file.
    pub line: usize,
    pub kind: QuestionType,
    pub label: Texts,
    pub hint: Texts,
    pub required: Required,
    pub required_message: Texts,
    pub relevant: Option<Expression>,
    pub constraint: Option<Expression>,
    pub constraint_message: Texts,
    pub choice_filter: Option<Expression>,
    pub appearance: Option<String>,
    /// Index into [`Definition::groups`] of the innermost enclosing group.
    pub parent: Option<usize>,
}

/// A group, or a rating grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    pub line: usize,
    pub label: Texts,
    pub hint: Texts,
    pub relevant: Option<Expression>,
    pub appearance: Option<String>,
    /// `Some(list)` for a rating grid.
    pub grid: Option<String>,
    pub parent: Option<usize>,
    pub children: Vec<Node>,
}

/// An entry in the outline of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// Index into [`Definition::questions`].
    Question(usize),
    /// Index into [`Definition::groups`].
    Group(usize),
}

/// A choice of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub line: usize,
    pub label: Texts,
    /// Extra columns (for `choice_filter` and for scoring, e.g. `sign`).
    pub columns: BTreeMap<String, String>,
}

/// A parsed and validated survey definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub settings: Settings,
    pub questions: Vec<Question>,
    pub groups: Vec<Group>,
    /// Top-level outline in document order.
    pub outline: Vec<Node>,
    pub lists: BTreeMap<String, Vec<Choice>>,
    /// Languages that occur in labels, default language first.
    pub languages: Vec<Lang>,
    pub(crate) index: HashMap<String, usize>,
}

/// One problem in a definition, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {}", self.kind.message_en())]
pub struct DefinitionError {
    /// 1-based line in the definition file.
    pub line: usize,
    /// 1-based character column in the definition file.
    pub column: usize,
    pub kind: DefinitionErrorKind,
}

impl DefinitionError {
    /// Dutch message with the position.
    pub fn message_nl(&self) -> String {
        format!(
            "regel {}, kolom {}: {}",
            self.line,
            self.column,
            self.kind.message_nl()
        )
    }
    /// English message with the position.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// All problems found in a definition (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DefinitionErrors(pub Vec<DefinitionError>);

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// What is wrong in a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefinitionErrorKind {
    Syntax(String),
    MissingSection(&'static str),
    UnknownSection(String),
    NotATable(String),
    MissingColumn(&'static str),
    UnknownColumn(String),
    UnknownLanguage(String),
    BadValue {
        column: String,
        expected: &'static str,
    },
    UnknownType(String),
    ForbiddenMetaType(String),
    MissingList(String),
    EmptyList(String),
    InvalidName(String),
    DuplicateName {
        name: String,
        first_line: usize,
    },
    DuplicateChoice {
        list: String,
        name: String,
    },
    MissingLabel {
        lang: Lang,
    },
    UnknownReference(String),
    LaterReference(String),
    ReferenceToNote(String),
    UnknownChoice {
        question: String,
        choice: String,
    },
    UnknownChoiceColumn(String),
    CurrentValueNotAllowed,
    BadExpression {
        nl: String,
        en: String,
    },
    UnclosedGroup(String),
    UnexpectedEnd(String),
    GridRow {
        grid_list: String,
    },
    EmptyGroup(String),
}

impl DefinitionErrorKind {
    /// English message.
    pub fn message_en(&self) -> String {
        use DefinitionErrorKind::*;
        match self {
            Syntax(m) => format!("TOML syntax error: {m}"),
            MissingSection(s) => format!("missing section [{s}]"),
            UnknownSection(s) => {
                format!("unknown section '{s}' (expected settings, survey, choices)")
            }
            NotATable(s) => format!("'{s}' must be a table"),
            MissingColumn(c) => format!("missing column '{c}'"),
            UnknownColumn(c) => format!("unknown column '{c}'"),
            UnknownLanguage(l) => format!("unknown language '{l}' (supported: nl, en, de, pl)"),
            BadValue { column, expected } => format!("'{column}' must be {expected}"),
            UnknownType(t) => format!(
                "unknown type '{t}' (supported: select_one L, select_multiple L, integer, text, note, date, begin_group, end_group, begin_grid L, end_grid)"
            ),
            ForbiddenMetaType(t) => format!(
                "type '{t}' would identify respondents or their devices and is not allowed in an anonymous survey"
            ),
            MissingList(l) => format!("choice list '{l}' does not exist"),
            EmptyList(l) => format!("choice list '{l}' has no choices"),
            InvalidName(n) => format!(
                "'{n}' is not a valid name (start with a letter or _, then letters, digits, _, - or .)"
            ),
            DuplicateName { name, first_line } => {
                format!("name '{name}' is already used on line {first_line}")
            }
            DuplicateChoice { list, name } => {
                format!("choice '{name}' occurs twice in list '{list}'")
            }
            MissingLabel { lang } => {
                format!("missing label in the default language '{}'", lang.code())
            }
            UnknownReference(n) => format!("refers to unknown question '{n}'"),
            LaterReference(n) => {
                format!("refers to question '{n}', which is not an earlier question")
            }
            ReferenceToNote(n) => format!("refers to '{n}', a note without an answer"),
            UnknownChoice { question, choice } => {
                format!("question '{question}' has no choice '{choice}'")
            }
            UnknownChoiceColumn(c) => format!("the choice list has no column '{c}'"),
            CurrentValueNotAllowed => {
                "'.' (the current value) is only allowed in constraint".into()
            }
            BadExpression { en, .. } => format!("bad expression: {en}"),
            UnclosedGroup(n) => format!("group '{n}' is not closed"),
            UnexpectedEnd(t) => format!("'{t}' without a matching begin"),
            GridRow { grid_list } => {
                format!("a grid row must have type 'select_one {grid_list}' (the grid's list)")
            }
            EmptyGroup(n) => format!("group '{n}' contains no questions"),
        }
    }

    /// Dutch message.
    pub fn message_nl(&self) -> String {
        use DefinitionErrorKind::*;
        match self {
            Syntax(m) => format!("TOML-syntaxfout: {m}"),
            MissingSection(s) => format!("sectie [{s}] ontbreekt"),
            UnknownSection(s) => {
                format!("onbekende sectie '{s}' (verwacht: settings, survey, choices)")
            }
            NotATable(s) => format!("'{s}' moet een tabel zijn"),
            MissingColumn(c) => format!("kolom '{c}' ontbreekt"),
            UnknownColumn(c) => format!("onbekende kolom '{c}'"),
            UnknownLanguage(l) => format!("onbekende taal '{l}' (ondersteund: nl, en, de, pl)"),
            BadValue { column, expected } => {
                format!("'{column}' moet {} zijn", expected_nl(expected))
            }
            UnknownType(t) => format!(
                "onbekend type '{t}' (ondersteund: select_one L, select_multiple L, integer, text, note, date, begin_group, end_group, begin_grid L, end_grid)"
            ),
            ForbiddenMetaType(t) => format!(
                "type '{t}' zou respondenten of hun apparaat identificeren en is niet toegestaan in een anonieme enquête"
            ),
            MissingList(l) => format!("keuzelijst '{l}' bestaat niet"),
            EmptyList(l) => format!("keuzelijst '{l}' heeft geen keuzes"),
            InvalidName(n) => format!(
                "'{n}' is geen geldige naam (begin met een letter of _, daarna letters, cijfers, _, - of .)"
            ),
            DuplicateName { name, first_line } => {
                format!("naam '{name}' is al gebruikt op regel {first_line}")
            }
            DuplicateChoice { list, name } => {
                format!("keuze '{name}' komt twee keer voor in lijst '{list}'")
            }
            MissingLabel { lang } => {
                format!("label in de standaardtaal '{}' ontbreekt", lang.code())
            }
            UnknownReference(n) => format!("verwijst naar onbekende vraag '{n}'"),
            LaterReference(n) => format!("verwijst naar vraag '{n}', die geen eerdere vraag is"),
            ReferenceToNote(n) => format!("verwijst naar '{n}', een toelichting zonder antwoord"),
            UnknownChoice { question, choice } => {
                format!("vraag '{question}' heeft geen keuze '{choice}'")
            }
            UnknownChoiceColumn(c) => format!("de keuzelijst heeft geen kolom '{c}'"),
            CurrentValueNotAllowed => "'.' (de huidige waarde) mag alleen in constraint".into(),
            BadExpression { nl, .. } => format!("ongeldige expressie: {nl}"),
            UnclosedGroup(n) => format!("groep '{n}' wordt niet afgesloten"),
            UnexpectedEnd(t) => format!("'{t}' zonder bijbehorend begin"),
            GridRow { grid_list } => format!(
                "een rij van een matrix moet type 'select_one {grid_list}' hebben (de lijst van de matrix)"
            ),
            EmptyGroup(n) => format!("groep '{n}' bevat geen vragen"),
        }
    }
}

fn expected_nl(expected: &str) -> &'static str {
    match expected {
        "a string" => "een tekst",
        "yes, no or an expression" => "yes, no of een expressie",
        _ => "een tekst of getal",
    }
}

/// Choice names may also start with a digit (`1`…`10` for a mark).
pub fn is_valid_choice_name(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit()) && is_valid_name(&format!("_{s}"))
        || is_valid_name(s)
}

/// Types refused because they identify a respondent or device, or record
/// when and where someone answered.
pub const FORBIDDEN_META_TYPES: &[&str] = &[
    "deviceid",
    "subscriberid",
    "simserial",
    "username",
    "email",
    "phonenumber",
    "start",
    "end",
    "today",
    "audit",
    "start-geopoint",
    "geopoint",
    "geotrace",
    "geoshape",
    "image",
    "audio",
    "video",
    "background-audio",
    "background-geopoint",
];

// ---------------------------------------------------------------- parsing

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(src: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }
    fn pos(&self, src: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(src.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = src
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, col + 1)
    }
}

struct Ctx<'s> {
    src: &'s str,
    lines: Lines,
    errors: Vec<DefinitionError>,
}

impl Ctx<'_> {
    fn error(&mut self, offset: usize, kind: DefinitionErrorKind) {
        let (line, column) = self.lines.pos(self.src, offset);
        self.errors.push(DefinitionError { line, column, kind });
    }
    fn line(&self, offset: usize) -> usize {
        self.lines.pos(self.src, offset).0
    }
}

/// A string cell with the byte offset of its value.
#[derive(Clone)]
struct Cell {
    text: String,
    offset: usize,
    /// Offset of the first character inside the quotes (for expressions).
    inner: usize,
}

#[derive(Default)]
struct Row {
    offset: usize,
    cells: BTreeMap<String, Cell>,
    key_offsets: BTreeMap<String, usize>,
    bools: BTreeMap<String, (bool, usize)>,
}

fn read_row(ctx: &mut Ctx<'_>, value: &Spanned<DeValue<'_>>, section: &str) -> Option<Row> {
    let Some(table) = value.get_ref().as_table() else {
        ctx.error(
            value.span().start,
            DefinitionErrorKind::NotATable(section.into()),
        );
        return None;
    };
    let mut row = Row {
        offset: value.span().start,
        ..Row::default()
    };
    for (k, v) in table.iter() {
        let key = k.get_ref().to_string();
        let span = v.span();
        row.key_offsets.insert(key.clone(), k.span().start);
        let inner = if ctx.src.get(span.start..span.start + 3) == Some("\"\"\"")
            || ctx.src.get(span.start..span.start + 3) == Some("'''")
        {
            span.start + 3
        } else {
            span.start + 1
        };
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(i) => {
                row.cells.insert(
                    key,
                    Cell {
                        text: i.as_str().to_string(),
                        offset: span.start,
                        inner: span.start,
                    },
                );
                continue;
            }
            DeValue::Boolean(b) => {
                row.bools.insert(key, (*b, span.start));
                continue;
            }
            _ => {
                ctx.error(
                    span.start,
                    DefinitionErrorKind::BadValue {
                        column: key,
                        expected: "a string",
                    },
                );
                continue;
            }
        };
        row.cells.insert(
            key,
            Cell {
                text,
                offset: span.start,
                inner,
            },
        );
    }
    Some(row)
}

/// Column names (before `::lang`) allowed on the survey sheet.
const SURVEY_COLUMNS: &[&str] = &[
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
];
const TRANSLATED: &[&str] = &["label", "hint", "required_message", "constraint_message"];

fn texts(ctx: &mut Ctx<'_>, row: &Row, base: &str, default: Lang) -> Texts {
    let mut out = BTreeMap::new();
    for (key, cell) in &row.cells {
        let (b, lang) = match key.split_once("::") {
            Some((b, l)) => (b, Some(l)),
            None => (key.as_str(), None),
        };
        if b != base {
            continue;
        }
        let lang = match lang {
            None => default,
            Some(l) => match Lang::parse(l) {
                Some(l) => l,
                None => {
                    let off = row.key_offsets.get(key).copied().unwrap_or(cell.offset);
                    ctx.error(off, DefinitionErrorKind::UnknownLanguage(l.to_string()));
                    continue;
                }
            },
        };
        out.insert(lang, cell.text.clone());
    }
    Texts(out)
}

fn check_columns(ctx: &mut Ctx<'_>, row: &Row, allowed: &[&str], free: bool) {
    let keys: Vec<(String, usize)> = row
        .key_offsets
        .iter()
        .map(|(k, o)| (k.clone(), *o))
        .collect();
    for (key, off) in keys {
        let base = key.split_once("::").map_or(key.as_str(), |(b, _)| b);
        let translated = TRANSLATED.contains(&base) || base == "label";
        if (key.contains("::") && !translated) || (!allowed.contains(&base) && !free) {
            ctx.error(off, DefinitionErrorKind::UnknownColumn(key.clone()));
        }
    }
}

fn expression(ctx: &mut Ctx<'_>, cell: &Cell) -> Option<Expression> {
    match Expression::parse(&cell.text) {
        Ok(e) => Some(e),
        Err(e) => {
            ctx.error(
                cell.inner + e.offset,
                DefinitionErrorKind::BadExpression {
                    nl: e.kind.message_nl(),
                    en: e.kind.message_en(),
                },
            );
            None
        }
    }
}

enum RowKind {
    Question(QuestionType),
    BeginGroup,
    EndGroup,
    BeginGrid(String),
    EndGrid,
}

fn parse_type(t: &str) -> Result<RowKind, DefinitionErrorKind> {
    let mut parts = t.split_whitespace();
    let head = parts.next().unwrap_or("");
    let arg = parts.next();
    let extra = parts.next();
    if FORBIDDEN_META_TYPES.contains(&head) {
        return Err(DefinitionErrorKind::ForbiddenMetaType(head.to_string()));
    }
    let unknown = || DefinitionErrorKind::UnknownType(t.to_string());
    if extra.is_some() {
        return Err(unknown());
    }
    let with_list = |f: fn(String) -> RowKind| match arg {
        Some(l) => Ok(f(l.to_string())),
        None => Err(unknown()),
    };
    let plain = |k: RowKind| if arg.is_none() { Ok(k) } else { Err(unknown()) };
    match head {
        "select_one" => with_list(|l| RowKind::Question(QuestionType::SelectOne(l))),
        "select_multiple" => with_list(|l| RowKind::Question(QuestionType::SelectMultiple(l))),
        "begin_grid" => with_list(RowKind::BeginGrid),
        "integer" => plain(RowKind::Question(QuestionType::Integer)),
        "text" => plain(RowKind::Question(QuestionType::Text)),
        "note" => plain(RowKind::Question(QuestionType::Note)),
        "date" => plain(RowKind::Question(QuestionType::Date)),
        "begin_group" | "begin group" => plain(RowKind::BeginGroup),
        "end_group" | "end group" => plain(RowKind::EndGroup),
        "end_grid" => plain(RowKind::EndGrid),
        _ => Err(unknown()),
    }
}

/// What an expression column is used for (decides what it may refer to).
#[derive(Clone, Copy, PartialEq)]
enum Use {
    Relevant,
    Required,
    Constraint,
    ChoiceFilter,
}

impl Definition {
    /// Parses and validates a definition. All problems are reported at once,
    /// each with line, column and reason.
    pub fn parse(src: &str) -> Result<Definition, DefinitionErrors> {
        let mut ctx = Ctx {
            src,
            lines: Lines::new(src),
            errors: Vec::new(),
        };
        let root = match DeTable::parse(src) {
            Ok(r) => r,
            Err(e) => {
                let off = e.span().map_or(0, |s| s.start);
                ctx.error(off, DefinitionErrorKind::Syntax(e.message().to_string()));
                return Err(DefinitionErrors(ctx.errors));
            }
        };
        let mut settings_v = None;
        let mut survey_v = None;
        let mut choices_v = None;
        for (k, v) in root.get_ref().iter() {
            match k.get_ref().as_ref() {
                "settings" => settings_v = Some(v),
                "survey" => survey_v = Some(v),
                "choices" => choices_v = Some(v),
                other => ctx.error(
                    k.span().start,
                    DefinitionErrorKind::UnknownSection(other.to_string()),
                ),
            }
        }

        // settings
        let mut settings = Settings {
            form_title: String::new(),
            form_id: String::new(),
            version: String::new(),
            default_language: Lang::Nl,
        };
        match settings_v.and_then(|v| read_row(&mut ctx, v, "settings")) {
            None => ctx.error(0, DefinitionErrorKind::MissingSection("settings")),
            Some(row) => {
                for key in row.key_offsets.keys() {
                    if !["form_title", "form_id", "version", "default_language"]
                        .contains(&key.as_str())
                    {
                        let off = row.key_offsets[key];
                        ctx.error(off, DefinitionErrorKind::UnknownColumn(key.clone()));
                    }
                }
                for (key, slot) in [
                    ("form_title", &mut settings.form_title),
                    ("form_id", &mut settings.form_id),
                    ("version", &mut settings.version),
                ] {
                    match row.cells.get(key) {
                        Some(c) => *slot = c.text.clone(),
                        None => ctx.error(row.offset, DefinitionErrorKind::MissingColumn(key)),
                    }
                }
                if let Some(c) = row.cells.get("default_language") {
                    match Lang::parse(&c.text) {
                        Some(l) => settings.default_language = l,
                        None => ctx.error(
                            c.offset,
                            DefinitionErrorKind::UnknownLanguage(c.text.clone()),
                        ),
                    }
                }
            }
        }
        let default = settings.default_language;

        // choices
        let mut lists: BTreeMap<String, Vec<Choice>> = BTreeMap::new();
        let mut list_columns: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        if let Some(v) = choices_v {
            let rows = match v.get_ref().as_array() {
                Some(a) => a.iter().collect::<Vec<_>>(),
                None => {
                    ctx.error(
                        v.span().start,
                        DefinitionErrorKind::NotATable("choices".into()),
                    );
                    Vec::new()
                }
            };
            for rv in rows {
                let Some(row) = read_row(&mut ctx, rv, "choices") else {
                    continue;
                };
                check_columns(&mut ctx, &row, &[], true);
                let list = row
                    .cells
                    .get("list_name")
                    .or_else(|| row.cells.get("list name"));
                let (Some(list), Some(name)) = (list.cloned(), row.cells.get("name").cloned())
                else {
                    let missing = if row.cells.contains_key("name") {
                        "list_name"
                    } else {
                        "name"
                    };
                    ctx.error(row.offset, DefinitionErrorKind::MissingColumn(missing));
                    continue;
                };
                for (c, valid) in [
                    (&list, is_valid_name(&list.text)),
                    (&name, is_valid_choice_name(&name.text)),
                ] {
                    if !valid {
                        ctx.error(c.offset, DefinitionErrorKind::InvalidName(c.text.clone()));
                    }
                }
                let label = texts(&mut ctx, &row, "label", default);
                if !label.0.contains_key(&default) {
                    ctx.error(
                        row.offset,
                        DefinitionErrorKind::MissingLabel { lang: default },
                    );
                }
                let columns: BTreeMap<String, String> = row
                    .cells
                    .iter()
                    .filter(|(k, _)| {
                        !k.starts_with("label")
                            && !["list_name", "list name", "name"].contains(&k.as_str())
                    })
                    .map(|(k, c)| (k.clone(), c.text.clone()))
                    .collect();
                let entry = lists.entry(list.text.clone()).or_default();
                if entry.iter().any(|c| c.name == name.text) {
                    ctx.error(
                        name.offset,
                        DefinitionErrorKind::DuplicateChoice {
                            list: list.text.clone(),
                            name: name.text.clone(),
                        },
                    );
                    continue;
                }
                list_columns
                    .entry(list.text.clone())
                    .or_default()
                    .extend(columns.keys().cloned());
                entry.push(Choice {
                    name: name.text.clone(),
                    line: ctx.line(row.offset),
                    label,
                    columns,
                });
            }
        }

        // survey rows
        let survey_rows: Vec<&Spanned<DeValue<'_>>> = match survey_v {
            None => {
                ctx.error(0, DefinitionErrorKind::MissingSection("survey"));
                Vec::new()
            }
            Some(v) => match v.get_ref().as_array() {
                Some(a) => a.iter().collect(),
                None => {
                    ctx.error(
                        v.span().start,
                        DefinitionErrorKind::NotATable("survey".into()),
                    );
                    Vec::new()
                }
            },
        };

        let mut rows = Vec::new();
        for rv in survey_rows {
            if let Some(row) = read_row(&mut ctx, rv, "survey") {
                check_columns(&mut ctx, &row, SURVEY_COLUMNS, false);
                rows.push(row);
            }
        }

        // All names with their row index, to tell unknown from later refs.
        let mut all_names: HashMap<String, usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            if let Some(n) = row.cells.get("name") {
                all_names.entry(n.text.clone()).or_insert(i);
            }
        }

        let mut questions: Vec<Question> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut outline: Vec<Node> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new(); // name -> line
        let mut answerable: HashMap<String, QuestionType> = HashMap::new();
        let mut notes: HashSet<String> = HashSet::new();

        for row in &rows {
            let line = ctx.line(row.offset);
            let Some(type_cell) = row.cells.get("type").cloned() else {
                ctx.error(row.offset, DefinitionErrorKind::MissingColumn("type"));
                continue;
            };
            let kind = match parse_type(&type_cell.text) {
                Ok(k) => k,
                Err(e) => {
                    ctx.error(type_cell.offset, e);
                    continue;
                }
            };
            if let RowKind::EndGroup | RowKind::EndGrid = kind {
                let want_grid = matches!(kind, RowKind::EndGrid);
                match stack.last() {
                    Some(&g) if groups[g].grid.is_some() == want_grid => {
                        stack.pop();
                        if groups[g].children.is_empty() {
                            let n = groups[g].name.clone();
                            ctx.error(type_cell.offset, DefinitionErrorKind::EmptyGroup(n));
                        }
                    }
                    _ => ctx.error(
                        type_cell.offset,
                        DefinitionErrorKind::UnexpectedEnd(type_cell.text.clone()),
                    ),
                }
                continue;
            }
            let Some(name_cell) = row.cells.get("name").cloned() else {
                ctx.error(row.offset, DefinitionErrorKind::MissingColumn("name"));
                continue;
            };
            let name = name_cell.text.clone();
            if !is_valid_name(&name) {
                ctx.error(
                    name_cell.offset,
                    DefinitionErrorKind::InvalidName(name.clone()),
                );
            }
            if let Some(&first_line) = seen.get(&name) {
                ctx.error(
                    name_cell.offset,
                    DefinitionErrorKind::DuplicateName {
                        name: name.clone(),
                        first_line,
                    },
                );
                continue;
            }
            seen.insert(name.clone(), line);

            let label = texts(&mut ctx, row, "label", default);
            let hint = texts(&mut ctx, row, "hint", default);
            if !label.0.contains_key(&default) {
                ctx.error(
                    row.offset,
                    DefinitionErrorKind::MissingLabel { lang: default },
                );
            }
            let parent = stack.last().copied();
            let in_grid = parent.and_then(|g| groups[g].grid.clone());

            let check = |ctx: &mut Ctx<'_>,
                         col: &str,
                         usage: Use,
                         list: Option<&str>,
                         answerable: &HashMap<String, QuestionType>|
             -> Option<Expression> {
                let cell = row.cells.get(col)?.clone();
                let e = expression(ctx, &cell)?;
                let before = ctx.errors.len();
                for r in e.references() {
                    let off = cell.inner + r.offset;
                    if r.name == name && usage == Use::Constraint {
                        continue;
                    }
                    if notes.contains(&r.name) {
                        ctx.error(off, DefinitionErrorKind::ReferenceToNote(r.name.clone()));
                    } else if answerable.contains_key(&r.name) {
                        continue;
                    } else if all_names.contains_key(&r.name) {
                        ctx.error(off, DefinitionErrorKind::LaterReference(r.name.clone()));
                    } else {
                        ctx.error(off, DefinitionErrorKind::UnknownReference(r.name.clone()));
                    }
                }
                for f in e.fields() {
                    let ok = usage == Use::ChoiceFilter
                        && list.is_some_and(|l| {
                            f.name == "name"
                                || list_columns.get(l).is_some_and(|c| c.contains(&f.name))
                        });
                    if !ok {
                        let kind = if usage == Use::ChoiceFilter {
                            DefinitionErrorKind::UnknownChoiceColumn(f.name.clone())
                        } else {
                            DefinitionErrorKind::BadExpression {
                                nl: format!("losse naam '{0}': schrijf ${{{0}}}", f.name),
                                en: format!("bare name '{0}': write ${{{0}}}", f.name),
                            }
                        };
                        ctx.error(cell.inner + f.offset, kind);
                    }
                }
                if e.uses_current() && usage != Use::Constraint {
                    ctx.error(cell.inner, DefinitionErrorKind::CurrentValueNotAllowed);
                }
                for (q, choice) in choice_literals(e.ast()) {
                    let list = if q.is_empty() {
                        list.map(String::from)
                    } else {
                        answerable.get(&q).and_then(|t| t.list().map(String::from))
                    };
                    if let Some(choices) = list.as_ref().and_then(|l| lists.get(l))
                        && !choices.iter().any(|c| c.name == choice)
                    {
                        let question = if q.is_empty() { name.clone() } else { q };
                        ctx.error(
                            cell.inner,
                            DefinitionErrorKind::UnknownChoice { question, choice },
                        );
                    }
                }
                (ctx.errors.len() == before).then_some(e)
            };

            let relevant = check(&mut ctx, "relevant", Use::Relevant, None, &answerable);
            let appearance = row.cells.get("appearance").map(|c| c.text.clone());

            match kind {
                RowKind::BeginGroup | RowKind::BeginGrid(_) => {
                    let grid = match kind {
                        RowKind::BeginGrid(l) => {
                            if !lists.contains_key(&l) {
                                ctx.error(
                                    type_cell.offset,
                                    DefinitionErrorKind::MissingList(l.clone()),
                                );
                            }
                            Some(l)
                        }
                        _ => None,
                    };
                    if in_grid.is_some() {
                        ctx.error(
                            type_cell.offset,
                            DefinitionErrorKind::GridRow {
                                grid_list: in_grid.clone().unwrap_or_default(),
                            },
                        );
                    }
                    for col in ["required", "constraint", "choice_filter"] {
                        if let Some(&o) = row.key_offsets.get(col) {
                            ctx.error(o, DefinitionErrorKind::UnknownColumn(col.into()));
                        }
                    }
                    let idx = groups.len();
                    groups.push(Group {
                        name,
                        line,
                        label,
                        hint,
                        relevant,
                        appearance,
                        grid,
                        parent,
                        children: Vec::new(),
                    });
                    match parent {
                        Some(p) => groups[p].children.push(Node::Group(idx)),
                        None => outline.push(Node::Group(idx)),
                    }
                    stack.push(idx);
                }
                RowKind::Question(qt) => {
                    if let Some(l) = qt.list()
                        && !lists.contains_key(l)
                    {
                        ctx.error(type_cell.offset, DefinitionErrorKind::MissingList(l.into()));
                    }
                    if let Some(gl) = &in_grid
                        && qt != QuestionType::SelectOne(gl.clone())
                    {
                        ctx.error(
                            type_cell.offset,
                            DefinitionErrorKind::GridRow {
                                grid_list: gl.clone(),
                            },
                        );
                    }
                    let required = match (row.cells.get("required"), row.bools.get("required")) {
                        (_, Some((b, _))) => {
                            if *b {
                                Required::Yes
                            } else {
                                Required::No
                            }
                        }
                        (None, None) => Required::No,
                        (Some(c), None) => match c.text.trim().to_ascii_lowercase().as_str() {
                            "yes" | "true" | "true()" | "ja" => Required::Yes,
                            "no" | "false" | "false()" | "nee" | "" => Required::No,
                            _ => check(&mut ctx, "required", Use::Required, None, &answerable)
                                .map_or(Required::No, Required::If),
                        },
                    };
                    let constraint = check(
                        &mut ctx,
                        "constraint",
                        Use::Constraint,
                        qt.list(),
                        &answerable,
                    );
                    let choice_filter = check(
                        &mut ctx,
                        "choice_filter",
                        Use::ChoiceFilter,
                        qt.list(),
                        &answerable,
                    );
                    if row.cells.contains_key("choice_filter") && qt.list().is_none() {
                        let o = row
                            .key_offsets
                            .get("choice_filter")
                            .copied()
                            .unwrap_or(row.offset);
                        ctx.error(
                            o,
                            DefinitionErrorKind::UnknownColumn("choice_filter".into()),
                        );
                    }
                    let required_message = texts(&mut ctx, row, "required_message", default);
                    let constraint_message = texts(&mut ctx, row, "constraint_message", default);
                    let idx = questions.len();
                    if qt == QuestionType::Note {
                        notes.insert(name.clone());
                    } else {
                        answerable.insert(name.clone(), qt.clone());
                    }
                    questions.push(Question {
                        name,
                        line,
                        kind: qt,
                        label,
                        hint,
                        required,
                        required_message,
                        relevant,
                        constraint,
                        constraint_message,
                        choice_filter,
                        appearance,
                        parent,
                    });
                    match parent {
                        Some(p) => groups[p].children.push(Node::Question(idx)),
                        None => outline.push(Node::Question(idx)),
                    }
                }
                RowKind::EndGroup | RowKind::EndGrid => {}
            }
        }
        for g in stack {
            let (line, name) = (groups[g].line, groups[g].name.clone());
            let off = ctx.lines.starts.get(line - 1).copied().unwrap_or(0);
            ctx.error(off, DefinitionErrorKind::UnclosedGroup(name));
        }
        for (l, choices) in &lists {
            if choices.is_empty() {
                ctx.error(0, DefinitionErrorKind::EmptyList(l.clone()));
            }
        }
        if !ctx.errors.is_empty() {
            ctx.errors.sort_by_key(|e| (e.line, e.column));
            return Err(DefinitionErrors(ctx.errors));
        }
        let mut languages: Vec<Lang> = vec![default];
        for q in &questions {
            for l in q.label.0.keys() {
                if !languages.contains(l) {
                    languages.push(*l);
                }
            }
        }
        let index = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.name.clone(), i))
            .collect();
        Ok(Definition {
            settings,
            questions,
            groups,
            outline,
            lists,
            languages,
            index,
        })
    }

    /// The question called `name`.
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.index.get(name).map(|&i| &self.questions[i])
    }

    /// The choices of a select question (empty for other types).
    pub fn choices_of(&self, q: &Question) -> &[Choice] {
        q.kind
            .list()
            .and_then(|l| self.lists.get(l))
            .map_or(&[], Vec::as_slice)
    }
}

/// `(question, choice)` pairs of `${q} = 'x'`, `'x' = ${q}` and
/// `selected(${q}, 'x')`; `.` gives an empty question name.
fn choice_literals(e: &Expr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    fn walk(e: &Expr, out: &mut Vec<(String, String)>) {
        let name = |e: &Expr| match e {
            Expr::Ref(r) => Some(r.clone()),
            Expr::Current => Some(String::new()),
            _ => None,
        };
        match e {
            Expr::Binary(BinOp::Eq | BinOp::Ne, l, r) => {
                match (name(l), r.as_ref(), name(r), l.as_ref()) {
                    (Some(q), Expr::Str(s), _, _) | (_, _, Some(q), Expr::Str(s))
                        if !s.is_empty() =>
                    {
                        out.push((q, s.clone()))
                    }
                    _ => {}
                }
                walk(l, out);
                walk(r, out);
            }
            Expr::Call(Func::Selected, args) => {
                if let (Some(q), Some(Expr::Str(s))) = (args.first().and_then(name), args.get(1)) {
                    out.push((q, s.clone()));
                }
                for a in args {
                    walk(a, out);
                }
            }
            Expr::Binary(_, l, r) => {
                walk(l, out);
                walk(r, out);
            }
            Expr::Neg(i) => walk(i, out),
            Expr::Call(_, args) => args.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    walk(e, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[settings]\nform_title = \"T\"\nform_id = \"t\"\nversion = \"1\"\ndefault_language = \"nl\"\n";
    const CHOICES: &str = "\n[[choices]]\nlist_name = \"jn\"\nname = \"ja\"\n\"label::nl\" = \"Ja\"\n\n[[choices]]\nlist_name = \"jn\"\nname = \"nee\"\n\"label::nl\" = \"Nee\"\n";

    fn q(t: &str, name: &str, extra: &str) -> String {
        format!("\n[[survey]]\ntype = \"{t}\"\nname = \"{name}\"\n\"label::nl\" = \"L\"\n{extra}")
    }

    fn errs(src: &str) -> Vec<DefinitionError> {
        match Definition::parse(src) {
            Ok(_) => panic!("expected errors"),
            Err(e) => e.0,
        }
    }

    #[test]
    fn parses_a_small_form() {
        let src = format!(
            "{HEAD}{}{}{}{}{}{}{}{CHOICES}",
            q("begin_group", "p1", ""),
            q(
                "select_one jn",
                "a",
                "required = \"yes\"\n\"label::en\" = \"A\""
            ),
            q(
                "integer",
                "n",
                "constraint = \". >= 0 and . < 100\"\nrelevant = \"${a} = 'ja'\""
            ),
            q("end_group", "x", ""),
            q("begin_grid jn", "g", ""),
            q("select_one jn", "g1", "required = \"${a} = 'ja'\""),
            q("end_grid", "y", ""),
        );
        let d = Definition::parse(&src).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.questions.len(), 3);
        assert_eq!(d.groups.len(), 2);
        assert_eq!(d.groups[1].grid.as_deref(), Some("jn"));
        assert_eq!(d.outline, vec![Node::Group(0), Node::Group(1)]);
        assert_eq!(d.languages, vec![Lang::Nl, Lang::En]);
        assert!(matches!(
            d.question("g1").map(|q| &q.required),
            Some(Required::If(_))
        ));
        assert_eq!(d.question("a").map(|q| q.line), Some(12));
    }

    #[test]
    fn reports_errors_with_line_and_column() {
        let src = format!(
            "{HEAD}{}{}{}{}{}{}{CHOICES}",
            q("select_one jn", "a", ""),
            q("select_one nolist", "b", ""),
            q("decimal", "c", ""),
            q("deviceid", "d", ""),
            q("text", "a", ""),
            q("text", "e", "relevant = \"${later} = 'x' and ${nope} = 1\""),
        ) + &q("text", "later", "constraint = \"${a} = 'misschien'\"")
            + &q("text", "f", "relevant = \"${a} = \"")
            + &q("text", "g", "relevant = \". = 1\"");
        let e = errs(&src);
        let kinds: Vec<_> = e.iter().map(|e| &e.kind).collect();
        use DefinitionErrorKind as K;
        assert!(matches!(kinds[0], K::MissingList(l) if l == "nolist"));
        assert!(matches!(kinds[1], K::UnknownType(t) if t == "decimal"));
        assert!(matches!(kinds[2], K::ForbiddenMetaType(t) if t == "deviceid"));
        assert!(matches!(kinds[3], K::DuplicateName { first_line: 7, .. }));
        assert!(matches!(kinds[4], K::LaterReference(n) if n == "later"));
        assert!(matches!(kinds[5], K::UnknownReference(n) if n == "nope"));
        assert!(matches!(kinds[6], K::UnknownChoice { .. }));
        assert!(matches!(kinds[7], K::BadExpression { .. }));
        assert!(matches!(kinds[8], K::CurrentValueNotAllowed));
        // positions: `type = "select_one nolist"` on line 13, value at column 8
        assert_eq!((e[0].line, e[0].column), (13, 8));
        // `${nope}` inside the relevant string
        let rel_line = src
            .lines()
            .position(|l| l.contains("${nope}"))
            .map(|i| i + 1);
        assert_eq!(Some(e[5].line), rel_line);
        let col = src
            .lines()
            .nth(e[5].line - 1)
            .and_then(|l| l.find("${nope}"))
            .map(|c| c + 1);
        assert_eq!(Some(e[5].column), col);
        for err in &e {
            assert!(err.message_nl().starts_with("regel "));
            assert!(err.message_en().starts_with("line "));
        }
    }

    #[test]
    fn reports_syntax_and_structure_errors() {
        let e = errs("[settings\nform_title = 1");
        assert!(matches!(e[0].kind, DefinitionErrorKind::Syntax(_)));
        assert_eq!(e[0].line, 1);
        let e = errs(&format!("{HEAD}{}", q("begin_group", "g", "")));
        assert!(
            e.iter()
                .any(|e| matches!(e.kind, DefinitionErrorKind::UnclosedGroup(_)))
        );
        let e = errs(&format!("{HEAD}{}", q("end_group", "g", "")));
        assert!(
            e.iter()
                .any(|e| matches!(e.kind, DefinitionErrorKind::UnexpectedEnd(_)))
        );
        let e = errs(&format!(
            "{HEAD}{}{}{}{CHOICES}",
            q("begin_grid jn", "g", ""),
            q("text", "t", ""),
            q("end_grid", "x", "")
        ));
        assert!(
            e.iter()
                .any(|e| matches!(e.kind, DefinitionErrorKind::GridRow { .. }))
        );
        let e = errs(&format!(
            "{HEAD}{}",
            q("text", "t", "colour = \"red\"\n\"label::fr\" = \"x\"")
        ));
        assert!(
            e.iter()
                .any(|e| matches!(&e.kind, DefinitionErrorKind::UnknownColumn(c) if c == "colour"))
        );
        assert!(
            e.iter()
                .any(|e| matches!(&e.kind, DefinitionErrorKind::UnknownLanguage(c) if c == "fr"))
        );
        let e = errs("[[survey]]\ntype = \"text\"\nname = \"x\"\n");
        assert!(
            e.iter()
                .any(|e| e.kind == DefinitionErrorKind::MissingSection("settings"))
        );
        assert!(
            e.iter()
                .any(|e| matches!(e.kind, DefinitionErrorKind::MissingLabel { .. }))
        );
        for t in ["username", "phonenumber", "start", "end", "email"] {
            let e = errs(&format!("{HEAD}{}", q(t, "m", "")));
            assert!(
                matches!(e[0].kind, DefinitionErrorKind::ForbiddenMetaType(_)),
                "{t}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        #[test]
        fn parse_never_panics(s in "\\PC{0,200}") {
            let _ = Definition::parse(&s);
        }

        #[test]
        fn edited_default_survey_gives_positioned_errors(del in 0usize..1300, dup in 0usize..1300, junk in "[a-z_:$ {}'=\"]{0,12}") {
            let mut lines: Vec<String> = crate::DEFAULT_SURVEY_TOML.lines().map(String::from).collect();
            if del < lines.len() {
                lines.remove(del);
            }
            if dup < lines.len() {
                let l = format!("{}{junk}", lines[dup]);
                lines.insert(dup, l);
            }
            if let Err(e) = Definition::parse(&lines.join("\n")) {
                proptest::prop_assert!(!e.0.is_empty());
                for err in e.0 {
                    proptest::prop_assert!(err.line >= 1 && err.line <= lines.len() + 1, "{err}");
                    proptest::prop_assert!(err.column >= 1);
                    proptest::prop_assert!(!err.message_nl().is_empty());
                }
            }
        }
    }

    #[test]
    fn choice_filter_may_use_choice_columns() {
        let src = format!(
            "{HEAD}{}{}\n[[choices]]\nlist_name = \"l\"\nname = \"a\"\n\"label::nl\" = \"A\"\ngroep = \"ja\"\n{CHOICES}",
            q("select_one jn", "a", ""),
            q("select_one l", "b", "choice_filter = \"groep = ${a}\""),
        );
        assert!(Definition::parse(&src).is_ok());
        let bad = src.replace("groep = ${a}", "kleur = ${a}");
        let e = errs(&bad);
        assert!(matches!(
            e[0].kind,
            DefinitionErrorKind::UnknownChoiceColumn(_)
        ));
    }
}
