//! Dealing a sweep's work over shards, balanced by expected cost.
//!
//! A sweep's grid points differ in cost (a `Turns` axis from 100 to 1,000 makes the last point
//! ten times the first; a Moran point at population 100 costs a thousand times one at 10), and a
//! shard should hold the sums of as few points as it can: a partial keeps a point's whole
//! tables, whatever share of its work it played. So:
//! 1. each point is cut into as few parts as keep every part within the mean load of a shard
//!    (`ceil(cost x shards / total)` parts; one for a point that cannot be split); with fewer
//!    parts than shards, the spare shards go one at a time to the point with the largest cost
//!    per part (D'Hondt), so that no shard is idle;
//! 2. the parts, costliest first, each go to the least loaded shard (ties: the lower one) that
//!    holds no other part of the same point.
//!
//! No shard then carries more than the mean load plus one part, so at most twice the mean,
//! whatever the costs. Part `r` of a point cut in `count` parts plays the point's work items
//! `k` with `k mod count = r` ([`Shard`]: a tournament's jobs, a dynamics study's payoff
//! matches and simulation runs). The deal depends only on the costs (the study) and the shard
//! count, never on threads or machines; costs are whole numbers, compared exactly.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use thiserror::Error;

use crate::tournament::{self, Shard, TournamentError, TournamentSpec};

/// The most shards a sweep is dealt over: the deal lists every point's shards.
pub const MAX_SHARDS: u32 = 1_000_000;

/// A shard count the deal refuses.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("a sweep is cut into at most {MAX_SHARDS} shards, not {shards}")]
pub struct TooManyShards {
    pub shards: u32,
}

/// Who plays a grid point: `shards[r]` plays part `r` of `shards.len()` of the point's work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointDeal {
    shards: Vec<u32>,
}

impl PointDeal {
    /// The part of the point that `shard` plays, if any.
    pub fn part_of(&self, shard: Shard) -> Option<Shard> {
        let r = self.shards.iter().position(|&s| s == shard.index())?;
        Shard::new(r as u32, self.shards.len() as u32).ok()
    }

    /// The shards that play the point, part by part.
    pub fn shards(&self) -> &[u32] {
        &self.shards
    }
}

/// The expected cost of a tournament point: its matches times their expected turns.
pub fn tournament_cost(spec: &TournamentSpec) -> Result<u64, TournamentError> {
    let matches = tournament::match_count(spec)?;
    let turns = spec.matches.length.mean_turns().ceil().max(1.0);
    Ok((matches as f64 * turns).min(u64::MAX as f64) as u64)
}

