//! Random well-typed conditions over the documented variables, and random values for
//! them, for the differential test. Deterministic from a seed; a small hand-written
//! generator keeps the test free of extra dependencies.

use super::datum::Datum;
use super::{ROOTS, VARIABLES};

/// SplitMix64: tiny, seedable, good enough to spread test cases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Int,
    Double,
    Str,
    Strings,
    Lines,
    Line,
    Counts,
}

const ALL_TYPES: [Ty; 8] = [
    Ty::Bool,
    Ty::Int,
    Ty::Double,
    Ty::Str,
    Ty::Strings,
    Ty::Lines,
    Ty::Line,
    Ty::Counts,
];

fn type_of(cel_type: &str) -> Ty {
    match cel_type {
        "bool" => Ty::Bool,
        "int" => Ty::Int,
        "double" => Ty::Double,
        "string" => Ty::Str,
        "list(string)" => Ty::Strings,
        "list(map)" => Ty::Lines,
        "map(string, int)" => Ty::Counts,
        other => panic!("no generator for variables of type {other}"),
    }
}

const WORDS: [&str; 12] = [
    "", "web", "amazon", "DE", "tea", "coffee", "Tea", "ß", "de-DE", "parent", "gift", "SKU-1",
];
const LINE_FIELDS: [(&str, Ty); 5] = [
    ("sku", Ty::Str),
    ("title", Ty::Str),
    ("category", Ty::Str),
    ("quantity", Ty::Int),
    ("unit_price", Ty::Double),
];

