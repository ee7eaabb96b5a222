//! Tunables the functions read from their environment, with a clear error for a bad one.

use std::str::FromStr;

/// `name` parsed, or `default` when unset; a value that does not parse is an error that
/// names the variable, so a misconfigured function fails at init, not on the first order.
pub fn number<T: FromStr>(name: &str, default: T) -> Result<T, String> {
    parse(name, std::env::var(name).ok(), default)
}

fn parse<T: FromStr>(name: &str, value: Option<String>, default: T) -> Result<T, String> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("environment variable {name}={v:?} is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn unset_is_the_default_and_garbage_is_refused_by_name() {
        assert_eq!(parse("PACKWISE_LANES", None, 4u32), Ok(4));
        assert_eq!(parse("PACKWISE_LANES", Some(" 8 ".into()), 4u32), Ok(8));
        assert_eq!(
            parse("PACKWISE_LANES", Some("four".into()), 4u32),
            Err("environment variable PACKWISE_LANES=\"four\" is not a whole number".into())
        );
    }
}
