//! The drug-waste protocol: who does what when drugsafval is found.
//!
//! A signal of category [`Category::Drugsafval`] opens a [`Checklist`] on
//! [`drugsafval`]. Safety comes first: the safety step must be ticked before
//! any other. Each step names the responsible party and is ticked once, with
//! user and time; steps that do not always apply (the water board only when
//! water is involved) can be ticked as not applicable, with a reason. The
//! wording follows the programme's own texts ("Drugsdump of drugslab, en
//! nu?", the protocol drugsdumping for Omgevingsdienst and police, the
//! subsidieregeling drugsafval).

use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::{Timestamp, code_enum};

code_enum!(
    /// Who is responsible for a step.
    Party {
        Iedereen => "iedereen",
        Gemeente => "gemeente",
        Politie => "politie",
        Omgevingsdienst => "omgevingsdienst",
        Waterschap => "waterschap",
    }
);

impl Party {
    pub fn name_nl(self) -> &'static str {
        match self {
            Party::Iedereen => "Iedereen ter plaatse",
            Party::Gemeente => "Gemeente",
            Party::Politie => "Politie",
            Party::Omgevingsdienst => "Omgevingsdienst",
            Party::Waterschap => "Waterschap",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Party::Iedereen => "Everyone on site",
            Party::Gemeente => "Municipality",
            Party::Politie => "Police",
            Party::Omgevingsdienst => "Environmental service",
            Party::Waterschap => "Water board",
        }
    }
}

/// One step of a protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolStep {
    pub code: String,
    pub responsible: Party,
    pub title_nl: String,
    pub title_en: String,
    pub detail_nl: String,
    pub detail_en: String,
    /// Must be ticked before any other step.
    #[serde(default)]
    pub safety_first: bool,
    /// Does not always apply; may be ticked as not applicable.
    #[serde(default)]
    pub conditional: bool,
}

/// A checklist definition. A checklist keeps a copy, so a later change of
/// the protocol does not change checklists already opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protocol {
    pub code: String,
    pub version: u32,
    pub steps: Vec<ProtocolStep>,
}

/// The protocol for a category, if it has one.
pub fn for_category(category: Category) -> Option<Protocol> {
    category.opens_drug_waste_protocol().then(drugsafval)
}

#[allow(clippy::too_many_arguments)]
fn step(
    code: &str,
    responsible: Party,
    title_nl: &str,
    title_en: &str,
    detail_nl: &str,
    detail_en: &str,
    safety_first: bool,
    conditional: bool,
) -> ProtocolStep {
    ProtocolStep {
        code: code.into(),
        responsible,
        title_nl: title_nl.into(),
        title_en: title_en.into(),
        detail_nl: detail_nl.into(),
        detail_en: detail_en.into(),
        safety_first,
        conditional,
    }
}

