//! The expression language of `relevant`, `constraint`, `required` and
//! `choice_filter` (a small subset of ODK XPath).
//!
//! Grammar, lowest precedence first:
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := eq ("and" eq)*
//! eq      := rel (("=" | "!=") rel)*
//! rel     := add (("<" | "<=" | ">" | ">=") add)*
//! add     := mul (("+" | "-") mul)*
//! mul     := unary (("*" | "div" | "mod") unary)*
//! unary   := "-" unary | primary
//! primary := NUMBER | STRING | "${" name "}" | "." | name "(" args? ")" | name | "(" expr ")"
//! ```
//!
//! Functions: `selected(a, 'x')`, `count-selected(a)`, `not(a)`,
//! `string-length(a)`, `true()`, `false()`. A bare `name` is a column of the
//! choices sheet and only allowed in `choice_filter`.
//!
//! Missing answers evaluate to the empty value, as in ODK: `${q} = ''` is
//! true, `${q} = 'x'` is false, `${q} != 'x'` is true, `${q} > 3` is false and
//! `selected(${q}, 'x')` is false.

use std::fmt;

/// Deepest nesting of parentheses and unary minus the parser accepts.
pub const MAX_DEPTH: usize = 64;

/// A parsed expression together with its source and the places where it
/// refers to questions (`${name}`), for validation with positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    source: String,
    ast: Expr,
    refs: Vec<Reference>,
    fields: Vec<Reference>,
    uses_current: bool,
}

/// A `${name}` (or bare column name) with its byte offset in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The referenced name.
    pub name: String,
    /// Byte offset of the reference in the expression source.
    pub offset: usize,
}

/// Syntax tree of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal (never negative; negation is [`Expr::Neg`]).
    Num(f64),
    /// A string literal.
    Str(String),
    /// `${name}`: the answer to another question.
    Ref(String),
    /// `.`: the value being checked (in `constraint`).
    Current,
    /// A bare name: a column of the choice being filtered (`choice_filter`).
    Field(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A function call.
    Call(Func, Vec<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Selected,
    CountSelected,
    Not,
    StringLength,
    True,
    False,
}

impl Func {
    /// All functions, for error messages and tests.
    pub const ALL: [Func; 6] = [
        Func::Selected,
        Func::CountSelected,
        Func::Not,
        Func::StringLength,
        Func::True,
        Func::False,
    ];

    /// The name as written in expressions.
    pub fn name(self) -> &'static str {
        match self {
            Func::Selected => "selected",
            Func::CountSelected => "count-selected",
            Func::Not => "not",
            Func::StringLength => "string-length",
            Func::True => "true",
            Func::False => "false",
        }
    }

    /// Number of arguments.
    pub fn arity(self) -> usize {
        match self {
            Func::Selected => 2,
            Func::CountSelected | Func::Not | Func::StringLength => 1,
            Func::True | Func::False => 0,
        }
    }

    fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A syntax error with its byte offset in the expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} (at character {})", self.kind.message_en(), self.column)]
pub struct ExprError {
    /// Byte offset in the expression source.
    pub offset: usize,
    /// 1-based character column in the expression source.
    pub column: usize,
    /// What is wrong.
    pub kind: ExprErrorKind,
}

/// What is wrong with an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprErrorKind {
    UnexpectedChar(char),
    UnterminatedString,
    UnterminatedRef,
    BadRefName(String),
    Unexpected(String),
    UnexpectedEnd,
    UnknownFunction(String),
    WrongArity {
        name: String,
        expected: usize,
        found: usize,
    },
    TooDeep,
    Empty,
}

