//! The report model: [`analyse`] turns a definition, the responses and the
//! invited population into plain data (serde `Serialize`) holding everything
//! the compact report needs. Disclosure control is applied per
//! [`Audience`]: analysts see every count and open answer; published output
//! has small counts suppressed (with secondary suppression), percentages
//! only on a sufficient base, sub-areas only with enough responses, and no
//! open answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::advice::{Recommendation, RuleSet, default_rules, recommend};
use crate::definition::{Definition, Lang, Node, QuestionType};
use crate::disclosure::{
    BaseRule, DisclosureConfig, Shown, ShownTable, protect, protect_with, shown_table,
};
use crate::reference::{CAUTION_EN, CAUTION_NL, ReferenceFigure, reference_figures};
use crate::runtime::Answer;
use crate::stats::{
    Counts, Metric, MetricValue, Population, Response, compute_metric, count_all, crosstab,
    default_metrics, response_rate, share,
};

/// Who the report is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The analyst role: everything, unsuppressed, with open answers.
    Analyst,
    /// Everyone else (report, council, partners): disclosure control applied.
    Published,
}

/// Police figures for the municipality (from imported partner incidents),
/// passed through with the same small-count rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceFigure {
    pub kind: String,
    pub year: i32,
    pub count: u64,
}

/// Everything [`analyse`] can be told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportConfig {
    pub audience: Audience,
    pub language: Lang,
    pub municipality: String,
    pub disclosure: DisclosureConfig,
    pub metrics: Vec<Metric>,
    pub rules: RuleSet,
    /// Pairs of `select_one` questions to cross-tabulate (rows, columns).
    pub crosstabs: Vec<(String, String)>,
    pub police: Vec<PoliceFigure>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            audience: Audience::Published,
            language: Lang::Nl,
            municipality: String::new(),
            disclosure: DisclosureConfig::default(),
            metrics: default_metrics(),
            rules: default_rules(),
            crosstabs: vec![
                ("q12".into(), "q20".into()),
                ("q09".into(), "q20".into()),
                ("q06".into(), "q20".into()),
            ],
            police: Vec::new(),
        }
    }
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub audience: Audience,
    pub language: Lang,
    pub title: String,
    pub municipality: String,
    pub form_id: String,
    pub version: String,
    /// Key sentences for the summary, in `language`.
    pub summary: Vec<String>,
    pub method: Method,
    /// Every metric; `headline` marks the three indicators of §D.
    pub indicators: Vec<IndicatorRow>,
    /// Headline indicators per sub-area (published: only large enough areas).
    pub areas: Vec<AreaIndicators>,
    /// One section per page of the survey.
    pub sections: Vec<Section>,
    pub crosstabs: Vec<CrossTable>,
    pub references: References,
    pub police: Vec<PoliceRow>,
    pub recommendations: Vec<Recommendation>,
    /// Analyst only; always empty in published output.
    pub open_answers: Vec<OpenAnswers>,
}

/// Method and response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    pub invited: u64,
    pub responses: u64,
    pub response_rate: f64,
    pub online: u64,
    pub paper: u64,
    pub areas: Vec<AreaRow>,
    pub notes: Vec<String>,
}

/// Response in one sub-area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRow {
    pub area: String,
    pub invited: u64,
    pub responses: Shown,
    pub rate: Option<f64>,
}

/// A metric as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    pub id: String,
    pub label: String,
    pub headline: bool,
    pub base: u64,
    /// `None` when it may not be shown (`x`).
    pub value: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub indicative: bool,
}

/// Headline indicators of one sub-area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaIndicators {
    pub area: String,
    pub responses: u64,
    pub indicators: Vec<IndicatorRow>,
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub tables: Vec<QuestionTable>,
}

/// Frequencies of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionTable {
    pub question: String,
    pub label: String,
    pub multiple: bool,
    /// Respondents who answered.
    pub base: Shown,
    pub base_rule: BaseRule,
    pub rows: Vec<TableRow>,
}

