//! The scan's input and output held compactly, for files of millions of
//! addresses: what the engine needs of each address in columns (no string
//! per row; municipality codes interned; the usage purposes, floor area and
//! status reduced to the two indicators they decide), and per address only
//! the numbers of the result. [`crate::io::run_dir`] reads, scans and writes
//! in this form; the model types ([`crate::ScanInput`], [`crate::ScanOutput`])
//! stay the interface for callers that build or read rows one by one.

use crate::model::*;
use crate::read::{Rec, Sink};
use crate::{ScanError, engine::FxMap};
use rayon::prelude::*;
use time::Date;

/// Strings stored end to end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strs {
    text: String,
    ends: Vec<usize>,
}

impl Strs {
    pub fn len(&self) -> usize {
        self.ends.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
    #[inline]
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
    /// `parts` end to end (the text copied while the ends are shifted).
    fn concat(parts: Vec<Strs>) -> Strs {
        let mut bases = Vec::with_capacity(parts.len());
        let mut total = 0;
        for p in &parts {
            bases.push(total);
            total += p.text.len();
        }
        let (text, ends) = rayon::join(
            || {
                let mut text = String::with_capacity(total);
                for p in &parts {
                    text.push_str(&p.text);
                }
                text
            },
            || {
                let lens: Vec<usize> = parts.iter().map(|p| p.ends.len()).collect();
                par_fill(&lens, |k, out: &mut [usize]| {
                    for (o, e) in out.iter_mut().zip(&parts[k].ends) {
                        *o = e + bases[k];
                    }
                })
            },
        );
        Strs { text, ends }
    }
}

/// A vector of `lens.iter().sum()` values, part `k` (of length `lens[k]`)
/// filled by `fill(k, part)`; the parts in parallel.
fn par_fill<T: Copy + Default + Send + Sync>(
    lens: &[usize],
    fill: impl Fn(usize, &mut [T]) + Sync,
) -> Vec<T> {
    let mut out = vec![T::default(); lens.iter().sum()];
    let mut slices = Vec::with_capacity(lens.len());
    let mut rest = &mut out[..];
    for &len in lens {
        let (mine, tail) = rest.split_at_mut(len);
        slices.push(mine);
        rest = tail;
    }
    slices
        .into_par_iter()
        .enumerate()
        .for_each(|(k, part)| fill(k, part));
    out
}

/// `parts` end to end, copied in parallel.
fn par_concat<T: Copy + Default + Send + Sync>(parts: &[&[T]]) -> Vec<T> {
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    par_fill(&lens, |k, out: &mut [T]| out.copy_from_slice(parts[k]))
}

/// `groot_bedrijfspand` in [`AddressColumns::flags`].
pub const GROOT_BEDRIJFSPAND: u8 = 1;
/// `buiten_gebruik` in [`AddressColumns::flags`].
pub const BUITEN_GEBRUIK: u8 = 2;

/// `adressen.csv` in columns: row `i` of each column is address `i`.
#[derive(Debug, Clone, Default)]
pub struct AddressColumns {
    pub ids: Strs,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Index in `gemeenten` of the address's `gemeente` code.
    pub gemeente: Vec<u32>,
    /// The distinct `gemeente` codes.
    pub gemeenten: Vec<String>,
    /// [`GROOT_BEDRIJFSPAND`] and [`BUITEN_GEBRUIK`].
    pub flags: Vec<u8>,
    /// Code → index in `gemeenten`.
    lookup: FxMap<String, u32>,
    /// The last code looked up (consecutive rows often share it).
    last: Option<u32>,
}

impl AddressColumns {
    pub fn len(&self) -> usize {
        self.x.len()
    }
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The columns of `addresses`.
    pub fn of(addresses: &[Address]) -> AddressColumns {
        let mut c = AddressColumns::default();
        for a in addresses {
            c.add(
                &a.id,
                a.x,
                a.y,
                &a.gemeente,
                flags(groot_bedrijfspand(a), buiten_gebruik(a)),
            );
        }
        c
    }

    fn add(&mut self, id: &str, x: f64, y: f64, gemeente: &str, flags: u8) {
        self.ids.push(id);
        self.x.push(x);
        self.y.push(y);
        let g = match self.last {
            Some(g) if self.gemeenten[g as usize] == gemeente => g,
            _ => {
                let g = match self.lookup.get(gemeente) {
                    Some(&g) => g,
                    None => {
                        let g = self.gemeenten.len() as u32;
                        self.gemeenten.push(gemeente.to_string());
                        self.lookup.insert(gemeente.to_string(), g);
                        g
                    }
                };
                self.last = Some(g);
                g
            }
        };
        self.gemeente.push(g);
        self.flags.push(flags);
    }

