//! The order a sharded sweep probes in, as ZMap walks its address space: the
//! target indexes 0..n are the elements 1..p-1 of the multiplicative group
//! of integers modulo a prime p > n, visited by powers of a generator g from
//! a start chosen by the seed. Shard i of s takes every s-th step of that one
//! cycle, starting at step i, so the shards are disjoint, their union is
//! every target exactly once, and a seed always gives the same order. The
//! walk also spreads probes over the space (no subnet gets a burst).

/// Which part of the space this process probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// How many shards the space is cut into (at least 1).
    pub count: u32,
    /// This one, `0..count`.
    pub index: u32,
    pub seed: u64,
}

/// The target indexes of one shard, in walk order.
#[derive(Clone, Debug)]
pub struct Walk {
    p: u64,
    step: u64,
    x: u64,
    /// Cycle positions of this shard still to visit.
    left: u64,
    n: u64,
}

impl Walk {
    /// The walk of `shard` over `n` targets (`n` at most 2^32).
    pub fn new(n: u64, shard: Shard) -> Walk {
        let count = u64::from(shard.count.max(1));
        let index = u64::from(shard.index);
        let p = next_prime(n.max(1));
        let order = p - 1;
        let mut rng = SplitMix(shard.seed);
        let factors = prime_factors(order);
        let g = loop {
            let c = if order > 1 {
                2 + rng.next() % (p - 2).max(1)
            } else {
                1
            };
            if order == 1 || factors.iter().all(|&q| pow_mod(c, order / q, p) != 1) {
                break c % p;
            }
        };
        let start = 1 + rng.next() % order;
        Walk {
            p,
            step: pow_mod(g, count, p),
            x: mul_mod(start, pow_mod(g, index, p), p),
            left: if index < order {
                (order - 1 - index) / count + 1
            } else {
                0
            },
            n,
        }
    }
}

impl Iterator for Walk {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        while self.left > 0 {
            let v = self.x - 1;
            self.x = mul_mod(self.x, self.step, self.p);
            self.left -= 1;
            if v < self.n {
                return Some(v);
            }
        }
        None
    }
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(m)) as u64
}

fn pow_mod(mut b: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b, m);
        }
        b = mul_mod(b, b, m);
        e >>= 1;
    }
    r
}

/// Deterministic Miller-Rabin for 64-bit numbers.
fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n % p == 0 {
            return n == p;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

/// The smallest prime above `n`.
fn next_prime(n: u64) -> u64 {
    let mut c = n + 1;
    while !is_prime(c) {
        c += 1;
    }
    c
}

/// The distinct prime factors of `n` (trial division: n is at most 2^32+15).
fn prime_factors(mut n: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut d = 2;
    while d * d <= n {
        if n % d == 0 {
            out.push(d);
            while n % d == 0 {
                n /= d;
            }
        }
        d += 1;
    }
    if n > 1 {
        out.push(n);
    }
    out
}

/// SplitMix64: the seed's stream of choices (generator and start).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(count: u32, index: u32, seed: u64) -> Shard {
        Shard { count, index, seed }
    }

    #[test]
    fn shards_cover_every_target_once() {
        for n in [1u64, 2, 3, 10, 255, 256, 1000, 65_536] {
            for count in [1u32, 3, 16] {
                let mut all: Vec<u64> = (0..count)
                    .flat_map(|i| Walk::new(n, shard(count, i, 7)))
                    .collect();
                all.sort_unstable();
                assert_eq!(all, (0..n).collect::<Vec<_>>(), "n={n} shards={count}");
            }
        }
    }

    #[test]
    fn a_seed_is_an_order() {
        let a: Vec<u64> = Walk::new(1000, shard(1, 0, 42)).collect();
        assert_eq!(a, Walk::new(1000, shard(1, 0, 42)).collect::<Vec<_>>());
        assert_ne!(a, Walk::new(1000, shard(1, 0, 43)).collect::<Vec<_>>());
        assert_ne!(
            a,
            (0..1000).collect::<Vec<_>>(),
            "the walk is not the plain order"
        );
        // shard 1 of 4 is every fourth step of the unsharded walk
        let one: Vec<u64> = Walk::new(1000, shard(4, 1, 42)).collect();
        let p = next_prime(1000);
        let mut x = Walk::new(1000, shard(1, 0, 42)).x;
        let step = Walk::new(1000, shard(1, 0, 42)).step;
        let mut positions = Vec::new();
        for k in 0..(p - 1) {
            if k % 4 == 1 && x - 1 < 1000 {
                positions.push(x - 1);
            }
            x = mul_mod(x, step, p);
        }
        assert_eq!(one, positions);
    }

    #[test]
    fn primes_and_generators() {
        assert_eq!(next_prime(256), 257);
        assert_eq!(next_prime(1 << 32), 4_294_967_311);
        assert!(!is_prime(4_294_967_297)); // 641 * 6700417
        assert_eq!(prime_factors(4_294_967_310), vec![2, 3, 5, 131, 364_289]);
    }
}
