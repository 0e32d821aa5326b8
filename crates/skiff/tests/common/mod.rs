//! What the generated-module tests share: the seeded generator and the
//! seed ranges they take from the environment.
#![allow(dead_code)] // Each test uses the part it needs.

use std::ops::Range;

/// SplitMix64: small, and its output depends on nothing but the seed, which
/// is what makes a failing seed replayable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `n / d`.
    pub fn chance(&mut self, n: u64, d: u64) -> bool {
        self.next() % d < n
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// The seeds environment variable `var` names (`start..end` or one seed),
/// else `default`.
pub fn seeds(var: &str, default: Range<u64>) -> Range<u64> {
    let Ok(spec) = std::env::var(var) else {
        return default;
    };
    let parse = |s: &str| s.trim().parse::<u64>().unwrap_or_else(|e| panic!("{var}={spec:?}: {e}"));
    match spec.split_once("..") {
        Some((a, b)) => parse(a)..parse(b),
        None => {
            let seed = parse(&spec);
            seed..seed + 1
        }
    }
}