    pub fn groot_bedrijfspand(&self, i: usize) -> bool {
        self.flags[i] & GROOT_BEDRIJFSPAND != 0
    }
    pub fn buiten_gebruik(&self, i: usize) -> bool {
        self.flags[i] & BUITEN_GEBRUIK != 0
    }
}

fn flags(groot_bedrijfspand: bool, buiten_gebruik: bool) -> u8 {
    u8::from(groot_bedrijfspand) * GROOT_BEDRIJFSPAND + u8::from(buiten_gebruik) * BUITEN_GEBRUIK
}

impl Sink for AddressColumns {
    /// The same checks, in the same order, as `io::read_addresses`.
    fn push(&mut self, r: &Rec) -> Result<(), ScanError> {
        let (x, y) = r.point(1, 2)?;
        let oppervlakte: i64 = r.int(5)?;
        let _bouwjaar: i32 = r.int(6)?;
        let gb = oppervlakte >= 500
            && r.get(4)
                .split(';')
                .any(|d| d == "industriefunctie" || d == "overige gebruiksfunctie");
        let bg = r.get(7) == "Verblijfsobject buiten gebruik";
        self.add(r.get(0), x, y, r.get(3), flags(gb, bg));
        Ok(())
    }
    fn len(&self) -> usize {
        self.x.len()
    }
    fn id(&self, i: usize) -> &str {
        self.ids.get(i)
    }
    fn concat(mut parts: Vec<Self>) -> Self {
        // The parts' own code lists mapped onto one (few codes).
        let mut out = AddressColumns::default();
        let maps: Vec<Vec<u32>> = parts
            .iter()
            .map(|p| {
                p.gemeenten
                    .iter()
                    .map(|code| match out.lookup.get(code.as_str()) {
                        Some(&g) => g,
                        None => {
                            let g = out.gemeenten.len() as u32;
                            out.gemeenten.push(code.clone());
                            out.lookup.insert(code.clone(), g);
                            g
                        }
                    })
                    .collect()
            })
            .collect();
        let lens: Vec<usize> = parts.iter().map(|p| p.x.len()).collect();
        let ids: Vec<Strs> = parts
            .iter_mut()
            .map(|p| std::mem::take(&mut p.ids))
            .collect();
        let ((x, y), ((flags, gemeente), ids)) = rayon::join(
            || {
                rayon::join(
                    || par_concat(&parts.iter().map(|p| &p.x[..]).collect::<Vec<_>>()),
                    || par_concat(&parts.iter().map(|p| &p.y[..]).collect::<Vec<_>>()),
                )
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || par_concat(&parts.iter().map(|p| &p.flags[..]).collect::<Vec<_>>()),
                            || {
                                par_fill(&lens, |k, out: &mut [u32]| {
                                    for (o, &g) in out.iter_mut().zip(&parts[k].gemeente) {
                                        *o = maps[k][g as usize];
                                    }
                                })
                            },
                        )
                    },
                    || Strs::concat(ids),
                )
            },
        );
        AddressColumns {
            ids,
            x,
            y,
            gemeente,
            flags,
            ..out
        }
    }
}

/// `bedrijven.csv` in columns (the KvK number is checked, not kept).
#[derive(Debug, Clone, Default)]
pub struct BusinessColumns {
    pub adres_id: Strs,
    /// SBI code starts with `01` (agriculture).
    pub agrarisch: Vec<bool>,
    pub start: Vec<Date>,
    pub einde: Vec<Option<Date>>,
}

impl BusinessColumns {
    pub fn len(&self) -> usize {
        self.start.len()
    }
    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }
    pub fn of(businesses: &[Business]) -> BusinessColumns {
        let mut c = BusinessColumns::default();
        for b in businesses {
            c.adres_id.push(&b.adres_id);
            c.agrarisch.push(b.sbi.starts_with("01"));
            c.start.push(b.start);
            c.einde.push(b.einde);
        }
        c
    }
}

/// `sbi` must be digits (SBI without dots).
pub(crate) fn check_sbi<'a>(r: &Rec<'a>) -> Result<&'a str, ScanError> {
    let sbi = r.get(2);
    if sbi.is_empty() || !sbi.bytes().all(|b| b.is_ascii_digit()) {
        return Err(r.err(2, crate::Problem::NotAnSbiCode(sbi.into())));
    }
    Ok(sbi)
}

