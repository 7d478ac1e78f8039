//! Population structures: the [`Graph`] a study names, its validation, and the compact
//! adjacency ([`Adjacency`]) the structured simulator walks.
//!
//! Why a module of its own: a graph is checked and sized before anything is allocated for it
//! (issue 10: `Complete(n: 10000000000)` or a huge `Edges` list must give a typed error, not an
//! abort), and the simulator needs one tight layout (`u32` node indices in one flat array) that
//! is independent of how the study spelled the graph.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::error::SimulationError;

/// A population structure; nodes are `0..n`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Graph {
    /// Everybody is everybody's neighbour (well mixed).
    Complete {
        /// Population size.
        n: usize,
    },
    /// A ring: `i` neighbours `i +- 1 (mod n)`; `n >= 3`.
    Cycle {
        /// Population size.
        n: usize,
    },
    /// A `width x height` square lattice with periodic boundary (von Neumann neighbourhood,
    /// 4 neighbours); both sides `>= 3`.
    Lattice {
        /// Columns.
        width: usize,
        /// Rows.
        height: usize,
    },
    /// Node 0 is the hub, linked to every leaf `1..n`; `n >= 2`.
    Star {
        /// Population size.
        n: usize,
    },
    /// An explicit undirected edge list (duplicates ignored, self-loops rejected).
    Edges {
        /// Population size.
        n: usize,
        /// Undirected edges.
        edges: Vec<(usize, usize)>,
    },
}

/// Largest population: node indices are stored as `u32` (half the memory and cache of
/// `usize` in the simulator's hot arrays).
pub const MAX_NODES: u64 = u32::MAX as u64;

/// What is wrong with a graph. Each names the graph's own parameters, so a caller can point
/// at the offending field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GraphError {
    /// Fewer than two individuals: nothing to simulate.
    #[error("a population needs at least 2 individuals, got {n}")]
    TooSmall {
        /// Nodes given.
        n: usize,
    },
    /// A cycle of fewer than 3 nodes would have duplicate edges.
    #[error("a cycle needs n >= 3, got {n}")]
    CycleTooSmall {
        /// Nodes given.
        n: usize,
    },
    /// A periodic lattice with a side below 3 would link a node to itself or twice.
    #[error("a periodic lattice needs both sides >= 3, got {width} x {height}")]
    LatticeTooSmall {
        /// Columns given.
        width: usize,
        /// Rows given.
        height: usize,
    },
    /// More nodes than [`MAX_NODES`] (or than `usize` can count, for a lattice).
    #[error("{nodes} nodes is more than the limit of {limit}")]
    TooManyNodes {
        /// Nodes asked for.
        nodes: u128,
        /// [`MAX_NODES`].
        limit: u64,
    },
    /// More neighbour entries than a `u32` offset can address.
    #[error("{entries} neighbour entries (two per edge) is more than the limit of {limit}")]
    TooManyEdges {
        /// `2 x` undirected edges.
        entries: u128,
        /// `u32::MAX`.
        limit: u64,
    },
    /// An edge names a node outside `0..n`.
    #[error("edge {index} ({a}, {b}) names a node outside 0..{n}")]
    EdgeOutOfRange {
        /// Position in the edge list.
        index: usize,
        /// First end.
        a: usize,
        /// Second end.
        b: usize,
        /// Number of nodes.
        n: usize,
    },
    /// An edge from a node to itself.
    #[error("edge {index} is a self-loop at node {node}")]
    SelfLoop {
        /// Position in the edge list.
        index: usize,
        /// The node.
        node: usize,
    },
    /// A node nobody interacts with (its payoff would be undefined).
    #[error("node {node} has no neighbours")]
    Isolated {
        /// The node.
        node: usize,
    },
}

