//! Implicit packet sets: a packet whose fields hold ranges, lists or networks
//! stands for every combination. Iteration is lazy (one packet at a time, O(1)
//! memory whatever the set size) and follows Scapy's order: the outer layer's
//! most recently set field varies slowest, the innermost layer's fields fastest.

use super::value::Value;
use super::Packet;

/// One set-valued field: where it is and how many values it has.
#[derive(Clone, Debug)]
struct Dim {
    layer: usize,
    field: usize,
    count: u64,
}

fn dims(p: &Packet) -> Vec<Dim> {
    let mut out = Vec::new();
    for (li, l) in p.layers.iter().enumerate() {
        for fi in l.set_fields().into_iter().rev() {
            if let Some(Value::Gen(g)) = l.get(fi) {
                out.push(Dim {
                    layer: li,
                    field: fi,
                    count: g.count(),
                });
            }
        }
    }
    out
}

impl Packet {
    /// True when some field holds a set (the packet stands for several packets).
    pub fn is_set(&self) -> bool {
        self.layers
            .iter()
            .any(|l| (0..l.def.fields.len()).any(|i| matches!(l.get(i), Some(Value::Gen(_)))))
    }

    /// Number of packets this packet stands for (1 for a plain packet).
    pub fn count(&self) -> u64 {
        dims(self)
            .iter()
            .fold(1u64, |acc, d| acc.saturating_mul(d.count))
    }

    /// Iterates the packets of the set lazily.
    pub fn iter_set(&self) -> SetIter {
        let dims = dims(self);
        let empty = dims.iter().any(|d| d.count == 0);
        SetIter {
            counters: vec![0; dims.len()],
            template: self.clone(),
            dims,
            done: empty,
        }
    }

    /// The `n`-th packet of the set, without iterating to it.
    pub fn nth_of_set(&self, mut n: u64) -> Option<Packet> {
        let dims = dims(self);
        let mut idx = vec![0u64; dims.len()];
        for (k, d) in dims.iter().enumerate().rev() {
            if d.count == 0 {
                return None;
            }
            idx[k] = n % d.count;
            n /= d.count;
        }
        if n > 0 {
            return None;
        }
        Some(concrete(self, &dims, &idx))
    }
}

fn concrete(template: &Packet, dims: &[Dim], idx: &[u64]) -> Packet {
    let mut p = template.clone();
    for (d, &i) in dims.iter().zip(idx) {
        let v = match template.layers[d.layer].get(d.field) {
            Some(Value::Gen(g)) => g.nth(i),
            _ => None,
        };
        if let Some(v) = v {
            p.layers[d.layer].set(d.field, v);
        }
    }
    p
}

/// Lazy iterator over an implicit packet set.
pub struct SetIter {
    template: Packet,
    dims: Vec<Dim>,
    counters: Vec<u64>,
    done: bool,
}

impl Iterator for SetIter {
    type Item = Packet;

    fn next(&mut self) -> Option<Packet> {
        if self.done {
            return None;
        }
        let p = concrete(&self.template, &self.dims, &self.counters);
        // advance the odometer: the last dimension varies fastest
        let mut k = self.dims.len();
        loop {
            if k == 0 {
                self.done = true;
                break;
            }
            k -= 1;
            self.counters[k] += 1;
            if self.counters[k] < self.dims[k].count {
                break;
            }
            self.counters[k] = 0;
        }
        Some(p)
    }
}