/// `einde` may be empty (still active).
pub(crate) fn einde(r: &Rec) -> Result<Option<Date>, ScanError> {
    if r.get(4).is_empty() {
        Ok(None)
    } else {
        Some(r.date(4)).transpose()
    }
}

impl Sink for BusinessColumns {
    /// The same checks, in the same order, as `io::read_businesses`.
    fn push(&mut self, r: &Rec) -> Result<(), ScanError> {
        let sbi = check_sbi(r)?;
        let start = r.date(3)?;
        let einde = einde(r)?;
        self.adres_id.push(r.get(1));
        self.agrarisch.push(sbi.starts_with("01"));
        self.start.push(start);
        self.einde.push(einde);
        Ok(())
    }
    fn len(&self) -> usize {
        self.start.len()
    }
    fn id(&self, i: usize) -> &str {
        self.adres_id.get(i)
    }
    fn concat(parts: Vec<Self>) -> Self {
        let mut out = BusinessColumns::default();
        let mut ids = Vec::with_capacity(parts.len());
        for mut p in parts {
            ids.push(std::mem::take(&mut p.adres_id));
            out.agrarisch.append(&mut p.agrarisch);
            out.start.append(&mut p.start);
            out.einde.append(&mut p.einde);
        }
        out.adres_id = Strs::concat(ids);
        out
    }
}

/// The input directory in compact form ([`crate::io::read_input_columns`]).
#[derive(Debug, Clone, Default)]
pub struct ColumnInput {
    pub addresses: AddressColumns,
    pub businesses: BusinessColumns,
    pub incidents: Vec<Incident>,
    pub signals: Vec<Signal>,
    pub municipalities: Vec<Municipality>,
}

impl ColumnInput {
    pub fn of(input: &ScanInput) -> ColumnInput {
        ColumnInput {
            addresses: AddressColumns::of(&input.addresses),
            businesses: BusinessColumns::of(&input.businesses),
            incidents: input.incidents.clone(),
            signals: input.signals.clone(),
            municipalities: input.municipalities.clone(),
        }
    }
}

/// The result for one address without its id (the id is the input's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub isolatie_m: f64,
    pub score: f64,
    /// Addresses within 1000 m; `oad` is this divided by π.
    pub addresses: u32,
    pub incidenten_1km_5j: u32,
    pub signalen_500m_2j: u32,
    /// [`Scored::BUITENGEBIED`], [`Scored::AGRARISCH_GESTOPT`],
    /// [`GROOT_BEDRIJFSPAND`], [`BUITEN_GEBRUIK`].
    pub flags: u8,
    pub klasse: Klasse,
}

impl Scored {
    pub const BUITENGEBIED: u8 = 4;
    pub const AGRARISCH_GESTOPT: u8 = 8;

    pub fn oad(&self) -> f64 {
        f64::from(self.addresses) / std::f64::consts::PI
    }
    pub fn buitengebied(&self) -> bool {
        self.flags & Self::BUITENGEBIED != 0
    }
    pub fn agrarisch_gestopt(&self) -> bool {
        self.flags & Self::AGRARISCH_GESTOPT != 0
    }
    pub fn groot_bedrijfspand(&self) -> bool {
        self.flags & GROOT_BEDRIJFSPAND != 0
    }
    pub fn buiten_gebruik(&self) -> bool {
        self.flags & BUITEN_GEBRUIK != 0
    }

    /// The full result, with the address's id.
    pub fn result(&self, id: &str) -> AddressResult {
        AddressResult {
            id: id.to_string(),
            oad: self.oad(),
            buitengebied: self.buitengebied(),
            incidenten_1km_5j: self.incidenten_1km_5j,
            signalen_500m_2j: self.signalen_500m_2j,
            isolatie_m: self.isolatie_m,
            agrarisch_gestopt: self.agrarisch_gestopt(),
            groot_bedrijfspand: self.groot_bedrijfspand(),
            buiten_gebruik: self.buiten_gebruik(),
            score: self.score,
            klasse: self.klasse,
        }
    }
}

/// The output in compact form: per address (in input order) a [`Scored`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnOutput {
    pub addresses: Vec<Scored>,
    pub municipalities: Vec<MunicipalityResult>,
    pub squares: Vec<SquareResult>,
}

impl ColumnOutput {
    /// The output with full per-address rows (ids from `input`).
    pub fn into_output(self, ids: &Strs) -> ScanOutput {
        use rayon::prelude::*;
        ScanOutput {
            addresses: self
                .addresses
                .par_iter()
                .enumerate()
                .map(|(i, s)| s.result(ids.get(i)))
                .collect(),
            municipalities: self.municipalities,
            squares: self.squares,
        }
    }
}