impl ExprErrorKind {
    /// English message.
    pub fn message_en(&self) -> String {
        match self {
            Self::UnexpectedChar('/') => "'/' is not supported; use 'div' to divide".into(),
            Self::UnexpectedChar(c) => format!("unexpected character '{c}'"),
            Self::UnterminatedString => "string without closing quote".into(),
            Self::UnterminatedRef => "'${' without closing '}'".into(),
            Self::BadRefName(n) => format!("'{n}' is not a valid question name"),
            Self::Unexpected(t) => format!("unexpected '{t}'"),
            Self::UnexpectedEnd => "expression ends too early".into(),
            Self::UnknownFunction(n) => format!(
                "unknown function '{n}' (known: selected, count-selected, not, string-length, true, false)"
            ),
            Self::WrongArity {
                name,
                expected,
                found,
            } => format!("{name}() takes {expected} argument(s), not {found}"),
            Self::TooDeep => format!("nested more than {MAX_DEPTH} levels deep"),
            Self::Empty => "empty expression".into(),
        }
    }

    /// Dutch message.
    pub fn message_nl(&self) -> String {
        match self {
            Self::UnexpectedChar('/') => "'/' wordt niet ondersteund; deel met 'div'".into(),
            Self::UnexpectedChar(c) => format!("onverwacht teken '{c}'"),
            Self::UnterminatedString => "tekst zonder afsluitend aanhalingsteken".into(),
            Self::UnterminatedRef => "'${' zonder afsluitende '}'".into(),
            Self::BadRefName(n) => format!("'{n}' is geen geldige vraagnaam"),
            Self::Unexpected(t) => format!("onverwacht '{t}'"),
            Self::UnexpectedEnd => "expressie houdt te vroeg op".into(),
            Self::UnknownFunction(n) => format!(
                "onbekende functie '{n}' (bekend: selected, count-selected, not, string-length, true, false)"
            ),
            Self::WrongArity {
                name,
                expected,
                found,
            } => format!("{name}() heeft {expected} argument(en), niet {found}"),
            Self::TooDeep => format!("meer dan {MAX_DEPTH} niveaus diep genest"),
            Self::Empty => "lege expressie".into(),
        }
    }
}

impl ExprError {
    /// Dutch message with the position.
    pub fn message_nl(&self) -> String {
        format!("{} (bij teken {})", self.kind.message_nl(), self.column)
    }
    /// English message with the position.
    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

/// Whether `s` is a valid question, list or choice name:
/// a letter or `_`, then letters, digits, `_`, `-` or `.`.
pub fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    Dot,
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Num(n) => n.to_string(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Ref(r) => format!("${{{r}}}"),
            Tok::Dot => ".".into(),
            Tok::Ident(i) => i.clone(),
            Tok::Op(o) => (*o).into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Comma => ",".into(),
        }
    }
}

fn column_of(src: &str, offset: usize) -> usize {
    src.get(..offset).map_or(offset, |p| p.chars().count()) + 1
}