/// Deals points of `costs` over `shards` shards (see the module docs); `splittable`: whether a
/// point's work can be cut into parts.
pub fn deal(costs: &[u64], splittable: bool, shards: u32) -> Result<Vec<PointDeal>, TooManyShards> {
    if shards > MAX_SHARDS {
        return Err(TooManyShards { shards });
    }
    let n = shards.max(1);
    let cost = |k: usize| u128::from(costs[k].max(1));
    let total: u128 = (0..costs.len()).map(cost).sum::<u128>().max(1);
    let mut parts: Vec<u32> = (0..costs.len())
        .map(|k| {
            if splittable {
                // At most n: cost <= total.
                (cost(k) * u128::from(n))
                    .div_ceil(total)
                    .clamp(1, u128::from(n)) as u32
            } else {
                1
            }
        })
        .collect();
    let cut: u64 = parts.iter().map(|&c| u64::from(c)).sum();
    if splittable && cut < u64::from(n) {
        // D'Hondt: the next part to the point with the largest cost per part.
        #[derive(PartialEq, Eq)]
        struct Claim {
            cost: u128,
            parts: u128,
            point: usize,
        }
        impl Ord for Claim {
            fn cmp(&self, other: &Self) -> Ordering {
                (self.cost * other.parts)
                    .cmp(&(other.cost * self.parts))
                    .then(other.point.cmp(&self.point))
            }
        }
        impl PartialOrd for Claim {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }
        let mut heap: BinaryHeap<Claim> = (0..costs.len())
            .map(|k| Claim {
                cost: cost(k),
                parts: u128::from(parts[k]),
                point: k,
            })
            .collect();
        for _ in cut..u64::from(n) {
            let Some(mut top) = heap.pop() else { break };
            parts[top.point] += 1;
            top.parts += 1;
            heap.push(top);
        }
    }
    // The parts, costliest first (ties: the lower point, then the lower part).
    let mut list: Vec<(u128, usize)> = (0..costs.len())
        .flat_map(|k| {
            let each = cost(k).div_ceil(u128::from(parts[k]));
            std::iter::repeat_n((each, k), parts[k] as usize)
        })
        .collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut loads: BinaryHeap<Reverse<(u128, u32)>> = (0..n).map(|s| Reverse((0, s))).collect();
    let mut out: Vec<PointDeal> = vec![PointDeal { shards: Vec::new() }; costs.len()];
    let mut aside = Vec::new();
    for (each, k) in list {
        // The least loaded shard without a part of this point (parts of a point are
        // consecutive in the list, and a point has at most n parts).
        let (load, s) = loop {
            let Reverse((load, s)) = loads.pop().expect("a point has at most one part a shard");
            if out[k].shards.contains(&s) {
                aside.push(Reverse((load, s)));
            } else {
                break (load, s);
            }
        };
        loads.extend(aside.drain(..));
        out[k].shards.push(s);
        loads.push(Reverse((load + each, s)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loads(costs: &[u64], deals: &[PointDeal], n: u32) -> Vec<u64> {
        let mut l = vec![0u64; n as usize];
        for (c, d) in costs.iter().zip(deals) {
            for &s in d.shards() {
                l[s as usize] += c.div_ceil(d.shards().len() as u64);
            }
        }
        l
    }

    #[test]
    fn many_points_go_whole_to_the_least_loaded_shard() {
        // A Turns axis from 100 to 1,000: costs 1 to 10.
        let costs: Vec<u64> = (1..=10).map(|t| t * 100).collect();
        let deals = deal(&costs, true, 3).unwrap();
        assert!(deals.iter().all(|d| d.shards().len() == 1), "{deals:?}");
        let l = loads(&costs, &deals, 3);
        assert!(
            l.iter().max().unwrap() - l.iter().min().unwrap() <= 1_000,
            "{l:?}"
        );
        assert_eq!(l.iter().sum::<u64>(), 5_500);
        assert_eq!(deal(&costs, true, 3).unwrap(), deals);
    }

    #[test]
    fn a_point_costlier_than_a_shard_is_cut() {
        // One point of 10 among twenty of 1, on 5 shards (mean load 6): cut in two.
        let mut costs = vec![10];
        costs.extend([1; 20]);
        let deals = deal(&costs, true, 5).unwrap();
        assert_eq!(deals[0].shards().len(), 2);
        let l = loads(&costs, &deals, 5);
        assert!(*l.iter().max().unwrap() <= 7, "{l:?}");
    }

    #[test]
    fn few_points_share_shards_in_proportion_to_cost() {
        let deals = deal(&[300, 100], true, 8).unwrap();
        assert_eq!(deals[0].shards(), &[0, 1, 2, 3, 4, 5]);
        assert_eq!(deals[1].shards(), &[6, 7]);
        assert_eq!(
            deals[0].part_of(Shard::new(5, 8).unwrap()),
            Some(Shard::new(5, 6).unwrap())
        );
        assert_eq!(deals[1].part_of(Shard::new(5, 8).unwrap()), None);
        assert_eq!(
            deals[1].part_of(Shard::new(7, 8).unwrap()),
            Some(Shard::new(1, 2).unwrap())
        );
    }

    #[test]
    fn points_that_cannot_be_split_stay_whole_and_shard_counts_are_bounded() {
        let deals = deal(&[5, 1], false, 7).unwrap();
        assert_eq!(deals[0].shards(), &[0]);
        assert_eq!(deals[1].shards(), &[1]);
        assert_eq!(
            deal(&[1], true, MAX_SHARDS + 1),
            Err(TooManyShards {
                shards: MAX_SHARDS + 1
            })
        );
    }

    proptest::proptest! {
        /// Whatever the costs and the shard count, every point's work is played exactly once:
        /// its parts 0..count each by a different shard; points that cannot be split are
        /// whole; with fewer points than shards no shard is idle; no shard carries more than
        /// the mean load plus one part (split points), or loads differ by at most one point
        /// (whole points).
        #[test]
        fn every_point_is_played_exactly_once_and_loads_are_bounded(
            costs in proptest::collection::vec(1u64..1_000_000_000, 1..40),
            splittable: bool,
            n in 1u32..50,
        ) {
            let deals = deal(&costs, splittable, n).unwrap();
            proptest::prop_assert_eq!(deals.len(), costs.len());
            let mut per_shard = vec![0usize; n as usize];
            for d in &deals {
                let count = d.shards().len();
                proptest::prop_assert!(count >= 1 && count <= n as usize);
                let mut parts: Vec<u32> = (0..n)
                    .filter_map(|s| d.part_of(Shard::new(s, n).unwrap()))
                    .inspect(|p| assert_eq!(p.count() as usize, count))
                    .map(|p| p.index())
                    .collect();
                parts.sort_unstable();
                proptest::prop_assert_eq!(parts, (0..count as u32).collect::<Vec<_>>());
                if !splittable {
                    proptest::prop_assert_eq!(count, 1);
                }
                for &s in d.shards() {
                    per_shard[s as usize] += 1;
                }
            }
            let l = loads(&costs, &deals, n);
            let (lo, hi) = (*l.iter().min().unwrap(), *l.iter().max().unwrap());
            let max_cost = *costs.iter().max().unwrap();
            if splittable {
                if costs.len() < n as usize {
                    proptest::prop_assert!(per_shard.iter().all(|&c| c >= 1), "{:?}", per_shard);
                }
                let total: u64 = costs.iter().sum();
                let mean = total.div_ceil(u64::from(n));
                // Parts are at most the mean (rounded up); a shard's load before its last part
                // was the least, so at most the mean of the rounded-up loads.
                let slack = (costs.len() as u64 + u64::from(n)).div_ceil(u64::from(n));
                proptest::prop_assert!(hi <= 2 * mean + 2 * slack, "{:?} mean {}", l, mean);
            } else {
                proptest::prop_assert!(hi - lo <= max_cost, "{:?}", l);
            }
        }
    }
}
