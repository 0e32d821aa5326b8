//! Precompiled modules: a compiled module's code as bytes
//! (`Module::serialize`, `Engine::precompile_module`) and back
//! (`Module::deserialize`).
//!
//! An artifact holds everything that does not depend on where the code is
//! mapped: the module's wasm binary (its shape is decoded again on load,
//! which is quick beside compiling), the linked machine code with calls
//! between its functions resolved (they are relative), the offsets of the
//! functions and trampolines, the trap sites and exception handlers, and
//! the places where Cranelift's helper functions (rounding, fma) are
//! called by absolute address, patched on load for this process.
//!
//! Its header says which skiff wrote it and for what: the format version,
//! skiff's and Cranelift's versions, the target and every Cranelift
//! setting (CPU features included), and the engine settings that change
//! the code (wasm features, fuel, epochs). Loading refuses an artifact
//! whose header differs from what this engine would compile, naming the
//! difference; it cannot tell a forged artifact from a genuine one, which
//! is why loading is `unsafe`.
//!
//! Layout: the magic, then fields in order, integers little-endian,
//! strings and byte blocks prefixed with a `u64` length, lists with a
//! `u32` count.

use super::code_trap;
use crate::engine::Engine;
use anyhow::{Context, Result, bail};
use cranelift_codegen::ir::TrapCode;
use std::num::NonZeroU8;
use std::ops::Range;

/// The first bytes of every artifact (never the start of a wasm binary or
/// of a text module).
pub(crate) const MAGIC: &[u8; 12] = b"\0skiff-cwasm";

/// The artifact format's version; bumped whenever the layout or the meaning
/// of the code's contract with the runtime changes.
const FORMAT: u32 = 2;

/// A compiled module's code, before it is mapped.
#[derive(Clone)]
pub(crate) struct Artifact {
    /// The linked code; Cranelift's helper calls not yet patched.
    pub code: Vec<u8>,
    /// Each defined function's range in `code`.
    pub funcs: Vec<Range<u32>>,
    /// The array-call trampoline of each of the module's types.
    pub array_calls: Vec<u32>,
    /// Trap sites: (offset, Cranelift trap code), sorted.
    pub traps: Vec<(u32, TrapCode)>,
    /// Calls with a handler: (return address, handler, sp-to-fp), sorted.
    pub handlers: Vec<(u32, u32, u32)>,
    /// Absolute addresses of Cranelift's helpers to patch: (offset, helper
    /// (see `super::HELPERS`), addend).
    pub helpers: Vec<(u32, u8, i64)>,
}

/// The header fields of an artifact, in order, with their names for
/// messages.
pub(crate) fn header(engine: &Engine) -> Result<Vec<(&'static str, String)>> {
    let isa = engine.isa()?;
    let config = engine.config();
    let isa_flags: Vec<String> = isa.isa_flags().iter().map(|v| v.to_string()).collect();
    Ok(vec![
        ("format", FORMAT.to_string()),
        ("skiff version", concat!(env!("CARGO_PKG_VERSION"), "+", env!("SKIFF_BUILD_ID")).to_string()),
        ("Cranelift version", cranelift_codegen::VERSION.to_string()),
        ("target", isa.triple().to_string()),
        ("CPU features", isa_flags.join(",")),
        ("Cranelift settings", isa.flags().to_string().replace('\n', " ")),
        ("wasm features", format!("{:#x}", engine.features().bits())),
        ("fuel metering", config.consume_fuel.to_string()),
        ("epoch interruption", config.epoch_interruption.to_string()),
    ])
}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.u32(u32::try_from(items.len()).expect("fewer than 2^32 items"));
        for item in items {
            each(self, item);
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.0.len() {
            bail!("the artifact is truncated");
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
    fn bytes(&mut self) -> Result<&'a [u8]> {
        let len = usize::try_from(self.u64()?).context("the artifact is truncated")?;
        self.take(len)
    }
    fn string(&mut self) -> Result<&'a str> {
        std::str::from_utf8(self.bytes()?).context("the artifact is corrupt (a header field is not UTF-8)")
    }
    fn list<T>(&mut self, mut each: impl FnMut(&mut Reader<'a>) -> Result<T>) -> Result<Vec<T>> {
        let n = self.u32()? as usize;
        // Every item takes at least 4 bytes: a count past that is corrupt,
        // not an allocation to make.
        if n > self.0.len() / 4 + 1 {
            bail!("the artifact is truncated");
        }
        (0..n).map(|_| each(self)).collect()
    }
}

