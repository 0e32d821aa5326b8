//! The interpreter's instruction set: one definition, read by the translator
//! (which emits it), the executor (which runs it) and the disassembler.
//!
//! # Design
//!
//! The interpreter is register-based. Every function runs in a *frame*, a
//! window of 64-bit cells on the value stack laid out as
//!
//! ```text
//! [ params | other locals | constants | operand temporaries ]
//!   ^ slot 0
//! ```
//!
//! and instructions name their operands directly as [`Slot`]s of that frame.
//! A wasm operand at stack height `h` lives in temporary slot `temps + h`, so
//! stack heights are static and no instruction pushes or pops. A `local.get`
//! or constant emits nothing: the consumer reads the local's or constant's
//! slot directly, and a result that feeds `local.set` is written straight into
//! the local.
//!
//! # Naming scheme
//!
//! * Numeric instructions are named after the wasm instruction in CamelCase
//!   (`i32.add` is [`Instr::I32Add`], `f64.convert_i32_u` is
//!   [`Instr::F64ConvertI32U`]) and carry a [`BinOp`], [`UnOp`], [`Load`] or
//!   [`Store`] that names their slots; their semantics are the wasm
//!   instruction's.
//! * Everything else is documented on its variant. Instructions that need more
//!   immediates than fit in one 12-byte instruction are followed by a
//!   parameter word (`Call*`/`Table*Params`) that is never executed on its own.
//!
//! # Room to grow
//!
//! Memory instructions act on memory 0 with a 32-bit static offset; addresses
//! are read as `u64` cells (i32 values are zero-extended, see `values.rs`), so
//! memory64 and multi-memory add variants carrying a memory index or a
//! 64-bit offset without changing the existing ones.

use crate::engine::SigId;
use crate::trap::Trap;
use std::fmt;

/// A cell of the current frame, addressed from the frame base.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Slot(pub u16);

impl Slot {
    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A branch distance in instructions, relative to the branching instruction.
pub type BranchOffset = i32;

/// `dst = op(lhs, rhs)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BinOp {
    pub dst: Slot,
    pub lhs: Slot,
    pub rhs: Slot,
}

/// `dst = op(src)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnOp {
    pub dst: Slot,
    pub src: Slot,
}

/// `dst = memory0[addr + offset]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Load {
    pub dst: Slot,
    pub addr: Slot,
    pub offset: u32,
}

/// `memory0[addr + offset] = value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Store {
    pub addr: Slot,
    pub value: Slot,
    pub offset: u32,
}

