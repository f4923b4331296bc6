//! Personalised PageRank over a weighted directed graph (the approach of aider's
//! repository map): a random walk that follows edges with probability `DAMPING` and
//! otherwise jumps back to the nodes the question is about. Nodes with no way out
//! return their rank to those same nodes, so no rank leaks away.

pub const DAMPING: f64 = 0.85;
const MAX_ITERATIONS: usize = 100;
/// Stop when the ranks move less than this in total (L1).
const TOLERANCE: f64 = 1e-9;

/// A directed edge `from → to` with a positive weight (e.g. how often `from` refers to `to`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub weight: f64,
}

/// Ranks of `nodes` nodes, summing to 1. `personalization` weights the jump targets
/// (non-negative; all zeros or empty means uniform). Edges naming a node outside
/// `0..nodes` or with a weight that is not positive are ignored.
pub fn rank(nodes: usize, edges: &[Edge], personalization: &[f64]) -> Vec<f64> {
    if nodes == 0 {
        return Vec::new();
    }
    let jump = jump_distribution(nodes, personalization);
    let valid =
        |e: &&Edge| e.from < nodes && e.to < nodes && e.weight > 0.0 && e.weight.is_finite();
    let mut out_weight = vec![0.0; nodes];
    for edge in edges.iter().filter(valid) {
        out_weight[edge.from] += edge.weight;
    }
    // Each edge's share of its source's rank, damping included, worked out once
    // rather than on every iteration.
    let shares: Vec<(usize, usize, f64)> = edges
        .iter()
        .filter(valid)
        .map(|e| (e.from, e.to, DAMPING * e.weight / out_weight[e.from]))
        .collect();
    let dangling_nodes: Vec<usize> = (0..nodes).filter(|&n| out_weight[n] == 0.0).collect();
    let mut ranks = jump.clone();
    let mut next = vec![0.0; nodes];
    for _ in 0..MAX_ITERATIONS {
        let dangling: f64 = dangling_nodes.iter().map(|&n| ranks[n]).sum();
        let restart = (1.0 - DAMPING) + DAMPING * dangling;
        for (slot, j) in next.iter_mut().zip(&jump) {
            *slot = restart * j;
        }
        for &(from, to, share) in &shares {
            next[to] += ranks[from] * share;
        }
        let change: f64 = next.iter().zip(&ranks).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut ranks, &mut next);
        if change < TOLERANCE {
            break;
        }
    }
    ranks
}

fn jump_distribution(nodes: usize, personalization: &[f64]) -> Vec<f64> {
    let weights: Vec<f64> = (0..nodes)
        .map(|i| {
            personalization
                .get(i)
                .copied()
                .filter(|w| w.is_finite() && *w > 0.0)
                .unwrap_or(0.0)
        })
        .collect();
    let total: f64 = weights.iter().sum();
    if total == 0.0 {
        vec![1.0 / nodes as f64; nodes]
    } else {
        weights.iter().map(|w| w / total).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: usize, to: usize) -> Edge {
        Edge {
            from,
            to,
            weight: 1.0,
        }
    }

    fn assert_sums_to_one(ranks: &[f64]) {
        assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{ranks:?}");
    }

    #[test]
    fn a_cycle_ranks_every_node_alike() {
        let ranks = rank(3, &[edge(0, 1), edge(1, 2), edge(2, 0)], &[]);
        assert_sums_to_one(&ranks);
        for r in &ranks {
            assert!((r - 1.0 / 3.0).abs() < 1e-9);
        }
    }

    #[test]
    fn matches_the_closed_form_of_a_two_node_graph() {
        // 0 → 1 only; 1 is dangling and returns its rank uniformly.
        // r0 = 0.15/2 + 0.85·r1/2 and r0 + r1 = 1, so r0 = 0.5 / (1 + 0.85/2).
        let ranks = rank(2, &[edge(0, 1)], &[]);
        let r0 = 0.5 / (1.0 + 0.85 / 2.0);
        assert!((ranks[0] - r0).abs() < 1e-6, "{ranks:?}");
        assert_sums_to_one(&ranks);
    }

    #[test]
    fn personalisation_favours_the_asked_node_and_its_neighbours() {
        // A chain 0 → 1 → 2 → 3 and an unrelated pair 4 ⇄ 5.
        let edges = [edge(0, 1), edge(1, 2), edge(2, 3), edge(4, 5), edge(5, 4)];
        let ranks = rank(6, &edges, &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert_sums_to_one(&ranks);
        assert!(ranks[1] > ranks[4] && ranks[2] > ranks[5], "{ranks:?}");
        assert!(ranks[4] < 1e-9, "unreachable from the question: {ranks:?}");
    }

    #[test]
    fn heavier_edges_carry_more_rank_and_bad_edges_are_ignored() {
        let edges = [
            Edge {
                from: 0,
                to: 1,
                weight: 3.0,
            },
            Edge {
                from: 0,
                to: 2,
                weight: 1.0,
            },
            Edge {
                from: 0,
                to: 9,
                weight: 1.0,
            },
            Edge {
                from: 0,
                to: 2,
                weight: f64::NAN,
            },
        ];
        let ranks = rank(3, &edges, &[1.0, 0.0, 0.0]);
        assert!(
            ranks[1] > 2.9 * ranks[2] && ranks[1] < 3.1 * ranks[2],
            "{ranks:?}"
        );
        assert_sums_to_one(&ranks);
        assert!(rank(0, &edges, &[]).is_empty());
    }
}