/// `wasm`, a validated module, without its custom sections other than
/// `name` (debug information can be most of a module; an artifact needs
/// only what decoding the module and naming its functions read).
pub(crate) fn without_custom_sections(wasm: &[u8]) -> Vec<u8> {
    fn leb(bytes: &[u8], at: &mut usize) -> Option<usize> {
        let mut value = 0usize;
        for shift in (0..35).step_by(7) {
            let byte = *bytes.get(*at)?;
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
    let mut out = wasm[..8.min(wasm.len())].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        let Some(size) = leb(wasm, &mut at) else { return wasm.to_vec() };
        let end = at + size;
        if end > wasm.len() {
            return wasm.to_vec();
        }
        let keep = id != 0 || {
            let mut name_at = at;
            leb(wasm, &mut name_at).is_some_and(|len| wasm.get(name_at..name_at + len) == Some(b"name"))
        };
        if keep {
            out.extend_from_slice(&wasm[start..end]);
        }
        at = end;
    }
    out
}

/// The artifact of module `wasm` with compiled code `artifact` for `engine`.
pub(crate) fn serialize(engine: &Engine, wasm: &[u8], artifact: &Artifact) -> Result<Vec<u8>> {
    let mut w = Writer(MAGIC.to_vec());
    for (_, value) in header(engine)? {
        w.bytes(value.as_bytes());
    }
    w.bytes(wasm);
    w.bytes(&artifact.code);
    w.list(&artifact.funcs, |w, r| {
        w.u32(r.start);
        w.u32(r.end);
    });
    w.list(&artifact.array_calls, |w, &o| w.u32(o));
    w.list(&artifact.traps, |w, &(o, code)| {
        w.u32(o);
        w.0.push(code.as_raw().get());
    });
    w.list(&artifact.handlers, |w, &(ret, at, sp)| {
        w.u32(ret);
        w.u32(at);
        w.u32(sp);
    });
    w.list(&artifact.helpers, |w, &(o, helper, addend)| {
        w.u32(o);
        w.0.push(helper);
        w.u64(addend as u64);
    });
    Ok(w.0)
}

/// The wasm binary and the code of artifact `bytes`, if `engine` would
/// have compiled it this way; else an error naming what differs. The code
/// is checked for consistency (offsets inside it), not for what it does.
pub(crate) fn deserialize<'a>(engine: &Engine, bytes: &'a [u8]) -> Result<(&'a [u8], Artifact)> {
    let Some(rest) = bytes.strip_prefix(MAGIC) else { bail!("not a precompiled skiff module (no skiff header)") };
    let mut r = Reader(rest);
    for (name, expected) in header(engine)? {
        let found = r.string().context("not a precompiled skiff module of this version (bad header)")?;
        if found != expected {
            bail!(
                "the precompiled module was built with {name} `{found}`, this engine has `{expected}`; \
                 compile it again with this skiff and these settings"
            );
        }
    }
    let wasm = r.bytes()?;
    let code = r.bytes()?.to_vec();
    let len = code.len() as u32;
    let funcs = r.list(|r| Ok(r.u32()?..r.u32()?))?;
    let array_calls = r.list(|r| r.u32())?;
    let traps = r.list(|r| {
        let offset = r.u32()?;
        let code = NonZeroU8::new(r.u8()?).map(TrapCode::from_raw).context("the artifact is corrupt (trap code)")?;
        code_trap(code).context("the artifact is corrupt (unknown trap code)")?;
        Ok((offset, code))
    })?;
    let handlers = r.list(|r| Ok((r.u32()?, r.u32()?, r.u32()?)))?;
    let helpers = r.list(|r| Ok((r.u32()?, r.u8()?, r.u64()? as i64)))?;
    if !r.0.is_empty() {
        bail!("the artifact is corrupt (bytes after its end)");
    }
    let inside = |o: u32| o <= len;
    let consistent = funcs.iter().all(|f| f.start <= f.end && inside(f.end))
        && array_calls.iter().all(|&o| o < len)
        && traps.iter().all(|&(o, _)| o < len)
        && handlers.iter().all(|&(ret, at, _)| inside(ret) && at < len)
        && helpers.iter().all(|&(o, h, _)| o.checked_add(8).is_some_and(inside) && super::helper_address(h).is_some());
    if !consistent {
        bail!("the artifact is corrupt (an offset outside its code)");
    }
    Ok((wasm, Artifact { code, funcs, array_calls, traps, handlers, helpers }))
}