impl Graph {
    /// Number of nodes, checked against [`MAX_NODES`], without allocating. Checks the shape
    /// rules that need no adjacency (sizes and edge ends); isolated nodes of an `Edges` graph
    /// are found when the adjacency is built.
    pub fn validate(&self) -> Result<usize, GraphError> {
        let nodes: u128 = match *self {
            Graph::Complete { n } | Graph::Cycle { n } | Graph::Star { n } => n as u128,
            Graph::Edges { n, .. } => n as u128,
            Graph::Lattice { width, height } => width as u128 * height as u128,
        };
        if nodes > u128::from(MAX_NODES) {
            return Err(GraphError::TooManyNodes {
                nodes,
                limit: MAX_NODES,
            });
        }
        let n = nodes as usize;
        match self {
            Graph::Cycle { .. } if n < 3 => return Err(GraphError::CycleTooSmall { n }),
            Graph::Lattice { width, height } if *width < 3 || *height < 3 => {
                return Err(GraphError::LatticeTooSmall {
                    width: *width,
                    height: *height,
                })
            }
            Graph::Edges { edges, .. } => {
                for (index, &(a, b)) in edges.iter().enumerate() {
                    if a >= n || b >= n {
                        return Err(GraphError::EdgeOutOfRange { index, a, b, n });
                    }
                    if a == b {
                        return Err(GraphError::SelfLoop { index, node: a });
                    }
                }
            }
            _ => {}
        }
        if n < 2 {
            return Err(GraphError::TooSmall { n });
        }
        // A well-mixed population never builds the complete graph's adjacency, so its size
        // is checked only when it is built.
        if !self.is_complete() {
            self.check_entries(n)?;
        }
        Ok(n)
    }

    fn check_entries(&self, n: usize) -> Result<(), GraphError> {
        let entries = self.neighbour_entries(n);
        if entries > u128::from(u32::MAX) {
            return Err(GraphError::TooManyEdges {
                entries,
                limit: u64::from(u32::MAX),
            });
        }
        Ok(())
    }

    /// Upper bound of the adjacency entries (two per undirected edge) before deduplication.
    fn neighbour_entries(&self, n: usize) -> u128 {
        let n = n as u128;
        match self {
            Graph::Complete { .. } => n * (n - 1),
            Graph::Cycle { .. } | Graph::Star { .. } => 2 * n,
            Graph::Lattice { .. } => 4 * n,
            Graph::Edges { edges, .. } => 2 * edges.len() as u128,
        }
    }

    /// Bytes the [`Adjacency`] of this graph takes (an upper bound), for the memory check
    /// made before building it. `n` is [`Graph::validate`]'s result.
    pub(crate) fn adjacency_bytes(&self, n: usize) -> u128 {
        // offsets (u32) + targets (u32) + sources (u32, per entry).
        4 * (n as u128 + 1) + 8 * self.neighbour_entries(n)
    }

    /// Whether every node is every other node's neighbour.
    pub(crate) fn is_complete(&self) -> bool {
        matches!(self, Graph::Complete { .. })
    }
}

/// Neighbour lists in one flat array (CSR): node `v`'s neighbours are
/// `targets[offsets[v]..offsets[v + 1]]`, sorted and without duplicates. `sources[e]` is the
/// node whose list holds entry `e`, so a uniformly drawn entry is a uniformly drawn (node,
/// neighbour) pair when every node has the same degree.
#[derive(Debug, Clone)]
pub(crate) struct Adjacency {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    sources: Vec<u32>,
    /// `Some(d)` when every node has degree `d`.
    regular: Option<u32>,
}

fn reserve<T>(v: &mut Vec<T>, len: usize, what: &'static str) -> Result<(), SimulationError> {
    v.try_reserve_exact(len)
        .map_err(|_| SimulationError::OutOfMemory {
            what,
            bytes: (len as u128) * std::mem::size_of::<T>() as u128,
        })
}

