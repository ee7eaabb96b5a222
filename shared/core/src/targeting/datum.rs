//! Values of condition variables and literals, owned: one table of them per order, and
//! the constants of each compiled condition. The fast path reads them in place; the cel
//! interpreter gets a copy converted into its own values only when it is needed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use cel::objects::Key;

#[derive(Clone, Debug, PartialEq)]
pub enum Datum {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(String),
    List(Vec<Datum>),
    Map(Fields),
}

/// A map with string keys, the only kind the variables have, sorted for binary search.
/// Keys known in advance (a line's fields, a root's variables) are not copied per order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Vec<(Cow<'static, str>, Datum)>);

/// Up to this many entries a scan beats a binary search (an order line has five).
const SCANNED: usize = 8;

impl Fields {
    /// Later entries win over earlier ones with the same key.
    pub fn new(entries: impl IntoIterator<Item = (Cow<'static, str>, Datum)>) -> Self {
        let mut entries: Vec<_> = entries.into_iter().collect();
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        Fields(entries)
    }

    pub fn get(&self, key: &str) -> Option<&Datum> {
        if self.0.len() <= SCANNED {
            return self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        }
        self.0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Datum)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl Datum {
    pub fn str(s: &str) -> Datum {
        Datum::Str(s.to_string())
    }

    pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Datum {
        Datum::List(items.into_iter().map(Datum::str).collect())
    }

    /// A map whose keys are fixed names.
    pub fn record(entries: impl IntoIterator<Item = (&'static str, Datum)>) -> Datum {
        Datum::Map(Fields::new(
            entries.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)),
        ))
    }

    /// A map whose keys are data.
    pub fn map<'a>(entries: impl IntoIterator<Item = (&'a str, Datum)>) -> Datum {
        Datum::Map(Fields::new(
            entries
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.to_string()), v)),
        ))
    }

    /// The same value for the cel interpreter.
    pub fn to_cel(&self) -> Value {
        match self {
            Datum::Null => Value::Null,
            Datum::Bool(b) => Value::Bool(*b),
            Datum::Int(i) => Value::Int(*i),
            Datum::Double(d) => Value::Float(*d),
            Datum::Str(s) => Value::String(Arc::new(s.clone())),
            Datum::List(items) => Value::List(Arc::new(items.iter().map(Datum::to_cel).collect())),
            Datum::Map(fields) => {
                let map: HashMap<Key, Value> = fields
                    .iter()
                    .map(|(k, v)| (Key::String(Arc::new(k.to_string())), v.to_cel()))
                    .collect();
                map.into()
            }
        }
    }
}
