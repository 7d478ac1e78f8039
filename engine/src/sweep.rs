//! Dealing a sweep's work over shards, balanced by expected cost.
//!
//! A sweep's grid points differ in cost (a `Turns` axis from 100 to 1,000 makes the last point
//! ten times the first), and a shard should hold the sums of as few points as it can: a
//! partial keeps a point's whole tables, whatever share of its matches it played. So:
//! - with at least as many points as shards (or points that cannot be split), whole points go
//!   to shards, the costliest first, each to the shard with the least cost so far (ties: the
//!   lower shard), so that shard loads differ by at most about one point;
//! - with fewer points than shards, every point gets at least one shard, and the remaining
//!   shards go one at a time to the point with the largest cost per shard (D'Hondt); a point's
//!   shards are consecutive, and shard `first + r` plays part `r` of `count` of its work
//!   ([`Shard`]: a tournament's job `k`, a dynamics study's payoff match `k` and simulation run
//!   `k`, to part `k mod count`).
//!
//! The deal depends only on the costs (the study) and the shard count, never on threads or
//! machines. Costs are whole numbers, compared exactly.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::tournament::{self, Shard, TournamentError, TournamentSpec};

/// Who plays a grid point: shards `first .. first + count`, shard `first + r` playing part `r`
/// of `count` of the point's work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PointDeal {
    pub first: u32,
    pub count: u32,
}

impl PointDeal {
    /// The part of the point that `shard` plays, if any.
    pub fn part_of(&self, shard: Shard) -> Option<Shard> {
        let i = shard.index();
        (i >= self.first && i - self.first < self.count)
            .then(|| Shard::new(i - self.first, self.count).ok())
            .flatten()
    }
}

/// The expected cost of a tournament point: its matches times their expected turns.
pub fn tournament_cost(spec: &TournamentSpec) -> Result<u64, TournamentError> {
    let matches = tournament::match_count(spec)?;
    let turns = spec.matches.length.mean_turns().ceil().max(1.0);
    Ok((matches as f64 * turns).min(u64::MAX as f64) as u64)
}

