//! The slip's language: fixed labels from Fluent, numbers, amounts and dates from ICU4X.
//!
//! The instruction's BCP 47 locale picks one of the five slip languages (English when none
//! fits). Labels come from `locales/{lang}/slip.ftl`, embedded in the binary. Numbers and
//! dates are formatted by ICU4X with the full locale, so `fr-CA` gets Canadian dates while
//! its labels are French.

use std::sync::OnceLock;

use fixed_decimal::Decimal as IcuDecimal;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::YMD;
use icu_datetime::options::{Alignment, YearStyle};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use packwise_core::money::Currency;
use rust_decimal::{Decimal, RoundingStrategy};

/// A language the slip's labels are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Id,
    De,
    Fr,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::En, Lang::Id, Lang::De, Lang::Fr, Lang::Es];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }

    fn ftl(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en/slip.ftl"),
            Lang::Id => include_str!("../locales/id/slip.ftl"),
            Lang::De => include_str!("../locales/de/slip.ftl"),
            Lang::Fr => include_str!("../locales/fr/slip.ftl"),
            Lang::Es => include_str!("../locales/es/slip.ftl"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The best slip language for a BCP 47 tag, by the project's negotiation (exact tag, then
/// its language, then English); `in`, the withdrawn code for Indonesian, counts as `id`.
pub fn negotiate(tag: &str) -> Lang {
    let tag = tag.replace('_', "-");
    let tag = match tag.split('-').next() {
        Some(l) if l.eq_ignore_ascii_case("in") => format!("id{}", &tag[2..]),
        _ => tag,
    };
    let codes = Lang::ALL.map(Lang::code);
    let best = packwise_core::locale::negotiate(&[tag.as_str()], "en", codes.iter().copied());
    Lang::ALL
        .into_iter()
        .find(|l| Some(l.code()) == best)
        .unwrap_or(Lang::En)
}

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; 5] = [const { OnceLock::new() }; 5];
    BUNDLES[lang.index()].get_or_init(|| {
        let langid = lang.code().parse().expect("a valid language id");
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Isolation marks (U+2068/U+2069) around placeables help right-to-left scripts,
        // which none of the slip languages are, and would end up in the PDF's text.
        bundle.set_use_isolating(false);
        let resource = FluentResource::try_new(lang.ftl().to_owned())
            .unwrap_or_else(|(_, errors)| panic!("{}/slip.ftl: {errors:?}", lang.code()));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("{}/slip.ftl: {errors:?}", lang.code()));
        bundle
    })
}

/// Labels, numbers, amounts and dates in one locale.
#[derive(Clone, Debug)]
pub struct Localizer {
    lang: Lang,
    locale: Locale,
    decimal: DecimalFormatter,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
}

impl Localizer {
    /// For a BCP 47 tag from the instruction. The ICU locale keeps the tag's region
    /// (`fr-CA`, `en-GB`) when its language is one of the slip languages; otherwise it is
    /// English like the labels.
    pub fn new(tag: &str) -> Self {
        let lang = negotiate(tag);
        let locale = tag
            .replace('_', "-")
            .parse::<Locale>()
            .ok()
            .filter(|l| l.id.language.as_str() == lang.code())
            .unwrap_or_else(|| lang.code().parse().expect("a valid locale"));
        let decimal = DecimalFormatter::try_new((&locale).into(), Default::default())
            .or_else(|_| DecimalFormatter::try_new(Default::default(), Default::default()))
            .expect("compiled decimal data for the root locale");
        // Numeric, with a four-digit year: 05/12/2026 (en-US), 12/05/2026 (fr, es, id),
        // 12.05.2026 (de), 2026-05-12 (fr-CA).
        let fieldset = YMD::short()
            .with_year_style(YearStyle::Full)
            .with_alignment(Alignment::Column);
        let date = FixedCalendarDateTimeFormatter::try_new((&locale).into(), fieldset)
            .or_else(|_| FixedCalendarDateTimeFormatter::try_new(Default::default(), fieldset))
            .expect("compiled date data for the root locale");
        Localizer {
            lang,
            locale,
            decimal,
            date,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn locale(&self) -> &Locale {
        &self.locale
    }

    /// The label `id` with its arguments. A label missing from a language falls back to
    /// English; one missing from English is a bug and shows as its id.
    pub fn label(&self, id: &str, args: &[(&str, &str)]) -> String {
        let fluent_args = (!args.is_empty()).then(|| {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                a.set(*k, *v);
            }
            a
        });
        for lang in [self.lang, Lang::En] {
            let bundle = bundle(lang);
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = vec![];
                return bundle
                    .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                    .into_owned();
            }
        }
        id.to_owned()
    }