/// One answer category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    pub choice: String,
    pub label: String,
    pub count: Shown,
    /// Share of the base (0–1) with the 95 % interval, if shown.
    pub percent: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// A cross-tabulation as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CrossTable {
    pub row_question: String,
    pub col_question: String,
    pub row_label: String,
    pub col_label: String,
    pub row_labels: Vec<String>,
    pub col_labels: Vec<String>,
    pub table: ShownTable,
    /// Row percentages (share of the row total), where shown.
    pub row_percents: Vec<Vec<Option<f64>>>,
}

/// Comparison with the published reference figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct References {
    pub caution: String,
    pub rows: Vec<ReferenceRow>,
}

/// Our figure next to a reference figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceRow {
    pub metric: String,
    pub label: String,
    pub ours: Option<f64>,
    pub reference: ReferenceFigure,
}

/// A police figure as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoliceRow {
    pub kind: String,
    pub year: i32,
    pub count: Shown,
}

/// Open answers to one question (analyst only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenAnswers {
    pub question: String,
    pub label: String,
    pub answers: Vec<String>,
}

fn tr(lang: Lang, nl: &str, en: &str) -> String {
    if lang == Lang::Nl {
        nl.into()
    } else {
        en.into()
    }
}

fn decimal(lang: Lang, v: f64) -> String {
    let s = format!("{v:.2}");
    if lang == Lang::Nl {
        s.replace('.', ",")
    } else {
        s
    }
}

