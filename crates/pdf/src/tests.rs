use time::macros::date;

use crate::gemeente::GemeenteReport;
use crate::{Document, PdfError, extract_text, layout_pages, page_count, render};

const TODAY: time::Date = date!(2026 - 12 - 03);

fn gemeente(kinds: usize) -> Vec<u8> {
    match GemeenteReport::sample(kinds).render(TODAY) {
        Ok(pdf) => pdf,
        Err(e) => panic!("render failed: {e}"),
    }
}

fn compile_error(template: &str) -> Vec<crate::Diagnostic> {
    let doc = Document {
        template,
        files: vec![],
        today: TODAY,
    };
    match render(&doc) {
        Err(PdfError::Compile(diags)) => diags,
        Err(other) => panic!("expected a compile error, got {other}"),
        Ok(_) => panic!("expected a compile error, got a PDF"),
    }
}

#[test]
fn gemeente_small_is_one_page_pdf_with_the_name() {
    let pdf = gemeente(4);
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    assert_eq!(page_count(&pdf).expect("pages"), 1);
    let text = extract_text(&pdf).expect("text");
    assert!(text.contains("Heidewolde"), "name missing in: {text}");
    assert!(text.contains("Hennepteelt"), "incident kind missing");
    assert!(text.contains("pagina 1 van 1"), "footer missing in: {text}");
    assert!(text.contains("Gemaakt op 3 december 2026"), "date missing");
    assert!(text.contains("5.317"), "class count missing");
}

#[test]
fn gemeente_long_incident_table_makes_two_pages() {
    let pdf = gemeente(40);
    assert_eq!(page_count(&pdf).expect("pages"), 2);
    let text = extract_text(&pdf).expect("text");
    assert!(text.contains("pagina 2 van 2"), "footer missing in: {text}");
    assert!(text.contains("Soort 40"), "last row missing");
}

#[test]
fn page_count_agrees_with_layout() {
    let report = GemeenteReport::sample(40);
    let doc = report.document(TODAY).expect("document");
    assert_eq!(layout_pages(&doc).expect("layout"), 2);
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(gemeente(8), gemeente(8));
}

#[test]
fn no_scan_and_no_incidents_still_render() {
    let mut report = GemeenteReport::sample(0);
    report.classes.clear();
    report.incident_values = vec![0; 5];
    let pdf = report.render(TODAY).expect("render");
    let text = extract_text(&pdf).expect("text");
    assert!(text.contains("Geen incidenten"), "{text}");
    assert!(text.contains("nog geen gebiedsscan"), "{text}");
}

#[test]
fn syntax_error_has_a_line_number() {
    let diags = compile_error("= Titel\n\nTekst\n#let x = (1, 2\n");
    let first = diags.first().expect("a diagnostic");
    assert_eq!(first.file.as_deref(), Some("main.typ"));
    assert_eq!(first.line, Some(4), "{diags:?}");
    assert!(!first.message.is_empty());
}

#[test]
fn runtime_error_has_a_line_number() {
    let diags = compile_error("ok\n\n#(1 + \"a\")\n");
    assert_eq!(diags.first().and_then(|d| d.line), Some(3), "{diags:?}");
}

#[test]
fn missing_file_is_an_error() {
    let diags = compile_error("#let d = json(\"data.json\")\n#d.name\n");
    assert_eq!(diags.first().and_then(|d| d.line), Some(1), "{diags:?}");
}

#[test]
fn bad_json_points_into_the_data_file() {
    let doc = Document {
        template: crate::GEMEENTE,
        files: vec![(
            "data.json".into(),
            b"{\n  \"lang\": \"nl\",\n  oops\n}".to_vec(),
        )],
        today: TODAY,
    };
    let err = render(&doc).expect_err("bad JSON must fail");
    let d = err.diagnostics().first().expect("a diagnostic").clone();
    assert_eq!(d.file.as_deref(), Some("data.json"), "{err}");
    assert_eq!(d.line, Some(3), "{err}");
}

#[test]
fn package_imports_are_refused() {
    let diags = compile_error("#import \"@preview/cetz:0.3.4\": canvas\n");
    let first = diags.first().expect("a diagnostic");
    assert_eq!(first.line, Some(1));
    assert!(
        first.message.contains("packages are not available"),
        "{first}"
    );
}

#[test]
fn only_given_files_are_readable() {
    let diags = compile_error("#read(\"/etc/passwd\")\n");
    assert!(!diags.is_empty());
    let diags = compile_error("#read(\"../Cargo.toml\")\n");
    assert!(!diags.is_empty());
}

#[test]
fn svg_images_and_today_come_from_the_document() {
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#1d5c3a"/></svg>"##;
    let doc = Document {
        template: "#image(\"logo.svg\", width: 2cm)\n\n#datetime.today().display(\"[year]-[month]-[day]\")\n",
        files: vec![("logo.svg".into(), svg.to_vec())],
        today: TODAY,
    };
    let pdf = render(&doc).expect("render");
    let text = extract_text(&pdf).expect("text");
    assert!(text.contains("2026-12-03"), "{text}");
}

#[test]
fn bad_file_names_are_refused() {
    let doc = Document {
        template: "x",
        files: vec![("main.typ".into(), b"y".to_vec())],
        today: TODAY,
    };
    assert!(matches!(render(&doc), Err(PdfError::FileName { .. })));
}

#[test]
fn page_count_of_garbage_is_an_error() {
    assert!(matches!(page_count(b"not a pdf"), Err(PdfError::Read(_))));
}