fn err(src: &str, offset: usize, kind: ExprErrorKind) -> ExprError {
    ExprError {
        offset,
        column: column_of(src, offset),
        kind,
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).map(|&(_, c)| c);
        match c {
            '(' => {
                out.push((Tok::LParen, pos));
                i += 1;
            }
            ')' => {
                out.push((Tok::RParen, pos));
                i += 1;
            }
            ',' => {
                out.push((Tok::Comma, pos));
                i += 1;
            }
            '+' | '-' | '*' | '=' => {
                let op = match c {
                    '+' => "+",
                    '-' => "-",
                    '*' => "*",
                    _ => "=",
                };
                out.push((Tok::Op(op), pos));
                i += 1;
            }
            '!' if next == Some('=') => {
                out.push((Tok::Op("!="), pos));
                i += 2;
            }
            '<' | '>' => {
                let eq = next == Some('=');
                let op = match (c, eq) {
                    ('<', true) => "<=",
                    ('<', false) => "<",
                    (_, true) => ">=",
                    _ => ">",
                };
                out.push((Tok::Op(op), pos));
                i += if eq { 2 } else { 1 };
            }
            '\'' | '"' => {
                let mut j = i + 1;
                let mut s = String::new();
                loop {
                    match chars.get(j) {
                        None => return Err(err(src, pos, ExprErrorKind::UnterminatedString)),
                        Some(&(_, q)) if q == c => break,
                        Some(&(_, ch)) => s.push(ch),
                    }
                    j += 1;
                }
                out.push((Tok::Str(s), pos));
                i = j + 1;
            }
            '$' if next == Some('{') => {
                let mut j = i + 2;
                let mut name = String::new();
                loop {
                    match chars.get(j) {
                        None => return Err(err(src, pos, ExprErrorKind::UnterminatedRef)),
                        Some(&(_, '}')) => break,
                        Some(&(_, ch)) => name.push(ch),
                    }
                    j += 1;
                }
                if !is_valid_name(&name) {
                    return Err(err(src, pos, ExprErrorKind::BadRefName(name)));
                }
                out.push((Tok::Ref(name), pos));
                i = j + 1;
            }
            c if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let mut j = i;
                let mut seen_dot = false;
                while let Some(&(_, ch)) = chars.get(j) {
                    if ch.is_ascii_digit() {
                        j += 1;
                    } else if ch == '.' && !seen_dot {
                        seen_dot = true;
                        j += 1;
                    } else {
                        break;
                    }
                }
                let end = chars.get(j).map_or(src.len(), |&(p, _)| p);
                let text = &src[pos..end];
                let n: f64 = text
                    .parse()
                    .map_err(|_| err(src, pos, ExprErrorKind::Unexpected(text.to_string())))?;
                out.push((Tok::Num(n), pos));
                i = j;
            }
            '.' => {
                out.push((Tok::Dot, pos));
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i;
                while let Some(&(_, ch)) = chars.get(j) {
                    if ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.') {
                        j += 1;
                    } else {
                        break;
                    }
                }
                let end = chars.get(j).map_or(src.len(), |&(p, _)| p);
                out.push((Tok::Ident(src[pos..end].to_string()), pos));
                i = j;
            }
            other => return Err(err(src, pos, ExprErrorKind::UnexpectedChar(other))),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- parser

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    refs: Vec<Reference>,
    fields: Vec<Reference>,
    uses_current: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |&(_, o)| o)
    }
    fn unexpected(&self) -> ExprError {
        match self.peek() {
            Some(t) => err(self.src, self.offset(), ExprErrorKind::Unexpected(t.show())),
            None => err(self.src, self.src.len(), ExprErrorKind::UnexpectedEnd),
        }
    }
    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(i)) if i == kw)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Op(o)) if *o == op)
    }

    fn binary_level(
        &mut self,
        ops: &[(&str, BinOp, bool)],
        next: fn(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut left = next(self)?;
        'outer: loop {
            for &(text, op, keyword) in ops {
                let hit = if keyword {
                    self.is_keyword(text)
                } else {
                    self.is_op(text)
                };
                if hit {
                    self.pos += 1;
                    let right = next(self)?;
                    left = Expr::Binary(op, Box::new(left), Box::new(right));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }
    fn or(&mut self) -> Result<Expr, ExprError> {
        self.binary_level(&[("or", BinOp::Or, true)], Self::and)
    }
    fn and(&mut self) -> Result<Expr, ExprError> {
        self.binary_level(&[("and", BinOp::And, true)], Self::eq)
    }
    fn eq(&mut self) -> Result<Expr, ExprError> {
        self.binary_level(
            &[("=", BinOp::Eq, false), ("!=", BinOp::Ne, false)],
            Self::rel,
        )
    }
    fn rel(&mut self) -> Result<Expr, ExprError> {
        self.binary_level(
            &[
                ("<", BinOp::Lt, false),
                ("<=", BinOp::Le, false),
                (">", BinOp::Gt, false),
                (">=", BinOp::Ge, false),
            ],
            Self::add,
        )
    }
    fn add(&mut self) -> Result<Expr, ExprError> {
        self.binary_level(
            &[("+", BinOp::Add, false), ("-", BinOp::Sub, false)],
            Self::mul,
        )
    }
    fn mul(&mut self) -> Result<Expr, ExprError> {
        self.binary_level(
            &[
                ("*", BinOp::Mul, false),
                ("div", BinOp::Div, true),
                ("mod", BinOp::Mod, true),
            ],
            Self::unary,
        )
    }
    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.src, self.offset(), ExprErrorKind::TooDeep));
        }
        Ok(())
    }
    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.is_op("-") {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr, ExprError> {
        let offset = self.offset();
        let Some(tok) = self.peek().cloned() else {
            return Err(self.unexpected());
        };
        match tok {
            Tok::Num(n) => {
                self.pos += 1;
                Ok(Expr::Num(n))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Str(s))
            }
            Tok::Ref(name) => {
                self.pos += 1;
                self.refs.push(Reference {
                    name: name.clone(),
                    offset,
                });
                Ok(Expr::Ref(name))
            }
            Tok::Dot => {
                self.pos += 1;
                self.uses_current = true;
                Ok(Expr::Current)
            }
            Tok::LParen => {
                self.pos += 1;
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                Ok(inner)
            }
            Tok::Ident(name) => {
                if matches!(name.as_str(), "and" | "or" | "div" | "mod") {
                    return Err(self.unexpected());
                }
                self.pos += 1;
                if self.peek() == Some(&Tok::LParen) {
                    let func = Func::from_name(&name).ok_or_else(|| {
                        err(
                            self.src,
                            offset,
                            ExprErrorKind::UnknownFunction(name.clone()),
                        )
                    })?;
                    self.pos += 1;
                    self.enter()?;
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::RParen) {
                        loop {
                            args.push(self.or()?);
                            if self.peek() == Some(&Tok::Comma) {
                                self.pos += 1;
                                continue;
                            }
                            break;
                        }
                    }
                    self.depth -= 1;
                    if self.peek() != Some(&Tok::RParen) {
                        return Err(self.unexpected());
                    }
                    self.pos += 1;
                    if args.len() != func.arity() {
                        return Err(err(
                            self.src,
                            offset,
                            ExprErrorKind::WrongArity {
                                name,
                                expected: func.arity(),
                                found: args.len(),
                            },
                        ));
                    }
                    Ok(Expr::Call(func, args))
                } else {
                    if !is_valid_name(&name) {
                        return Err(err(self.src, offset, ExprErrorKind::BadRefName(name)));
                    }
                    self.fields.push(Reference {
                        name: name.clone(),
                        offset,
                    });
                    Ok(Expr::Field(name))
                }
            }
            _ => Err(self.unexpected()),
        }
    }
}

