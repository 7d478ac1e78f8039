//! Where each value of a study file is: [`Spanned<T>`] records the byte range of a value as
//! the RON parser found it, so that errors found after parsing (an unknown strategy, a
//! duplicate label, a population too large for memory) point at the value itself.
//!
//! How: a `Spanned<T>` is read as a borrowed `ron::value::RawValue`, a slice of the source the
//! parser has already delimited; its offset in the source is the distance between the two
//! pointers. The slice is then parsed as `T` with the same options. An error inside it has a
//! position relative to the slice, which is moved to the whole file and kept aside (serde
//! errors carry only a message), so [`super::parse`] reports it where it is.
//!
//! Nothing here searches the text for a name: positions come from the parser.

use std::cell::RefCell;

use serde::de::{self, Deserialize, Deserializer};

/// A byte range `start..end` of the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A value with the byte range it was read from (0..0 when it was not read from a file, e.g.
/// a default).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    /// A value with no place in a file (defaults, overrides).
    pub fn unplaced(value: T) -> Self {
        Spanned {
            value,
            span: Span::default(),
        }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// The source being parsed on this thread: its address range, and the first error found inside
/// a spanned value (byte offset in the source, message).
struct Context {
    base: usize,
    len: usize,
    error: Option<(usize, String)>,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// Runs `parse` with `source` registered as the text being parsed. Returns its result and the
/// first error found inside a spanned value, with its absolute byte offset.
pub(super) fn with_source<R>(
    source: &str,
    parse: impl FnOnce() -> R,
) -> (R, Option<(usize, String)>) {
    let previous = CONTEXT.with(|c| {
        c.borrow_mut().replace(Context {
            base: source.as_ptr() as usize,
            len: source.len(),
            error: None,
        })
    });
    let result = parse();
    let context = CONTEXT.with(|c| std::mem::replace(&mut *c.borrow_mut(), previous));
    (result, context.and_then(|c| c.error))
}

/// The offset of `slice` in the registered source, if it is a slice of it.
fn offset_of(slice: &str) -> Option<usize> {
    CONTEXT.with(|c| {
        let c = c.borrow();
        let c = c.as_ref()?;
        let at = (slice.as_ptr() as usize).checked_sub(c.base)?;
        (at + slice.len() <= c.len).then_some(at)
    })
}

fn record_error(offset: usize, message: String) {
    CONTEXT.with(|c| {
        if let Some(c) = c.borrow_mut().as_mut() {
            // The innermost value reports first; outer values only pass its message on.
            c.error.get_or_insert((offset, message));
        }
    });
}

/// Length of the whitespace and comments (`// ...`, nested `/* ... */`) at the start of `text`.
pub(super) fn leading_trivia(text: &str) -> usize {
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i] as char).is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0usize;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            return i;
        }
    }
}

/// The byte offset of 1-based (line, column in characters) in `text`, as the RON parser counts
/// them; the end of `text` if past it.
pub(super) fn offset_at(text: &str, line: usize, column: usize) -> usize {
    let (mut l, mut c) = (1usize, 1usize);
    for (i, ch) in text.char_indices() {
        if l > line || (l == line && c >= column) {
            return i;
        }
        if ch == '\n' {
            l += 1;
            c = 1;
        } else {
            c += 1;
        }
    }
    text.len()
}

/// 1-based (line, column in characters) of byte `offset` in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'de ron::value::RawValue>::deserialize(deserializer)?;
        let text: &'de str = raw.get_ron();
        let Some(at) = offset_of(text) else {
            // Not parsing a registered source (e.g. a test deserialising a fragment): no place.
            return super::ron_options()
                .from_str::<T>(text)
                .map(Spanned::unplaced)
                .map_err(|e| de::Error::custom(e.code));
        };
        match super::ron_options().from_str::<T>(text) {
            Ok(value) => Ok(Spanned {
                value,
                span: Span {
                    start: at + leading_trivia(text),
                    end: at + text.len(),
                },
            }),
            Err(e) => {
                let inner = offset_at(text, e.span.start.line, e.span.start.col);
                let message = super::explain(&e.code);
                record_error(at + inner, message.clone());
                Err(de::Error::custom(message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_convert_both_ways() {
        let text = "ab\ncé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 2));
        assert_eq!(line_column(text, 7), (3, 1));
        assert_eq!(line_column(text, 8), (3, 2));
        assert_eq!(offset_at(text, 2, 2), 4);
        assert_eq!(offset_at(text, 3, 1), 7);
        assert_eq!(offset_at(text, 9, 9), text.len());
    }

    #[test]
    fn trivia_is_whitespace_and_comments() {
        assert_eq!(leading_trivia("  // c\n /* a /* b */ */ x"), 24);
        assert_eq!(leading_trivia("x"), 0);
        assert_eq!(leading_trivia("/* open"), 7);
    }
}