/// The drug-waste (drugsafval / drugsdumping) protocol.
pub fn drugsafval() -> Protocol {
    let steps = vec![
        step(
            "veiligheid",
            Party::Iedereen,
            "Veiligheid eerst",
            "Safety first",
            "Raak niets aan, ruik er niet aan en verplaats niets. Houd afstand en blijf boven de \
             wind. Is er gevaar (brand, lekkage, een sterke chemische lucht, iemand voelt zich \
             niet goed)? Bel direct 112. Waarschuw de melder en mensen in de buurt.",
            "Do not touch, smell or move anything. Keep your distance and stay upwind. Is there \
             danger (fire, leaking, a strong chemical smell, someone feels unwell)? Call 112 \
             immediately. Warn the reporter and people nearby.",
            true,
            false,
        ),
        step(
            "politie_inlichten",
            Party::Gemeente,
            "Politie inlichten",
            "Inform the police",
            "Meld de vondst bij de politie (112 bij gevaar, anders 0900-8844). Geef de plek en \
             wat er is gezien, niet wie het meldde.",
            "Report the find to the police (112 when there is danger, else 0900-8844). Give the \
             place and what was seen, not who reported it.",
            false,
            false,
        ),
        step(
            "politie_ter_plaatse",
            Party::Politie,
            "Plek afzetten en onderzoek",
            "Secure the site and investigate",
            "De politie zet de plek zo nodig af en doet onderzoek naar de dumping.",
            "The police secure the site where needed and investigate the dumping.",
            false,
            false,
        ),
        step(
            "omgevingsdienst",
            Party::Omgevingsdienst,
            "Milieurisico beoordelen",
            "Assess the environmental risk",
            "De Omgevingsdienst beoordeelt de risico's voor bodem, water en omgeving en \
             adviseert over het veilig opruimen (protocol drugsdumping).",
            "The Omgevingsdienst assesses the risks for soil, water and surroundings and advises \
             on safe clean-up (drug-dumping protocol).",
            false,
            false,
        ),
        step(
            "waterschap",
            Party::Waterschap,
            "Waterschap inschakelen",
            "Involve the water board",
            "Alleen als er afval in of bij water, een sloot of het riool is terechtgekomen: het \
             waterschap beoordeelt de schade aan het water en neemt maatregelen.",
            "Only when waste has ended up in or near water, a ditch or the sewer: the water \
             board assesses the damage to the water and takes measures.",
            false,
            true,
        ),
        step(
            "opruimen",
            Party::Gemeente,
            "Laten opruimen",
            "Arrange the clean-up",
            "Laat het afval en de vervuilde grond opruimen door een gespecialiseerd bedrijf, in \
             overleg met de Omgevingsdienst.",
            "Have the waste and the polluted soil removed by a specialised company, in \
             consultation with the Omgevingsdienst.",
            false,
            false,
        ),
        step(
            "eigenaar_informeren",
            Party::Gemeente,
            "Eigenaar informeren",
            "Inform the owner",
            "Informeer de eigenaar van de grond of het gebouw over de vondst, het opruimen en de \
             kosten.",
            "Inform the owner of the land or building about the find, the clean-up and the \
             costs.",
            false,
            false,
        ),
        step(
            "subsidie",
            Party::Gemeente,
            "Subsidieregeling drugsafval",
            "Drug-waste subsidy scheme",
            "Vraag een vergoeding van de opruimkosten aan via de subsidieregeling drugsafval. \
             Controleer de actuele voorwaarden en termijnen van de regeling.",
            "Apply for reimbursement of the clean-up costs through the drug-waste subsidy scheme \
             (subsidieregeling drugsafval). Check the scheme's current conditions and deadlines.",
            false,
            false,
        ),
        step(
            "omgeving_informeren",
            Party::Gemeente,
            "Omgeving informeren",
            "Inform the neighbourhood",
            "Informeer buren en omgeving volgens de persinstructie en vraag om verdachte zaken \
             te melden. Noem nooit de melder.",
            "Inform neighbours and the area following the press instruction and ask people to \
             report suspicious things. Never name the reporter.",
            false,
            false,
        ),
    ];
    Protocol {
        code: "drugsafval".into(),
        version: 1,
        steps,
    }
}

/// How a step was ticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TickOutcome {
    Done,
    /// Only for conditional steps, with a note saying why.
    NotApplicable,
}

/// A ticked step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub step: String,
    /// User id.
    pub by: String,
    pub at: Timestamp,
    pub outcome: TickOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum ProtocolError {
    #[error("the protocol has no step {step:?}")]
    UnknownStep { step: String },
    #[error("step {step} was already ticked")]
    AlreadyTicked { step: String },
    #[error("tick the safety step {safety_step} first")]
    SafetyFirst { safety_step: String },
    #[error("step {step} always applies")]
    NotApplicableNotAllowed { step: String },
    #[error("say why step {step} does not apply")]
    ReasonRequired { step: String },
}

/// A protocol opened for one signal, with its ticks (appended, never changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub protocol: Protocol,
    pub ticks: Vec<Tick>,
}

/// The state of one step for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepStatus<'a> {
    pub step: &'a ProtocolStep,
    pub tick: Option<&'a Tick>,
}

impl Checklist {
    pub fn new(protocol: Protocol) -> Checklist {
        Checklist {
            protocol,
            ticks: Vec::new(),
        }
    }

    pub fn tick_of(&self, step: &str) -> Option<&Tick> {
        self.ticks.iter().find(|t| t.step == step)
    }

    /// Ticks `step` by user `by` at `at`.
    pub fn tick(
        &mut self,
        step: &str,
        by: &str,
        at: Timestamp,
        outcome: TickOutcome,
        note: Option<&str>,
    ) -> Result<&Tick, ProtocolError> {
        let def = self
            .protocol
            .steps
            .iter()
            .find(|s| s.code == step)
            .ok_or_else(|| ProtocolError::UnknownStep { step: step.into() })?;
        if self.tick_of(step).is_some() {
            return Err(ProtocolError::AlreadyTicked { step: step.into() });
        }
        if !def.safety_first
            && let Some(safety) = self
                .protocol
                .steps
                .iter()
                .find(|s| s.safety_first && self.tick_of(&s.code).is_none())
        {
            return Err(ProtocolError::SafetyFirst {
                safety_step: safety.code.clone(),
            });
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if outcome == TickOutcome::NotApplicable {
            if !def.conditional {
                return Err(ProtocolError::NotApplicableNotAllowed { step: step.into() });
            }
            if note.is_none() {
                return Err(ProtocolError::ReasonRequired { step: step.into() });
            }
        }
        self.ticks.push(Tick {
            step: step.into(),
            by: by.into(),
            at,
            outcome,
            note: note.map(|n| n.chars().take(2000).collect()),
        });
        Ok(&self.ticks[self.ticks.len() - 1])
    }

    /// Every step with its tick, in protocol order.
    pub fn steps(&self) -> Vec<StepStatus<'_>> {
        self.protocol
            .steps
            .iter()
            .map(|s| StepStatus {
                step: s,
                tick: self.tick_of(&s.code),
            })
            .collect()
    }

