//! Isolated runs leave no process behind, even when plugins hang, crash or try to start
//! processes of their own. A test binary of its own: it counts this process's children, so no
//! other test may run beside it.

use std::path::PathBuf;

use vertrouwen_engine::matchup::MatchSpec;
use vertrouwen_engine::sandbox::{Isolation, Limits, WorkerCommand};
use vertrouwen_engine::tournament::{run, PlayerSpec, RunOptions, TournamentSpec};
use vertrouwen_tests::{cdylib, static_registry};

/// Processes whose parent is this test process.
fn children() -> Vec<u32> {
    let me = std::process::id();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // Field 4 (after the parenthesised name) is the parent's pid.
                    let rest = stat.rsplit_once(')')?.1;
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(me)
        })
        .collect()
}

#[test]
fn no_process_outlives_an_isolated_tournament() {
    // Orphans (say, a process started by a plugin whose worker was killed) become this
    // process's children instead of init's, so they are counted below.
    rustix::process::set_child_subreaper(Some(rustix::process::getpid())).unwrap();
    assert!(
        children().is_empty(),
        "children before the test: {:?}",
        children()
    );
    {
        let mut r = static_registry();
        r.isolate(Isolation {
            command: WorkerCommand {
                program: PathBuf::from(env!("CARGO_BIN_EXE_test-worker")),
                args: vec![],
            },
            limits: Limits {
                decision_ms: 300,
                match_ms: 5_000,
                memory_mb: 256,
            },
        });
        r.load_plugin(&cdylib("hostile-plugin")).unwrap();
        r.load_plugin(&cdylib("example-plugin")).unwrap();
        let names = [
            "Tit For Tat",
            "Forks",
            "Loops Forever",
            "Segfaults",
            "Slow Betrayer",
            "Sleeps",
            "Defector",
        ];
        let spec = TournamentSpec {
            players: names
                .iter()
                .map(|n| PlayerSpec::new(r.resolve(n).unwrap()))
                .collect(),
            matches: MatchSpec::fixed(10),
            repetitions: 2,
            seed: 5,
        };
        let out = run(&spec, RunOptions { threads: Some(2) }).unwrap();
        assert_eq!(out.disqualified.len(), 4, "{:?}", out.disqualified);
        // Workers stay pooled while the registry lives ...
    }
    // ... and are gone once it is dropped: reaped, none left running or as zombies.
    let left = children();
    assert!(left.is_empty(), "processes left behind: {left:?}");
}
