//! Code 128 against the standard's own patterns (ISO/IEC 15417, bar and space widths).

use packwise_slips::barcode::{Code128, with_code_sets};

/// Modules of a symbol from its bar/space widths, starting with a bar.
fn modules(widths: &str) -> Vec<bool> {
    widths
        .chars()
        .enumerate()
        .flat_map(|(i, w)| {
            let n = w.to_digit(10).expect("a width") as usize;
            std::iter::repeat_n(i % 2 == 0, n)
        })
        .collect()
}

fn symbols(widths: &[&str]) -> Vec<bool> {
    widths.iter().flat_map(|w| modules(w)).collect()
}

const START_B: &str = "211214";
const START_C: &str = "211232";
const CODE_C: &str = "113141";
const STOP: &str = "2331112";
const VALUE_0: &str = "212222";
const VALUE_1: &str = "222122";
const VALUE_2: &str = "222221";

#[test]
fn set_b_matches_the_standard_with_its_checksum() {
    // "!" is value 1 in set B; checksum (104 + 1 × 1) mod 103 = 2.
    let code = Code128::encode("!").expect("encodes");
    assert_eq!(code.modules, symbols(&[START_B, VALUE_1, VALUE_2, STOP]));
    // "  " is value 0 twice; checksum (104 + 0 + 0) mod 103 = 1.
    let code = Code128::encode("  ").expect("encodes");
    assert_eq!(
        code.modules,
        symbols(&[START_B, VALUE_0, VALUE_0, VALUE_1, STOP])
    );
}

#[test]
fn digit_runs_go_in_set_c_two_per_symbol() {
    // "0000" is "00" "00" in set C, value 0 each; checksum 105 mod 103 = 2.
    let code = Code128::encode("0000").expect("encodes");
    assert_eq!(
        code.modules,
        symbols(&[START_C, VALUE_0, VALUE_0, VALUE_2, STOP])
    );
    // "!0000": B "!", switch to C, "00" "00"; checksum (104 + 1 + 2 × 99) mod 103 = 97.
    let code = Code128::encode("!0000").expect("encodes");
    let start = symbols(&[START_B, VALUE_1, CODE_C, VALUE_0, VALUE_0]);
    assert_eq!(code.modules[..start.len()], start[..]);
    assert_eq!(code.modules.len(), 11 * 6 + 13);
}

#[test]
fn code_sets_are_chosen_for_digit_runs_of_four_or_more() {
    assert_eq!(with_code_sets("TS-100234"), "\u{181}TS-\u{106}100234");
    assert_eq!(with_code_sets("123"), "\u{181}123");
    assert_eq!(with_code_sets("12345"), "\u{106}1234\u{181}5");
    assert_eq!(with_code_sets("A1234B"), "\u{181}A\u{106}1234\u{181}B");
}

#[test]
fn every_symbol_is_eleven_modules_of_three_bars_and_three_spaces() {
    let code = Code128::encode("TS-100234").expect("encodes");
    // Start B, T, S, -, Code C, 10, 02, 34, checksum: 9 symbols, then the stop.
    assert_eq!(code.modules.len(), 9 * 11 + 13);
    for symbol in code.modules[..99].chunks(11) {
        assert!(
            symbol[0] && !symbol[10],
            "starts with a bar, ends with a space"
        );
        let bars = symbol.windows(2).filter(|w| w[0] && !w[1]).count();
        assert_eq!(bars, 3);
    }
    assert_eq!(code.modules[..11], modules(START_B)[..]);
    assert_eq!(code.modules[99..], modules(STOP)[..]);
}

#[test]
fn what_code_128_cannot_carry_is_refused() {
    assert!(Code128::encode("").is_err());
    assert!(Code128::encode("Ü-1").is_err());
    assert!(Code128::encode("a\tb").is_err());
}
