//! What a signal is about, and where a professional signal came from.
//!
//! The category codes are stable: they are stored with every signal, used in
//! retention rules and deadlines, and appear in exports. Names and the short
//! explanations (B1 Dutch, plain English) are what the public form shows.

use crate::code_enum;

code_enum!(
    /// The category of a signal. Every signal has exactly one.
    Category {
        Hennepteelt => "hennepteelt",
        SynthetischDrugslab => "synthetisch_drugslab",
        Drugsafval => "drugsafval",
        Drugsopslag => "drugsopslag",
        BenaderdDoorCriminelen => "benaderd_door_criminelen",
        VerdachteVerhuurOfLeegstand => "verdachte_verhuur_leegstand",
        Arbeidsuitbuiting => "arbeidsuitbuiting",
        Overig => "overig",
    }
);

impl Category {
    /// The Dutch name as shown on the form.
    pub fn name_nl(self) -> &'static str {
        match self {
            Category::Hennepteelt => "Hennepteelt",
            Category::SynthetischDrugslab => "Synthetisch drugslab",
            Category::Drugsafval => "Drugsafval of dumping",
            Category::Drugsopslag => "Opslag van drugs",
            Category::BenaderdDoorCriminelen => "Benaderd door criminelen",
            Category::VerdachteVerhuurOfLeegstand => "Verdachte verhuur of leegstand",
            Category::Arbeidsuitbuiting => "Arbeidsuitbuiting",
            Category::Overig => "Overig",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Category::Hennepteelt => "Cannabis cultivation",
            Category::SynthetischDrugslab => "Synthetic drugs lab",
            Category::Drugsafval => "Drug waste or dumping",
            Category::Drugsopslag => "Storage of drugs",
            Category::BenaderdDoorCriminelen => "Approached by criminals",
            Category::VerdachteVerhuurOfLeegstand => "Suspicious rental or vacancy",
            Category::Arbeidsuitbuiting => "Labour exploitation",
            Category::Overig => "Other",
        }
    }

    /// A short explanation in plain Dutch (language level B1).
    pub fn explanation_nl(self) -> &'static str {
        match self {
            Category::Hennepteelt => {
                "U ziet of ruikt iets wat lijkt op het kweken van hennep (wiet). Bijvoorbeeld een \
                 sterke zoete geur, ramen die zijn dichtgemaakt, veel warmte of het geluid van \
                 ventilatoren, dag en nacht."
            }
            Category::SynthetischDrugslab => {
                "U denkt dat er drugs zoals xtc of speed worden gemaakt. Bijvoorbeeld: een \
                 scherpe chemische geur (zoals anijs of amandel), of veel vaten of jerrycans. Of \
                 auto's die 's nachts komen en gaan. Ga niet naar binnen."
            }
            Category::Drugsafval => {
                "U vindt vaten, jerrycans of zakken met onbekende stoffen. In de natuur, in een \
                 sloot, langs de weg of op uw erf. Raak niets aan en blijf op afstand: het kan \
                 giftig zijn of vlam vatten."
            }
            Category::Drugsopslag => {
                "U denkt dat in een schuur, loods, stal of container drugs worden bewaard. Of \
                 spullen om drugs te maken."
            }
            Category::BenaderdDoorCriminelen => {
                "U of iemand die u kent wordt gevraagd om een schuur, stal of stuk grond te \
                 verhuren. Vaak voor veel geld, contant en zonder vragen. Ook als u nee heeft \
                 gezegd, is het goed om dit te melden."
            }
            Category::VerdachteVerhuurOfLeegstand => {
                "Een gebouw staat leeg of wordt verhuurd op een manier die niet klopt. \
                 Bijvoorbeeld: er komt bijna nooit iemand, de ramen zijn afgeplakt of de huur \
                 wordt contant betaald."
            }
            Category::Arbeidsuitbuiting => {
                "U denkt dat mensen moeten werken onder slechte omstandigheden. Bijvoorbeeld: ze \
                 slapen op de plek waar ze werken, ze mogen niet weg of ze krijgen geen loon."
            }
            Category::Overig => {
                "Iets anders wat u niet vertrouwt en wat te maken kan hebben met drugs of \
                 criminaliteit in het buitengebied."
            }
        }
    }

    /// A short explanation in plain English.
    pub fn explanation_en(self) -> &'static str {
        match self {
            Category::Hennepteelt => {
                "You see or smell something that looks like cannabis growing. For example a \
                 strong sweet smell, covered windows, a lot of heat or the sound of fans, day \
                 and night."
            }
            Category::SynthetischDrugslab => {
                "You think drugs such as ecstasy or speed are being made. For example: a sharp \
                 chemical smell (like aniseed or almond), or many drums or jerrycans. Or cars \
                 that come and go at night. Do not go inside."
            }
            Category::Drugsafval => {
                "You find drums, jerrycans or bags with unknown substances. In nature, in a \
                 ditch, by the road or on your farmyard. Do not touch anything and keep your \
                 distance: it may be toxic or catch fire."
            }
            Category::Drugsopslag => {
                "You think drugs, or materials to make drugs, are kept in a barn, shed, stable \
                 or container."
            }
            Category::BenaderdDoorCriminelen => {
                "You or someone you know is asked to rent out a barn, stable or piece of land. \
                 Often for a lot of money, in cash and with no questions asked. Even if you said \
                 no, it helps to report it."
            }
            Category::VerdachteVerhuurOfLeegstand => {
                "A building is empty or rented out in a way that does not seem right. For \
                 example: hardly anyone ever comes, the windows are covered or the rent is paid \
                 in cash."
            }
            Category::Arbeidsuitbuiting => {
                "You think people are made to work in bad conditions. For example: they sleep \
                 where they work, they are not allowed to leave or they are not paid."
            }
            Category::Overig => {
                "Something else you do not trust that may have to do with drugs or crime in the \
                 rural area."
            }
        }
    }

    /// Whether this category opens the drug-waste protocol checklist
    /// ([`crate::protocol::drugsafval`]).
    pub fn opens_drug_waste_protocol(self) -> bool {
        self == Category::Drugsafval
    }
}

