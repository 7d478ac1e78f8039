"""Times Axelrod-Python on the workloads of benches/benches/throughput.rs, for ratios
measured on the same machine in the same session. Not run by CI.

Usage (a virtualenv with axelrod 4.14.0):
    python benches/python/bench_axelrod.py [LONG_MATCH_TURNS] [TOURNAMENT_REPETITIONS]

Prints turns per second for:
  - one match, Tit For Tat vs Alternator (default 200,000 turns);
  - the classics tournament (tournaments/classics.ron's 22 players), 200 turns, noise 0.01,
    (default 5) repetitions, processes=1 (serial, as the published Axelrod-Python figures).
"""
import json
import sys
import time
import warnings

warnings.simplefilter("ignore")
import axelrod as axl

CLASSICS = [
    axl.Cooperator, axl.Defector, axl.TitForTat, axl.TitFor2Tats, axl.TwoTitsForTat,
    axl.Grudger, axl.WinStayLoseShift, axl.Alternator, axl.SuspiciousTitForTat,
    axl.AntiTitForTat, axl.Bully, axl.Prober, axl.Handshake, axl.Gradual, axl.HardTitForTat,
    axl.CyclerCCD, axl.ForgetfulGrudger, axl.SoftGrudger, axl.Punisher, axl.GoByMajority,
    axl.HardGoByMajority, axl.Random,
]


def main():
    long_turns = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    out = {}

    match = axl.Match((axl.TitForTat(), axl.Alternator()), turns=long_turns, seed=1)
    t0 = time.perf_counter()
    match.play()
    el = time.perf_counter() - t0
    out["one_match_turns_per_s"] = long_turns / el

    players = [c() for c in CLASSICS]
    n = len(players)
    tournament = axl.Tournament(players, turns=200, noise=0.01, repetitions=reps, seed=1)
    t0 = time.perf_counter()
    tournament.play(progress_bar=False, processes=1, build_results=False)
    el = time.perf_counter() - t0
    turns = n * (n + 1) // 2 * 200 * reps
    out["classics_noisy_turns"] = turns
    out["classics_noisy_turns_per_s"] = turns / el
    out["axelrod_version"] = axl.__version__
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