    /// Steps not yet ticked, in protocol order.
    pub fn open_steps(&self) -> Vec<&ProtocolStep> {
        self.protocol
            .steps
            .iter()
            .filter(|s| self.tick_of(&s.code).is_none())
            .collect()
    }

    /// Every step is ticked (done, or not applicable where allowed).
    pub fn is_complete(&self) -> bool {
        self.open_steps().is_empty()
    }

    /// (ticked, total).
    pub fn progress(&self) -> (usize, usize) {
        let total = self.protocol.steps.len();
        (total - self.open_steps().len(), total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_covers_safety_and_every_party() {
        let p = drugsafval();
        assert_eq!(p.steps[0].code, "veiligheid");
        assert!(p.steps[0].safety_first);
        assert!(p.steps[0].detail_nl.contains("112") && p.steps[0].detail_en.contains("112"));
        assert!(p.steps[0].detail_nl.contains("Raak niets aan"));
        for party in [
            Party::Politie,
            Party::Omgevingsdienst,
            Party::Gemeente,
            Party::Waterschap,
        ] {
            assert!(p.steps.iter().any(|s| s.responsible == party), "{party}");
        }
        assert!(
            p.steps
                .iter()
                .any(|s| s.detail_nl.contains("subsidieregeling drugsafval"))
        );
        let codes: std::collections::HashSet<_> = p.steps.iter().map(|s| &s.code).collect();
        assert_eq!(codes.len(), p.steps.len());
        for s in &p.steps {
            assert!(
                !s.detail_nl.contains("  ") && !s.detail_en.contains("  "),
                "{}",
                s.code
            );
        }
        assert!(for_category(Category::Drugsafval).is_some());
        assert!(for_category(Category::Hennepteelt).is_none());
    }

    #[test]
    fn ticking_in_order_until_complete() {
        let mut c = Checklist::new(drugsafval());
        assert_eq!(
            c.tick("politie_inlichten", "u1", 10, TickOutcome::Done, None),
            Err(ProtocolError::SafetyFirst {
                safety_step: "veiligheid".into()
            })
        );
        let t = c
            .tick(
                "veiligheid",
                "u1",
                10,
                TickOutcome::Done,
                Some("melder gewaarschuwd"),
            )
            .unwrap();
        assert_eq!((t.by.as_str(), t.at), ("u1", 10));
        assert_eq!(
            c.tick("veiligheid", "u2", 11, TickOutcome::Done, None),
            Err(ProtocolError::AlreadyTicked {
                step: "veiligheid".into()
            })
        );
        assert!(matches!(
            c.tick("bestaat_niet", "u1", 12, TickOutcome::Done, None),
            Err(ProtocolError::UnknownStep { .. })
        ));
        assert_eq!(
            c.tick("opruimen", "u1", 12, TickOutcome::NotApplicable, Some("x")),
            Err(ProtocolError::NotApplicableNotAllowed {
                step: "opruimen".into()
            })
        );
        assert_eq!(
            c.tick(
                "waterschap",
                "u1",
                12,
                TickOutcome::NotApplicable,
                Some("  ")
            ),
            Err(ProtocolError::ReasonRequired {
                step: "waterschap".into()
            })
        );
        c.tick(
            "waterschap",
            "u3",
            13,
            TickOutcome::NotApplicable,
            Some("Geen water in de buurt"),
        )
        .unwrap();
        assert_eq!(c.progress(), (2, 9));
        assert!(!c.is_complete());
        let open: Vec<String> = c.open_steps().iter().map(|s| s.code.clone()).collect();
        for (i, step) in open.iter().enumerate() {
            c.tick(step, "u4", 20 + i as i64, TickOutcome::Done, None)
                .unwrap();
        }
        assert!(c.is_complete());
        assert_eq!(c.progress(), (9, 9));
        assert!(c.steps().iter().all(|s| s.tick.is_some()));
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Checklist>(&json).unwrap(), c);
    }
}