/// The advice shown above the public form and at the drug-waste category:
/// danger goes to 112, not to this form.
pub const EMERGENCY_ADVICE_NL: &str = "Is er nu gevaar? Bijvoorbeeld brand, een sterke chemische \
     lucht, of iemand die gewond is of in gevaar? Bel dan direct 112. Raak geen vaten, jerrycans \
     of zakken aan en ga niet naar binnen. Dit formulier is niet voor spoed: we lezen het op \
     werkdagen.";

/// English version of [`EMERGENCY_ADVICE_NL`].
pub const EMERGENCY_ADVICE_EN: &str = "Is there danger right now? For example a fire, a strong \
     chemical smell, or someone who is hurt or in danger? Call 112 immediately. Do not touch \
     drums, jerrycans or bags and do not go inside. This form is not for emergencies: we read it \
     on working days.";

code_enum!(
    /// Where a signal came from. The public form always records
    /// [`IntakeSource::Publiek`]; the intake form offers the others.
    IntakeSource {
        Wijkagent => "wijkagent",
        Erfbetreder => "erfbetreder",
        Boa => "boa",
        Partnerorganisatie => "partnerorganisatie",
        Telefoon => "telefoon",
        Bijeenkomst => "bijeenkomst",
        DeBoerOp => "de_boer_op",
        Publiek => "publiek",
    }
);

impl IntakeSource {
    /// The sources an intake officer can choose (all but the public form).
    pub fn is_professional(self) -> bool {
        self != IntakeSource::Publiek
    }

    pub fn name_nl(self) -> &'static str {
        match self {
            IntakeSource::Wijkagent => "Wijkagent",
            IntakeSource::Erfbetreder => "Erfbetreder",
            IntakeSource::Boa => "Boa",
            IntakeSource::Partnerorganisatie => "Partnerorganisatie",
            IntakeSource::Telefoon => "Telefoon",
            IntakeSource::Bijeenkomst => "Bijeenkomst",
            IntakeSource::DeBoerOp => "De boer op",
            IntakeSource::Publiek => "Publiek (meldformulier)",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            IntakeSource::Wijkagent => "Community police officer",
            IntakeSource::Erfbetreder => "Farmyard visitor (erfbetreder)",
            IntakeSource::Boa => "Enforcement officer (boa)",
            IntakeSource::Partnerorganisatie => "Partner organisation",
            IntakeSource::Telefoon => "Telephone",
            IntakeSource::Bijeenkomst => "Meeting",
            IntakeSource::DeBoerOp => "Farm visit round (de boer op)",
            IntakeSource::Publiek => "Public (report form)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn eight_categories_with_unique_codes_and_texts() {
        assert_eq!(Category::ALL.len(), 8);
        let codes: HashSet<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), 8);
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(*c));
            assert!(!c.name_nl().is_empty() && !c.name_en().is_empty());
            // Short enough for a radio-button hint; B1 means short sentences.
            for text in [c.explanation_nl(), c.explanation_en()] {
                assert!(text.len() < 400, "{c}: explanation too long");
                for sentence in text.split(['.', ':']) {
                    assert!(
                        sentence.split_whitespace().count() <= 22,
                        "{c}: long sentence {sentence:?}"
                    );
                }
                assert!(
                    !text.contains("  "),
                    "{c}: double space from line continuation"
                );
            }
        }
    }

    #[test]
    fn codes_serialise_as_the_stable_code() {
        let json = serde_json::to_string(&Category::VerdachteVerhuurOfLeegstand).unwrap();
        assert_eq!(json, "\"verdachte_verhuur_leegstand\"");
        let back: Category = serde_json::from_str("\"drugsafval\"").unwrap();
        assert_eq!(back, Category::Drugsafval);
        assert!("xtc".parse::<Category>().is_err());
    }

    #[test]
    fn emergency_advice_names_112() {
        assert!(EMERGENCY_ADVICE_NL.contains("112"));
        assert!(EMERGENCY_ADVICE_EN.contains("112"));
        assert!(!EMERGENCY_ADVICE_NL.contains("  "));
    }

    #[test]
    fn only_the_public_form_is_not_professional() {
        let prof: Vec<_> = IntakeSource::ALL
            .iter()
            .filter(|s| s.is_professional())
            .collect();
        assert_eq!(prof.len(), 7);
        assert_eq!("de_boer_op".parse(), Ok(IntakeSource::DeBoerOp));
        assert!(Category::Drugsafval.opens_drug_waste_protocol());
        assert!(!Category::Hennepteelt.opens_drug_waste_protocol());
    }
}
