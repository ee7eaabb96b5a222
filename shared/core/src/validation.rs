//! Precise input errors: which field, and why.

use std::fmt;

use serde::Serialize;

/// One problem with one field, addressed by a JSON-path-like `field` (`lines[2].quantity`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in one document, so a caller can fix them all at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Invalid {
    pub errors: Vec<FieldError>,
}

impl Invalid {
    /// The same problems addressed from an enclosing document: `nps.score` of the third
    /// row becomes `customers[2].nps.score`.
    pub fn under(mut self, prefix: &str) -> Invalid {
        for e in &mut self.errors {
            e.field = format!("{prefix}.{}", e.field);
        }
        self
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join("; "))
    }
}

/// Collects field errors while a document is checked.
#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn check(&mut self, ok: bool, field: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.add(field, message);
        }
    }

    /// A required identifier: not blank, printable, at most `max` characters and free of `#`,
    /// which separates the parts of storage keys.
    pub fn identifier(&mut self, field: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if value.chars().count() > max {
            self.add(field, format!("must be at most {max} characters"));
        } else if value
            .chars()
            .any(|c| c.is_control() || c == '#' || c == '/' || c == '\\')
        {
            self.add(
                field,
                "must not contain control characters, `#`, `/` or `\\`",
            );
        } else if value == "." || value == ".." {
            self.add(field, "must not be `.` or `..`");
        }
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid { errors: self.0 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_reject_key_separators() {
        let mut p = Problems::default();
        p.identifier("order_id", "A#1", 64);
        p.identifier("sku", "", 64);
        p.identifier("ok", "SKU-1", 64);
        let err = p.finish().unwrap_err();
        assert_eq!(err.errors.len(), 2);
        assert_eq!(err.errors[0].field, "order_id");
        assert_eq!(err.errors[1].to_string(), "sku: must not be empty");
    }

    #[test]
    fn nested_problems_keep_their_path_under_the_enclosing_field() {
        let mut p = Problems::default();
        p.add("nps.score", "must be at most 10");
        let err = p.finish().unwrap_err().under("customers[2]");
        assert_eq!(err.errors[0].field, "customers[2].nps.score");
    }
}