impl Expression {
    /// Parses an expression. Never panics; errors carry the position.
    pub fn parse(src: &str) -> Result<Expression, ExprError> {
        let toks = lex(src)?;
        if toks.is_empty() {
            return Err(err(src, 0, ExprErrorKind::Empty));
        }
        let mut p = Parser {
            src,
            toks,
            pos: 0,
            depth: 0,
            refs: Vec::new(),
            fields: Vec::new(),
            uses_current: false,
        };
        let ast = p.or()?;
        if p.pos < p.toks.len() {
            return Err(p.unexpected());
        }
        Ok(Expression {
            source: src.to_string(),
            ast,
            refs: p.refs,
            fields: p.fields,
            uses_current: p.uses_current,
        })
    }
    /// The source text.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// The syntax tree.
    pub fn ast(&self) -> &Expr {
        &self.ast
    }
    /// Every `${name}` with its offset.
    pub fn references(&self) -> &[Reference] {
        &self.refs
    }
    /// Every bare name (choice column) with its offset.
    pub fn fields(&self) -> &[Reference] {
        &self.fields
    }
    /// Whether `.` occurs.
    pub fn uses_current(&self) -> bool {
        self.uses_current
    }
    /// Evaluates to a value.
    pub fn eval(&self, env: &dyn Env) -> Value {
        eval(&self.ast, env)
    }
    /// Evaluates to a boolean (XPath `boolean()`).
    pub fn eval_bool(&self, env: &dyn Env) -> bool {
        eval(&self.ast, env).truthy()
    }
}

