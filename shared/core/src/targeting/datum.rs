//! Values of condition variables and literals: one table of them per order, borrowing the
//! order's strings, and the constants of each compiled condition. The fast path reads
//! them in place; the cel interpreter gets a copy converted into its own values only when
//! it is needed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use cel::objects::Key;

#[derive(Clone, Debug, PartialEq)]
pub enum Datum<'o> {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(Cow<'o, str>),
    List(Vec<Datum<'o>>),
    Map(Fields<'o>),
}

/// A map with string keys, the only kind the variables have, sorted for binary search.
/// Keys known in advance (a line's fields, a root's variables) are not copied per order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields<'o>(Vec<(Cow<'o, str>, Datum<'o>)>);

/// Up to this many entries a scan beats a binary search (an order line has five).
const SCANNED: usize = 8;

impl<'o> Fields<'o> {
    /// Later entries win over earlier ones with the same key.
    pub fn new(entries: impl IntoIterator<Item = (Cow<'o, str>, Datum<'o>)>) -> Self {
        let mut entries: Vec<_> = entries.into_iter().collect();
        entries.reverse();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, earlier| later.0 == earlier.0);
        Fields(entries)
    }

    pub fn get(&self, key: &str) -> Option<&Datum<'o>> {
        if self.0.len() <= SCANNED {
            return self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        }
        self.0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// The `i`th key, in the map's own order.
    pub fn key_at(&self, i: usize) -> Option<&Cow<'o, str>> {
        self.0.get(i).map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Datum<'o>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'o> Datum<'o> {
    pub fn str(s: &'o str) -> Datum<'o> {
        Datum::Str(Cow::Borrowed(s))
    }

    pub fn strings(items: impl IntoIterator<Item = &'o str>) -> Datum<'o> {
        Datum::List(items.into_iter().map(Datum::str).collect())
    }

    pub fn map(entries: impl IntoIterator<Item = (&'o str, Datum<'o>)>) -> Datum<'o> {
        Datum::Map(Fields::new(
            entries.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)),
        ))
    }

    /// The same value, independent of the order it was read from.
    pub fn into_owned(self) -> Datum<'static> {
        match self {
            Datum::Null => Datum::Null,
            Datum::Bool(b) => Datum::Bool(b),
            Datum::Int(i) => Datum::Int(i),
            Datum::Double(d) => Datum::Double(d),
            Datum::Str(s) => Datum::Str(Cow::Owned(s.into_owned())),
            Datum::List(items) => Datum::List(items.into_iter().map(Datum::into_owned).collect()),
            Datum::Map(Fields(entries)) => Datum::Map(Fields(
                entries
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            )),
        }
    }

    /// The same value for the cel interpreter.
    pub fn to_cel(&self) -> Value {
        match self {
            Datum::Null => Value::Null,
            Datum::Bool(b) => Value::Bool(*b),
            Datum::Int(i) => Value::Int(*i),
            Datum::Double(d) => Value::Float(*d),
            Datum::Str(s) => Value::String(Arc::new(s.to_string())),
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