fn pct(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// Builds the report. Responses are first cleaned against the definition
/// (answers to hidden questions dropped), so the figures follow the skip
/// logic.
pub fn analyse(
    def: &Definition,
    responses: &[Response],
    population: &Population,
    config: &ReportConfig,
) -> Report {
    let lang = config.language;
    let fallback = def.settings.default_language;
    let dc = &config.disclosure;
    let published = config.audience == Audience::Published;
    let big_n = population.invited.max(responses.len() as u64);

    let responses: Vec<Response> = responses
        .iter()
        .map(|r| Response {
            answers: def.clean(&r.answers),
            area: r.area.clone(),
            channel: r.channel,
        })
        .collect();
    let n = responses.len() as u64;

    // Method and response, per sub-area with suppression.
    let rr = response_rate(population, &responses);
    let mut area_counts: Vec<(String, u64, u64)> = rr
        .areas
        .iter()
        .map(|a| (a.area.clone(), a.invited, a.responses))
        .collect();
    let in_areas: u64 = area_counts.iter().map(|a| a.2).sum();
    if !area_counts.is_empty() && in_areas < n {
        area_counts.push((tr(lang, "(onbekend)", "(unknown)"), 0, n - in_areas));
    }
    let area_cells: Vec<Vec<u64>> = area_counts.iter().map(|a| vec![a.2]).collect();
    let area_hidden: Vec<bool> = if !published || area_cells.is_empty() {
        vec![false; area_cells.len()]
    } else if n < dc.min_area_responses {
        vec![true; area_cells.len()]
    } else {
        let p = protect_with(&area_cells, |v| v > 0 && v < dc.min_area_responses);
        p.cells.iter().map(|r| r[0]).collect()
    };
    let areas_rows: Vec<AreaRow> = area_counts
        .iter()
        .zip(&area_hidden)
        .map(|((area, invited, resp), &hidden)| AreaRow {
            area: area.clone(),
            invited: *invited,
            responses: if hidden {
                Shown::Suppressed
            } else {
                Shown::Value(*resp)
            },
            rate: (!hidden && *invited > 0).then(|| *resp as f64 / *invited as f64),
        })
        .collect();

    let mut notes = vec![
        tr(
            lang,
            &format!(
                "Alle {} adressen in het gebied kregen een brief van de burgemeester met een persoonlijke code; {} adressen deden mee ({}), {} online en {} op papier. De antwoorden zijn anoniem: ze zijn niet te koppelen aan een adres.",
                population.invited,
                n,
                pct(rr.rate),
                rr.online,
                rr.paper
            ),
            &format!(
                "All {} addresses in the area received a letter from the mayor with a personal code; {} addresses took part ({}), {} online and {} on paper. The answers are anonymous: they cannot be linked to an address.",
                population.invited,
                n,
                pct(rr.rate),
                rr.online,
                rr.paper
            ),
        ),
        tr(
            lang,
            "Marges zijn 95%-betrouwbaarheidsintervallen (aangepaste Wald-methode met eindige-populatiecorrectie). Ze dekken alleen de toevalsfout; vertekening doordat niet iedereen meedeed is waarschijnlijk groter.",
            "Margins are 95% confidence intervals (adjusted Wald with finite population correction). They cover sampling error only; bias from non-response is probably larger.",
        ),
    ];
    if published {
        notes.push(tr(
            lang,
            &format!(
                "Om herkenning te voorkomen zijn aantallen van 1 tot en met {} en de cellen waaruit ze zijn af te leiden vervangen door x; percentages staan er alleen bij ten minste {} antwoorden (indicatief onder {}); deelgebieden alleen bij ten minste {} antwoorden; open antwoorden worden niet gepubliceerd. Tekens: x = geheim, – = nihil, . = gegevens ontbreken.",
                dc.min_count.saturating_sub(1), dc.min_base, dc.indicative_below, dc.min_area_responses
            ),
            &format!(
                "To prevent recognition, counts from 1 to {} and the cells they could be derived from are replaced by x; percentages are shown only on at least {} answers (indicative below {}); sub-areas only with at least {} responses; open answers are not published. Symbols: x = confidential, – = nil, . = not available.",
                dc.min_count.saturating_sub(1), dc.min_base, dc.indicative_below, dc.min_area_responses
            ),
        ));
    }

    // Metrics.
    let metric_values: Vec<MetricValue> = config
        .metrics
        .iter()
        .filter_map(|m| compute_metric(def, &responses, big_n, m))
        .collect();
    let publishable = |m: &MetricValue| {
        if !published {
            return m.base > 0;
        }
        if m.base < dc.min_base {
            return false;
        }
        match m.count {
            Some(c) => !dc.is_small(c) && !dc.is_small(m.base - c),
            None => true,
        }
    };
    let row_of = |m: &MetricValue| {
        let show = publishable(m) && !m.value.estimate.is_nan();
        IndicatorRow {
            id: m.id.clone(),
            label: if lang == Lang::Nl {
                m.label_nl.clone()
            } else {
                m.label_en.clone()
            },
            headline: m.headline,
            base: m.base,
            value: show.then_some(m.value.estimate),
            lower: show.then_some(m.value.lower),
            upper: show.then_some(m.value.upper),
            indicative: dc.base_rule(m.base) != BaseRule::Ok,
        }
    };
    let indicators: Vec<IndicatorRow> = metric_values.iter().map(row_of).collect();

    // Headline indicators per sub-area.
    let mut by_area: BTreeMap<&str, Vec<&Response>> = BTreeMap::new();
    for r in &responses {
        if let Some(a) = &r.area {
            by_area.entry(a.as_str()).or_default().push(r);
        }
    }
    let mut areas = Vec::new();
    for (area, rs) in &by_area {
        let count = rs.len() as u64;
        if published && count < dc.min_area_responses {
            continue;
        }
        let Some(&invited) = population.areas.get(*area) else {
            continue;
        };
        let rows = config
            .metrics
            .iter()
            .filter(|m| m.headline)
            .filter_map(|m| compute_metric(def, rs.iter().copied(), invited.max(count), m))
            .map(|m| row_of(&m))
            .collect();
        areas.push(AreaIndicators {
            area: (*area).to_string(),
            responses: count,
            indicators: rows,
        });
    }

    // Frequencies per section.
    let counts = count_all(def, &responses);
    let counts_of = |q: &str| counts.iter().find(|c| c.question == q);
    let mut sections = Vec::new();
    let mut open_answers = Vec::new();
    let mut loose = Vec::new();
    let mut collect = |qs: &[usize], tables: &mut Vec<QuestionTable>| {
        for &qi in qs {
            let q = &def.questions[qi];
            match &q.kind {
                QuestionType::SelectOne(_) | QuestionType::SelectMultiple(_) => {
                    if let Some(c) = counts_of(&q.name) {
                        let mut label = q.label.get(lang, fallback).to_string();
                        if let Some(g) = q.parent.filter(|&g| def.groups[g].grid.is_some()) {
                            label =
                                format!("{} — {label}", def.groups[g].label.get(lang, fallback));
                        }
                        tables.push(question_table(def, qi, c, label, big_n, config));
                    }
                }
                QuestionType::Text if !published => {
                    let answers: Vec<String> = responses
                        .iter()
                        .filter_map(|r| match r.answers.get(&q.name) {
                            Some(Answer::Text(t)) if !t.trim().is_empty() => Some(t.clone()),
                            _ => None,
                        })
                        .collect();
                    open_answers.push(OpenAnswers {
                        question: q.name.clone(),
                        label: q.label.get(lang, fallback).to_string(),
                        answers,
                    });
                }
                _ => {}
            }
        }
    };
    for node in &def.outline {
        match node {
            Node::Question(i) => loose.push(*i),
            Node::Group(g) => {
                let mut qs = Vec::new();
                descendants(def, *g, &mut qs);
                let mut tables = Vec::new();
                collect(&qs, &mut tables);
                sections.push(Section {
                    id: def.groups[*g].name.clone(),
                    title: def.groups[*g].label.get(lang, fallback).to_string(),
                    tables,
                });
            }
        }
    }
    if !loose.is_empty() {
        let mut tables = Vec::new();
        collect(&loose, &mut tables);
        sections.push(Section {
            id: "overig".into(),
            title: tr(lang, "Overige vragen", "Other questions"),
            tables,
        });
    }

    // Cross-tabulations.
    let mut crosstabs = Vec::new();
    for (a, b) in &config.crosstabs {
        let Ok(ct) = crosstab(def, &responses, a, b) else {
            continue;
        };
        let protection = published.then(|| protect(&ct.cells, dc));
        let table = shown_table(&ct.cells, protection.as_ref());
        let row_percents = table
            .cells
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let base = table.row_totals.get(i).and_then(|s| s.value());
                row.iter()
                    .map(|cell| match (cell.value(), base) {
                        (Some(v), Some(b)) if b > 0 && (!published || b >= dc.min_base) => {
                            Some(v as f64 / b as f64)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let label = |q: &str| {
            def.question(q)
                .map_or(String::new(), |q| q.label.get(lang, fallback).to_string())
        };
        let choice_labels = |q: &str| -> Vec<String> {
            def.question(q).map_or(Vec::new(), |q| {
                def.choices_of(q)
                    .iter()
                    .map(|c| c.label.get(lang, fallback).to_string())
                    .collect()
            })
        };
        crosstabs.push(CrossTable {
            row_question: a.clone(),
            col_question: b.clone(),
            row_label: label(a),
            col_label: label(b),
            row_labels: choice_labels(a),
            col_labels: choice_labels(b),
            table,
            row_percents,
        });
    }

    // References.
    let references = References {
        caution: tr(lang, CAUTION_NL, CAUTION_EN),
        rows: reference_figures()
            .into_iter()
            .filter_map(|f| {
                let ours = indicators.iter().find(|i| i.id == f.metric)?;
                Some(ReferenceRow {
                    metric: f.metric.to_string(),
                    label: ours.label.clone(),
                    ours: ours.value,
                    reference: f,
                })
            })
            .collect(),
    };

    let police = config
        .police
        .iter()
        .map(|p| PoliceRow {
            kind: p.kind.clone(),
            year: p.year,
            count: if published && dc.is_small(p.count) {
                Shown::Suppressed
            } else {
                Shown::Value(p.count)
            },
        })
        .collect();

    let recommendations = recommend(&config.rules, &metric_values, publishable);

    // Summary.
    let mut summary = vec![tr(
        lang,
        &format!(
            "{} van de {} aangeschreven adressen vulden de enquête in (respons {}).",
            n,
            population.invited,
            pct(rr.rate)
        ),
        &format!(
            "{} of the {} invited addresses completed the survey (response {}).",
            n,
            population.invited,
            pct(rr.rate)
        ),
    )];
    for i in indicators.iter().filter(|i| i.headline) {
        let fmt = |v: f64| {
            if i.id == "kennis_signalen" {
                decimal(lang, v)
            } else {
                pct(v)
            }
        };
        let line = match (i.value, i.lower, i.upper) {
            (Some(v), Some(lo), Some(hi)) => format!(
                "{}: {} ({} {}–{}, n = {}){}",
                i.label,
                fmt(v),
                tr(lang, "marge", "margin"),
                fmt(lo),
                fmt(hi),
                i.base,
                if i.indicative {
                    tr(lang, " (indicatief)", " (indicative)")
                } else {
                    String::new()
                }
            ),
            _ => format!("{}: x (n = {})", i.label, i.base),
        };
        summary.push(line);
    }
    summary.push(if recommendations.is_empty() {
        tr(
            lang,
            "Geen van de regels van het handelingsperspectief sloeg aan.",
            "None of the rules of the action perspective applied.",
        )
    } else {
        let titles: Vec<String> = recommendations
            .iter()
            .map(|r| {
                if lang == Lang::Nl {
                    r.measure.title_nl.clone()
                } else {
                    r.measure.title_en.clone()
                }
            })
            .collect();
        format!(
            "{}: {}.",
            tr(lang, "Aanbevolen maatregelen", "Recommended measures"),
            titles.join("; ")
        )
    });

    Report {
        audience: config.audience,
        language: lang,
        title: def.settings.form_title.clone(),
        municipality: config.municipality.clone(),
        form_id: def.settings.form_id.clone(),
        version: def.settings.version.clone(),
        summary,
        method: Method {
            invited: population.invited,
            responses: n,
            response_rate: rr.rate,
            online: rr.online,
            paper: rr.paper,
            areas: areas_rows,
            notes,
        },
        indicators,
        areas,
        sections,
        crosstabs,
        references,
        police,
        recommendations,
        open_answers: if published { Vec::new() } else { open_answers },
    }
}

fn descendants(def: &Definition, g: usize, out: &mut Vec<usize>) {
    for c in &def.groups[g].children {
        match c {
            Node::Question(i) => out.push(*i),
            Node::Group(h) => descendants(def, *h, out),
        }
    }
}

fn question_table(
    def: &Definition,
    qi: usize,
    c: &Counts,
    label: String,
    big_n: u64,
    config: &ReportConfig,
) -> QuestionTable {
    let q = &def.questions[qi];
    let lang = config.language;
    let fallback = def.settings.default_language;
    let dc = &config.disclosure;
    let published = config.audience == Audience::Published;
    let base_rule = dc.base_rule(c.base);
    let pct_ok = c.base > 0 && (!published || base_rule != BaseRule::TooSmall);
    let choices = def.choices_of(q);
    // Which counts are hidden, and whether the base is.
    let (hidden, base_hidden): (Vec<bool>, bool) = if !published {
        (vec![false; c.counts.len()], false)
    } else if c.multiple {
        // Each choice is its own table: ticked, not ticked, base.
        let base_small = dc.is_small(c.base);
        let hidden = c
            .counts
            .iter()
            .map(|&t| {
                let p = protect(&[vec![t], vec![c.base - t.min(c.base)]], dc);
                base_small || p.cells[0][0]
            })
            .collect();
        (hidden, base_small)
    } else {
        let cells: Vec<Vec<u64>> = c.counts.iter().map(|&v| vec![v]).collect();
        let p = protect(&cells, dc);
        (p.cells.iter().map(|r| r[0]).collect(), p.col_totals[0])
    };
    let rows = c
        .choices
        .iter()
        .zip(&c.counts)
        .zip(&hidden)
        .map(|((name, &count), &h)| {
            let show_pct = pct_ok && !h && !base_hidden;
            let i = share(count, c.base, big_n);
            TableRow {
                choice: name.clone(),
                label: choices
                    .iter()
                    .find(|x| &x.name == name)
                    .map_or(name.clone(), |x| x.label.get(lang, fallback).to_string()),
                count: if h {
                    Shown::Suppressed
                } else {
                    Shown::Value(count)
                },
                percent: show_pct.then_some(i.estimate),
                lower: show_pct.then_some(i.lower),
                upper: show_pct.then_some(i.upper),
            }
        })
        .collect();
    QuestionTable {
        question: q.name.clone(),
        label,
        multiple: c.multiple,
        base: if base_hidden {
            Shown::Suppressed
        } else {
            Shown::Value(c.base)
        },
        base_rule,
        rows,
    }
}

impl Report {
    /// A plain-text rendering of the report's content (for previews,
    /// snapshots and the command line; the PDF/HTML is rendered elsewhere).
    pub fn to_text(&self) -> String {
        let lang = self.language;
        let mut s = String::new();
        let pct = |v: Option<f64>| v.map_or("x".to_string(), pct);
        s.push_str(&format!("{} — {}\n\n", self.title, self.municipality));
        s.push_str(&tr(lang, "Samenvatting\n", "Summary\n"));
        for l in &self.summary {
            s.push_str(&format!("- {l}\n"));
        }
        s.push_str(&tr(
            lang,
            "\nMethode en respons\n",
            "\nMethod and response\n",
        ));
        for l in &self.method.notes {
            s.push_str(&format!("{l}\n"));
        }
        for a in &self.method.areas {
            s.push_str(&format!(
                "  {}: {} / {} ({})\n",
                a.area,
                a.responses.display(),
                a.invited,
                pct(a.rate)
            ));
        }
        for sec in &self.sections {
            s.push_str(&format!("\n{}\n", sec.title));
            for t in &sec.tables {
                s.push_str(&format!("  {} (n = {})\n", t.label, t.base.display()));
                for r in &t.rows {
                    s.push_str(&format!(
                        "    {:<50} {:>6} {:>5}\n",
                        r.label,
                        r.count.display(),
                        pct(r.percent)
                    ));
                }
            }
        }
        s.push_str(&tr(lang, "\nIndicatoren\n", "\nIndicators\n"));
        for i in &self.indicators {
            let v = |x: Option<f64>| match x {
                Some(x) if i.id == "kennis_signalen" => decimal(lang, x),
                other => pct(other),
            };
            s.push_str(&format!(
                "  {}: {} [{}–{}] (n = {})\n",
                i.label,
                v(i.value),
                v(i.lower),
                v(i.upper),
                i.base
            ));
        }
        for a in &self.areas {
            s.push_str(&format!("  {} (n = {}):", a.area, a.responses));
            for i in &a.indicators {
                let v = match i.value {
                    Some(x) if i.id == "kennis_signalen" => decimal(lang, x),
                    other => pct(other),
                };
                s.push_str(&format!(" {} {v};", i.id));
            }
            s.push('\n');
        }
        for ct in &self.crosstabs {
            s.push_str(&format!("\n{} × {}\n", ct.row_label, ct.col_label));
            for (label, (row, total)) in ct
                .row_labels
                .iter()
                .zip(ct.table.cells.iter().zip(&ct.table.row_totals))
            {
                let cells: Vec<String> =
                    row.iter().map(|c| format!("{:>5}", c.display())).collect();
                s.push_str(&format!(
                    "  {label:<40} {} | {:>5}\n",
                    cells.join(" "),
                    total.display()
                ));
            }
        }
        if !self.police.is_empty() {
            s.push_str(&tr(lang, "\nPolitiecijfers\n", "\nPolice figures\n"));
            for p in &self.police {
                s.push_str(&format!("  {} {}: {}\n", p.kind, p.year, p.count.display()));
            }
        }
        s.push_str(&tr(
            lang,
            "\nHandelingsperspectief\n",
            "\nAction perspective\n",
        ));
        for r in &self.recommendations {
            let (title, text) = if lang == Lang::Nl {
                (&r.measure.title_nl, &r.measure.text_nl)
            } else {
                (&r.measure.title_en, &r.measure.text_en)
            };
            s.push_str(&format!("- {title}: {text}\n"));
            for t in &r.triggers {
                let e = if lang == Lang::Nl {
                    t.explain_nl()
                } else {
                    t.explain_en()
                };
                s.push_str(&format!("    {e}\n"));
            }
        }
        s.push_str(&tr(
            lang,
            "\nVergelijking met gepubliceerde cijfers\n",
            "\nComparison with published figures\n",
        ));
        for r in &self.references.rows {
            s.push_str(&format!(
                "  {}: {} — {} ({}, {}): {}\n",
                r.label,
                pct(r.ours),
                r.reference.study,
                r.reference.year,
                if lang == Lang::Nl {
                    r.reference.population_nl
                } else {
                    r.reference.population_en
                },
                r.reference.as_published
            ));
        }
        s.push_str(&format!("{}\n", self.references.caution));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::derivable;
    use crate::runtime::Answers;
    use crate::stats::Channel;
    use crate::synth::{synthetic_population, synthetic_responses};

    fn demo() -> (Definition, Population, Vec<Response>) {
        let def = crate::default_survey();
        let pop = synthetic_population(3000);
        let responses = synthetic_responses(&def, &pop, 0.3, 2026);
        (def, pop, responses)
    }

    #[test]
    fn published_report_has_no_small_counts_and_no_open_answers() {
        let (def, pop, responses) = demo();
        let cfg = ReportConfig::default();
        let rep = analyse(&def, &responses, &pop, &cfg);
        let dc = cfg.disclosure;
        assert!(rep.open_answers.is_empty());
        assert!(rep.method.responses > 700 && rep.method.responses < 1100);
        let json = serde_json::to_string(&rep).unwrap_or_default();
        assert!(!json.contains("Er wordt"), "open answer text leaked");
        for sec in &rep.sections {
            for t in &sec.tables {
                for r in &t.rows {
                    if let Shown::Value(v) = r.count {
                        assert!(!dc.is_small(v), "{} {}", t.question, r.choice);
                    }
                }
            }
        }
        for ct in &rep.crosstabs {
            for row in &ct.table.cells {
                for v in row.iter().filter_map(|c| c.value()) {
                    assert!(!dc.is_small(v));
                }
            }
        }
        for a in &rep.method.areas {
            if let Shown::Value(v) = a.responses {
                assert!(v == 0 || v >= dc.min_area_responses, "{a:?}");
            }
        }
        for a in &rep.areas {
            assert!(a.responses >= dc.min_area_responses);
        }
        assert!(rep.indicators.iter().filter(|i| i.headline).count() == 3);
        assert!(!rep.recommendations.is_empty());
        assert!(rep.to_text().contains("Handelingsperspectief"));
    }

    #[test]
    fn every_published_table_is_safe() {
        let (def, pop, responses) = demo();
        // Use a small subset so that small cells occur.
        let few: Vec<Response> = responses.into_iter().step_by(8).collect();
        let cfg = ReportConfig::default();
        let rep = analyse(&def, &few, &pop, &cfg);
        let analyst = analyse(
            &def,
            &few,
            &pop,
            &ReportConfig {
                audience: Audience::Analyst,
                ..ReportConfig::default()
            },
        );
        let mut suppressed = 0;
        for (sp, sa) in rep.sections.iter().zip(&analyst.sections) {
            for (tp, ta) in sp.tables.iter().zip(&sa.tables) {
                let truth: Vec<Vec<u64>> = ta
                    .rows
                    .iter()
                    .map(|r| vec![r.count.value().unwrap_or(0)])
                    .collect();
                if tp.multiple {
                    for (rp, ra) in tp.rows.iter().zip(&ta.rows) {
                        let t = ra.count.value().unwrap_or(0);
                        let b = ta.base.value().unwrap_or(0);
                        if rp.count == Shown::Suppressed {
                            suppressed += 1;
                            assert!(
                                cfg.disclosure.is_small(t)
                                    || cfg.disclosure.is_small(b - t)
                                    || tp.base == Shown::Suppressed
                            );
                        }
                    }
                    continue;
                }
                let prot = crate::disclosure::Protection {
                    cells: tp
                        .rows
                        .iter()
                        .map(|r| vec![r.count == Shown::Suppressed])
                        .collect(),
                    row_totals: Vec::new(),
                    col_totals: vec![tp.base == Shown::Suppressed],
                    total: false,
                    primary: 0,
                    secondary: 0,
                };
                suppressed += prot.cells.iter().filter(|c| c[0]).count();
                assert!(!derivable(&truth, &prot), "{}", tp.question);
                for r in &tp.rows {
                    if r.percent.is_some() {
                        assert!(tp.base.value().unwrap_or(0) >= cfg.disclosure.min_base);
                    }
                }
            }
        }
        assert!(suppressed > 0);
        for (cp, ca) in rep.crosstabs.iter().zip(&analyst.crosstabs) {
            let truth: Vec<Vec<u64>> = ca
                .table
                .cells
                .iter()
                .map(|r| r.iter().map(|c| c.value().unwrap_or(0)).collect())
                .collect();
            let prot = crate::disclosure::Protection {
                cells: cp
                    .table
                    .cells
                    .iter()
                    .map(|r| r.iter().map(|c| *c == Shown::Suppressed).collect())
                    .collect(),
                row_totals: cp
                    .table
                    .row_totals
                    .iter()
                    .map(|c| *c == Shown::Suppressed)
                    .collect(),
                col_totals: cp
                    .table
                    .col_totals
                    .iter()
                    .map(|c| *c == Shown::Suppressed)
                    .collect(),
                total: cp.table.total == Some(Shown::Suppressed),
                primary: 0,
                secondary: 0,
            };
            assert!(
                !derivable(&truth, &prot),
                "{}×{}",
                cp.row_question,
                cp.col_question
            );
        }
        // Sub-areas below 100 responses are not shown.
        assert!(rep.areas.is_empty());
        assert!(!analyst.areas.is_empty());
        assert!(!analyst.open_answers.is_empty());
    }

    #[test]
    fn analyst_sees_everything_and_figures_match() {
        let def = crate::default_survey();
        let pop = Population {
            invited: 400,
            areas: BTreeMap::new(),
        };
        let mut responses = Vec::new();
        for i in 0..100 {
            let mut a = Answers::new();
            let q12 = if i < 12 { "ja5" } else { "nee" };
            a.insert("q12".into(), Answer::Choice(q12.into()));
            responses.push(Response {
                answers: a,
                area: None,
                channel: Channel::Paper,
            });
        }
        let rep = analyse(
            &def,
            &responses,
            &pop,
            &ReportConfig {
                audience: Audience::Analyst,
                language: Lang::En,
                ..ReportConfig::default()
            },
        );
        let b = rep.indicators.iter().find(|i| i.id == "benaderd");
        let b = b.unwrap_or_else(|| panic!("benaderd"));
        assert_eq!(b.value, Some(0.12));
        // Interval bounds are those of ci.prop.fpc(.05, 12, 100, 400).
        assert!((b.lower.unwrap_or(0.0) - 0.07773565).abs() < 1e-7);
        assert!((b.upper.unwrap_or(0.0) - 0.1914951).abs() < 1e-7);
        assert!(rep.summary[0].contains("100 of the 400"));
        let rec = rep
            .recommendations
            .iter()
            .find(|r| r.measure.id == "veilig_verhuren");
        assert!(rec.is_some_and(|r| r.triggers[0].figure == Some(0.12)));
    }

    /// The report's text content for a fixed synthetic municipality (3 000
    /// addresses, 30 % response, seed 2026), as published and as the analyst
    /// sees it. A change in wording, figures, suppression or the
    /// recommendations shows up as a snapshot diff to review.
    #[test]
    fn report_text_snapshots() {
        let (def, pop, responses) = demo();
        let police = [
            ("hennep", 2024, 3),
            ("drugsafval", 2024, 2),
            ("hennep", 2025, 6),
        ]
        .into_iter()
        .map(|(kind, year, count)| PoliceFigure {
            kind: kind.into(),
            year,
            count,
        })
        .collect();
        let cfg = ReportConfig {
            municipality: "Gemeente Voorbeeld".into(),
            police,
            ..ReportConfig::default()
        };
        let published = analyse(&def, &responses, &pop, &cfg);
        insta::assert_snapshot!("report_published_nl", published.to_text());
        let few: Vec<Response> = responses.into_iter().step_by(8).collect();
        let analyst = analyse(
            &def,
            &few,
            &pop,
            &ReportConfig {
                audience: Audience::Analyst,
                language: Lang::En,
                ..cfg
            },
        );
        insta::assert_snapshot!("report_analyst_en_small", analyst.to_text());
    }
}