macro_rules! define_instrs {
    (
        binary: [$($bin:ident),* $(,)?],
        unary: [$($un:ident),* $(,)?],
        load: [$($ld:ident),* $(,)?],
        store: [$($st:ident),* $(,)?],
        other: { $($(#[$doc:meta])* $other:ident $({ $($field:ident : $fty:ty),* $(,)? })?, )* }
    ) => {
        /// One interpreter instruction. See the module docs for the naming scheme.
        ///
        /// `repr(u8)`: the first byte is the variant's index in declaration
        /// order, which the threaded dispatcher uses to pick a handler.
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(u8)]
        pub enum Instr {
            $($bin(BinOp),)*
            $($un(UnOp),)*
            $($ld(Load),)*
            $($st(Store),)*
            $($(#[$doc])* $other $({ $($field: $fty),* })?,)*
        }

        impl Instr {
            /// The branch offset of a branch instruction, for patching.
            pub fn branch_offset_mut(&mut self) -> Option<&mut BranchOffset> {
                match self {
                    Instr::Br { offset }
                    | Instr::BrIfNez { offset, .. }
                    | Instr::BrIfEqz { offset, .. }
                    | Instr::BrIfI32Eq { offset, .. }
                    | Instr::BrIfI32Ne { offset, .. }
                    | Instr::BrIfI32LtS { offset, .. }
                    | Instr::BrIfI32LtU { offset, .. }
                    | Instr::BrIfI32GtS { offset, .. }
                    | Instr::BrIfI32GtU { offset, .. }
                    | Instr::BrIfI32LeS { offset, .. }
                    | Instr::BrIfI32LeU { offset, .. }
                    | Instr::BrIfI32GeS { offset, .. }
                    | Instr::BrIfI32GeU { offset, .. }
                    | Instr::BrIfI64Eq { offset, .. }
                    | Instr::BrIfI64Ne { offset, .. }
                    | Instr::BrIfI64LtS { offset, .. }
                    | Instr::BrIfI64LtU { offset, .. }
                    | Instr::BrIfI64GtS { offset, .. }
                    | Instr::BrIfI64GtU { offset, .. }
                    | Instr::BrIfI64LeS { offset, .. }
                    | Instr::BrIfI64LeU { offset, .. }
                    | Instr::BrIfI64GeS { offset, .. }
                    | Instr::BrIfI64GeU { offset, .. } => Some(offset),
                    _ => None,
                }
            }

            /// The compare-and-branch that branches when this comparison
            /// (when `when` is true) or its negation (when false) holds.
            /// Integer comparisons negate exactly; float ones do not (NaN).
            pub fn fuse_with_branch(&self, when: bool) -> Option<Instr> {
                let (op, lhs, rhs) = match *self {
                    Instr::I32Eq(o) => (if when { 0 } else { 1 }, o.lhs, o.rhs),
                    Instr::I32Ne(o) => (if when { 1 } else { 0 }, o.lhs, o.rhs),
                    Instr::I32LtS(o) => (if when { 2 } else { 8 }, o.lhs, o.rhs),
                    Instr::I32LtU(o) => (if when { 3 } else { 9 }, o.lhs, o.rhs),
                    Instr::I32GtS(o) => (if when { 4 } else { 6 }, o.lhs, o.rhs),
                    Instr::I32GtU(o) => (if when { 5 } else { 7 }, o.lhs, o.rhs),
                    Instr::I32LeS(o) => (if when { 6 } else { 4 }, o.lhs, o.rhs),
                    Instr::I32LeU(o) => (if when { 7 } else { 5 }, o.lhs, o.rhs),
                    Instr::I32GeS(o) => (if when { 8 } else { 2 }, o.lhs, o.rhs),
                    Instr::I32GeU(o) => (if when { 9 } else { 3 }, o.lhs, o.rhs),
                    Instr::I64Eq(o) => (if when { 10 } else { 11 }, o.lhs, o.rhs),
                    Instr::I64Ne(o) => (if when { 11 } else { 10 }, o.lhs, o.rhs),
                    Instr::I64LtS(o) => (if when { 12 } else { 18 }, o.lhs, o.rhs),
                    Instr::I64LtU(o) => (if when { 13 } else { 19 }, o.lhs, o.rhs),
                    Instr::I64GtS(o) => (if when { 14 } else { 16 }, o.lhs, o.rhs),
                    Instr::I64GtU(o) => (if when { 15 } else { 17 }, o.lhs, o.rhs),
                    Instr::I64LeS(o) => (if when { 16 } else { 14 }, o.lhs, o.rhs),
                    Instr::I64LeU(o) => (if when { 17 } else { 15 }, o.lhs, o.rhs),
                    Instr::I64GeS(o) => (if when { 18 } else { 12 }, o.lhs, o.rhs),
                    Instr::I64GeU(o) => (if when { 19 } else { 13 }, o.lhs, o.rhs),
                    _ => return None,
                };
                let offset = 0;
                Some(match op {
                    0 => Instr::BrIfI32Eq { lhs, rhs, offset },
                    1 => Instr::BrIfI32Ne { lhs, rhs, offset },
                    2 => Instr::BrIfI32LtS { lhs, rhs, offset },
                    3 => Instr::BrIfI32LtU { lhs, rhs, offset },
                    4 => Instr::BrIfI32GtS { lhs, rhs, offset },
                    5 => Instr::BrIfI32GtU { lhs, rhs, offset },
                    6 => Instr::BrIfI32LeS { lhs, rhs, offset },
                    7 => Instr::BrIfI32LeU { lhs, rhs, offset },
                    8 => Instr::BrIfI32GeS { lhs, rhs, offset },
                    9 => Instr::BrIfI32GeU { lhs, rhs, offset },
                    10 => Instr::BrIfI64Eq { lhs, rhs, offset },
                    11 => Instr::BrIfI64Ne { lhs, rhs, offset },
                    12 => Instr::BrIfI64LtS { lhs, rhs, offset },
                    13 => Instr::BrIfI64LtU { lhs, rhs, offset },
                    14 => Instr::BrIfI64GtS { lhs, rhs, offset },
                    15 => Instr::BrIfI64GtU { lhs, rhs, offset },
                    16 => Instr::BrIfI64LeS { lhs, rhs, offset },
                    17 => Instr::BrIfI64LeU { lhs, rhs, offset },
                    18 => Instr::BrIfI64GeS { lhs, rhs, offset },
                    _ => Instr::BrIfI64GeU { lhs, rhs, offset },
                })
            }

            /// The slot this instruction writes its single result to, if it is
            /// an instruction whose result the translator may redirect (to
            /// write straight into a local instead of a temporary).
            pub fn result_slot_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Instr::$bin(op) => Some(&mut op.dst),)*
                    $(Instr::$un(op) => Some(&mut op.dst),)*
                    $(Instr::$ld(op) => Some(&mut op.dst),)*
                    Instr::Copy { dst, .. }
                    | Instr::Select { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::RefIsNull { dst, .. }
                    | Instr::RefFunc { dst, .. }
                    | Instr::TableGet { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::MemorySize { dst, .. } => Some(dst),
                    _ => None,
                }
            }
        }
    };
}

define_instrs! {
    binary: [
        I32Eq, I32Ne, I32LtS, I32LtU, I32GtS, I32GtU, I32LeS, I32LeU, I32GeS, I32GeU,
        I64Eq, I64Ne, I64LtS, I64LtU, I64GtS, I64GtU, I64LeS, I64LeU, I64GeS, I64GeU,
        F32Eq, F32Ne, F32Lt, F32Gt, F32Le, F32Ge,
        F64Eq, F64Ne, F64Lt, F64Gt, F64Le, F64Ge,
        I32Add, I32Sub, I32Mul, I32DivS, I32DivU, I32RemS, I32RemU,
        I32And, I32Or, I32Xor, I32Shl, I32ShrS, I32ShrU, I32Rotl, I32Rotr,
        I64Add, I64Sub, I64Mul, I64DivS, I64DivU, I64RemS, I64RemU,
        I64And, I64Or, I64Xor, I64Shl, I64ShrS, I64ShrU, I64Rotl, I64Rotr,
        F32Add, F32Sub, F32Mul, F32Div, F32Min, F32Max, F32Copysign,
        F64Add, F64Sub, F64Mul, F64Div, F64Min, F64Max, F64Copysign,
    ],
    unary: [
        I32Eqz, I64Eqz,
        I32Clz, I32Ctz, I32Popcnt, I64Clz, I64Ctz, I64Popcnt,
        F32Abs, F32Neg, F32Ceil, F32Floor, F32Trunc, F32Nearest, F32Sqrt,
        F64Abs, F64Neg, F64Ceil, F64Floor, F64Trunc, F64Nearest, F64Sqrt,
        I32WrapI64, I32TruncF32S, I32TruncF32U, I32TruncF64S, I32TruncF64U,
        I64ExtendI32S, I64TruncF32S, I64TruncF32U, I64TruncF64S, I64TruncF64U,
        F32ConvertI32S, F32ConvertI32U, F32ConvertI64S, F32ConvertI64U, F32DemoteF64,
        F64ConvertI32S, F64ConvertI32U, F64ConvertI64S, F64ConvertI64U, F64PromoteF32,
        I32Extend8S, I32Extend16S, I64Extend8S, I64Extend16S, I64Extend32S,
        I32TruncSatF32S, I32TruncSatF32U, I32TruncSatF64S, I32TruncSatF64U,
        I64TruncSatF32S, I64TruncSatF32U, I64TruncSatF64S, I64TruncSatF64U,
    ],
    load: [
        I32Load, I64Load, F32Load, F64Load,
        I32Load8S, I32Load8U, I32Load16S, I32Load16U,
        I64Load8S, I64Load8U, I64Load16S, I64Load16U, I64Load32S, I64Load32U,
    ],
    store: [
        I32Store, I64Store, F32Store, F64Store,
        I32Store8, I32Store16, I64Store8, I64Store16, I64Store32,
    ],
    other: {
        /// Traps with `code`.
        Trap { code: Trap },
        /// Continues at `ip + offset`.
        Br { offset: BranchOffset },
        /// Branches if the i32 in `cond` is not zero.
        BrIfNez { cond: Slot, offset: BranchOffset },
        /// Branches if the i32 in `cond` is zero.
        BrIfEqz { cond: Slot, offset: BranchOffset },
        /// Fused `i32` compare and branch: branches if `lhs == rhs`. The
        /// `BrIfI32*` family below fuses each `i32` comparison the same way.
        BrIfI32Eq { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32Ne { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32LtS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32LtU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32GtS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32GtU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32LeS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32LeU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32GeS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI32GeU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        /// Fused `i64` compare and branch, as for `i32`.
        BrIfI64Eq { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64Ne { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64LtS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64LtU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64GtS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64GtU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64LeS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64LeU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64GeS { lhs: Slot, rhs: Slot, offset: BranchOffset },
        BrIfI64GeU { lhs: Slot, rhs: Slot, offset: BranchOffset },
        /// Followed by `len` [`Instr::Br`] targets and one default target; jumps
        /// to the target selected by the u32 in `index` (clamped to the default).
        BrTable { index: Slot, len: u32 },
        /// Subtracts `amount` from the store's fuel, trapping when it runs out.
        /// Emitted (only when fuel is on) at function entry and loop headers,
        /// with the count of wasm instructions up to the next such point.
        ConsumeFuel { amount: u32 },
        /// Returns from a function with no results.
        Return0,
        /// Returns the value in `src` as the single result.
        Return1 { src: Slot },
        /// Returns the `len` values starting at `src`.
        ReturnSpan { src: Slot, len: u16 },
        /// Calls function `func` of the current instance. Arguments are in the
        /// slots from `base` on, which become the callee's first slots; the
        /// results come back in the same place.
        Call { func: u32, base: Slot },
        /// Calls the function at the u32 `index` of `table`, followed by
        /// [`Instr::CallIndirectSig`]. Arguments and results as for `Call`.
        CallIndirect { table: u32, index: Slot, base: Slot },
        /// Parameter word of `CallIndirect`: the expected signature.
        CallIndirectSig { sig: SigId },
        /// `dst = src`.
        Copy { dst: Slot, src: Slot },
        /// Copies `len` cells from `src..` to `dst..`, as `memmove` does.
        CopySpan { dst: Slot, src: Slot, len: u16 },
        /// `dst = if cond != 0 { if_true } else { if_false }`.
        Select { dst: Slot, cond: Slot, if_true: Slot, if_false: Slot },
        /// `dst = (src == null)`.
        RefIsNull { dst: Slot, src: Slot },
        /// `dst = ref.func func`.
        RefFunc { dst: Slot, func: u32 },
        /// `dst = global`.
        GlobalGet { dst: Slot, global: u32 },
        /// `global = src`.
        GlobalSet { src: Slot, global: u32 },
        /// `dst = table[index]`.
        TableGet { dst: Slot, index: Slot, table: u32 },
        /// `table[index] = value`.
        TableSet { index: Slot, value: Slot, table: u32 },
        /// `dst = table.size`.
        TableSize { dst: Slot, table: u32 },
        /// `dst = table.grow(init, delta)` (old size, or -1).
        TableGrow { dst: Slot, delta: Slot, init: Slot, table: u32 },
        /// Fills `len` entries from `dst` with `value`.
        TableFill { dst: Slot, value: Slot, len: Slot, table: u32 },
        /// `table.copy`, followed by [`Instr::TableCopyParams`].
        TableCopy { dst: Slot, src: Slot, len: Slot },
        /// Parameter word of `TableCopy`.
        TableCopyParams { dst_table: u32, src_table: u32 },
        /// `table.init`, followed by [`Instr::TableInitParams`].
        TableInit { dst: Slot, src: Slot, len: Slot },
        /// Parameter word of `TableInit`.
        TableInitParams { table: u32, elem: u32 },
        /// Drops passive element segment `elem`.
        ElemDrop { elem: u32 },
        /// `dst = memory.size` in pages.
        MemorySize { dst: Slot, memory: u32 },
        /// `dst = memory.grow(delta)` (old size in pages, or -1).
        MemoryGrow { dst: Slot, delta: Slot, memory: u32 },
        /// Fills `len` bytes of memory 0 from `dst` with the byte `value`.
        MemoryFill { dst: Slot, value: Slot, len: Slot },
        /// Copies `len` bytes of memory 0 from `src` to `dst` (overlap allowed).
        MemoryCopy { dst: Slot, src: Slot, len: Slot },
        /// Copies `len` bytes of data segment `data` from `src` to memory 0 at `dst`.
        MemoryInit { dst: Slot, src: Slot, len: Slot, data: u32 },
        /// Drops data segment `data`.
        DataDrop { data: u32 },
    }
}

/// A listing of a function's code, one instruction per line with its index.
pub(crate) fn disassemble(func: &crate::translate::CompiledFunc) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "params={} locals={} consts={:?} frame={}",
        func.num_params,
        func.num_locals,
        &func.frame_init[(func.num_locals - func.num_params) as usize..],
        func.frame_size
    );
    for (i, instr) in func.code.iter().enumerate() {
        let _ = writeln!(out, "{i:4}: {instr:?}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_stay_compact() {
        // Dispatch speed depends on how many instructions share a cache line.
        assert!(std::mem::size_of::<Instr>() <= 12, "Instr grew to {} bytes", std::mem::size_of::<Instr>());
    }
}
