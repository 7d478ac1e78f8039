//! Strategies built once per preset: a family whose exports carry large default parameters
//! (a finite state machine's transition table, a lookup table, trained weights) parses and
//! validates each preset's text the first time it is needed, and every later `create` with that
//! exact text copies the built strategy.
//!
//! Instances are created often: once per worker thread and strategy in a tournament, and for
//! every real match a dynamics study plays; parsing a sixteen-state table each time made
//! creating an instance cost more than playing a short match with it.
//!
//! The cache is filled once (by whichever thread gets there first, the others wait) and never
//! changes afterwards, so an instance's behaviour cannot depend on which thread created it or
//! on what was created before: a copy of the built value equals what building from the text
//! gives (the family's tests check this for every preset).

use std::sync::OnceLock;

/// The built values of one family's preset texts.
pub struct Presets<T: 'static> {
    texts: &'static [&'static str],
    build: fn(&str) -> Result<T, String>,
    built: OnceLock<Vec<Result<T, String>>>,
}

impl<T: Clone + Send + Sync> Presets<T> {
    /// Presets with the given parameter texts, built with `build` when first needed.
    pub const fn new(texts: &'static [&'static str], build: fn(&str) -> Result<T, String>) -> Self {
        Presets {
            texts,
            build,
            built: OnceLock::new(),
        }
    }

    /// Builds from `text`: a copy of the cached value when `text` is one of the preset texts
    /// (exactly), otherwise `build(text)`.
    pub fn create(&self, text: &str) -> Result<T, String> {
        self.get(text).unwrap_or_else(|| (self.build)(text))
    }

    /// A copy of the cached value when `text` is one of the preset texts (exactly).
    pub fn get(&self, text: &str) -> Option<Result<T, String>> {
        let i = self.texts.iter().position(|&preset| preset == text)?;
        Some(self.all()[i].clone())
    }

    /// Every preset, built, in the order of the texts.
    pub fn all(&self) -> &[Result<T, String>] {
        self.built
            .get_or_init(|| self.texts.iter().map(|text| (self.build)(text)).collect())
    }
}

/// Test support: every preset of `presets` is cached as exactly what building it from its text
/// gives (compared through `Debug`, which shows every field), and the texts are the exports'
/// default parameters, in order.
#[cfg(test)]
pub(crate) fn assert_cached_equal_built<T: Clone + Send + Sync + std::fmt::Debug>(
    presets: &Presets<T>,
    exports: &[vertrouwen_plugins_api::abi::StrategyDescriptor],
) {
    assert_eq!(presets.texts.len(), exports.len());
    for (&text, export) in presets.texts.iter().zip(exports) {
        assert_eq!(export.default_params.len, text.len(), "{text}");
        let cached = presets.get(text).expect("a preset text");
        assert!(cached.is_ok(), "{text}: {cached:?}");
        assert_eq!(
            format!("{cached:?}"),
            format!("{:?}", (presets.build)(text)),
            "{text}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    fn counting(text: &str) -> Result<usize, String> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        text.parse().map_err(|_| format!("not a number: {text:?}"))
    }

    static NUMBERS: Presets<usize> = Presets::new(&["1", "22", "x"], counting);

    #[test]
    fn presets_are_built_once_and_other_texts_every_time() {
        assert_eq!(NUMBERS.create("22"), Ok(22));
        assert_eq!(
            CALLS.load(Ordering::SeqCst),
            3,
            "all presets built at first use"
        );
        assert_eq!(NUMBERS.create("1"), Ok(1));
        assert!(NUMBERS.create("x").unwrap_err().contains("x"));
        assert_eq!(CALLS.load(Ordering::SeqCst), 3, "presets are copied");
        assert_eq!(NUMBERS.create("7"), Ok(7));
        assert_eq!(NUMBERS.create(" 1"), Err("not a number: \" 1\"".into()));
        assert_eq!(
            CALLS.load(Ordering::SeqCst),
            5,
            "other texts are built each time"
        );
    }
}