impl Adjacency {
    /// Builds the adjacency of a graph that passed [`Graph::validate`] (`n` nodes), reserving
    /// with `try_reserve` so a failed allocation is an error, not an abort.
    pub(crate) fn build(graph: &Graph, n: usize) -> Result<Self, AdjacencyError> {
        graph.check_entries(n).map_err(AdjacencyError::Graph)?;
        // Degrees first (upper bounds for Edges, which may hold duplicates), then fill.
        let mut degree: Vec<u32> = Vec::new();
        reserve(&mut degree, n, "node degrees")?;
        degree.resize(n, 0);
        let for_each_edge = |f: &mut dyn FnMut(usize, usize)| match graph {
            Graph::Complete { .. } => {
                for a in 0..n {
                    for b in a + 1..n {
                        f(a, b);
                    }
                }
            }
            Graph::Cycle { .. } => {
                for a in 0..n {
                    f(a, (a + 1) % n);
                }
            }
            Graph::Lattice { width, .. } => {
                let w = *width;
                let h = n / w;
                for y in 0..h {
                    for x in 0..w {
                        let v = y * w + x;
                        f(v, y * w + (x + 1) % w);
                        f(v, ((y + 1) % h) * w + x);
                    }
                }
            }
            Graph::Star { .. } => {
                for leaf in 1..n {
                    f(0, leaf);
                }
            }
            Graph::Edges { edges, .. } => {
                for &(a, b) in edges {
                    f(a, b);
                }
            }
        };
        for_each_edge(&mut |a, b| {
            degree[a] += 1;
            degree[b] += 1;
        });
        let mut offsets: Vec<u32> = Vec::new();
        reserve(&mut offsets, n + 1, "adjacency offsets")?;
        offsets.push(0);
        let mut total = 0u32;
        for &d in &degree {
            total += d; // validate() bounded the entries by u32::MAX
            offsets.push(total);
        }
        let mut targets: Vec<u32> = Vec::new();
        reserve(&mut targets, total as usize, "adjacency lists")?;
        targets.resize(total as usize, 0);
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        for_each_edge(&mut |a, b| {
            targets[fill[a] as usize] = b as u32;
            fill[a] += 1;
            targets[fill[b] as usize] = a as u32;
            fill[b] += 1;
        });
        drop(fill);
        // Sort and deduplicate each list in place, compacting the flat array.
        let mut write = 0usize;
        let mut start = 0usize;
        for v in 0..n {
            let end = offsets[v + 1] as usize;
            targets[start..end].sort_unstable();
            let list_start = write;
            for r in start..end {
                let t = targets[r];
                if write == list_start || targets[write - 1] != t {
                    targets[write] = t;
                    write += 1;
                }
            }
            if write == list_start {
                return Err(AdjacencyError::Graph(GraphError::Isolated { node: v }));
            }
            start = end;
            offsets[v + 1] = write as u32;
        }
        targets.truncate(write);
        let mut sources: Vec<u32> = Vec::new();
        reserve(&mut sources, write, "adjacency sources")?;
        for v in 0..n {
            let d = (offsets[v + 1] - offsets[v]) as usize;
            sources.extend(std::iter::repeat_n(v as u32, d));
        }
        let d0 = offsets[1] - offsets[0];
        let regular = (0..n)
            .all(|v| offsets[v + 1] - offsets[v] == d0)
            .then_some(d0);
        Ok(Adjacency {
            offsets,
            targets,
            sources,
            regular,
        })
    }