    /// "Page 2 of 3" in the language.
    pub fn page_of(&self, page: usize, pages: usize) -> String {
        self.label(
            "page-of",
            &[
                ("page", &self.integer(page as u64)),
                ("pages", &self.integer(pages as u64)),
            ],
        )
    }

    /// A count with plural rules (`item-count`), the number itself formatted by ICU4X.
    pub fn count_label(&self, id: &str, count: usize) -> String {
        let mut a = FluentArgs::new();
        a.set("count", count);
        for lang in [self.lang, Lang::En] {
            let bundle = bundle(lang);
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, Some(&a), &mut errors);
                // Fluent prints the number plainly; ICU4X groups it the locale's way.
                return text.replace(&count.to_string(), &self.integer(count as u64));
            }
        }
        id.to_owned()
    }

    /// A decimal number with exactly `digits` fraction digits, rounded half away from zero.
    /// Goes from `rust_decimal` to ICU4X through the decimal string, never through a float.
    pub fn number(&self, value: Decimal, digits: u32) -> String {
        let rounded = value.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
        let mut icu: IcuDecimal = format!("{rounded:.prec$}", prec = digits as usize)
            .parse()
            .expect("a rust_decimal prints as a valid decimal string");
        icu.absolute.pad_end(-(digits as i16));
        self.decimal.format(&icu).to_string()
    }

    pub fn integer(&self, value: u64) -> String {
        self.decimal.format(&IcuDecimal::from(value)).to_string()
    }

    /// A percentage value without the percent sign (the Fluent message places the sign):
    /// as few fraction digits as the value needs, at most two.
    pub fn percent_value(&self, value: Decimal) -> String {
        let digits = value.normalize().scale().min(2);
        self.number(value, digits)
    }

    /// An amount of money in the locale's way: ICU4X formats the number (digits, grouping,
    /// decimal separator); the currency symbol is placed by [`currency_pattern`].
    ///
    /// ICU4X 2.x has currency formatting only in `icu_experimental`, an unstable crate
    /// several times the size of the rest of ICU4X together, so the symbol placement is a
    /// small table following CLDR's standard currency patterns of the five languages.
    pub fn money(&self, amount: Decimal, currency: Currency) -> String {
        let digits = display_digits(currency);
        let number = self.number(amount.abs(), digits);
        let sign = if amount.is_sign_negative() && !amount.is_zero() {
            "-"
        } else {
            ""
        };
        let symbol = currency_symbol(self.lang, currency);
        let spaced = symbol.chars().any(char::is_alphabetic);
        match currency_pattern(self.lang) {
            SymbolPosition::Before if spaced => format!("{sign}{symbol}\u{a0}{number}"),
            SymbolPosition::Before => format!("{sign}{symbol}{number}"),
            SymbolPosition::After => format!("{sign}{number}\u{a0}{symbol}"),
        }
    }

    /// A calendar date in the locale's numeric short form.
    pub fn date(&self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        match Date::try_new_gregorian(date.year(), date.month() as u8, date.day() as u8) {
            Ok(d) => self.date.format(&d).to_string(),
            Err(_) => date.to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolPosition {
    Before,
    After,
}

/// Where the currency symbol goes in a language (CLDR's standard currency pattern:
/// `¤#,##0.00` for en and id, `#,##0.00 ¤` for de, fr and es).
pub fn currency_pattern(lang: Lang) -> SymbolPosition {
    match lang {
        Lang::En | Lang::Id => SymbolPosition::Before,
        Lang::De | Lang::Fr | Lang::Es => SymbolPosition::After,
    }
}

/// The currency's symbol in a language (CLDR), or its ISO code where CLDR has no symbol
/// of its own for that language.
pub fn currency_symbol(lang: Lang, currency: Currency) -> &'static str {
    match (currency.code(), lang) {
        ("EUR", _) => "€",
        ("GBP", _) => "£",
        ("IDR", _) => "Rp",
        ("USD", Lang::En) => "$",
        ("USD", Lang::Fr) => "$US",
        ("USD", _) => "US$",
        ("JPY", Lang::En | Lang::De) => "¥",
        ("JPY", _) => "JP¥",
        ("AUD", Lang::En) => "A$",
        ("AUD", _) => "AU$",
        ("CAD", Lang::En) => "CA$",
        ("CAD", Lang::Fr) => "$CA",
        ("CAD", _) => "CA$",
        ("SGD", Lang::Id) => "SGD",
        ("SGD", _) => "SGD",
        _ => currency.code(),
    }
}

/// Fraction digits shown for a currency: its ISO 4217 minor unit, except the rupiah, whose
/// sen nobody prints (CLDR's cash digits for IDR are 0).
pub fn display_digits(currency: Currency) -> u32 {
    match currency.code() {
        "IDR" => 0,
        _ => currency.minor_digits(),
    }
}
