//! Writing to the terminal without panicking: standard output errors end the command (a closed
//! pipe quietly), standard error is best effort (a message that cannot be shown is dropped; the
//! exit code still tells).

use std::io::Write;

use crate::failure::Failure;

/// Writes `text` to standard output.
pub fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Failure::stdout)
}

/// Writes a line to standard error, ignoring failures (e.g. stderr sent to /dev/full).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