    /// Neighbours of `v`.
    #[inline]
    pub(crate) fn neighbours(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// Number of (node, neighbour) entries.
    #[inline]
    pub(crate) fn entries(&self) -> usize {
        self.targets.len()
    }

    /// Entry `e` as (node, neighbour).
    #[inline]
    pub(crate) fn entry(&self, e: usize) -> (usize, usize) {
        (self.sources[e] as usize, self.targets[e] as usize)
    }

    /// `Some(d)` when every node has degree `d`.
    #[inline]
    pub(crate) fn regular_degree(&self) -> Option<u32> {
        self.regular
    }
}

/// Building an adjacency fails on an isolated node or a failed allocation.
#[derive(Debug)]
pub(crate) enum AdjacencyError {
    Graph(GraphError),
    Memory(SimulationError),
}

impl From<SimulationError> for AdjacencyError {
    fn from(e: SimulationError) -> Self {
        AdjacencyError::Memory(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_sizes_are_checked_before_allocating() {
        assert_eq!(
            Graph::Complete { n: 10_000_000_000 }.validate(),
            Err(GraphError::TooManyNodes {
                nodes: 10_000_000_000,
                limit: MAX_NODES
            })
        );
        assert!(matches!(
            Graph::Lattice {
                width: usize::MAX,
                height: usize::MAX
            }
            .validate(),
            Err(GraphError::TooManyNodes { .. })
        ));
        // 100,000 nodes fit (well mixed, they are a count vector), but an adjacency of a
        // complete graph of them would have ~10^10 neighbour entries.
        let complete = Graph::Complete { n: 100_000 };
        assert_eq!(complete.validate(), Ok(100_000));
        assert!(matches!(
            Adjacency::build(&complete, 100_000),
            Err(AdjacencyError::Graph(GraphError::TooManyEdges { .. }))
        ));
        assert!(matches!(
            Graph::Cycle { n: 1 << 31 }.validate(),
            Err(GraphError::TooManyEdges { .. })
        ));
        assert_eq!(
            Graph::Edges {
                n: 3,
                edges: vec![(0, 1), (1, 7)]
            }
            .validate(),
            Err(GraphError::EdgeOutOfRange {
                index: 1,
                a: 1,
                b: 7,
                n: 3
            })
        );
        assert_eq!(
            Graph::Edges {
                n: 3,
                edges: vec![(0, 1), (2, 2)]
            }
            .validate(),
            Err(GraphError::SelfLoop { index: 1, node: 2 })
        );
        assert_eq!(
            Graph::Cycle { n: 2 }.validate(),
            Err(GraphError::CycleTooSmall { n: 2 })
        );
        assert_eq!(
            Graph::Lattice {
                width: 2,
                height: 5
            }
            .validate(),
            Err(GraphError::LatticeTooSmall {
                width: 2,
                height: 5
            })
        );
        assert_eq!(
            Graph::Star { n: 1 }.validate(),
            Err(GraphError::TooSmall { n: 1 })
        );
    }

    #[test]
    fn adjacency_lists_are_sorted_deduplicated_and_flagged_regular() {
        let g = Graph::Edges {
            n: 4,
            edges: vec![(0, 1), (1, 0), (1, 2), (2, 3), (3, 0), (0, 1)],
        };
        let a = Adjacency::build(&g, g.validate().unwrap()).unwrap();
        assert_eq!(a.neighbours(0), &[1, 3]);
        assert_eq!(a.neighbours(1), &[0, 2]);
        assert_eq!(a.entries(), 8);
        assert_eq!(a.regular_degree(), Some(2));
        assert_eq!(a.entry(3), (1, 2));
        let lattice = Graph::Lattice {
            width: 3,
            height: 4,
        };
        let a = Adjacency::build(&lattice, lattice.validate().unwrap()).unwrap();
        assert_eq!(a.entries(), 48);
        assert_eq!(a.regular_degree(), Some(4));
        assert_eq!(a.neighbours(0), &[1, 2, 3, 9]);
        let star = Graph::Star { n: 5 };
        let a = Adjacency::build(&star, 5).unwrap();
        assert_eq!(a.regular_degree(), None);
        assert_eq!(a.neighbours(0), &[1, 2, 3, 4]);
        let isolated = Graph::Edges {
            n: 3,
            edges: vec![(0, 1)],
        };
        assert!(matches!(
            Adjacency::build(&isolated, 3),
            Err(AdjacencyError::Graph(GraphError::Isolated { node: 2 }))
        ));
    }
}
