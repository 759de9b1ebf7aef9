//! A Simple Temporal Network checked incrementally.
//!
//! Constraints `x_to - x_from <= weight` are the edges of a distance graph;
//! the network is consistent exactly when that graph has no negative cycle
//! (Dechter, Meiri and Pearl 1991). Edges are added one at a time; a
//! feasible potential (a solution) is kept and repaired after each addition
//! with a Dijkstra-like propagation over reduced costs (Cotton and Maler
//! 2006). When an edge would close a negative cycle it is refused and the
//! cycle is returned: those edges are the explanation.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// An edge: `x[to] - x[from] <= weight`, labelled with the caller's tag.
/// Nodes are `u32` (24 bytes with a `u32` tag, not 32): a workspace's
/// networks hold one edge per constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge<T> {
    pub from: u32,
    pub to: u32,
    pub weight: i64,
    pub tag: T,
}

/// A consistent network: edges and a potential `p` with
/// `p[to] <= p[from] + weight` for every edge.
pub struct Stn<T> {
    out: Vec<Vec<usize>>,
    edges: Vec<Edge<T>>,
    potential: Vec<i64>,
}

impl<T: Copy> Stn<T> {
    pub fn new(nodes: usize) -> Self {
        Self {
            out: vec![Vec::new(); nodes],
            edges: Vec::new(),
            potential: vec![0; nodes],
        }
    }

    pub fn node_count(&self) -> usize {
        self.out.len()
    }

    pub fn edges(&self) -> &[Edge<T>] {
        &self.edges
    }

    /// Adds `x[to] - x[from] <= weight`. If that makes the network
    /// inconsistent, the edge is not added and the negative cycle it would
    /// close is returned, starting with the new edge.
    pub fn add(&mut self, edge: Edge<T>) -> Result<(), Vec<Edge<T>>> {
        let (u, v, w) = (edge.from as usize, edge.to as usize, edge.weight);
        if u == v {
            return if w < 0 { Err(vec![edge]) } else { Ok(()) };
        }
        if self.potential[u] + w >= self.potential[v] {
            self.push(edge);
            return Ok(());
        }
        // gamma[x]: how much x's potential must drop. pred[x]: the edge
        // through which the drop reached x (usize::MAX for the new edge).
        let n = self.out.len();
        let mut gamma = vec![0i64; n];
        let mut pred = vec![usize::MAX; n];
        let mut done = vec![false; n];
        let mut changed = Vec::new();
        let mut heap = BinaryHeap::new();
        gamma[v] = self.potential[u] + w - self.potential[v];
        heap.push((Reverse(gamma[v]), v));
        while let Some((Reverse(g), x)) = heap.pop() {
            if done[x] || g != gamma[x] {
                continue;
            }
            if x == u {
                // u's potential must drop: the new edge closes a negative cycle.
                let mut cycle = vec![edge];
                let mut at = u;
                let mut guard = 0;
                while pred[at] != usize::MAX && guard <= n {
                    let e = self.edges[pred[at]];
                    cycle.push(e);
                    at = e.from as usize;
                    guard += 1;
                }
                return Err(cycle);
            }
            done[x] = true;
            changed.push((x, self.potential[x] + g));
            let px = self.potential[x] + g;
            for &ei in &self.out[x] {
                let e = self.edges[ei];
                let y = e.to as usize;
                if done[y] {
                    continue;
                }
                let ng = px + e.weight - self.potential[y];
                if ng < gamma[y] {
                    gamma[y] = ng;
                    pred[y] = ei;
                    heap.push((Reverse(ng), y));
                }
            }
        }
        for (x, p) in changed {
            self.potential[x] = p;
        }
        self.push(edge);
        Ok(())
    }

    /// Whether the network stays consistent with `edges` added; the
    /// network is left as it was either way. On failure, the negative cycle
    /// the first refused edge would close.
    pub fn probe(&mut self, edges: &[Edge<T>]) -> Result<(), Vec<Edge<T>>> {
        let saved_potential = self.potential.clone();
        let saved_len = self.edges.len();
        let mut result = Ok(());
        for e in edges {
            if let Err(cycle) = self.add(*e) {
                result = Err(cycle);
                break;
            }
        }
        for e in self.edges.drain(saved_len..) {
            self.out[e.from as usize].pop();
        }
        self.potential = saved_potential;
        result
    }

