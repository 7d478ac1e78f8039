"""Vertrouwen and the Python reference tools on the same workloads, in one run, interleaved.

One command (from the repository root, after `cargo build --release`, with a Python that has
`axelrod==4.14.0` and `egttools`):

    OMP_NUM_THREADS=1 python benches/python/side_by_side.py [--rounds 3]

Each round runs every workload once on each side, alternating (Vertrouwen, then Python), so
a change of machine load hits both sides alike; the load average is recorded with every
measurement. The table gives the median over rounds and the ratio Python time / Vertrouwen
time, and says for each workload whether the comparison is like-for-like or an algorithmic
win. Both sides use one core (`--threads 1` for Vertrouwen).

Vertrouwen is timed as users run it: the release `vertrouwen` binary in a subprocess, process
start and output writing included. The Python side is timed in-process (imports excluded),
so small workloads understate Vertrouwen's advantage (process start is a few milliseconds).
Not run by CI (it needs the Python packages and minutes of quiet machine).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
warnings.simplefilter("ignore")

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, "target", "release", "vertrouwen")


def ours(args, scratch):
    """Seconds the release binary takes for `args` (its output is written under `scratch`)."""
    start = time.perf_counter()
    done = subprocess.run([BINARY, *args], cwd=scratch, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    secs = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"vertrouwen {' '.join(args)} failed:\n{done.stderr}")
    return secs


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- the workloads -------------------------------------------------------------------------

def classics_players():
    text = open(os.path.join(ROOT, "tournaments", "classics.ron")).read()
    block = re.search(r"players:\s*\[(.*?)\]", text, re.S).group(1)
    return re.findall(r'"([^"]+)"', block)


def noisy_classics(scratch):
    import axelrod as axl

    # tournaments/classics.ron's players, as Axelrod-Python classes (same order).
    classes = [
        axl.Cooperator, axl.Defector, axl.TitForTat, axl.TitFor2Tats, axl.TwoTitsForTat,
        axl.Grudger, axl.WinStayLoseShift, axl.Alternator, axl.SuspiciousTitForTat,
        axl.AntiTitForTat, axl.Bully, axl.Prober, axl.Handshake, axl.Gradual,
        axl.HardTitForTat, axl.CyclerCCD, axl.ForgetfulGrudger, axl.SoftGrudger, axl.Punisher,
        axl.GoByMajority, axl.HardGoByMajority, axl.Random,
    ]
    names = classics_players()
    assert len(names) == len(classes), (names, classes)
    study = os.path.join(scratch, "noisy-classics.ron")
    with open(study, "w") as f:
        players = ", ".join(f'"{n}"' for n in names)
        f.write(f'Tournament(name: "noisy classics", players: [{players}], turns: 200, '
                f'noise: 0.01, repetitions: 5, seed: 1)\n')

    def python():
        t = axl.Tournament([c() for c in classes], turns=200, noise=0.01, repetitions=5, seed=1)
        t.play(progress_bar=False, processes=1, build_results=False)

    return (
        "classics tournament, 22 players, 200 turns, noise 0.01, 5 repetitions (253,000 turns)",
        lambda: ours(["run", study, "--out", "noisy", "--force", "--threads", "1", "--quiet"],
                     scratch),
        lambda: timed(python),
        "like-for-like (both play every match; Vertrouwen also writes its output folder)",
    )


def long_match(scratch):
    import axelrod as axl

    turns = 200_000

    def python():
        axl.Match((axl.TitForTat(), axl.Alternator()), turns=turns, seed=1).play()

    return (
        f"one match, Tit For Tat vs Alternator, {turns:,} turns",
        lambda: ours(["match", "Tit For Tat", "Alternator", "--turns", str(turns), "--json"],
                     scratch),
        lambda: timed(python),
        "like-for-like (Vertrouwen also prints both move strings as JSON)",
    )


def moran_real_matches(scratch):
    import axelrod as axl

    kinds = [axl.Cooperator, axl.Defector, axl.TitForTat, axl.Grudger, axl.WinStayLoseShift]
    python_runs, our_runs = 3, 200

    def python():
        for seed in range(python_runs):
            axl.MoranProcess([k() for k in kinds for _ in range(2)], turns=200, seed=seed).play()

    args = ["simulate", "Cooperator", "Defector", "Tit For Tat", "Grudger", "Win-Stay Lose-Shift",
            "--graph", "complete:10", "--initial", "2,2,2,2,2", "--mode", "matches",
            "--runs", str(our_runs), "--turns", "200", "--threads", "1"]
    return (
        "Moran process with real 200-turn matches, 10 players of 5 strategies, to fixation "
        "(per run)",
        lambda: ours(args, scratch) / our_runs,
        lambda: timed(python) / python_runs,
        "like-for-like (Axelrod-Python reuses each deterministic pair's first match; "
        "Vertrouwen plays every match)",
    )


def fermi_fixation(scratch, step_by_step):
    import egttools

    python_runs, our_runs = 2000, 200_000

    def python():
        game = egttools.games.Matrix2PlayerGameHolder(2, np.array([[30.0, 9.0], [14.0, 10.0]]))
        pc = egttools.numerical.PairwiseComparisonNumerical(100, game, 100000)
        pc.estimate_fixation_probability(0, 1, python_runs, 10**8, 0.1)

    if step_by_step:
        # A third strategy with count 0 cannot be skipped over: every step is drawn.
        matrix, initial = "30,9,0;14,10,0;0,0,0", "1,99,0"
        kind = "like-for-like (every step drawn on both sides)"
        name = "Fermi fixation by simulation, N=100, beta 0.1, every step drawn (per run)"
    else:
        matrix, initial = "30,9;14,10", "1,99"
        kind = "algorithmic win (Vertrouwen skips steps that change nothing)"
        name = "the same, Vertrouwen's default simulator (per run)"
    args = ["simulate", "--matrix", matrix, "--graph", "complete:100", "--initial", initial,
            "--beta", "0.1", "--runs", str(our_runs), "--threads", "1"]
    return (
        name,
        lambda: ours(args, scratch) / our_runs,
        lambda: timed(python) / python_runs,
        kind,
    )


def stationary(scratch):
    import egttools

    payoffs = 5.0 * np.random.default_rng(42).random((10, 10))
    matrix = ";".join(",".join(repr(float(x)) for x in row) for row in payoffs)

    def python():
        game = egttools.games.Matrix2PlayerGameHolder(10, payoffs)
        evolver = egttools.analytical.PairwiseComparison(100, game)
        transitions, _ = evolver.calculate_transition_and_fixation_matrix_sml(1.0)
        egttools.utils.calculate_stationary_distribution(transitions.transpose())

    return (
        "stationary distribution (small mutation), 10 strategies, N=100, beta 1",
        lambda: ours(["stationary", "--matrix", matrix, "--population", "100", "--beta", "1"],
                     scratch),
        lambda: timed(python),
        "like-for-like (both solve the embedded chain; Vertrouwen's time includes starting "
        "the process, most of it)",
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} not found: run `cargo build --release` first")
    import axelrod
    import egttools  # noqa: F401 (fail early when missing)

    with tempfile.TemporaryDirectory() as scratch:
        workloads = [
            noisy_classics(scratch),
            long_match(scratch),
            moran_real_matches(scratch),
            fermi_fixation(scratch, step_by_step=True),
            fermi_fixation(scratch, step_by_step=False),
            stationary(scratch),
        ]
        times = [([], []) for _ in workloads]
        loads = []
        for r in range(a.rounds):
            for k, (name, mine, theirs, _) in enumerate(workloads):
                loads.append(os.getloadavg()[0])
                times[k][0].append(mine())
                loads.append(os.getloadavg()[0])
                times[k][1].append(theirs())
            print(f"round {r + 1} of {a.rounds} done", file=sys.stderr)

    version = str(getattr(egttools, '__version__', '?')).strip('"')
    print(f"axelrod {axelrod.__version__}, egttools {version}, "
          f"{a.rounds} rounds, load average (1 min) during the runs: "
          f"{min(loads):.2f} to {max(loads):.2f}")
    print()
    print("| workload | Vertrouwen | Python | ratio | kind |")
    print("|---|---|---|---|---|")
    for (name, _, _, kind), (mine, theirs) in zip(workloads, times):
        m, t = statistics.median(mine), statistics.median(theirs)
        print(f"| {name} | {m * 1e3:.4g} ms | {t * 1e3:.4g} ms | {t / m:,.0f}x | {kind} |")


if __name__ == "__main__":
    main()
