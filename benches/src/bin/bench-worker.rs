//! The worker process of the isolation benchmarks: the engine's worker mode with the built-in
//! library, exactly what the `vertrouwen` binary runs when started with its hidden `__worker`
//! argument. A binary of the benches crate, so the benchmarks can start it by path
//! (`CARGO_BIN_EXE_bench-worker`) without building the CLI.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let code = vertrouwen_engine::sandbox::worker::serve(
        &args,
        &[vertrouwen_strategies::plugin_library()],
        vertrouwen_strategies::ALIASES,
    );
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
