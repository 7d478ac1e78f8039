//! One long loaded-path match (Tit For Tat v Alternator), for instruction counts:
//!
//! ```text
//! cargo build --release -p vertrouwen-benches --example one_match_probe
//! valgrind --tool=callgrind target/release/examples/one_match_probe 1000000
//! ```
//!
//! Callgrind's total divided by the turns gives instructions per turn, a figure that does
//! not move with the machine's noise (see docs/benchmarks.md).
use vertrouwen_benches::builtin_registry;
use vertrouwen_engine::matchup::{MatchScratch, MatchSpec, PlayerLabel};
fn main() {
    let r = builtin_registry();
    let mut a = r.resolve("Tit For Tat").unwrap().instantiate(None).unwrap();
    let mut b = r.resolve("Alternator").unwrap().instantiate(None).unwrap();
    let label = PlayerLabel {
        name: "x",
        source: "x",
    };
    let mut s = MatchScratch::new();
    let turns: u64 = std::env::args()
        .nth(1)
        .map(|x| x.parse().unwrap())
        .unwrap_or(1_000_000);
    let t0 = std::time::Instant::now();
    let st = s
        .play(
            [&mut a, &mut b],
            [label, label],
            &MatchSpec::fixed(turns),
            0,
        )
        .unwrap();
    let el = t0.elapsed().as_secs_f64();
    eprintln!(
        "{} turns in {:.3} s: {:.1} M/s",
        st.turns,
        el,
        st.turns as f64 / el / 1e6
    );
}