impl fmt::Display for Expr {
    /// Prints a canonical, fully parenthesised form that parses back to the
    /// same tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(n) => write!(f, "{n}"),
            Expr::Str(s) if s.contains('\'') => write!(f, "\"{s}\""),
            Expr::Str(s) => write!(f, "'{s}'"),
            Expr::Ref(r) => write!(f, "${{{r}}}"),
            Expr::Current => f.write_str("."),
            Expr::Field(n) => f.write_str(n),
            Expr::Neg(e) => write!(f, "-({e})"),
            Expr::Binary(op, l, r) => write!(f, "({l} {} {r})", op.symbol()),
            Expr::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

// ---------------------------------------------------------------- evaluator

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No answer.
    Empty,
    Num(f64),
    Str(String),
    Bool(bool),
    /// The choices of a `select_multiple`.
    List(Vec<String>),
}

impl Value {
    /// XPath `boolean()`.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Empty => false,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Bool(b) => *b,
            Value::List(l) => !l.is_empty(),
        }
    }
    /// XPath `number()`; empty and non-numeric text give NaN.
    pub fn number(&self) -> f64 {
        match self {
            Value::Empty => f64::NAN,
            Value::Num(n) => *n,
            Value::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::List(l) => l.join(" ").trim().parse().unwrap_or(f64::NAN),
        }
    }
    /// XPath `string()`; a list is space separated, as in ODK.
    pub fn string(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Num(n) => n.to_string(),
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::List(l) => l.join(" "),
        }
    }
    fn items(&self) -> Vec<String> {
        match self {
            Value::List(l) => l.clone(),
            Value::Empty => Vec::new(),
            other => other
                .string()
                .split_whitespace()
                .map(String::from)
                .collect(),
        }
    }
}

/// Where an expression finds its values.
pub trait Env {
    /// The answer to question `name` (`${name}`); [`Value::Empty`] if none.
    fn answer(&self, name: &str) -> Value;
    /// The value under test (`.`).
    fn current(&self) -> Value {
        Value::Empty
    }
    /// A column of the choice being filtered (bare `name`).
    fn field(&self, _name: &str) -> Value {
        Value::Empty
    }
}

fn compare(op: BinOp, l: &Value, r: &Value) -> bool {
    let any_bool = matches!(l, Value::Bool(_)) || matches!(r, Value::Bool(_));
    let any_num = matches!(l, Value::Num(_)) || matches!(r, Value::Num(_));
    match op {
        BinOp::Eq | BinOp::Ne => {
            let eq = if any_bool {
                l.truthy() == r.truthy()
            } else if any_num {
                l.number() == r.number()
            } else {
                l.string() == r.string()
            };
            if op == BinOp::Eq { eq } else { !eq }
        }
        _ => {
            let (a, b) = (l.number(), r.number());
            let ord = if a.is_nan() || b.is_nan() {
                // Two non-numeric texts (such as ISO dates) compare as text.
                match (l, r) {
                    (Value::Str(x), Value::Str(y)) if !x.is_empty() && !y.is_empty() => {
                        Some(x.cmp(y))
                    }
                    _ => None,
                }
            } else {
                a.partial_cmp(&b)
            };
            let Some(ord) = ord else { return false };
            match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }
        }
    }
}