/// Writes random conditions; `locals` are the comprehension variables in scope.
pub struct Generator {
    rng: Rng,
    locals: Vec<(String, Ty)>,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: Rng::new(seed),
            locals: Vec::new(),
        }
    }

    pub fn condition(&mut self) -> String {
        self.expr(Ty::Bool, 4)
    }

    fn variable(&mut self, ty: Ty) -> Option<String> {
        let mut names: Vec<String> = VARIABLES
            .iter()
            .filter(|v| type_of(v.cel_type) == ty)
            .map(|v| {
                // The same variable through its root's map now and then.
                let (root, field) = v.path.split_once('.').expect("root.field");
                if field.chars().all(|c| c.is_ascii_lowercase() || c == '_') && self.rng.chance(5) {
                    format!("{root}[\"{field}\"]")
                } else {
                    v.path.to_string()
                }
            })
            .collect();
        names.extend(
            self.locals
                .iter()
                .filter(|(_, t)| *t == ty)
                .map(|(n, _)| n.clone()),
        );
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    fn literal(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Bool => self.rng.pick(&["true", "false"]).to_string(),
            Ty::Int => self
                .rng
                .pick(&[
                    "0",
                    "1",
                    "2",
                    "-1",
                    "7",
                    "90",
                    "9223372036854775807",
                    "-9223372036854775807",
                ])
                .to_string(),
            Ty::Double => self
                .rng
                .pick(&["0.0", "1.5", "4.5", "-2.25", "100.0", "1e300", "9.0"])
                .to_string(),
            Ty::Str => format!("{:?}", self.rng.pick(&WORDS)),
            Ty::Strings => {
                let n = self.rng.below(4);
                let items: Vec<String> = (0..n)
                    .map(|_| format!("{:?}", self.rng.pick(&WORDS)))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            Ty::Counts => format!(r#"{{"tea": 2, "coffee": {}}}"#, self.rng.below(4)),
            Ty::Line => format!(
                r#"{{"sku": "SKU-1", "category": "tea", "quantity": {}}}"#,
                self.rng.below(3)
            ),
            Ty::Lines => "[]".to_string(),
        }
    }

    /// An expression of type `ty`; now and then, on purpose, one that fails in CEL (a
    /// missing key, an index out of range, a type mismatch, an overflow).
    fn expr(&mut self, ty: Ty, depth: usize) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.leaf(ty);
        }
        let d = depth - 1;
        match ty {
            Ty::Bool => self.boolean(d),
            Ty::Int => match self.rng.below(9) {
                0 => format!(
                    "({} {} {})",
                    self.expr(Ty::Int, d),
                    self.rng.pick(&["+", "-", "*", "/", "%"]),
                    self.expr(Ty::Int, d)
                ),
                1 => format!("-{}", self.expr(Ty::Int, d)),
                2 => {
                    let of = *self
                        .rng
                        .pick(&[Ty::Str, Ty::Strings, Ty::Lines, Ty::Counts]);
                    if self.rng.chance(50) {
                        format!("size({})", self.expr(of, d))
                    } else {
                        format!("{}.size()", self.expr(of, d))
                    }
                }
                3 => format!("{}[{}]", self.expr(Ty::Counts, d), self.expr(Ty::Str, d)),
                4 => format!("{}.quantity", self.expr(Ty::Line, d)),
                5 => self.conditional(Ty::Int, d),
                6 => format!("{}.map(x, {})[0]", self.expr(Ty::Lines, d), "x.quantity"),
                _ => self.leaf(Ty::Int),
            },
            Ty::Double => match self.rng.below(5) {
                0 => format!(
                    "({} {} {})",
                    self.expr(Ty::Double, d),
                    self.rng.pick(&["+", "-", "*", "/"]),
                    self.expr(Ty::Double, d)
                ),
                1 => format!("-{}", self.expr(Ty::Double, d)),
                2 => format!("{}.unit_price", self.expr(Ty::Line, d)),
                3 => self.conditional(Ty::Double, d),
                _ => self.leaf(Ty::Double),
            },
            Ty::Str => match self.rng.below(5) {
                0 => format!("({} + {})", self.expr(Ty::Str, d), self.expr(Ty::Str, d)),
                1 => {
                    let field = *self.rng.pick(&["sku", "category", "title"]);
                    format!("{}.{field}", self.expr(Ty::Line, d))
                }
                2 => format!("{}[{}]", self.expr(Ty::Strings, d), self.expr(Ty::Int, d)),
                3 => self.conditional(Ty::Str, d),
                4 if self.rng.chance(30) => {
                    let at = *self.rng.pick(&["0.0", "1.0", "0.5", "-1.0"]);
                    format!("{}[{at}]", self.expr(Ty::Strings, d))
                }
                _ => self.leaf(Ty::Str),
            },
            Ty::Strings => match self.rng.below(5) {
                0 => {
                    let (var, body) = self.scoped(Ty::Str, |g, d| g.expr(Ty::Bool, d), d);
                    format!("{}.filter({var}, {body})", self.expr(Ty::Strings, d))
                }
                1 => {
                    let field = *self.rng.pick(&["sku", "category"]);
                    let var = *self.rng.pick(&["x", "l"]);
                    format!("{}.map({var}, {var}.{field})", self.expr(Ty::Lines, d))
                }
                2 => format!(
                    "({} + {})",
                    self.expr(Ty::Strings, d),
                    self.expr(Ty::Strings, d)
                ),
                3 => format!("[{}, {}]", self.expr(Ty::Str, d), self.expr(Ty::Str, d)),
                _ => self.leaf(Ty::Strings),
            },
            Ty::Lines => match self.rng.below(3) {
                0 => {
                    let (var, body) = self.scoped(Ty::Line, |g, d| g.expr(Ty::Bool, d), d);
                    format!("{}.filter({var}, {body})", self.expr(Ty::Lines, d))
                }
                _ => self.leaf(Ty::Lines),
            },
            Ty::Line => match self.rng.below(3) {
                0 => format!("{}[{}]", self.expr(Ty::Lines, d), self.rng.below(3)),
                _ => self.leaf(Ty::Line),
            },
            Ty::Counts => self.leaf(Ty::Counts),
        }
    }

    fn leaf(&mut self, ty: Ty) -> String {
        if ty == Ty::Line {
            if let Some(v) = self.variable(Ty::Line) {
                return v;
            }
            return if self.rng.chance(50) {
                "order.lines[0]".to_string()
            } else {
                self.literal(Ty::Line)
            };
        }
        if self.rng.chance(80)
            && let Some(v) = self.variable(ty)
        {
            return v;
        }
        self.literal(ty)
    }

    fn conditional(&mut self, ty: Ty, d: usize) -> String {
        format!(
            "({} ? {} : {})",
            self.expr(Ty::Bool, d),
            self.expr(ty, d),
            self.expr(ty, d)
        )
    }

    /// Runs `body` with a new comprehension variable of type `ty` in scope; sometimes
    /// one that shadows an outer one of the same name.
    fn scoped(
        &mut self,
        ty: Ty,
        body: impl FnOnce(&mut Self, usize) -> String,
        d: usize,
    ) -> (String, String) {
        let name = self.rng.pick(&["x", "y", "l", "s"]).to_string();
        self.locals.push((name.clone(), ty));
        let text = body(self, d);
        self.locals.pop();
        (name, text)
    }

    fn boolean(&mut self, d: usize) -> String {
        match self.rng.below(13) {
            0 | 1 => format!(
                "({} {} {})",
                self.expr(Ty::Bool, d),
                self.rng.pick(&["&&", "||"]),
                self.expr(Ty::Bool, d)
            ),
            2 => format!("!{}", self.expr(Ty::Bool, d)),
            3 | 4 => {
                let op = *self.rng.pick(&["==", "!=", "<", "<=", ">", ">="]);
                let (a, b) = match self.rng.below(6) {
                    0 => (Ty::Int, Ty::Double),
                    1 => (Ty::Double, Ty::Int),
                    2 => (Ty::Str, Ty::Str),
                    3 => (Ty::Double, Ty::Double),
                    // A mismatch on purpose: false for ==, an error for <.
                    4 if self.rng.chance(30) => {
                        (*self.rng.pick(&ALL_TYPES), *self.rng.pick(&ALL_TYPES))
                    }
                    _ => (Ty::Int, Ty::Int),
                };
                format!("({} {op} {})", self.expr(a, d), self.expr(b, d))
            }
            5 => {
                let ty = *self
                    .rng
                    .pick(&[Ty::Strings, Ty::Lines, Ty::Counts, Ty::Line]);
                format!("({} == {})", self.expr(ty, d), self.expr(ty, d))
            }
            6 => {
                let (needle, haystack) = match self.rng.below(3) {
                    0 => (Ty::Str, Ty::Strings),
                    1 => (Ty::Str, Ty::Counts),
                    // cel looks numbers and bools up in a map too; lists it refuses.
                    _ => (
                        *self.rng.pick(&[Ty::Int, Ty::Double, Ty::Bool, Ty::Strings]),
                        Ty::Counts,
                    ),
                };
                format!("({} in {})", self.expr(needle, d), self.expr(haystack, d))
            }
            7 => {
                let f = *self.rng.pick(&["startsWith", "endsWith", "contains"]);
                format!("{}.{f}({})", self.expr(Ty::Str, d), self.expr(Ty::Str, d))
            }
            8 | 9 => {
                let macro_name = *self.rng.pick(&["exists", "all", "exists_one"]);
                let (range, elem) = match self.rng.below(5) {
                    0 | 1 => (self.expr(Ty::Lines, d), Ty::Line),
                    2 => (self.expr(Ty::Counts, d), Ty::Str),
                    _ => (self.expr(Ty::Strings, d), Ty::Str),
                };
                let (var, body) = self.scoped(elem, |g, d| g.expr(Ty::Bool, d), d);
                format!("{range}.{macro_name}({var}, {body})")
            }
            10 if self.rng.chance(30) => {
                let path = self.rng.pick(VARIABLES).path;
                format!("has({path})")
            }
            10 => {
                let field = *self.rng.pick(&["sku", "category", "color"]);
                format!("has({}.{field})", self.expr(Ty::Line, d))
            }
            11 => self.conditional(Ty::Bool, d),
            _ => self.leaf(Ty::Bool),
        }
    }
}

