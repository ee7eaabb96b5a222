//! The order number as a Code 128 barcode, scanned at the pack station.
//!
//! `barcoders` encodes the symbols (patterns, checksum, stop); this module picks the code
//! sets: runs of four or more digits go in set C (two digits per symbol), the rest in set
//! B, which keeps long numeric order ids narrow enough for a 4 × 6 in label.

use barcoders::sym::code128::Code128 as Encoder;

use crate::SlipError;

const SET_B: char = '\u{0181}';
const SET_C: char = '\u{0106}';

/// The modules of a Code 128 symbol, left to right: `true` is a bar. Quiet zones are not
/// included; whoever draws the code leaves at least ten modules blank either side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code128 {
    pub modules: Vec<bool>,
}

impl Code128 {
    pub fn encode(data: &str) -> Result<Self, SlipError> {
        if data.is_empty() {
            return Err(SlipError::Barcode("empty".into()));
        }
        if let Some(c) = data.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(SlipError::Barcode(format!("`{c}` is not printable ASCII")));
        }
        let encoded = Encoder::new(with_code_sets(data))
            .map_err(|e| SlipError::Barcode(e.to_string()))?
            .encode();
        Ok(Code128 {
            modules: encoded.into_iter().map(|m| m == 1).collect(),
        })
    }

    /// The bars as (first module, width in modules).
    pub fn bars(&self) -> Vec<(usize, usize)> {
        let mut bars = vec![];
        let mut i = 0;
        while i < self.modules.len() {
            if self.modules[i] {
                let start = i;
                while i < self.modules.len() && self.modules[i] {
                    i += 1;
                }
                bars.push((start, i - start));
            } else {
                i += 1;
            }
        }
        bars
    }
}

/// `data` with the code-set switches `barcoders` reads: set C for every run of at least
/// four digits (an even count of them; an odd digit stays in set B), set B elsewhere.
pub fn with_code_sets(data: &str) -> String {
    let chars: Vec<char> = data.chars().collect();
    let mut out = String::with_capacity(data.len() + 4);
    let mut current = None;
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run >= 4 {
            let even = run - run % 2;
            if current != Some(SET_C) {
                out.push(SET_C);
                current = Some(SET_C);
            }
            out.extend(&chars[i..i + even]);
            i += even;
        } else {
            if current != Some(SET_B) {
                out.push(SET_B);
                current = Some(SET_B);
            }
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}