fn eval(e: &Expr, env: &dyn Env) -> Value {
    match e {
        Expr::Num(n) => Value::Num(*n),
        Expr::Str(s) => Value::Str(s.clone()),
        Expr::Ref(name) => env.answer(name),
        Expr::Current => env.current(),
        Expr::Field(name) => env.field(name),
        Expr::Neg(inner) => Value::Num(-eval(inner, env).number()),
        Expr::Binary(op, l, r) => match op {
            BinOp::Or => Value::Bool(eval(l, env).truthy() || eval(r, env).truthy()),
            BinOp::And => Value::Bool(eval(l, env).truthy() && eval(r, env).truthy()),
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => {
                let (a, b) = (eval(l, env).number(), eval(r, env).number());
                Value::Num(match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => a / b,
                    _ => a % b,
                })
            }
            cmp => Value::Bool(compare(*cmp, &eval(l, env), &eval(r, env))),
        },
        Expr::Call(func, args) => {
            let arg = |i: usize| args.get(i).map_or(Value::Empty, |a| eval(a, env));
            match func {
                Func::Selected => {
                    let wanted = arg(1).string();
                    Value::Bool(arg(0).items().contains(&wanted))
                }
                Func::CountSelected => Value::Num(arg(0).items().len() as f64),
                Func::Not => Value::Bool(!arg(0).truthy()),
                Func::StringLength => Value::Num(arg(0).string().chars().count() as f64),
                Func::True => Value::Bool(true),
                Func::False => Value::Bool(false),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, Value>, Value);
    impl Env for Map {
        fn answer(&self, name: &str) -> Value {
            self.0.get(name).cloned().unwrap_or(Value::Empty)
        }
        fn current(&self) -> Value {
            self.1.clone()
        }
    }

    fn env() -> Map {
        Map(
            HashMap::from([
                ("q09", Value::Str("ja".into())),
                ("age", Value::Num(42.0)),
                ("q17", Value::List(vec!["politie".into(), "nee".into()])),
                ("d", Value::Str("2024-05-01".into())),
            ]),
            Value::Num(7.0),
        )
    }

    fn t(src: &str) -> bool {
        match Expression::parse(src) {
            Ok(e) => e.eval_bool(&env()),
            Err(e) => panic!("{src}: {e}"),
        }
    }

    #[test]
    fn evaluates_odk_style() {
        assert!(t("${q09} = 'ja'"));
        assert!(t("${q09}='ja' and not(${q09} = 'nee')"));
        assert!(t("${missing} = ''"));
        assert!(!t("${missing} = 'x'"));
        assert!(t("${missing} != 'x'"));
        assert!(!t("${missing} > 3"));
        assert!(!t("${missing} < 3"));
        assert!(!t("selected(${missing}, 'x')"));
        assert!(t("count-selected(${missing}) = 0"));
        assert!(t("selected(${q17}, 'nee')"));
        assert!(!t("selected(${q17}, 'gemeente')"));
        assert!(t("count-selected(${q17}) = 2"));
        assert!(t("${age} >= 18 and ${age} <= 120"));
        assert!(t(". > 5 and . < 10"));
        assert!(t(
            "${age} + 1 = 43 and ${age} * 2 = 84 and ${age} div 2 = 21"
        ));
        assert!(t("${age} mod 5 = 2 and -${age} < 0 and 1 - 2 - 3 = -4"));
        assert!(t("1 + 2 * 3 = 7 and (1 + 2) * 3 = 9"));
        assert!(t("${d} > '2024-01-01' and ${d} < \"2025-01-01\""));
        assert!(t("${q09} = 'nee' or ${age} = 42"));
        assert!(t("string-length(${q09}) = 2 and true() and not(false())"));
        assert!(t("'10' = 10 and .5 < 1"));
    }

    #[test]
    fn errors_carry_positions() {
        let e = Expression::parse("${q09} = 'ja' and").unwrap_err();
        assert_eq!(e.kind, ExprErrorKind::UnexpectedEnd);
        assert_eq!(e.column, 18);
        let e = Expression::parse("${q09} == 'ja'").unwrap_err();
        assert_eq!(e.kind, ExprErrorKind::Unexpected("=".into()));
        assert_eq!(e.column, 9);
        let e = Expression::parse("seleted(${a}, 'x')").unwrap_err();
        assert!(matches!(e.kind, ExprErrorKind::UnknownFunction(_)));
        let e = Expression::parse("selected(${a})").unwrap_err();
        assert!(matches!(e.kind, ExprErrorKind::WrongArity { .. }));
        let e = Expression::parse("'open").unwrap_err();
        assert_eq!(e.kind, ExprErrorKind::UnterminatedString);
        let e = Expression::parse("${a b}").unwrap_err();
        assert!(matches!(e.kind, ExprErrorKind::BadRefName(_)));
        let e = Expression::parse("é ${a}").unwrap_err();
        assert_eq!(e.column, 1);
        let e = Expression::parse("é / ${a}");
        assert!(e.is_err());
        let deep = "(".repeat(10_000);
        assert_eq!(
            Expression::parse(&deep).unwrap_err().kind,
            ExprErrorKind::TooDeep
        );
        assert!(Expression::parse("   ").is_err());
        assert!(
            !Expression::parse("1 / 2")
                .unwrap_err()
                .message_nl()
                .is_empty()
        );
    }

    #[test]
    fn records_references() {
        let e = Expression::parse("${a} = 1 or selected(${b}, 'x') and filt = 'y'").unwrap();
        let names: Vec<_> = e
            .references()
            .iter()
            .map(|r| (r.name.as_str(), r.offset))
            .collect();
        assert_eq!(names, vec![("a", 0), ("b", 21)]);
        assert_eq!(e.fields()[0].name, "filt");
        assert!(!e.uses_current());
    }

    fn arb_expr() -> impl Strategy<Value = Expr> {
        let name = "[a-z][a-z0-9_]{0,6}";
        let leaf = prop_oneof![
            (0u32..100_000).prop_map(|n| Expr::Num(f64::from(n) / 8.0)),
            "[a-z0-9 ']{0,6}".prop_map(Expr::Str),
            name.prop_map(Expr::Ref),
            Just(Expr::Current),
            name.prop_filter("keyword", |n| !matches!(
                n.as_str(),
                "and" | "or" | "div" | "mod"
            ))
            .prop_map(Expr::Field),
        ];
        leaf.prop_recursive(5, 48, 4, |inner| {
            let ops = prop::sample::select(vec![
                BinOp::Or,
                BinOp::And,
                BinOp::Eq,
                BinOp::Ne,
                BinOp::Lt,
                BinOp::Le,
                BinOp::Gt,
                BinOp::Ge,
                BinOp::Add,
                BinOp::Sub,
                BinOp::Mul,
                BinOp::Div,
                BinOp::Mod,
            ]);
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
                (ops, inner.clone(), inner.clone()).prop_map(|(op, l, r)| Expr::Binary(
                    op,
                    Box::new(l),
                    Box::new(r)
                )),
                (inner.clone(), "[a-z]{1,3}")
                    .prop_map(|(a, s)| Expr::Call(Func::Selected, vec![a, Expr::Str(s)])),
                inner
                    .clone()
                    .prop_map(|a| Expr::Call(Func::CountSelected, vec![a])),
                inner.prop_map(|a| Expr::Call(Func::Not, vec![a])),
                Just(Expr::Call(Func::True, vec![])),
            ]
        })
    }

    proptest! {
        #[test]
        fn parser_never_panics(s in "\\PC{0,80}") {
            let _ = Expression::parse(&s);
        }

        #[test]
        fn parser_never_panics_on_near_expressions(s in "[${}()'\". a-z0-9=!<>+*,-]{0,60}") {
            if let Ok(e) = Expression::parse(&s) {
                let _ = e.eval_bool(&env());
            }
        }

        #[test]
        fn print_parse_round_trip(e in arb_expr()) {
            let printed = e.to_string();
            let parsed = Expression::parse(&printed);
            prop_assert!(parsed.is_ok(), "{printed}: {:?}", parsed.err());
            if let Ok(p) = parsed {
                prop_assert_eq!(p.ast(), &e);
                prop_assert_eq!(p.ast().to_string(), printed);
            }
        }
    }
}
