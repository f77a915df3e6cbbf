//! Claim paths: where a claim sits in the (processed) payload.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// One step of a [`ClaimPath`]: an object member or an array position.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathElem {
    /// An object member.
    Key(String),
    /// An array position (counted over the elements present in the full credential).
    Index(usize),
}

/// A path to a claim, e.g. `address.street_address` or `nationalities.1`.
///
/// In the text form, steps are separated by `.`; a step of digits addresses an array element
/// when the value there is an array and a member name otherwise (see [`ClaimPath::matches_step`]).
///
/// ```
/// use inkan_core::sdjwt::{ClaimPath, PathElem};
/// let p: ClaimPath = "nationalities.1".parse()?;
/// assert_eq!(p.to_string(), "nationalities.1");
/// assert!(p.is_prefix_of(&p));
/// assert!("".parse::<ClaimPath>().is_err());
/// # Ok::<(), inkan_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ClaimPath(Vec<PathElem>);

impl ClaimPath {
    /// A path from its steps.
    pub fn new(steps: Vec<PathElem>) -> Self {
        Self(steps)
    }

    /// The steps.
    pub fn steps(&self) -> &[PathElem] {
        &self.0
    }

    /// The path one step deeper.
    pub fn child(&self, step: PathElem) -> Self {
        let mut steps = self.0.clone();
        steps.push(step);
        Self(steps)
    }

    /// Whether every step of `self` matches the start of `other` (text steps of digits match
    /// array positions with that number).
    pub fn is_prefix_of(&self, other: &ClaimPath) -> bool {
        self.0.len() <= other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| Self::matches_step(a, b))
    }

    /// Whether two steps name the same place: equal, or a member name of digits and an array
    /// position with that number (paths typed by people cannot say which one they mean).
    pub fn matches_step(a: &PathElem, b: &PathElem) -> bool {
        match (a, b) {
            (PathElem::Key(k), PathElem::Index(i)) | (PathElem::Index(i), PathElem::Key(k)) => {
                k.parse::<usize>().is_ok_and(|n| n == *i)
            }
            _ => a == b,
        }
    }
}

impl FromStr for ClaimPath {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        if text.is_empty() || text.split('.').any(str::is_empty) {
            return Err(Error::SdJwtBadFrame(format!("bad claim path {text:?}")));
        }
        Ok(Self(
            text.split('.')
                .map(|step| match step.parse::<usize>() {
                    Ok(i) if step == i.to_string() => PathElem::Index(i),
                    _ => PathElem::Key(step.to_owned()),
                })
                .collect(),
        ))
    }
}

impl fmt::Display for ClaimPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match step {
                PathElem::Key(k) => f.write_str(k)?,
                PathElem::Index(n) => write!(f, "{n}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_match_either_way() {
        let typed: ClaimPath = "a.1".parse().unwrap();
        let real = ClaimPath::new(vec![PathElem::Key("a".into()), PathElem::Index(1)]);
        assert!(typed.is_prefix_of(&real));
        let keyed = ClaimPath::new(vec![PathElem::Key("a".into()), PathElem::Key("1".into())]);
        assert!(typed.is_prefix_of(&keyed));
        assert!(!real.is_prefix_of(&"a".parse().unwrap()));
        assert!("a..b".parse::<ClaimPath>().is_err());
    }
}
