//! Invitation and reminder letters of the residents' survey as one PDF (mail
//! merge): one A4 page per address, the address in the window of a window
//! envelope, the mayor's text with its placeholders filled in by the caller,
//! the code with the short URL and a QR code (its modules are drawn by the
//! template, so that no per-recipient file is needed).

use serde::Serialize;

/// The template; reads `data.json` written from [`Letters`].
pub const LETTERS: &str = include_str!("../templates/letters.typ");

/// One letter.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// Address block lines ("Bewoners van", street and number, postcode and place).
    pub address: Vec<String>,
    pub subject: String,
    /// The letter's paragraphs, placeholders already filled in.
    pub paragraphs: Vec<String>,
    pub url: String,
    pub code: String,
    /// The QR code's modules, one string of `0`/`1` per row.
    pub qr: Vec<String>,
}

/// Labels of the code block.
#[derive(Debug, Clone, Serialize)]
pub struct LetterLabels {
    pub url: String,
    pub code: String,
    pub closes: String,
}

/// All letters of one round.
#[derive(Debug, Clone, Serialize)]
pub struct Letters {
    pub lang: String,
    pub title: String,
    pub sender: String,
    pub sender_line: String,
    pub return_line: String,
    pub place_date: String,
    pub closes_on: String,
    pub closing: String,
    pub signatory: String,
    pub footer: String,
    pub labels: LetterLabels,
    pub letters: Vec<Letter>,
}

/// Renders the letters (blocking; tens of milliseconds per hundred letters).
pub fn render(letters: &Letters, today: time::Date) -> Result<Vec<u8>, crate::PdfError> {
    let json = serde_json::to_vec(letters)?;
    crate::render(&crate::Document {
        template: LETTERS,
        files: vec![("data.json".into(), json)],
        today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(code: &str) -> Letter {
        Letter {
            address: vec![
                "Bewoners van".into(),
                "Veldweg 12".into(),
                "7001 AB  DORP".into(),
            ],
            subject: "Uw mening over een veilig buitengebied".into(),
            paragraphs: vec!["Beste bewoner,".into(), "Wij vragen uw mening.".into()],
            url: "https://buitenzicht.example/enquete".into(),
            code: code.into(),
            qr: vec![
                "1110111".into(),
                "1000001".into(),
                "1011101".into(),
                "0000000".into(),
                "1011101".into(),
                "1000001".into(),
                "1110111".into(),
            ],
        }
    }

    #[test]
    fn one_page_per_letter_with_its_code() {
        let l = Letters {
            lang: "nl".into(),
            title: "Brieven".into(),
            sender: "Gemeente Heidewolde".into(),
            sender_line: "Postbus 1, 7000 AA Heidewolde".into(),
            return_line: "Retouradres: Postbus 1, 7000 AA Heidewolde".into(),
            place_date: "Heidewolde, 3 december 2026".into(),
            closes_on: "31 januari 2027".into(),
            closing: "Met vriendelijke groet,".into(),
            signatory: "De burgemeester".into(),
            footer: "Uw antwoorden zijn anoniem.".into(),
            labels: LetterLabels {
                url: "Ga naar".into(),
                code: "Uw code".into(),
                closes: "Invullen kan tot en met".into(),
            },
            letters: vec![letter("ABCD-EFGH-JK"), letter("MNPQ-RSTU-VW")],
        };
        let pdf = render(&l, time::macros::date!(2026 - 12 - 03)).expect("render");
        assert_eq!(crate::page_count(&pdf).expect("pages"), 2);
        let text = crate::extract_text(&pdf).expect("text");
        assert!(
            text.contains("ABCD-EFGH-JK") && text.contains("MNPQ-RSTU-VW"),
            "{text}"
        );
        assert!(text.contains("Veldweg 12"));
    }
}
