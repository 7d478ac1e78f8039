"""Python reference timings for benches/benches/dynamics.rs (not run by CI).

Measures, on one core:
  1. egttools: Fermi fixation by simulation, N = 100, two strategies (Nowak et al. 2004's
     TFT vs ALLD totals a=30 b=9 c=14 d=10), beta = 0.1, one mutant among 99 residents;
  2. egttools: small-mutation stationary distribution, 10 strategies, N = 100, beta = 1
     (a fixed pseudo-random 10 x 10 game, payoffs in [0, 5));
  3. Axelrod-Python: MoranProcess with 10 players (2 each of Cooperator, Defector, Tit For Tat,
     Grudger, Win-Stay Lose-Shift), 200-turn matches, run to fixation;
  4. egttools, step by step with mutation 0.01 (fixed-length runs, steps/s): three strategies
     well mixed (N = 100, beta = 1, anti-coordination game [[1,2,2],[2,1,2],[2,2,1]], start
     34/33/33), and two strategies on a cycle of 100 and on a 10 x 10 periodic lattice (beta 1,
     anti-coordination game [[1,2],[2,1]], start 50/50). egttools' network games *sum* payoffs
     over the neighbours, Vertrouwen averages them: its betas are 2 (cycle) and 4 (lattice)
     for the same process.

Usage (see benches/python/README.md):
  python benches/python/dynamics_reference.py [--skip-egttools] [--skip-axelrod]
"""

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np


def egttools_fixation(runs):
    import egttools

    game = egttools.games.Matrix2PlayerGameHolder(2, np.array([[30.0, 9.0], [14.0, 10.0]]))
    pc = egttools.numerical.PairwiseComparisonNumerical(100, game, 100000)
    start = time.perf_counter()
    # Arguments: invader, resident, runs, generation cap per run (runs stop at fixation), beta.
    rho = pc.estimate_fixation_probability(0, 1, runs, 10**8, 0.1)
    secs = time.perf_counter() - start
    print(f"egttools fixation by simulation, Fermi N=100 beta=0.1: {runs} runs in {secs:.3f} s "
          f"= {runs / secs:.0f} runs/s (rho_TFT ~ {rho:.4f})")


def egttools_three_strategies(generations):
    import egttools

    game = egttools.games.Matrix2PlayerGameHolder(
        3, np.array([[1.0, 2.0, 2.0], [2.0, 1.0, 2.0], [2.0, 2.0, 1.0]]))
    pc = egttools.numerical.PairwiseComparisonNumerical(100, game, 100000)
    start = time.perf_counter()
    # Arguments: steps, beta, mutation, initial counts; returns the final counts.
    final = pc.evolve(generations, 1.0, 0.01, np.array([34, 33, 33], dtype=np.uint64))
    secs = time.perf_counter() - start
    print(f"egttools step by step, 3 strategies well mixed, N=100 beta=1 mu=0.01: {generations} "
          f"steps in {secs:.3f} s = {generations / secs / 1e6:.3f} M steps/s (final {final})")


def lattice(width, height):
    return {y * width + x: [y * width + (x + 1) % width, y * width + (x - 1) % width,
                            ((y + 1) % height) * width + x, ((y - 1) % height) * width + x]
            for y in range(height) for x in range(width)}


def egttools_network(name, network, generations):
    from egttools.games import NormalFormNetworkGame
    from egttools.numerical import NetworkEvolver
    from egttools.numerical.structure import Network

    game = NormalFormNetworkGame(1, np.array([[1.0, 2.0], [2.0, 1.0]]))
    structure = Network(2, 1.0, 0.01, network, game, 1000)
    start = time.perf_counter()
    final = NetworkEvolver.evolve(generations, np.array([50, 50], dtype=np.uint64), structure)
    secs = time.perf_counter() - start
    print(f"egttools step by step, {name}, 2 strategies, beta=1 (summed payoffs) mu=0.01: "
          f"{generations} steps in {secs:.3f} s = {generations / secs / 1e6:.3f} M steps/s "
          f"(final {final})")


def egttools_stationary(reps):
    import egttools

    rng = np.random.default_rng(42)
    payoffs = 5.0 * rng.random((10, 10))
    start = time.perf_counter()
    for _ in range(reps):
        game = egttools.games.Matrix2PlayerGameHolder(10, payoffs)
        evolver = egttools.analytical.PairwiseComparison(100, game)
        transitions, _ = evolver.calculate_transition_and_fixation_matrix_sml(1.0)
        egttools.utils.calculate_stationary_distribution(transitions.transpose())
    secs = (time.perf_counter() - start) / reps
    print(f"egttools stationary distribution, 10 strategies, N=100, beta=1: {secs * 1e3:.2f} ms each")


def axelrod_moran(runs):
    import axelrod as axl

    kinds = [axl.Cooperator, axl.Defector, axl.TitForTat, axl.Grudger, axl.WinStayLoseShift]
    start = time.perf_counter()
    steps = 0
    for seed in range(runs):
        players = [k() for k in kinds for _ in range(2)]
        mp = axl.MoranProcess(players, turns=200, seed=seed)
        mp.play()
        steps += len(mp.populations) - 1
    secs = time.perf_counter() - start
    print(f"Axelrod-Python MoranProcess, 10 players, 200 turns, to fixation: {runs} runs in "
          f"{secs:.2f} s = {secs / runs * 1e3:.1f} ms/run ({runs / secs:.2f} runs/s), "
          f"mean {steps / runs:.1f} steps")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--skip-egttools", action="store_true")
    p.add_argument("--skip-axelrod", action="store_true")
    p.add_argument("--fixation-runs", type=int, default=5000)
    p.add_argument("--moran-runs", type=int, default=10)
    p.add_argument("--steps", type=int, default=1_000_000)
    a = p.parse_args()
    if not a.skip_egttools:
        try:
            egttools_fixation(a.fixation_runs)
            egttools_three_strategies(a.steps)
            egttools_network("cycle N=100", {i: [(i - 1) % 100, (i + 1) % 100] for i in range(100)},
                             a.steps)
            egttools_network("10 x 10 lattice", lattice(10, 10), a.steps)
            egttools_stationary(5)
        except ImportError as e:
            print(f"egttools not available: {e}")
    if not a.skip_axelrod:
        axelrod_moran(a.moran_runs)


if __name__ == "__main__":
    main()