impl Artifact {
    /// One artifact holding `pieces`' functions one after another, each at
    /// a 16-byte boundary (the inverse of [`Artifact::split`]). Pieces have
    /// no trampolines.
    pub fn concat<'a>(pieces: impl IntoIterator<Item = &'a Artifact>) -> Artifact {
        let mut all = Artifact {
            code: Vec::new(),
            funcs: Vec::new(),
            array_calls: Vec::new(),
            traps: Vec::new(),
            handlers: Vec::new(),
            helpers: Vec::new(),
        };
        for piece in pieces {
            while !all.code.len().is_multiple_of(16) {
                all.code.push(0xcc);
            }
            let at = all.code.len() as u32;
            all.code.extend_from_slice(&piece.code);
            all.funcs.extend(piece.funcs.iter().map(|r| r.start + at..r.end + at));
            all.traps.extend(piece.traps.iter().map(|&(o, code)| (o + at, code)));
            all.handlers.extend(piece.handlers.iter().map(|&(ret, to, sp)| (ret + at, to + at, sp)));
            all.helpers.extend(piece.helpers.iter().map(|&(o, h, addend)| (o + at, h, addend)));
        }
        all
    }

    /// Each function of a trampoline-free artifact as an artifact of its
    /// own (the inverse of [`Artifact::concat`]). One pass over the
    /// tables, each entry going to the function whose range holds it
    /// (found by binary search): a pass per function was quadratic, 7% of
    /// a warm Yosys run for its cache entry of a few hundred functions.
    pub fn split(&self) -> Vec<Artifact> {
        let mut by_start: Vec<usize> = (0..self.funcs.len()).collect();
        by_start.sort_by_key(|&i| self.funcs[i].start);
        // The function holding code offset `o`, and where it starts.
        let owner = |o: u32| {
            let k = by_start.partition_point(|&i| self.funcs[i].start <= o);
            let i = by_start[k.checked_sub(1)?];
            self.funcs[i].contains(&o).then_some((i, self.funcs[i].start))
        };
        let mut parts: Vec<Artifact> = self
            .funcs
            .iter()
            .map(|range| Artifact {
                code: self.code[range.start as usize..range.end as usize].to_vec(),
                funcs: std::iter::once(0..range.len() as u32).collect(),
                array_calls: Vec::new(),
                traps: Vec::new(),
                handlers: Vec::new(),
                helpers: Vec::new(),
            })
            .collect();
        for &(o, code) in &self.traps {
            if let Some((i, at)) = owner(o) {
                parts[i].traps.push((o - at, code));
            }
        }
        for &(ret, to, sp) in &self.handlers {
            if let Some((i, at)) = owner(to) {
                parts[i].handlers.push((ret - at, to - at, sp));
            }
        }
        for &(o, helper, addend) in &self.helpers {
            if let Some((i, at)) = owner(o) {
                parts[i].helpers.push((o - at, helper, addend));
            }
        }
        parts
    }
}

/// The functions tier-up compiled for one module, as the cache keeps them:
/// whether the writer validated every function of the module (1, else 0),
/// their defined indices, then their code as one artifact (no wasm binary:
/// the entry's key stands for it).
pub(crate) fn serialize_tiered(engine: &Engine, validated: bool, defined: &[u32], code: &Artifact) -> Result<Vec<u8>> {
    let mut w = Writer(Vec::new());
    w.u32(u32::from(validated));
    w.list(defined, |w, &d| w.u32(d));
    w.0.extend_from_slice(&serialize(engine, &[], code)?);
    Ok(w.0)
}

/// Whether the process that wrote tiered entry `bytes` validated every
/// function of its module (see [`serialize_tiered`]).
pub(crate) fn tiered_validated(bytes: &[u8]) -> bool {
    Reader(bytes).u32().is_ok_and(|v| v == 1)
}

/// [`serialize_tiered`]'s bytes back, checked against a module with
/// `num_defined` functions.
pub(crate) fn deserialize_tiered(engine: &Engine, bytes: &[u8], num_defined: u32) -> Result<(Vec<u32>, Artifact)> {
    let mut r = Reader(bytes);
    r.u32()?;
    let defined = r.list(|r| r.u32())?;
    let (_, code) = deserialize(engine, r.0)?;
    let mut seen = std::collections::HashSet::new();
    if defined.len() != code.funcs.len()
        || !code.array_calls.is_empty()
        || !defined.iter().all(|&d| d < num_defined && seen.insert(d))
    {
        bail!("the artifact is corrupt (its functions do not match the module)");
    }
    Ok((defined, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function's artifact with a trap, a handler and a helper at
    /// offsets made from `seed`.
    fn piece(seed: u32, len: u32) -> Artifact {
        Artifact {
            code: (0..len).map(|i| (seed + i) as u8).collect(),
            funcs: std::iter::once(0..len).collect(),
            array_calls: Vec::new(),
            traps: vec![(seed % len, TrapCode::STACK_OVERFLOW), (len - 1, TrapCode::INTEGER_OVERFLOW)],
            handlers: vec![(seed % len, (seed + 1) % len, seed)],
            helpers: vec![((seed + 2) % len, seed as u8, -i64::from(seed))],
        }
    }

    /// `split` undoes `concat`: every function gets back its code and its
    /// own tables, in order, relative to its start.
    #[test]
    fn split_undoes_concat() {
        let pieces: Vec<Artifact> = (1..=5).map(|i| piece(i * 7, 20 + i * 3)).collect();
        let all = Artifact::concat(&pieces);
        let back = all.split();
        assert_eq!(back.len(), pieces.len());
        for (got, want) in back.iter().zip(&pieces) {
            assert_eq!(got.code, want.code);
            assert_eq!(got.funcs, want.funcs);
            assert_eq!(got.traps, want.traps);
            assert_eq!(got.handlers, want.handlers);
            assert_eq!(got.helpers, want.helpers);
        }
    }
}