    fn push(&mut self, edge: Edge<T>) {
        self.out[edge.from as usize].push(self.edges.len());
        self.edges.push(edge);
    }

    /// Shortest distances from `source` to every node (`None`: unreachable),
    /// by Dijkstra over the reduced costs of the current potential.
    pub fn distances_from(&self, source: usize) -> Vec<Option<i64>> {
        let n = self.out.len();
        let mut dist: Vec<Option<i64>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        dist[source] = Some(0);
        heap.push((Reverse(0i64), source));
        while let Some((Reverse(d), x)) = heap.pop() {
            if dist[x] != Some(d) {
                continue;
            }
            for &ei in &self.out[x] {
                let e = self.edges[ei];
                let (from, to) = (e.from as usize, e.to as usize);
                let reduced = e.weight + self.potential[from] - self.potential[to];
                let nd = d + reduced;
                if dist[to].is_none_or(|old| nd < old) {
                    dist[to] = Some(nd);
                    heap.push((Reverse(nd), to));
                }
            }
        }
        // Undo the reduction: real = reduced - p[source] + p[x].
        (0..n)
            .map(|x| dist[x].map(|d| d - self.potential[source] + self.potential[x]))
            .collect()
    }

    /// Shortest distances from every node to `target`.
    pub fn distances_to(&self, target: usize) -> Vec<Option<i64>> {
        let mut reversed: Stn<T> = Stn::new(self.out.len());
        for e in &self.edges {
            reversed.push(Edge {
                from: e.to,
                to: e.from,
                weight: e.weight,
                tag: e.tag,
            });
        }
        reversed.potential = self.potential.iter().map(|p| -p).collect();
        reversed.distances_from(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(from: u32, to: u32, weight: i64, tag: u32) -> Edge<u32> {
        Edge {
            from,
            to,
            weight,
            tag,
        }
    }

    #[test]
    fn consistent_chain_and_bounds() {
        // 0 = zero point. a in [10, 12], b after a by >= 3, b <= 20.
        let mut s = Stn::new(3);
        s.add(e(1, 0, -10, 1)).unwrap(); // a >= 10
        s.add(e(0, 1, 12, 2)).unwrap(); // a <= 12
        s.add(e(2, 1, -3, 3)).unwrap(); // a - b <= -3
        s.add(e(0, 2, 20, 4)).unwrap(); // b <= 20
        let from_zero = s.distances_from(0);
        let to_zero = s.distances_to(0);
        assert_eq!(from_zero[2], Some(20)); // latest b
        assert_eq!(to_zero[2].map(|d| -d), Some(13)); // earliest b
        assert_eq!(from_zero[1], Some(12));
    }

    #[test]
    fn negative_cycle_is_refused_and_explained() {
        let mut s = Stn::new(3);
        s.add(e(1, 0, -10, 1)).unwrap(); // a >= 10
        s.add(e(0, 2, 12, 2)).unwrap(); // b <= 12
        let cycle = s.add(e(2, 1, -5, 3)).unwrap_err(); // b >= a + 5 -> b >= 15 > 12
        let mut tags: Vec<_> = cycle.iter().map(|e| e.tag).collect();
        assert_eq!(tags[0], 3);
        tags.sort();
        assert_eq!(tags, [1, 2, 3]);
        // The refused edge is not kept: the network stays consistent.
        assert_eq!(s.edges().len(), 2);
        s.add(e(2, 1, -1, 4)).unwrap();
    }

    #[test]
    fn probes_leave_the_network_unchanged() {
        let mut s = Stn::new(2);
        s.add(e(1, 0, -10, 1)).unwrap(); // a >= 10
        assert!(s.probe(&[e(0, 1, 5, 2)]).is_err()); // a <= 5: refused
        assert!(s.probe(&[e(0, 1, 12, 3)]).is_ok()); // a <= 12: fine
        assert_eq!(s.edges().len(), 1);
        // A probe that passed is not kept either: a <= 8 is still allowed
        // after a <= 12 was probed, and a >= 11 too.
        assert!(s.probe(&[e(1, 0, -11, 4)]).is_ok());
        assert_eq!(s.distances_from(0)[1], None);
    }

    #[test]
    fn self_loop() {
        let mut s: Stn<u32> = Stn::new(1);
        assert!(s.add(e(0, 0, -1, 1)).is_err());
        assert!(s.add(e(0, 0, 0, 2)).is_ok());
    }
}
