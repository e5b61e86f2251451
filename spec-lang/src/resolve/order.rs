//! The lock order must be acyclic: `order A < B` and `order B < A` can never both be obeyed.
//!
//! Iterative (Kahn's algorithm, then a backwards walk to name each cycle), so a long chain of
//! `order` items cannot overflow the stack.

use super::Resolver;
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::{LockOwner, LockRef, OrderEdge};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;

/// A lock as a node of the order graph: its struct (`None` for a global lock) and its name.
/// Names have no dots, so this is one-to-one with the spelling `S.L` or `L`.
type Node<'a> = (Option<&'a str>, &'a str);

fn node(l: &LockRef) -> Node<'_> {
    match &l.owner {
        LockOwner::Struct { name } => (Some(name), &l.lock),
        LockOwner::Global | LockOwner::Unresolved => (None, &l.lock),
    }
}

fn node_name((owner, lock): Node<'_>) -> String {
    match owner {
        Some(strukt) => format!("{strukt}.{lock}"),
        None => lock.to_owned(),
    }
}

fn lock_name(l: &LockRef) -> String {
    node_name(node(l))
}

impl Resolver<'_> {
    pub(super) fn check_order_cycles(&mut self, edges: &[OrderEdge]) {
        // Nodes are keyed by borrowed names; they are spelt out only for a cycle's report.
        let mut ids: FxHashMap<Node<'_>, usize> = FxHashMap::default();
        let mut names: Vec<Node<'_>> = Vec::new();
        let mut id = |l| {
            let key = node(l);
            *ids.entry(key).or_insert_with(|| {
                names.push(key);
                names.len() - 1
            })
        };
        let pairs: Vec<(usize, usize)> = edges
            .iter()
            .map(|e| (id(&e.before), id(&e.after)))
            .collect();
        let n = names.len();
        let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut indegree = vec![0usize; n];
        for (i, &(a, b)) in pairs.iter().enumerate() {
            incoming[b].push(i);
            outgoing[a].push(i);
            indegree[b] += 1;
        }
        // Remove every lock that no cycle reaches; what remains has a predecessor inside.
        let mut queue: VecDeque<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
        let mut remaining = vec![true; n];
        while let Some(v) = queue.pop_front() {
            remaining[v] = false;
            for &e in &outgoing[v] {
                let b = pairs[e].1;
                indegree[b] -= 1;
                if indegree[b] == 0 {
                    queue.push_back(b);
                }
            }
        }
        let mut visited = vec![false; n];
        for start in 0..n {
            if !remaining[start] || visited[start] {
                continue;
            }
            // Walk backwards along edges inside the remaining set until a lock repeats.
            let mut walk: Vec<(usize, usize)> = Vec::new(); // (lock, edge into the previous lock)
            let mut position: FxHashMap<usize, usize> = FxHashMap::default();
            let mut v = start;
            loop {
                if let Some(&at) = position.get(&v) {
                    let cycle: Vec<usize> = walk[at..].iter().map(|&(_, e)| e).collect();
                    self.report_cycle(edges, &names, &pairs, cycle);
                    break;
                }
                if visited[v] {
                    break;
                }
                visited[v] = true;
                let Some(&e) = incoming[v].iter().find(|&&e| remaining[pairs[e].0]) else {
                    break;
                };
                position.insert(v, walk.len());
                walk.push((v, e));
                v = pairs[e].0;
            }
        }
    }

    fn report_cycle(
        &mut self,
        edges: &[OrderEdge],
        names: &[Node<'_>],
        pairs: &[(usize, usize)],
        mut cycle: Vec<usize>,
    ) {
        // The walk went backwards; put the edges in source order, the last one written first,
        // since that is the edge that closed the cycle.
        cycle.sort_unstable();
        let Some(&closing) = cycle.last() else { return };
        // Spell the cycle forwards starting after the closing edge.
        let mut chain = vec![node_name(names[pairs[closing].1])];
        let mut v = pairs[closing].1;
        for _ in 0..cycle.len() {
            let Some(&e) = cycle.iter().find(|&&e| pairs[e].0 == v) else {
                break;
            };
            v = pairs[e].1;
            chain.push(node_name(names[v]));
        }
        let edge = &edges[closing];
        let mut d = Diagnostic::error(
            Code::LockOrderCycle,
            edge.span,
            format!("lock order cycle: {}", chain.join(" < ")),
        )
        .with_label(format!(
            "`{}` before `{}` closes the cycle",
            lock_name(&edge.before),
            lock_name(&edge.after)
        ));
        for &e in cycle.iter().rev().skip(1) {
            let other = &edges[e];
            d = d.with_secondary(
                other.span,
                format!(
                    "`{}` before `{}`",
                    lock_name(&other.before),
                    lock_name(&other.after)
                ),
            );
        }
        d = d.with_note("no thread can take these locks in an order that obeys every `order` item");
        self.error(d);
    }
}