/// A random value of each variable, and of each root as a map of its variables, in the
/// slot layout of `Variables`.
pub fn slots(rng: &mut Rng) -> Vec<Option<Datum<'static>>> {
    let mut slots: Vec<Option<Datum>> = VARIABLES
        .iter()
        .map(|v| Some(value(rng, type_of(v.cel_type))))
        .collect();
    for root in ROOTS {
        let fields = VARIABLES.iter().zip(&slots).filter_map(|(v, d)| {
            let (r, field) = v.path.split_once('.')?;
            (r == root).then(|| (field, d.clone().expect("every variable has a value")))
        });
        slots.push(Some(Datum::map(fields)));
    }
    slots
}

fn value(rng: &mut Rng, ty: Ty) -> Datum<'static> {
    match ty {
        Ty::Bool => Datum::Bool(rng.chance(50)),
        Ty::Int => Datum::Int(*rng.pick(&[-1, 0, 1, 2, 3, 7, 9, 90, 365, i64::MAX, i64::MIN])),
        Ty::Double => Datum::Double(*rng.pick(&[
            0.0,
            -0.0,
            4.5,
            9.0,
            100.0,
            500.25,
            -3.5,
            1e300,
            f64::NAN,
            f64::INFINITY,
        ])),
        Ty::Str => Datum::str(rng.pick::<&str>(&WORDS)),
        Ty::Strings => {
            let n = rng.below(4);
            Datum::strings((0..n).map(|_| *rng.pick(&WORDS)))
        }
        Ty::Counts => {
            let n = rng.below(4);
            Datum::map((0..n).map(|_| (*rng.pick(&WORDS), value(rng, Ty::Int))))
        }
        Ty::Line => Datum::map(LINE_FIELDS.iter().map(|(f, t)| (*f, value(rng, *t)))),
        Ty::Lines => {
            let n = rng.below(4);
            Datum::List((0..n).map(|_| value(rng, Ty::Line)).collect())
        }
    }
}