/// Deals points of `costs` over `shards` shards (see the module docs); `splittable`: whether a
/// point's work can be split over several shards.
pub fn deal(costs: &[u64], splittable: bool, shards: u32) -> Vec<PointDeal> {
    let n = shards.max(1);
    let p = costs.len();
    let cost = |k: usize| u128::from(costs[k].max(1));
    if !splittable || p >= n as usize {
        let mut order: Vec<usize> = (0..p).collect();
        order.sort_by(|&a, &b| cost(b).cmp(&cost(a)).then(a.cmp(&b)));
        // Least loaded shard first, then the lower index.
        let mut loads: BinaryHeap<std::cmp::Reverse<(u128, u32)>> =
            (0..n).map(|s| std::cmp::Reverse((0, s))).collect();
        let mut out = vec![PointDeal { first: 0, count: 1 }; p];
        for k in order {
            let std::cmp::Reverse((load, s)) = loads.pop().expect("at least one shard");
            out[k].first = s;
            loads.push(std::cmp::Reverse((load + cost(k), s)));
        }
        return out;
    }
    // D'Hondt: the next shard to the point with the largest cost per shard.
    #[derive(PartialEq, Eq)]
    struct Claim {
        cost: u128,
        count: u128,
        point: usize,
    }
    impl Ord for Claim {
        fn cmp(&self, other: &Self) -> Ordering {
            (self.cost * other.count)
                .cmp(&(other.cost * self.count))
                .then(other.point.cmp(&self.point))
        }
    }
    impl PartialOrd for Claim {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    let mut counts = vec![1u32; p];
    let mut heap: BinaryHeap<Claim> = (0..p)
        .map(|k| Claim {
            cost: cost(k),
            count: 1,
            point: k,
        })
        .collect();
    for _ in p..n as usize {
        let mut top = heap.pop().expect("at least one point");
        counts[top.point] += 1;
        top.count += 1;
        heap.push(top);
    }
    let mut first = 0u32;
    counts
        .into_iter()
        .map(|count| {
            let d = PointDeal { first, count };
            first += count;
            d
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loads(costs: &[u64], deals: &[PointDeal], n: u32) -> Vec<u64> {
        let mut l = vec![0u64; n as usize];
        for (c, d) in costs.iter().zip(deals) {
            for s in d.first..d.first + d.count {
                l[s as usize] += c / u64::from(d.count);
            }
        }
        l
    }

    #[test]
    fn many_points_go_whole_to_the_least_loaded_shard() {
        // A Turns axis from 100 to 1,000: costs 1 to 10.
        let costs: Vec<u64> = (1..=10).map(|t| t * 100).collect();
        let deals = deal(&costs, true, 3);
        assert!(deals.iter().all(|d| d.count == 1));
        let l = loads(&costs, &deals, 3);
        // 5,500 over 3 shards: the greedy deal is within one point of even.
        assert!(
            l.iter().max().unwrap() - l.iter().min().unwrap() <= 1_000,
            "{l:?}"
        );
        assert_eq!(l.iter().sum::<u64>(), 5_500);
        // The same inputs give the same deal.
        assert_eq!(deal(&costs, true, 3), deals);
    }

    #[test]
    fn few_points_share_shards_in_proportion_to_cost() {
        let deals = deal(&[300, 100], true, 8);
        assert_eq!(
            deals,
            vec![
                PointDeal { first: 0, count: 6 },
                PointDeal { first: 6, count: 2 }
            ]
        );
        assert_eq!(
            deals[0].part_of(Shard::new(5, 8).unwrap()),
            Some(Shard::new(5, 6).unwrap())
        );
        assert_eq!(deals[1].part_of(Shard::new(5, 8).unwrap()), None);
        assert_eq!(
            deals[1].part_of(Shard::new(7, 8).unwrap()),
            Some(Shard::new(1, 2).unwrap())
        );
        // Every shard plays exactly one point.
        for s in 0..8 {
            let shard = Shard::new(s, 8).unwrap();
            assert_eq!(
                deals.iter().filter(|d| d.part_of(shard).is_some()).count(),
                1
            );
        }
    }

    #[test]
    fn dynamics_points_are_never_split() {
        let deals = deal(&[5, 1], false, 7);
        assert_eq!(
            deals,
            vec![
                PointDeal { first: 0, count: 1 },
                PointDeal { first: 1, count: 1 }
            ]
        );
    }

    proptest::proptest! {
        /// Whatever the costs and the shard count, every point's work is played exactly once:
        /// its parts 0..count each by one shard; points that cannot be split are whole; with
        /// fewer splittable points than shards every shard plays one point; and whole points
        /// leave shard loads within one point's cost of each other.
        #[test]
        fn every_point_is_played_exactly_once(
            costs in proptest::collection::vec(1u64..1_000_000_000, 1..40),
            splittable: bool,
            n in 1u32..50,
        ) {
            let deals = deal(&costs, splittable, n);
            proptest::prop_assert_eq!(deals.len(), costs.len());
            let mut per_shard = vec![0usize; n as usize];
            let mut loads = vec![0u128; n as usize];
            for (k, d) in deals.iter().enumerate() {
                let found: Vec<Shard> = (0..n)
                    .filter_map(|s| d.part_of(Shard::new(s, n).unwrap()))
                    .collect();
                proptest::prop_assert!(found.iter().all(|p| p.count() == d.count));
                let mut parts: Vec<u32> = found.iter().map(|p| p.index()).collect();
                parts.sort_unstable();
                proptest::prop_assert_eq!(parts, (0..d.count).collect::<Vec<_>>());
                if !splittable {
                    proptest::prop_assert_eq!(d.count, 1);
                }
                for s in d.first..d.first + d.count {
                    per_shard[s as usize] += 1;
                    loads[s as usize] += u128::from(costs[k]) / u128::from(d.count);
                }
            }
            if splittable && costs.len() < n as usize {
                proptest::prop_assert!(per_shard.iter().all(|&c| c == 1), "{:?}", per_shard);
            } else {
                let max_cost = u128::from(*costs.iter().max().unwrap());
                let (lo, hi) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
                proptest::prop_assert!(hi - lo <= max_cost, "{:?}", loads);
            }
        }
    }
}
