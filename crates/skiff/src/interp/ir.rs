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
//! * `…Acc` variants (`I32AddAcc`, `I32LoadAcc`, `BrIfI32LtSAcc`, …) take
//!   their left operand or address from the *accumulator*: the result of the
//!   instruction executed just before, which every numeric instruction also
//!   leaves in a register. `BrIfI32LtS` and kin are comparisons fused with a
//!   conditional branch. A result that only the next instruction reads, from
//!   the accumulator, names [`Slot::ACC`] as its destination (`dst: acc` in
//!   listings) and is written nowhere else.
//! * `…Imm` variants (`I32AddImm`, `I64ShlAccImm`, `BrIfI32LtUImm`, …) take
//!   their right operand from a constant carried in the instruction instead
//!   of a slot: integer operators take any constant of their type that fits
//!   an `i32`, comparisons (and the branches they fuse into) one that fits an
//!   `i16`. `…LoadAddImm` loads take their address as a slot plus such a
//!   constant (a fused `i32.add`). A constant read only by such instructions gets no frame slot, so
//!   calls copy fewer constants into new frames. `CopyImm32` does the same
//!   for `local.set` of a constant and for constant call arguments.
//! * `…Store` variants (`F64SubStore`, `I32AddAccStore`, `I64AddImmStore`)
//!   are an operator fused with the store of its result ([`Stored`]), and
//!   `…Load` variants (`F64MulLoad`, `I32XorLoad`) an operator fused with
//!   the load of its left operand ([`Loaded`]); `…LoadStore` variants
//!   (`F64AddLoadStore`) do both, to one address ([`LoadStored`]).
//! * Everything else is documented on its variant. Instructions that need more
//!   immediates than fit in one 16-byte instruction are followed by a
//!   parameter word (`Call*`/`Table*Params`) that is never executed on its own.
//!
//! # Large frames
//!
//! A slot is 16 bits, so an instruction reaches 65535 cells of its frame.
//! Frames of ordinary functions are far smaller, and for them that is all
//! there is. A function whose frame needs more (tens of thousands of
//! `v128` locals, an operand stack tens of thousands of values deep) runs
//! with its slots relative to a *window* of the frame: [`Instr::FpShift`]
//! moves the executor's frame pointer up or down the frame, so that the
//! cells near the top of the operand stack are always within reach, and
//! [`Instr::CopyFar`] moves values between the window and cells outside
//! it (locals, the results of an enclosing block). The translator shifts
//! the window only between operators and at labels, where each label has
//! one window that every branch to it arrives with (see
//! `translate::FuncTranslator::window_for`); returns and tail calls shift
//! back to the frame's base first. While the window is not at the base,
//! every operand lives in the window, so ordinary instructions run
//! unchanged.
//!
//! # Memories and tables
//!
//! The `I32Load`/`I32Store` families, `MemoryFill`, `MemoryCopy` and
//! `MemoryInit` act on memory 0 when it is a 32-bit memory: the executor
//! keeps that memory's base and length in registers, and a 32-bit address
//! (a zero-extended cell, see `values.rs`) plus a 32-bit offset cannot
//! overflow. Every access to another memory, or to a 64-bit one, is a
//! `LoadMem`/`StoreMem` (or `MemoryFillMem`, `MemoryCopyMem`,
//! `MemoryInitMem`), which names its memory, finds it through the instance
//! and checks `addr + offset + width` without wrapping; a static offset
//! beyond 32 bits has its high half added first by `AddrAddOffset`. SIMD
//! accesses follow the same split: `V128Load`, `V128Store`, the loads named
//! after their operator (`V128Load8x8S`, …) and the lane accesses serve a
//! 32-bit memory 0, and `V128LoadMem`, `V128StoreMem`, `V128LoadLaneMem`
//! and `V128StoreLaneMem` every other memory. Table instructions read
//! indices as whole cells, so they serve tables of both index types (an i32
//! index is zero-extended); only `TableGrow64` and `MemoryGrow64` differ,
//! in the width of their -1.

use crate::engine::SigId;
use crate::trap::Trap;
use std::fmt;

/// A cell of the current frame, addressed from the frame base.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Slot(pub u16);

impl Slot {
    /// The destination of a result that only the accumulator receives
    /// (`dst: acc` in listings): the instruction after it takes the value
    /// from there, and nothing reads the temporary it would have gone to.
    /// Only instructions that set the accumulator ([`Instr::sets_acc`])
    /// name it, and no frame has this cell (the translator keeps every
    /// real slot below `u16::MAX`), so an instruction that names it must
    /// run in its result-in-accumulator form: `interp::link` picks that
    /// form's handler by this very test ([`Instr::result_in_acc_only`]).
    pub const ACC: Slot = Slot(u16::MAX);

    #[inline(always)]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Slot::ACC { f.write_str("acc") } else { write!(f, "s{}", self.0) }
    }
}

/// A branch distance in instructions, relative to the branching instruction.
pub type BranchOffset = i32;

/// `TierLoopHeader::index` of a stub whose back edges arrive where no
/// loop's header state is: it counts, but no frame enters compiled code there.
pub const NO_LOOP: u32 = u32::MAX;

/// `dst = op(lhs, rhs)`.
///
/// `repr(C)`, like the other operand structs of the numeric instructions:
/// the executor decodes the first 8 bytes of such an instruction (tag, then
/// these `u16` slots in order) with a single load; see [`OperandWord`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct BinOp {
    pub dst: Slot,
    pub lhs: Slot,
    pub rhs: Slot,
}

/// `dst = op(src)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
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

/// `dst = op(acc, rhs)`: a binary operator whose left operand is the
/// accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct AccBinOp {
    pub dst: Slot,
    pub rhs: Slot,
}

/// `dst = op(acc)`: a unary operator applied to the accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct AccUnOp {
    pub dst: Slot,
}

/// `dst = memory0[acc + offset]`: a load whose address is the accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccLoad {
    pub dst: Slot,
    pub offset: u32,
}

/// Branches by `offset` if comparing `lhs` with `rhs` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CmpBranch {
    pub lhs: Slot,
    pub rhs: Slot,
    pub offset: BranchOffset,
}

/// Branches by `offset` if comparing the accumulator with `rhs` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccCmpBranch {
    pub rhs: Slot,
    pub offset: BranchOffset,
}

/// The first 8 bytes of a numeric instruction, read at once: its `u16` tag
/// followed by up to three `u16` slots (`dst`, then the operands, in field
/// order). Reading them with one load instead of one per field matters: the
/// interpreter's handlers are bound by load throughput.
#[derive(Clone, Copy)]
pub struct OperandWord(pub u64);

impl OperandWord {
    /// # Safety
    /// `instr` must point at a valid instruction.
    #[inline(always)]
    pub unsafe fn read(instr: *const Instr) -> OperandWord {
        // SAFETY: every `Instr` is at least 8 bytes (`tests::instructions_stay_compact`
        // bounds it from above; the smallest variant has a tag and three
        // slots) and the caller promises a valid one.
        OperandWord(unsafe { instr.cast::<u64>().read_unaligned() })
    }
    /// The `n`th slot after the tag (0 is `dst`).
    #[inline(always)]
    pub fn slot(self, n: u32) -> Slot {
        Slot((self.0 >> (16 * (n + 1))) as u16)
    }
}

/// `dst = memory0[(base + (index << shift)) + offset]`: an array element.
/// The address is computed in 32 bits, as the `i32.shl` and `i32.add` it
/// replaces would; only then is the offset added, as for any load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct ScaledLoad {
    pub dst: Slot,
    pub base: Slot,
    pub index: Slot,
    pub shift: u8,
    pub offset: u16,
}

impl ScaledLoad {
    /// The effective 32-bit address before the offset.
    #[inline(always)]
    pub fn address(base: u64, index: u64, shift: u8) -> u64 {
        u64::from((base as u32).wrapping_add((index as u32) << (shift & 31)))
    }
}

/// `dst = op(lhs, imm)`: a binary operator whose right operand is a
/// constant carried in the instruction (sign-extended to 64 bits; i32
/// operators read its low half), so it needs no frame slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BinOpImm {
    pub dst: Slot,
    pub lhs: Slot,
    pub imm: i32,
}

/// `dst = op(acc, imm)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccBinOpImm {
    pub dst: Slot,
    pub imm: i32,
}

/// Branches by `offset` if comparing `lhs` with the constant `imm`
/// (sign-extended) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CmpBranchImm {
    pub lhs: Slot,
    pub imm: i16,
    pub offset: BranchOffset,
}

/// Branches by `offset` if comparing the accumulator with `imm` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccCmpBranchImm {
    pub imm: i16,
    pub offset: BranchOffset,
}

/// `slot += step` (as i32), then branches by `offset` if comparing the sum
/// with `rhs` holds: a loop counter's step fused with the loop's closing
/// compare-and-branch. The sum is also left in the accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepBranch {
    pub slot: Slot,
    pub step: i16,
    pub rhs: Slot,
    pub offset: BranchOffset,
}

/// `slot += step` (as i32), then branches by `offset` if comparing the sum
/// with the constant `imm` (sign-extended) holds; see [`StepBranch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepBranchImm {
    pub slot: Slot,
    pub step: i16,
    pub imm: i16,
    pub offset: BranchOffset,
}

/// `dst = memory0[base + imm]`, the sum computed in 32 bits: a load whose
/// address an `i32.add` of a constant just computed (how compilers reach a
/// field or the next element), with a static offset of 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddImmLoad {
    pub dst: Slot,
    pub base: Slot,
    pub imm: i32,
}

impl AddImmLoad {
    /// The effective 32-bit address.
    #[inline(always)]
    pub fn address(base: u64, imm: i32) -> u64 {
        u64::from((base as u32).wrapping_add(imm as u32))
    }
}

/// `dst = op(a, b, c)`: a ternary SIMD operator (`v128.bitselect`,
/// `relaxed_madd`, …), operands in wasm order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct TernOp {
    pub dst: Slot,
    pub a: Slot,
    pub b: Slot,
    pub c: Slot,
}

/// `dst = op(acc, b, c)`: a ternary SIMD operator whose first operand is
/// the `v128` accumulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct AccTernOp {
    pub dst: Slot,
    pub b: Slot,
    pub c: Slot,
}

/// `dst = op(src, lane)`: a SIMD `extract_lane`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct LaneOp {
    pub dst: Slot,
    pub src: Slot,
    pub lane: u8,
}

/// `dst = op(src, lane, value)`: a SIMD `replace_lane`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct ReplaceLaneOp {
    pub dst: Slot,
    pub src: Slot,
    pub value: Slot,
    pub lane: u8,
}

/// `memory0[addr + offset] = value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Store {
    pub addr: Slot,
    pub value: Slot,
    pub offset: u32,
}

/// `memory0[op.dst + offset] = op(…)`: an operator fused with the store of
/// its result (`I32AddStore`, `F64MulAccStore`, …). The operator's own
/// operands (`BinOp`, `AccBinOp`, …) are as in its plain form, except that
/// `op.dst` names the slot holding the store's *address*: the result goes
/// to memory only (it was a temporary that only the store read), and the
/// accumulator is left empty, as after any store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Stored<T> {
    pub op: T,
    pub offset: u32,
}

/// `dst = op(memory0[addr + offset], rhs)`: a binary operator fused with
/// the load of its left operand (`F64AddLoad`, `I32XorLoad`, …), for a
/// loaded value that only the operator read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Loaded {
    pub dst: Slot,
    pub rhs: Slot,
    pub addr: Slot,
    pub offset: u32,
}

/// `memory0[addr + offset] = op(memory0[addr + offset], rhs)`: a
/// [`Loaded`] operator whose result a store of the same width puts back
/// where its left operand came from (`F64AddLoadStore`, …): `a[i] += x`,
/// for a result that only the store read. As after any store, the
/// accumulator is left empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct LoadStored {
    pub rhs: Slot,
    pub addr: Slot,
    pub offset: u32,
}

/// What a [`Instr::LoadMem`] reads: how many bytes, and how they become a
/// cell (zero- or sign-extended, to 32 or 64 bits). `i32.load` and
/// `f32.load` are both `U32`, as their cells are the same bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum LoadKind {
    U8,
    I32S8,
    I64S8,
    U16,
    I32S16,
    I64S16,
    U32,
    I64S32,
    U64,
}

impl LoadKind {
    /// The bytes read.
    pub fn width(self) -> u64 {
        match self {
            LoadKind::U8 | LoadKind::I32S8 | LoadKind::I64S8 => 1,
            LoadKind::U16 | LoadKind::I32S16 | LoadKind::I64S16 => 2,
            LoadKind::U32 | LoadKind::I64S32 => 4,
            LoadKind::U64 => 8,
        }
    }
}

/// What a [`Instr::StoreMem`] writes: the low 1, 2, 4 or 8 bytes of its
/// value's cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum StoreKind {
    B8,
    B16,
    B32,
    B64,
}

impl StoreKind {
    /// The bytes written.
    pub fn width(self) -> u64 {
        match self {
            StoreKind::B8 => 1,
            StoreKind::B16 => 2,
            StoreKind::B32 => 4,
            StoreKind::B64 => 8,
        }
    }
}

/// A 64-bit static offset in two halves, so that an instruction carrying it
/// keeps `Instr`'s 4-byte alignment (and 16-byte size).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Offset64 {
    low: u32,
    high: u32,
}

impl Offset64 {
    pub fn new(offset: u64) -> Offset64 {
        Offset64 { low: offset as u32, high: (offset >> 32) as u32 }
    }

    #[inline(always)]
    pub fn get(self) -> u64 {
        u64::from(self.low) | u64::from(self.high) << 32
    }
}

impl fmt::Debug for Offset64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.get())
    }
}

/// The numeric instructions, as `(Variant, AccVariant, semantics)` for
/// binary and unary operators and loads,
/// and the compare-and-branch instructions that integer comparisons fuse
/// into, as `(Compare, CompareAcc, Branch, BranchAcc, semantics,
/// NegatedBranch, NegatedBranchAcc)`:
/// the one list from which the `Instr` variants (see `define_instrs!`) and
/// their execution (`interp::numeric`) are generated. `semantics` names a
/// function of `interp::numeric::sem` over cells. The `…Acc` variant takes its
/// left operand (or address) from the accumulator, the result of the
/// instruction executed just before, instead of from a slot.
macro_rules! for_each_numeric {
    ($callback:ident { $($rest:tt)* }) => {
        $callback! {
            binary: [
            (I32Eq, I32EqAcc, i32_eq),
            (I32Ne, I32NeAcc, i32_ne),
            (I32LtS, I32LtSAcc, i32_lt_s),
            (I32LtU, I32LtUAcc, i32_lt_u),
            (I32GtS, I32GtSAcc, i32_gt_s),
            (I32GtU, I32GtUAcc, i32_gt_u),
            (I32LeS, I32LeSAcc, i32_le_s),
            (I32LeU, I32LeUAcc, i32_le_u),
            (I32GeS, I32GeSAcc, i32_ge_s),
            (I32GeU, I32GeUAcc, i32_ge_u),
            (I64Eq, I64EqAcc, i64_eq),
            (I64Ne, I64NeAcc, i64_ne),
            (I64LtS, I64LtSAcc, i64_lt_s),
            (I64LtU, I64LtUAcc, i64_lt_u),
            (I64GtS, I64GtSAcc, i64_gt_s),
            (I64GtU, I64GtUAcc, i64_gt_u),
            (I64LeS, I64LeSAcc, i64_le_s),
            (I64LeU, I64LeUAcc, i64_le_u),
            (I64GeS, I64GeSAcc, i64_ge_s),
            (I64GeU, I64GeUAcc, i64_ge_u),
            (F32Eq, F32EqAcc, f32_eq),
            (F32Ne, F32NeAcc, f32_ne),
            (F32Lt, F32LtAcc, f32_lt),
            (F32Gt, F32GtAcc, f32_gt),
            (F32Le, F32LeAcc, f32_le),
            (F32Ge, F32GeAcc, f32_ge),
            (F64Eq, F64EqAcc, f64_eq),
            (F64Ne, F64NeAcc, f64_ne),
            (F64Lt, F64LtAcc, f64_lt),
            (F64Gt, F64GtAcc, f64_gt),
            (F64Le, F64LeAcc, f64_le),
            (F64Ge, F64GeAcc, f64_ge),
            (I32Add, I32AddAcc, i32_add),
            (I32Sub, I32SubAcc, i32_sub),
            (I32Mul, I32MulAcc, i32_mul),
            (I32DivS, I32DivSAcc, i32_div_s),
            (I32DivU, I32DivUAcc, i32_div_u),
            (I32RemS, I32RemSAcc, i32_rem_s),
            (I32RemU, I32RemUAcc, i32_rem_u),
            (I32And, I32AndAcc, i32_and),
            (I32Or, I32OrAcc, i32_or),
            (I32Xor, I32XorAcc, i32_xor),
            (I32Shl, I32ShlAcc, i32_shl),
            (I32ShrS, I32ShrSAcc, i32_shr_s),
            (I32ShrU, I32ShrUAcc, i32_shr_u),
            (I32Rotl, I32RotlAcc, i32_rotl),
            (I32Rotr, I32RotrAcc, i32_rotr),
            (I64Add, I64AddAcc, i64_add),
            (I64Sub, I64SubAcc, i64_sub),
            (I64Mul, I64MulAcc, i64_mul),
            (I64DivS, I64DivSAcc, i64_div_s),
            (I64DivU, I64DivUAcc, i64_div_u),
            (I64RemS, I64RemSAcc, i64_rem_s),
            (I64RemU, I64RemUAcc, i64_rem_u),
            (I64And, I64AndAcc, i64_and),
            (I64Or, I64OrAcc, i64_or),
            (I64Xor, I64XorAcc, i64_xor),
            (I64Shl, I64ShlAcc, i64_shl),
            (I64ShrS, I64ShrSAcc, i64_shr_s),
            (I64ShrU, I64ShrUAcc, i64_shr_u),
            (I64Rotl, I64RotlAcc, i64_rotl),
            (I64Rotr, I64RotrAcc, i64_rotr),
            (F32Add, F32AddAcc, f32_add),
            (F32Sub, F32SubAcc, f32_sub),
            (F32Mul, F32MulAcc, f32_mul),
            (F32Div, F32DivAcc, f32_div),
            (F32Min, F32MinAcc, f32_min),
            (F32Max, F32MaxAcc, f32_max),
            (F32Copysign, F32CopysignAcc, f32_copysign),
            (F64Add, F64AddAcc, f64_add),
            (F64Sub, F64SubAcc, f64_sub),
            (F64Mul, F64MulAcc, f64_mul),
            (F64Div, F64DivAcc, f64_div),
            (F64Min, F64MinAcc, f64_min),
            (F64Max, F64MaxAcc, f64_max),
            (F64Copysign, F64CopysignAcc, f64_copysign),
            ],
            unary: [
            (I32Eqz, I32EqzAcc, i32_eqz),
            (I64Eqz, I64EqzAcc, i64_eqz),
            (I32Clz, I32ClzAcc, i32_clz),
            (I32Ctz, I32CtzAcc, i32_ctz),
            (I32Popcnt, I32PopcntAcc, i32_popcnt),
            (I64Clz, I64ClzAcc, i64_clz),
            (I64Ctz, I64CtzAcc, i64_ctz),
            (I64Popcnt, I64PopcntAcc, i64_popcnt),
            (F32Abs, F32AbsAcc, f32_abs),
            (F32Neg, F32NegAcc, f32_neg),
            (F32Ceil, F32CeilAcc, f32_ceil),
            (F32Floor, F32FloorAcc, f32_floor),
            (F32Trunc, F32TruncAcc, f32_trunc),
            (F32Nearest, F32NearestAcc, f32_nearest),
            (F32Sqrt, F32SqrtAcc, f32_sqrt),
            (F64Abs, F64AbsAcc, f64_abs),
            (F64Neg, F64NegAcc, f64_neg),
            (F64Ceil, F64CeilAcc, f64_ceil),
            (F64Floor, F64FloorAcc, f64_floor),
            (F64Trunc, F64TruncAcc, f64_trunc),
            (F64Nearest, F64NearestAcc, f64_nearest),
            (F64Sqrt, F64SqrtAcc, f64_sqrt),
            (I32WrapI64, I32WrapI64Acc, i32_wrap_i64),
            (I32TruncF32S, I32TruncF32SAcc, i32_trunc_f32_s),
            (I32TruncF32U, I32TruncF32UAcc, i32_trunc_f32_u),
            (I32TruncF64S, I32TruncF64SAcc, i32_trunc_f64_s),
            (I32TruncF64U, I32TruncF64UAcc, i32_trunc_f64_u),
            (I64ExtendI32S, I64ExtendI32SAcc, i64_extend_i32_s),
            (I64TruncF32S, I64TruncF32SAcc, i64_trunc_f32_s),
            (I64TruncF32U, I64TruncF32UAcc, i64_trunc_f32_u),
            (I64TruncF64S, I64TruncF64SAcc, i64_trunc_f64_s),
            (I64TruncF64U, I64TruncF64UAcc, i64_trunc_f64_u),
            (F32ConvertI32S, F32ConvertI32SAcc, f32_convert_i32_s),
            (F32ConvertI32U, F32ConvertI32UAcc, f32_convert_i32_u),
            (F32ConvertI64S, F32ConvertI64SAcc, f32_convert_i64_s),
            (F32ConvertI64U, F32ConvertI64UAcc, f32_convert_i64_u),
            (F32DemoteF64, F32DemoteF64Acc, f32_demote_f64),
            (F64ConvertI32S, F64ConvertI32SAcc, f64_convert_i32_s),
            (F64ConvertI32U, F64ConvertI32UAcc, f64_convert_i32_u),
            (F64ConvertI64S, F64ConvertI64SAcc, f64_convert_i64_s),
            (F64ConvertI64U, F64ConvertI64UAcc, f64_convert_i64_u),
            (F64PromoteF32, F64PromoteF32Acc, f64_promote_f32),
            (I32Extend8S, I32Extend8SAcc, i32_extend8_s),
            (I32Extend16S, I32Extend16SAcc, i32_extend16_s),
            (I64Extend8S, I64Extend8SAcc, i64_extend8_s),
            (I64Extend16S, I64Extend16SAcc, i64_extend16_s),
            (I64Extend32S, I64Extend32SAcc, i64_extend32_s),
            (I32TruncSatF32S, I32TruncSatF32SAcc, i32_trunc_sat_f32_s),
            (I32TruncSatF32U, I32TruncSatF32UAcc, i32_trunc_sat_f32_u),
            (I32TruncSatF64S, I32TruncSatF64SAcc, i32_trunc_sat_f64_s),
            (I32TruncSatF64U, I32TruncSatF64UAcc, i32_trunc_sat_f64_u),
            (I64TruncSatF32S, I64TruncSatF32SAcc, i64_trunc_sat_f32_s),
            (I64TruncSatF32U, I64TruncSatF32UAcc, i64_trunc_sat_f32_u),
            (I64TruncSatF64S, I64TruncSatF64SAcc, i64_trunc_sat_f64_s),
            (I64TruncSatF64U, I64TruncSatF64UAcc, i64_trunc_sat_f64_u),
            ],
            compare_branch: [
                (I32Eq, I32EqAcc, BrIfI32Eq, BrIfI32EqAcc, i32_eq, BrIfI32Ne, BrIfI32NeAcc),
                (I32Ne, I32NeAcc, BrIfI32Ne, BrIfI32NeAcc, i32_ne, BrIfI32Eq, BrIfI32EqAcc),
                (I32LtS, I32LtSAcc, BrIfI32LtS, BrIfI32LtSAcc, i32_lt_s, BrIfI32GeS, BrIfI32GeSAcc),
                (I32LtU, I32LtUAcc, BrIfI32LtU, BrIfI32LtUAcc, i32_lt_u, BrIfI32GeU, BrIfI32GeUAcc),
                (I32GtS, I32GtSAcc, BrIfI32GtS, BrIfI32GtSAcc, i32_gt_s, BrIfI32LeS, BrIfI32LeSAcc),
                (I32GtU, I32GtUAcc, BrIfI32GtU, BrIfI32GtUAcc, i32_gt_u, BrIfI32LeU, BrIfI32LeUAcc),
                (I32LeS, I32LeSAcc, BrIfI32LeS, BrIfI32LeSAcc, i32_le_s, BrIfI32GtS, BrIfI32GtSAcc),
                (I32LeU, I32LeUAcc, BrIfI32LeU, BrIfI32LeUAcc, i32_le_u, BrIfI32GtU, BrIfI32GtUAcc),
                (I32GeS, I32GeSAcc, BrIfI32GeS, BrIfI32GeSAcc, i32_ge_s, BrIfI32LtS, BrIfI32LtSAcc),
                (I32GeU, I32GeUAcc, BrIfI32GeU, BrIfI32GeUAcc, i32_ge_u, BrIfI32LtU, BrIfI32LtUAcc),
                (I64Eq, I64EqAcc, BrIfI64Eq, BrIfI64EqAcc, i64_eq, BrIfI64Ne, BrIfI64NeAcc),
                (I64Ne, I64NeAcc, BrIfI64Ne, BrIfI64NeAcc, i64_ne, BrIfI64Eq, BrIfI64EqAcc),
                (I64LtS, I64LtSAcc, BrIfI64LtS, BrIfI64LtSAcc, i64_lt_s, BrIfI64GeS, BrIfI64GeSAcc),
                (I64LtU, I64LtUAcc, BrIfI64LtU, BrIfI64LtUAcc, i64_lt_u, BrIfI64GeU, BrIfI64GeUAcc),
                (I64GtS, I64GtSAcc, BrIfI64GtS, BrIfI64GtSAcc, i64_gt_s, BrIfI64LeS, BrIfI64LeSAcc),
                (I64GtU, I64GtUAcc, BrIfI64GtU, BrIfI64GtUAcc, i64_gt_u, BrIfI64LeU, BrIfI64LeUAcc),
                (I64LeS, I64LeSAcc, BrIfI64LeS, BrIfI64LeSAcc, i64_le_s, BrIfI64GtS, BrIfI64GtSAcc),
                (I64LeU, I64LeUAcc, BrIfI64LeU, BrIfI64LeUAcc, i64_le_u, BrIfI64GtU, BrIfI64GtUAcc),
                (I64GeS, I64GeSAcc, BrIfI64GeS, BrIfI64GeSAcc, i64_ge_s, BrIfI64LtS, BrIfI64LtSAcc),
                (I64GeU, I64GeUAcc, BrIfI64GeU, BrIfI64GeUAcc, i64_ge_u, BrIfI64LtU, BrIfI64LtUAcc),
            ],
            // Float comparisons fused with a following `br_if`, as
            // `(Compare, CompareAcc, Branch, BranchAcc, semantics)`. Only
            // the branch-if-true sense exists: with a NaN operand a float
            // comparison and its opposite are both false, so
            // `br_if (i32.eqz (f64.lt a b))` is not `f64.ge`.
            float_compare_branch: [
                (F32Eq, F32EqAcc, BrIfF32Eq, BrIfF32EqAcc, f32_eq),
                (F32Ne, F32NeAcc, BrIfF32Ne, BrIfF32NeAcc, f32_ne),
                (F32Lt, F32LtAcc, BrIfF32Lt, BrIfF32LtAcc, f32_lt),
                (F32Gt, F32GtAcc, BrIfF32Gt, BrIfF32GtAcc, f32_gt),
                (F32Le, F32LeAcc, BrIfF32Le, BrIfF32LeAcc, f32_le),
                (F32Ge, F32GeAcc, BrIfF32Ge, BrIfF32GeAcc, f32_ge),
                (F64Eq, F64EqAcc, BrIfF64Eq, BrIfF64EqAcc, f64_eq),
                (F64Ne, F64NeAcc, BrIfF64Ne, BrIfF64NeAcc, f64_ne),
                (F64Lt, F64LtAcc, BrIfF64Lt, BrIfF64LtAcc, f64_lt),
                (F64Gt, F64GtAcc, BrIfF64Gt, BrIfF64GtAcc, f64_gt),
                (F64Le, F64LeAcc, BrIfF64Le, BrIfF64LeAcc, f64_le),
                (F64Ge, F64GeAcc, BrIfF64Ge, BrIfF64GeAcc, f64_ge),
            ],
            // Integer operators with a constant right operand, as
            // `(Op, OpAcc, OpImm, OpAccImm, semantics, width)`: the constant travels in the
            // instruction. `width` says which constants fit (any i32; an
            // i64 only if it is a sign-extended i32).
            binary_imm: [
                (I32Add, I32AddAcc, I32AddImm, I32AddAccImm, i32_add, i32),
                (I32Sub, I32SubAcc, I32SubImm, I32SubAccImm, i32_sub, i32),
                (I32Mul, I32MulAcc, I32MulImm, I32MulAccImm, i32_mul, i32),
                (I32And, I32AndAcc, I32AndImm, I32AndAccImm, i32_and, i32),
                (I32Or, I32OrAcc, I32OrImm, I32OrAccImm, i32_or, i32),
                (I32Xor, I32XorAcc, I32XorImm, I32XorAccImm, i32_xor, i32),
                (I32Shl, I32ShlAcc, I32ShlImm, I32ShlAccImm, i32_shl, i32),
                (I32ShrS, I32ShrSAcc, I32ShrSImm, I32ShrSAccImm, i32_shr_s, i32),
                (I32ShrU, I32ShrUAcc, I32ShrUImm, I32ShrUAccImm, i32_shr_u, i32),
                (I32Rotl, I32RotlAcc, I32RotlImm, I32RotlAccImm, i32_rotl, i32),
                (I32Rotr, I32RotrAcc, I32RotrImm, I32RotrAccImm, i32_rotr, i32),
                (I64Add, I64AddAcc, I64AddImm, I64AddAccImm, i64_add, i64),
                (I64Sub, I64SubAcc, I64SubImm, I64SubAccImm, i64_sub, i64),
                (I64Mul, I64MulAcc, I64MulImm, I64MulAccImm, i64_mul, i64),
                (I64And, I64AndAcc, I64AndImm, I64AndAccImm, i64_and, i64),
                (I64Or, I64OrAcc, I64OrImm, I64OrAccImm, i64_or, i64),
                (I64Xor, I64XorAcc, I64XorImm, I64XorAccImm, i64_xor, i64),
                (I64Shl, I64ShlAcc, I64ShlImm, I64ShlAccImm, i64_shl, i64),
                (I64ShrS, I64ShrSAcc, I64ShrSImm, I64ShrSAccImm, i64_shr_s, i64),
                (I64ShrU, I64ShrUAcc, I64ShrUImm, I64ShrUAccImm, i64_shr_u, i64),
                (I64Rotl, I64RotlAcc, I64RotlImm, I64RotlAccImm, i64_rotl, i64),
                (I64Rotr, I64RotrAcc, I64RotrImm, I64RotrAccImm, i64_rotr, i64),
            ],
            // Integer comparisons with a small constant right operand (one
            // that fits an i16, so that the comparison can always fuse with
            // a branch), as `(Compare, CompareAcc, CompareImm, CompareAccImm, BranchImm,
            // BranchAccImm, NegatedBranchImm, NegatedBranchAccImm, semantics, width)`.
            compare_imm: [
                (I32Eq, I32EqAcc, I32EqImm, I32EqAccImm, BrIfI32EqImm, BrIfI32EqAccImm, BrIfI32NeImm, BrIfI32NeAccImm, i32_eq, i32),
                (I32Ne, I32NeAcc, I32NeImm, I32NeAccImm, BrIfI32NeImm, BrIfI32NeAccImm, BrIfI32EqImm, BrIfI32EqAccImm, i32_ne, i32),
                (I32LtS, I32LtSAcc, I32LtSImm, I32LtSAccImm, BrIfI32LtSImm, BrIfI32LtSAccImm, BrIfI32GeSImm, BrIfI32GeSAccImm, i32_lt_s, i32),
                (I32LtU, I32LtUAcc, I32LtUImm, I32LtUAccImm, BrIfI32LtUImm, BrIfI32LtUAccImm, BrIfI32GeUImm, BrIfI32GeUAccImm, i32_lt_u, i32),
                (I32GtS, I32GtSAcc, I32GtSImm, I32GtSAccImm, BrIfI32GtSImm, BrIfI32GtSAccImm, BrIfI32LeSImm, BrIfI32LeSAccImm, i32_gt_s, i32),
                (I32GtU, I32GtUAcc, I32GtUImm, I32GtUAccImm, BrIfI32GtUImm, BrIfI32GtUAccImm, BrIfI32LeUImm, BrIfI32LeUAccImm, i32_gt_u, i32),
                (I32LeS, I32LeSAcc, I32LeSImm, I32LeSAccImm, BrIfI32LeSImm, BrIfI32LeSAccImm, BrIfI32GtSImm, BrIfI32GtSAccImm, i32_le_s, i32),
                (I32LeU, I32LeUAcc, I32LeUImm, I32LeUAccImm, BrIfI32LeUImm, BrIfI32LeUAccImm, BrIfI32GtUImm, BrIfI32GtUAccImm, i32_le_u, i32),
                (I32GeS, I32GeSAcc, I32GeSImm, I32GeSAccImm, BrIfI32GeSImm, BrIfI32GeSAccImm, BrIfI32LtSImm, BrIfI32LtSAccImm, i32_ge_s, i32),
                (I32GeU, I32GeUAcc, I32GeUImm, I32GeUAccImm, BrIfI32GeUImm, BrIfI32GeUAccImm, BrIfI32LtUImm, BrIfI32LtUAccImm, i32_ge_u, i32),
                (I64Eq, I64EqAcc, I64EqImm, I64EqAccImm, BrIfI64EqImm, BrIfI64EqAccImm, BrIfI64NeImm, BrIfI64NeAccImm, i64_eq, i64),
                (I64Ne, I64NeAcc, I64NeImm, I64NeAccImm, BrIfI64NeImm, BrIfI64NeAccImm, BrIfI64EqImm, BrIfI64EqAccImm, i64_ne, i64),
                (I64LtS, I64LtSAcc, I64LtSImm, I64LtSAccImm, BrIfI64LtSImm, BrIfI64LtSAccImm, BrIfI64GeSImm, BrIfI64GeSAccImm, i64_lt_s, i64),
                (I64LtU, I64LtUAcc, I64LtUImm, I64LtUAccImm, BrIfI64LtUImm, BrIfI64LtUAccImm, BrIfI64GeUImm, BrIfI64GeUAccImm, i64_lt_u, i64),
                (I64GtS, I64GtSAcc, I64GtSImm, I64GtSAccImm, BrIfI64GtSImm, BrIfI64GtSAccImm, BrIfI64LeSImm, BrIfI64LeSAccImm, i64_gt_s, i64),
                (I64GtU, I64GtUAcc, I64GtUImm, I64GtUAccImm, BrIfI64GtUImm, BrIfI64GtUAccImm, BrIfI64LeUImm, BrIfI64LeUAccImm, i64_gt_u, i64),
                (I64LeS, I64LeSAcc, I64LeSImm, I64LeSAccImm, BrIfI64LeSImm, BrIfI64LeSAccImm, BrIfI64GtSImm, BrIfI64GtSAccImm, i64_le_s, i64),
                (I64LeU, I64LeUAcc, I64LeUImm, I64LeUAccImm, BrIfI64LeUImm, BrIfI64LeUAccImm, BrIfI64GtUImm, BrIfI64GtUAccImm, i64_le_u, i64),
                (I64GeS, I64GeSAcc, I64GeSImm, I64GeSAccImm, BrIfI64GeSImm, BrIfI64GeSAccImm, BrIfI64LtSImm, BrIfI64LtSAccImm, i64_ge_s, i64),
                (I64GeU, I64GeUAcc, I64GeUImm, I64GeUAccImm, BrIfI64GeUImm, BrIfI64GeUAccImm, BrIfI64LtUImm, BrIfI64LtUAccImm, i64_ge_u, i64),
            ],
            // `i32.and` feeding a branch: branch when the bits in common are
            // not all zero (`…Nez`) or are (`…Eqz`). The flag tests of C code.
            test_branch: [
                (I32And, I32AndAcc, BrIfI32AndNez, BrIfI32AndNezAcc, BrIfI32AndEqz, BrIfI32AndEqzAcc),
            ],
            // A counter's `i32.add` of a constant fused with the
            // compare-and-branch that tests the sum (the step and test of a
            // counted loop), as `(Branch, BranchAcc, StepBranch, BranchImm,
            // BranchAccImm, StepBranchImm, semantics)`: the branch forms it
            // replaces, from a slot or the accumulator, then the fused form,
            // for a right operand in a slot and then for a constant one.
            step_branch: [
                (BrIfI32Eq, BrIfI32EqAcc, I32AddImmBrIfEq, BrIfI32EqImm, BrIfI32EqAccImm, I32AddImmBrIfEqImm, i32_eq),
                (BrIfI32Ne, BrIfI32NeAcc, I32AddImmBrIfNe, BrIfI32NeImm, BrIfI32NeAccImm, I32AddImmBrIfNeImm, i32_ne),
                (BrIfI32LtS, BrIfI32LtSAcc, I32AddImmBrIfLtS, BrIfI32LtSImm, BrIfI32LtSAccImm, I32AddImmBrIfLtSImm, i32_lt_s),
                (BrIfI32LtU, BrIfI32LtUAcc, I32AddImmBrIfLtU, BrIfI32LtUImm, BrIfI32LtUAccImm, I32AddImmBrIfLtUImm, i32_lt_u),
                (BrIfI32GtS, BrIfI32GtSAcc, I32AddImmBrIfGtS, BrIfI32GtSImm, BrIfI32GtSAccImm, I32AddImmBrIfGtSImm, i32_gt_s),
                (BrIfI32GtU, BrIfI32GtUAcc, I32AddImmBrIfGtU, BrIfI32GtUImm, BrIfI32GtUAccImm, I32AddImmBrIfGtUImm, i32_gt_u),
                (BrIfI32LeS, BrIfI32LeSAcc, I32AddImmBrIfLeS, BrIfI32LeSImm, BrIfI32LeSAccImm, I32AddImmBrIfLeSImm, i32_le_s),
                (BrIfI32LeU, BrIfI32LeUAcc, I32AddImmBrIfLeU, BrIfI32LeUImm, BrIfI32LeUAccImm, I32AddImmBrIfLeUImm, i32_le_u),
                (BrIfI32GeS, BrIfI32GeSAcc, I32AddImmBrIfGeS, BrIfI32GeSImm, BrIfI32GeSAccImm, I32AddImmBrIfGeSImm, i32_ge_s),
                (BrIfI32GeU, BrIfI32GeUAcc, I32AddImmBrIfGeU, BrIfI32GeUImm, BrIfI32GeUAccImm, I32AddImmBrIfGeUImm, i32_ge_u),
            ],
            // Operators whose result a store of the same width can take
            // straight from them, as `(Op, OpAcc, OpStore, OpAccStore,
            // semantics, bytes)`: `a[i] = x op y` is then one instruction
            // (see [`Stored`]).
            store_result: [
                (I32Add, I32AddAcc, I32AddStore, I32AddAccStore, i32_add, 4),
                (I32Sub, I32SubAcc, I32SubStore, I32SubAccStore, i32_sub, 4),
                (I32Mul, I32MulAcc, I32MulStore, I32MulAccStore, i32_mul, 4),
                (I32And, I32AndAcc, I32AndStore, I32AndAccStore, i32_and, 4),
                (I32Or, I32OrAcc, I32OrStore, I32OrAccStore, i32_or, 4),
                (I32Xor, I32XorAcc, I32XorStore, I32XorAccStore, i32_xor, 4),
                (I64Add, I64AddAcc, I64AddStore, I64AddAccStore, i64_add, 8),
                (I64Sub, I64SubAcc, I64SubStore, I64SubAccStore, i64_sub, 8),
                (I64Mul, I64MulAcc, I64MulStore, I64MulAccStore, i64_mul, 8),
                (I64Xor, I64XorAcc, I64XorStore, I64XorAccStore, i64_xor, 8),
                (F32Add, F32AddAcc, F32AddStore, F32AddAccStore, f32_add, 4),
                (F32Sub, F32SubAcc, F32SubStore, F32SubAccStore, f32_sub, 4),
                (F32Mul, F32MulAcc, F32MulStore, F32MulAccStore, f32_mul, 4),
                (F64Add, F64AddAcc, F64AddStore, F64AddAccStore, f64_add, 8),
                (F64Sub, F64SubAcc, F64SubStore, F64SubAccStore, f64_sub, 8),
                (F64Mul, F64MulAcc, F64MulStore, F64MulAccStore, f64_mul, 8),
            ],
            // Operators whose left operand a load just read, as `(OpAcc,
            // Load, OpLoad, OpLoadStore, semantics, load semantics, bytes)`:
            // `x op a[i]` is then one instruction (see [`Loaded`]), and
            // `a[i] op= x` too when a store of the same width puts the
            // result back where it was loaded from (see [`LoadStored`]).
            load_operand: [
                (I32AddAcc, I32Load, I32AddLoad, I32AddLoadStore, i32_add, i32_load, 4),
                (I32SubAcc, I32Load, I32SubLoad, I32SubLoadStore, i32_sub, i32_load, 4),
                (I32AndAcc, I32Load, I32AndLoad, I32AndLoadStore, i32_and, i32_load, 4),
                (I32XorAcc, I32Load, I32XorLoad, I32XorLoadStore, i32_xor, i32_load, 4),
                (I64AddAcc, I64Load, I64AddLoad, I64AddLoadStore, i64_add, i64_load, 8),
                (I64SubAcc, I64Load, I64SubLoad, I64SubLoadStore, i64_sub, i64_load, 8),
                (I64XorAcc, I64Load, I64XorLoad, I64XorLoadStore, i64_xor, i64_load, 8),
                (F32AddAcc, F32Load, F32AddLoad, F32AddLoadStore, f32_add, f32_load, 4),
                (F32SubAcc, F32Load, F32SubLoad, F32SubLoadStore, f32_sub, f32_load, 4),
                (F32MulAcc, F32Load, F32MulLoad, F32MulLoadStore, f32_mul, f32_load, 4),
                (F64AddAcc, F64Load, F64AddLoad, F64AddLoadStore, f64_add, f64_load, 8),
                (F64SubAcc, F64Load, F64SubLoad, F64SubLoadStore, f64_sub, f64_load, 8),
                (F64MulAcc, F64Load, F64MulLoad, F64MulLoadStore, f64_mul, f64_load, 8),
            ],
            // Operators with a constant right operand whose result a store
            // of the same width can take straight from them, as `(OpImm,
            // OpAccImm, OpImmStore, OpAccImmStore, semantics, width, bytes)`.
            store_result_imm: [
                (I32AddImm, I32AddAccImm, I32AddImmStore, I32AddAccImmStore, i32_add, i32, 4),
                (I32AndImm, I32AndAccImm, I32AndImmStore, I32AndAccImmStore, i32_and, i32, 4),
                (I32ShrUImm, I32ShrUAccImm, I32ShrUImmStore, I32ShrUAccImmStore, i32_shr_u, i32, 4),
                (I64AddImm, I64AddAccImm, I64AddImmStore, I64AddAccImmStore, i64_add, i64, 8),
            ],
            load: [
            (I32Load, I32LoadAcc, I32LoadScaled, I32LoadAddImm, i32_load),
            (I64Load, I64LoadAcc, I64LoadScaled, I64LoadAddImm, i64_load),
            (F32Load, F32LoadAcc, F32LoadScaled, F32LoadAddImm, f32_load),
            (F64Load, F64LoadAcc, F64LoadScaled, F64LoadAddImm, f64_load),
            (I32Load8S, I32Load8SAcc, I32Load8SScaled, I32Load8SAddImm, i32_load8_s),
            (I32Load8U, I32Load8UAcc, I32Load8UScaled, I32Load8UAddImm, i32_load8_u),
            (I32Load16S, I32Load16SAcc, I32Load16SScaled, I32Load16SAddImm, i32_load16_s),
            (I32Load16U, I32Load16UAcc, I32Load16UScaled, I32Load16UAddImm, i32_load16_u),
            (I64Load8S, I64Load8SAcc, I64Load8SScaled, I64Load8SAddImm, i64_load8_s),
            (I64Load8U, I64Load8UAcc, I64Load8UScaled, I64Load8UAddImm, i64_load8_u),
            (I64Load16S, I64Load16SAcc, I64Load16SScaled, I64Load16SAddImm, i64_load16_s),
            (I64Load16U, I64Load16UAcc, I64Load16UScaled, I64Load16UAddImm, i64_load16_u),
            (I64Load32S, I64Load32SAcc, I64Load32SScaled, I64Load32SAddImm, i64_load32_s),
            (I64Load32U, I64Load32UAcc, I64Load32UScaled, I64Load32UAddImm, i64_load32_u),
            ],
            $($rest)*
        }
    };
}
pub(crate) use for_each_numeric;

/// The constant `value` (a cell's bits) as the `i32` immediate of an
/// operator of the given width, if it fits: any i32 constant does (its bits
/// are kept); an i64 constant only if it is a sign-extended i32.
macro_rules! imm_operand {
    (i32, $value:expr) => {
        Some($value as u32 as i32)
    };
    (i64, $value:expr) => {
        i32::try_from($value as i64).ok()
    };
}

macro_rules! define_instrs {
    (
        binary: [$(($bin:ident, $bin_acc:ident, $bin_f:ident)),* $(,)?],
        unary: [$(($un:ident, $un_acc:ident, $un_f:ident)),* $(,)?],
        compare_branch: [$(($cmp:ident, $cmp_acc:ident, $br:ident, $br_acc:ident, $cmp_f:ident,
            $neg:ident, $neg_acc:ident)),* $(,)?],
        float_compare_branch: [$(($fcmp:ident, $fcmp_acc:ident, $fbr:ident, $fbr_acc:ident, $fcmp_f:ident)),* $(,)?],
        binary_imm: [$(($bi_of:ident, $bi_of_acc:ident, $bi:ident, $bi_acc:ident, $bi_f:ident, $bi_w:ident)),* $(,)?],
        compare_imm: [$(($ci_of:ident, $ci_of_acc:ident, $ci:ident, $ci_acc:ident, $ci_br:ident, $ci_br_acc:ident,
            $ci_neg:ident, $ci_neg_acc:ident, $ci_f:ident, $ci_w:ident)),* $(,)?],
        test_branch: [$(($tst:ident, $tst_acc:ident, $tb_nez:ident, $tb_nez_acc:ident,
            $tb_eqz:ident, $tb_eqz_acc:ident)),* $(,)?],
        step_branch: [$(($sb_br:ident, $sb_br_acc:ident, $sb:ident, $sb_bri:ident, $sb_bri_acc:ident,
            $sbi:ident, $sb_f:ident)),* $(,)?],
        store_result: [$(($sr_of:ident, $sr_of_acc:ident, $sr:ident, $sr_acc:ident, $sr_f:ident, $sr_n:literal)),* $(,)?],
        load_operand: [$(($lo_of:ident, $lo_ld:ident, $lo:ident, $lo_st:ident, $lo_f:ident, $lo_ld_f:ident,
            $lo_n:literal)),* $(,)?],
        store_result_imm: [$(($sri_of:ident, $sri_of_acc:ident, $sri:ident, $sri_acc:ident, $sri_f:ident,
            $sri_w:ident, $sri_n:literal)),* $(,)?],
        load: [$(($ld:ident, $ld_acc:ident, $ld_sc:ident, $ld_ai:ident, $ld_f:ident)),* $(,)?],
        simd: {
            unary: [$($v_un:ident),* $(,)?],
            binary: [$($v_bin:ident),* $(,)?],
            ternary: [$($v_tern:ident),* $(,)?],
            shift: [$($v_shift:ident),* $(,)?],
            test: [$($v_test:ident),* $(,)?],
            splat: [$($v_splat:ident),* $(,)?],
            extract_lane: [$($v_extract:ident),* $(,)?],
            replace_lane: [$($v_replace:ident),* $(,)?],
            load: [$($v_load:ident),* $(,)?],
            acc_binary: [$(($v_bin_of:ident, $v_bin_acc:ident, $v_bin_comm:literal)),* $(,)?],
            acc_ternary: [$(($v_tern_of:ident, $v_tern_acc:ident)),* $(,)?],
        },
        store: [$($st:ident),* $(,)?],
        other: { $($(#[$doc:meta])* $other:ident $({ $($field:ident : $fty:ty),* $(,)? })?, )* }
    ) => {
        /// One interpreter instruction. See the module docs for the naming scheme.
        ///
        /// `repr(u16)`: the first two bytes are the variant's index in
        /// declaration order, which the threaded dispatcher uses to pick a
        /// handler.
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(u16)]
        pub enum Instr {
            $($bin(BinOp),)*
            $($bin_acc(AccBinOp),)*
            $($un(UnOp),)*
            $($un_acc(AccUnOp),)*
            $($ld(Load),)*
            $($ld_acc(AccLoad),)*
            $($ld_sc(ScaledLoad),)*
            $($ld_ai(AddImmLoad),)*
            $($br(CmpBranch),)*
            $($br_acc(AccCmpBranch),)*
            $($fbr(CmpBranch),)*
            $($fbr_acc(AccCmpBranch),)*
            $($bi(BinOpImm), $bi_acc(AccBinOpImm),)*
            $($ci(BinOpImm), $ci_acc(AccBinOpImm), $ci_br(CmpBranchImm), $ci_br_acc(AccCmpBranchImm),)*
            $($tb_nez(CmpBranch), $tb_nez_acc(AccCmpBranch), $tb_eqz(CmpBranch), $tb_eqz_acc(AccCmpBranch),)*
            $($sb(StepBranch), $sbi(StepBranchImm),)*
            $($st(Store),)*
            $($sr(Stored<BinOp>), $sr_acc(Stored<AccBinOp>),)*
            $($sri(Stored<BinOpImm>), $sri_acc(Stored<AccBinOpImm>),)*
            $($lo(Loaded),)*
            $($lo_st(LoadStored),)*
            $($v_un(UnOp),)*
            $($v_bin(BinOp),)*
            $($v_tern(TernOp),)*
            $($v_shift(BinOp),)*
            $($v_test(UnOp),)*
            $($v_splat(UnOp),)*
            $($v_extract(LaneOp),)*
            $($v_replace(ReplaceLaneOp),)*
            $($v_load(Load),)*
            $($v_bin_acc(AccBinOp),)*
            $($v_tern_acc(AccTernOp),)*
            $($(#[$doc])* $other $({ $($field: $fty),* })?,)*
        }

        /// The kinds of instruction, without their operands: `InstrTag::X as
        /// u16` is the tag (the first two bytes) of every `Instr::X`, since
        /// both enums list the same variants in the same order. Code that
        /// is chosen per kind at compile time (the threaded dispatcher's
        /// handlers) compares its tag with these.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        // Only ever converted to `u16`, never constructed as a value.
        #[allow(dead_code)]
        pub enum InstrTag {
            $($bin,)*
            $($bin_acc,)*
            $($un,)*
            $($un_acc,)*
            $($ld,)*
            $($ld_acc,)*
            $($ld_sc,)*
            $($ld_ai,)*
            $($br,)*
            $($br_acc,)*
            $($fbr,)*
            $($fbr_acc,)*
            $($bi, $bi_acc,)*
            $($ci, $ci_acc, $ci_br, $ci_br_acc,)*
            $($tb_nez, $tb_nez_acc, $tb_eqz, $tb_eqz_acc,)*
            $($sb, $sbi,)*
            $($st,)*
            $($sr, $sr_acc,)*
            $($sri, $sri_acc,)*
            $($lo,)*
            $($lo_st,)*
            $($v_un,)*
            $($v_bin,)*
            $($v_tern,)*
            $($v_shift,)*
            $($v_test,)*
            $($v_splat,)*
            $($v_extract,)*
            $($v_replace,)*
            $($v_load,)*
            $($v_bin_acc,)*
            $($v_tern_acc,)*
            $($other,)*
        }

        impl Instr {
            /// The instruction's tag, `InstrTag::X as u16` for an `Instr::X`.
            /// (The portable loop dispatcher matches on instructions instead.)
            #[cfg_attr(not(any(skiff_tail_calls, skiff_profile, test)), allow(dead_code))]
            pub fn tag(&self) -> u16 {
                // SAFETY: `Instr` is `repr(u16)`, so its first two bytes are
                // the tag.
                unsafe { (self as *const Instr).cast::<u16>().read() }
            }

            /// The branch offset of a branch instruction.
            pub fn branch_offset(&self) -> Option<BranchOffset> {
                let mut copy = *self;
                copy.branch_offset_mut().copied()
            }

            /// Whether instructions with tag `tag` branch (have a
            /// [`Instr::branch_offset`]); a `const fn`, for the handlers
            /// chosen per tag at compile time (the back-edge handlers).
            #[cfg_attr(not(skiff_tail_calls), allow(dead_code))]
            pub const fn tag_branches(tag: u16) -> bool {
                const BRANCHES: [bool; Instr::COUNT] = {
                    let mut table = [false; Instr::COUNT];
                    table[InstrTag::Br as usize] = true;
                    table[InstrTag::BrIfNez as usize] = true;
                    table[InstrTag::BrIfEqz as usize] = true;
                    table[InstrTag::BrIfNezAcc as usize] = true;
                    table[InstrTag::BrIfEqzAcc as usize] = true;
                    table[InstrTag::I32LoadBrIfNez as usize] = true;
                    table[InstrTag::I32LoadBrIfEqz as usize] = true;
                    table[InstrTag::I32SubBrIfNez as usize] = true;
                    table[InstrTag::I32SubBrIfEqz as usize] = true;
                    table[InstrTag::BrIfNull as usize] = true;
                    table[InstrTag::BrIfNonNull as usize] = true;
                    table[InstrTag::I32AddImmBrIfNez as usize] = true;
                    $(table[InstrTag::$br as usize] = true;)*
                    $(table[InstrTag::$br_acc as usize] = true;)*
                    $(table[InstrTag::$fbr as usize] = true;)*
                    $(table[InstrTag::$fbr_acc as usize] = true;)*
                    $(table[InstrTag::$ci_br as usize] = true;)*
                    $(table[InstrTag::$ci_br_acc as usize] = true;)*
                    $(table[InstrTag::$tb_nez as usize] = true; table[InstrTag::$tb_eqz as usize] = true;)*
                    $(table[InstrTag::$tb_nez_acc as usize] = true; table[InstrTag::$tb_eqz_acc as usize] = true;)*
                    $(table[InstrTag::$sb as usize] = true;)*
                    $(table[InstrTag::$sbi as usize] = true;)*
                    table
                };
                (tag as usize) < Instr::COUNT && BRANCHES[tag as usize]
            }

            /// The branch offset of a branch instruction, for patching.
            pub fn branch_offset_mut(&mut self) -> Option<&mut BranchOffset> {
                match self {
                    Instr::Br { offset }
                    | Instr::BrIfNez { offset, .. }
                    | Instr::BrIfEqz { offset, .. }
                    | Instr::BrIfNezAcc { offset }
                    | Instr::BrIfEqzAcc { offset }
                    | Instr::I32LoadBrIfNez { offset, .. }
                    | Instr::I32LoadBrIfEqz { offset, .. }
                    | Instr::I32SubBrIfNez { offset, .. }
                    | Instr::I32SubBrIfEqz { offset, .. }
                    | Instr::BrIfNull { offset, .. }
                    | Instr::BrIfNonNull { offset, .. }
                    | Instr::I32AddImmBrIfNez { offset, .. } => Some(offset),
                    $(Instr::$br(b) => Some(&mut b.offset),)*
                    $(Instr::$br_acc(b) => Some(&mut b.offset),)*
                    $(Instr::$fbr(b) => Some(&mut b.offset),)*
                    $(Instr::$fbr_acc(b) => Some(&mut b.offset),)*
                    $(Instr::$ci_br(b) => Some(&mut b.offset),)*
                    $(Instr::$ci_br_acc(b) => Some(&mut b.offset),)*
                    $(Instr::$tb_nez(b) | Instr::$tb_eqz(b) => Some(&mut b.offset),)*
                    $(Instr::$tb_nez_acc(b) | Instr::$tb_eqz_acc(b) => Some(&mut b.offset),)*
                    $(Instr::$sb(b) => Some(&mut b.offset),)*
                    $(Instr::$sbi(b) => Some(&mut b.offset),)*
                    _ => None,
                }
            }

            /// This i32 compare-and-branch fused with the `slot += step`
            /// right before it, when it tests the sum: from the accumulator,
            /// or from `slot` as its left operand. Keeps the offset.
            pub fn with_step(&self, slot: Slot, step: i16) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$sb_br(b) if b.lhs == slot => {
                        Instr::$sb(StepBranch { slot, step, rhs: b.rhs, offset: b.offset })
                    })*
                    $(Instr::$sb_br_acc(b) => Instr::$sb(StepBranch { slot, step, rhs: b.rhs, offset: b.offset }),)*
                    $(Instr::$sb_bri(b) if b.lhs == slot => {
                        Instr::$sbi(StepBranchImm { slot, step, imm: b.imm, offset: b.offset })
                    })*
                    $(Instr::$sb_bri_acc(b) => Instr::$sbi(StepBranchImm { slot, step, imm: b.imm, offset: b.offset }),)*
                    _ => return None,
                })
            }

            /// A conditional branch that tests only slots and immediates
            /// (not the accumulator, and with no effect of its own), with
            /// its condition negated: taken exactly when this one is not.
            /// Float compare-branches have no negation (NaN).
            pub fn negated_branch(&self) -> Option<Instr> {
                Some(match *self {
                    Instr::BrIfNez { cond, offset } => Instr::BrIfEqz { cond, offset },
                    Instr::BrIfEqz { cond, offset } => Instr::BrIfNez { cond, offset },
                    $(Instr::$br(b) => Instr::$neg(b),)*
                    $(Instr::$ci_br(b) => Instr::$ci_neg(b),)*
                    $(Instr::$tb_nez(b) => Instr::$tb_eqz(b),)*
                    $(Instr::$tb_eqz(b) => Instr::$tb_nez(b),)*
                    _ => return None,
                })
            }

            /// This `i32.load` or `i32.sub` fused with the branch that tests
            /// its result for non-zero (`when`) or zero (`!when`); unlike
            /// [`Instr::fuse_with_branch`], the fused instruction still
            /// writes the result to its slot.
            pub fn with_branch_on_result(&self, when: bool) -> Option<Instr> {
                let offset = 0;
                Some(match *self {
                    Instr::I32Load(load) if when => Instr::I32LoadBrIfNez { load, offset },
                    Instr::I32Load(load) => Instr::I32LoadBrIfEqz { load, offset },
                    Instr::I32Sub(op) if when => Instr::I32SubBrIfNez { op, offset },
                    Instr::I32Sub(op) => Instr::I32SubBrIfEqz { op, offset },
                    _ => return None,
                })
            }

            /// The compare-and-branch that branches when this comparison
            /// (when `when` is true) or its negation (when false) holds, or
            /// for an `i32.and`, when its result is non-zero (zero).
            /// Integer comparisons negate exactly; float ones do not (NaN).
            pub fn fuse_with_branch(&self, when: bool) -> Option<Instr> {
                let offset = 0;
                Some(match *self {
                    $(Instr::$cmp(o) => {
                        let b = CmpBranch { lhs: o.lhs, rhs: o.rhs, offset };
                        if when { Instr::$br(b) } else { Instr::$neg(b) }
                    })*
                    $(Instr::$cmp_acc(o) => {
                        let b = AccCmpBranch { rhs: o.rhs, offset };
                        if when { Instr::$br_acc(b) } else { Instr::$neg_acc(b) }
                    })*
                    $(Instr::$fcmp(o) if when => Instr::$fbr(CmpBranch { lhs: o.lhs, rhs: o.rhs, offset }),)*
                    $(Instr::$fcmp_acc(o) if when => Instr::$fbr_acc(AccCmpBranch { rhs: o.rhs, offset }),)*
                    $(Instr::$ci(o) => {
                        // `with_imm_rhs` only makes these with i16 constants.
                        let b = CmpBranchImm { lhs: o.lhs, imm: o.imm as i16, offset };
                        if when { Instr::$ci_br(b) } else { Instr::$ci_neg(b) }
                    })*
                    $(Instr::$ci_acc(o) => {
                        let b = AccCmpBranchImm { imm: o.imm as i16, offset };
                        if when { Instr::$ci_br_acc(b) } else { Instr::$ci_neg_acc(b) }
                    })*
                    $(Instr::$tst(o) => {
                        let b = CmpBranch { lhs: o.lhs, rhs: o.rhs, offset };
                        if when { Instr::$tb_nez(b) } else { Instr::$tb_eqz(b) }
                    })*
                    $(Instr::$tst_acc(o) => {
                        let b = AccCmpBranch { rhs: o.rhs, offset };
                        if when { Instr::$tb_nez_acc(b) } else { Instr::$tb_eqz_acc(b) }
                    })*
                    _ => return None,
                })
            }

            /// How many kinds of instruction there are.
            pub const COUNT: usize = [$(stringify!($bin)),* $(, stringify!($bin_acc))* $(, stringify!($un))*
                $(, stringify!($un_acc))*
                $(, stringify!($ld))* $(, stringify!($ld_acc))* $(, stringify!($ld_sc))* $(, stringify!($ld_ai))* $(, stringify!($br))* $(, stringify!($br_acc))*
                $(, stringify!($fbr))* $(, stringify!($fbr_acc))*
                $(, stringify!($bi), stringify!($bi_acc))*
                $(, stringify!($ci), stringify!($ci_acc), stringify!($ci_br), stringify!($ci_br_acc))*
                $(, stringify!($tb_nez), stringify!($tb_nez_acc), stringify!($tb_eqz), stringify!($tb_eqz_acc))*
                $(, stringify!($sb), stringify!($sbi))*
                $(, stringify!($st))*
                $(, stringify!($sr), stringify!($sr_acc))* $(, stringify!($sri), stringify!($sri_acc))*
                $(, stringify!($lo))* $(, stringify!($lo_st))*
                $(, stringify!($v_un))* $(, stringify!($v_bin))* $(, stringify!($v_tern))* $(, stringify!($v_shift))*
                $(, stringify!($v_test))* $(, stringify!($v_splat))* $(, stringify!($v_extract))*
                $(, stringify!($v_replace))* $(, stringify!($v_load))*
                $(, stringify!($v_bin_acc))* $(, stringify!($v_tern_acc))*
                $(, stringify!($other))*].len();

            /// Whether this instruction leaves its result in the accumulator
            /// (every numeric instruction does), so the next may use it.
            pub fn sets_acc(&self) -> bool {
                Self::tag_sets_acc(self.tag())
            }

            /// Whether this instruction sets the accumulator and writes its
            /// result nowhere else (its `dst` is [`Slot::ACC`]).
            pub fn result_in_acc_only(&self) -> bool {
                let mut instr = *self;
                instr.sets_acc() && instr.result_slot_mut().is_some_and(|dst| *dst == Slot::ACC)
            }

            /// Whether instructions with tag `tag` set the accumulator
            /// ([`Instr::sets_acc`]); a `const fn`, for code chosen per tag at
            /// compile time (the result-in-accumulator handlers).
            pub const fn tag_sets_acc(tag: u16) -> bool {
                const SETS_ACC: [bool; Instr::COUNT] = {
                    let mut table = [false; Instr::COUNT];
                    $(table[InstrTag::$bin as usize] = true;)*
                    $(table[InstrTag::$bin_acc as usize] = true;)*
                    $(table[InstrTag::$un as usize] = true;)*
                    $(table[InstrTag::$un_acc as usize] = true;)*
                    $(table[InstrTag::$lo as usize] = true;)*
                    $(table[InstrTag::$ld as usize] = true;)*
                    $(table[InstrTag::$ld_acc as usize] = true;)*
                    $(table[InstrTag::$ld_sc as usize] = true;)*
                    $(table[InstrTag::$ld_ai as usize] = true;)*
                    $(table[InstrTag::$bi as usize] = true; table[InstrTag::$bi_acc as usize] = true;)*
                    $(table[InstrTag::$ci as usize] = true; table[InstrTag::$ci_acc as usize] = true;)*
                    // Not numeric, so without a result-in-accumulator form:
                    // its result slot is a local, never `Slot::ACC`.
                    table[InstrTag::I32AddImm2 as usize] = true;
                    // Executed by `interp::numeric::eval`, in both forms.
                    table[InstrTag::I32MulAddImm as usize] = true;
                    table[InstrTag::I32Load8U2 as usize] = true;
                    table[InstrTag::I32XorShrUImm as usize] = true;
                    table[InstrTag::I32XorShrUAccImm as usize] = true;
                    table[InstrTag::I32LoadShlAcc as usize] = true;
                    table[InstrTag::I32XorRotlImm as usize] = true;
                    table[InstrTag::I32MulXorShrUAccImm as usize] = true;
                    table
                };
                (tag as usize) < Instr::COUNT && SETS_ACC[tag as usize]
            }

            /// Whether this instruction reads the (integer or float)
            /// accumulator: the value the instruction before it left there.
            pub fn reads_acc(&self) -> bool {
                matches!(self, $(Instr::$bin_acc(_))|* | $(Instr::$un_acc(_))|* | $(Instr::$ld_acc(_))|*
                    | $(Instr::$bi_acc(_))|* | $(Instr::$ci_acc(_))|*
                    | $(Instr::$br_acc(_))|* | $(Instr::$fbr_acc(_))|* | $(Instr::$ci_br_acc(_))|*
                    | $(Instr::$tb_nez_acc(_) | Instr::$tb_eqz_acc(_))|*
                    | $(Instr::$sr_acc(_))|* | $(Instr::$sri_acc(_))|*
                    | Instr::BrIfNezAcc { .. } | Instr::BrIfEqzAcc { .. } | Instr::I32XorShrUAccImm { .. }
                    | Instr::I32LoadShlAcc { .. }
                    | Instr::I32MulXorShrUAccImm { .. }
                    | Instr::CopyAcc { .. } | Instr::CopyAccF32 { .. } | Instr::CopyAccF64 { .. })
            }

            /// This operator with its right operand replaced by the constant
            /// `value`, if it has such a form and the constant fits it.
            pub fn with_imm_rhs(&self, value: u64) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$bi_of(op) => Instr::$bi(BinOpImm { dst: op.dst, lhs: op.lhs, imm: imm_operand!($bi_w, value)? }),)*
                    $(Instr::$ci_of(op) => Instr::$ci(BinOpImm {
                        dst: op.dst, lhs: op.lhs, imm: i16::try_from(imm_operand!($ci_w, value)?).ok()?.into(),
                    }),)*
                    $(Instr::$bi_of_acc(op) => Instr::$bi_acc(AccBinOpImm { dst: op.dst, imm: imm_operand!($bi_w, value)? }),)*
                    $(Instr::$ci_of_acc(op) => Instr::$ci_acc(AccBinOpImm {
                        dst: op.dst, imm: i16::try_from(imm_operand!($ci_w, value)?).ok()?.into(),
                    }),)*
                    _ => return None,
                })
            }

            /// This load, addressing `base + (index << shift)` (plus its
            /// offset, if that fits in 16 bits) instead of one slot.
            pub fn with_scaled_address(&self, base: Slot, index: Slot, shift: u8) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$ld(op) => Instr::$ld_sc(ScaledLoad {
                        dst: op.dst, base, index, shift, offset: u16::try_from(op.offset).ok()?,
                    }),)*
                    _ => return None,
                })
            }

            /// This operator fused with the store of its result that
            /// follows it, if it has such a form and the store (of `bytes`
            /// bytes) is as wide as its result: see [`Stored`].
            pub fn with_stored_result(&self, bytes: u64, addr: Slot, offset: u32) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$sr_of(op) if bytes == $sr_n => Instr::$sr(Stored { op: BinOp { dst: addr, ..op }, offset }),)*
                    $(Instr::$sr_of_acc(op) if bytes == $sr_n => {
                        Instr::$sr_acc(Stored { op: AccBinOp { dst: addr, ..op }, offset })
                    })*
                    $(Instr::$sri_of(op) if bytes == $sri_n => {
                        Instr::$sri(Stored { op: BinOpImm { dst: addr, ..op }, offset })
                    })*
                    $(Instr::$sri_of_acc(op) if bytes == $sri_n => {
                        Instr::$sri_acc(Stored { op: AccBinOpImm { dst: addr, ..op }, offset })
                    })*
                    _ => return None,
                })
            }

            /// This `…Acc` operator fused with `load`, the instruction
            /// before it, which loaded its left operand: see [`Loaded`].
            pub fn with_loaded_operand(&self, load: &Instr) -> Option<Instr> {
                Some(match (*self, *load) {
                    $((Instr::$lo_of(op), Instr::$lo_ld(ld)) => {
                        Instr::$lo(Loaded { dst: op.dst, rhs: op.rhs, addr: ld.addr, offset: ld.offset })
                    })*
                    _ => return None,
                })
            }

            /// This `…Load` operator fused with the store of its result, of
            /// `bytes` bytes, to `addr + offset`, if that is where it loaded
            /// its left operand from and the store is as wide as the
            /// result: see [`LoadStored`].
            pub fn with_result_stored_back(&self, bytes: u64, addr: Slot, offset: u32) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$lo(op) if bytes == $lo_n && op.addr == addr && op.offset == offset => {
                        Instr::$lo_st(LoadStored { rhs: op.rhs, addr, offset })
                    })*
                    _ => return None,
                })
            }

            /// This load (if its static offset is 0), addressing `base + imm`
            /// computed in 32 bits, as the `i32.add` it replaces would.
            pub fn with_add_imm_address(&self, base: Slot, imm: i32) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$ld(op) if op.offset == 0 => Instr::$ld_ai(AddImmLoad { dst: op.dst, base, imm }),)*
                    _ => return None,
                })
            }

            /// This operator or load, taking its (left) operand or address
            /// from the accumulator instead of a slot.
            pub fn with_acc_operand(&self) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$bin(op) => Instr::$bin_acc(AccBinOp { dst: op.dst, rhs: op.rhs }),)*
                    $(Instr::$un(op) => Instr::$un_acc(AccUnOp { dst: op.dst }),)*
                    $(Instr::$ld(op) => Instr::$ld_acc(AccLoad { dst: op.dst, offset: op.offset }),)*
                    $(Instr::$bi(op) => Instr::$bi_acc(AccBinOpImm { dst: op.dst, imm: op.imm }),)*
                    $(Instr::$ci(op) => Instr::$ci_acc(AccBinOpImm { dst: op.dst, imm: op.imm }),)*
                    _ => return None,
                })
            }

            /// Whether this instruction leaves its result in the `v128`
            /// accumulator: every SIMD operator with a `v128` result, and
            /// the memory-0 `v128` loads.
            pub fn sets_v128_acc(&self) -> bool {
                matches!(self, $(Instr::$v_un(_))|* | $(Instr::$v_bin(_))|* | $(Instr::$v_tern(_))|*
                    | $(Instr::$v_shift(_))|* | $(Instr::$v_splat(_))|* | $(Instr::$v_replace(_))|*
                    | $(Instr::$v_load(_))|* | $(Instr::$v_bin_acc(_))|* | $(Instr::$v_tern_acc(_))|*
                    | Instr::V128Load { .. } | Instr::V128LoadAddImm { .. })
            }

            /// This SIMD operator taking its first operand from the `v128`
            /// accumulator, if it has such a form.
            pub fn with_v128_acc(&self) -> Option<Instr> {
                Some(match *self {
                    $(Instr::$v_bin_of(op) => Instr::$v_bin_acc(AccBinOp { dst: op.dst, rhs: op.rhs }),)*
                    $(Instr::$v_tern_of(op) => Instr::$v_tern_acc(AccTernOp { dst: op.dst, b: op.b, c: op.c }),)*
                    _ => return None,
                })
            }

            /// The operands of a binary SIMD operator with an `…Acc` form.
            pub fn binary_operands_mut(&mut self) -> Option<&mut BinOp> {
                match self {
                    $(Instr::$v_bin_of(op) => Some(op),)*
                    _ => None,
                }
            }

            /// The operands of a ternary SIMD operator with an `…Acc` form
            /// (the multiply-adds, whose `a` and `b` commute).
            pub fn ternary_operands_mut(&mut self) -> Option<&mut TernOp> {
                match self {
                    $(Instr::$v_tern_of(op) => Some(op),)*
                    _ => None,
                }
            }

            /// Whether this SIMD operator's `…Acc` form may take its second
            /// operand instead (its operands commute).
            pub fn simd_commutes(&self) -> bool {
                match self {
                    $(Instr::$v_bin_of(_) => $v_bin_comm,)*
                    _ => false,
                }
            }

            /// The slot this instruction writes its single result to, if it is
            /// an instruction whose result the translator may redirect (to
            /// write straight into a local instead of a temporary); for
            /// `I32AddImm2`, the second step's local, which is never
            /// redirected, and for `I32Load8U2`, the second load's slot.
            pub fn result_slot_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(Instr::$bin(op) => Some(&mut op.dst),)*
                    $(Instr::$bin_acc(op) => Some(&mut op.dst),)*
                    $(Instr::$un(op) => Some(&mut op.dst),)*
                    $(Instr::$un_acc(op) => Some(&mut op.dst),)*
                    $(Instr::$ld(op) => Some(&mut op.dst),)*
                    $(Instr::$ld_acc(op) => Some(&mut op.dst),)*
                    $(Instr::$ld_sc(op) => Some(&mut op.dst),)*
                    $(Instr::$ld_ai(op) => Some(&mut op.dst),)*
                    $(Instr::$bi(op) => Some(&mut op.dst),)*
                    $(Instr::$ci(op) => Some(&mut op.dst),)*
                    $(Instr::$bi_acc(op) => Some(&mut op.dst),)*
                    $(Instr::$ci_acc(op) => Some(&mut op.dst),)*
                    $(Instr::$lo(op) => Some(&mut op.dst),)*
                    $(Instr::$v_un(op) => Some(&mut op.dst),)*
                    $(Instr::$v_test(op) => Some(&mut op.dst),)*
                    $(Instr::$v_splat(op) => Some(&mut op.dst),)*
                    $(Instr::$v_bin(op) => Some(&mut op.dst),)*
                    $(Instr::$v_shift(op) => Some(&mut op.dst),)*
                    $(Instr::$v_tern(op) => Some(&mut op.dst),)*
                    $(Instr::$v_extract(op) => Some(&mut op.dst),)*
                    $(Instr::$v_replace(op) => Some(&mut op.dst),)*
                    $(Instr::$v_load(op) => Some(&mut op.dst),)*
                    $(Instr::$v_bin_acc(op) => Some(&mut op.dst),)*
                    $(Instr::$v_tern_acc(op) => Some(&mut op.dst),)*
                    Instr::Copy { dst, .. }
                    | Instr::CopyAcc { dst }
                    | Instr::CopyAccF32 { dst }
                    | Instr::CopyAccF64 { dst }
                    | Instr::CopyImm32 { dst, .. }
                    | Instr::CopyImm64 { dst, .. }
                    | Instr::Select { dst, .. }
                    | Instr::Copy128 { dst, .. }
                    | Instr::Select128 { dst, .. }
                    | Instr::GlobalGet128 { dst, .. }
                    | Instr::V128Load { dst, .. }
                    | Instr::V128LoadAddImm { dst, .. }
                    | Instr::I8x16Shuffle { dst, .. }
                    | Instr::GlobalGet { dst, .. }
                    | Instr::RefIsNull { dst, .. }
                    | Instr::RefFunc { dst, .. }
                    | Instr::TableGet { dst, .. }
                    | Instr::TableSize { dst, .. }
                    | Instr::MemorySize { dst, .. }
                    | Instr::LoadMem { dst, .. }
                    | Instr::V128LoadMem { dst, .. } => Some(dst),
                    Instr::I32AddImm2 { b, .. } => Some(b),
                    Instr::I32MulAddImm { dst, .. } => Some(dst),
                    Instr::I32Load8U2 { b, .. } => Some(b),
                    Instr::I32XorShrUImm { dst, .. }
                    | Instr::I32XorShrUAccImm { dst, .. }
                    | Instr::I32XorRotlImm { dst, .. }
                    | Instr::I32MulXorShrUAccImm { dst, .. }
                    | Instr::I32LoadShlAcc { dst, .. } => Some(dst),
                    _ => None,
                }
            }
        }
    };
}

/// The `Instr` enum: the numeric instructions of `for_each_numeric!`, the
/// SIMD operators of `interp::simd::for_each_simd!` (one variant each,
/// named after the wasm operator), stores, and the rest.
macro_rules! define_instrs_with_simd {
    (
        unary: [$(($v_un:ident, $v_un_f:ident)),* $(,)?]
        binary: [$(($v_bin:ident, $v_bin_f:ident)),* $(,)?]
        ternary: [$(($v_tern:ident, $v_tern_f:ident)),* $(,)?]
        shift: [$(($v_shift:ident, $v_shift_f:ident)),* $(,)?]
        test: [$(($v_test:ident, $v_test_f:ident)),* $(,)?]
        splat: [$(($v_splat:ident, $v_splat_f:ident)),* $(,)?]
        extract_lane: [$(($v_extract:ident, $v_extract_f:ident)),* $(,)?]
        replace_lane: [$(($v_replace:ident, $v_replace_f:ident)),* $(,)?]
        load_extend: [$(($v_le:ident, $v_le_f:ident)),* $(,)?]
        load_splat: [$(($v_ls:ident, $v_ls_n:literal, $v_ls_f:ident)),* $(,)?]
        load_zero: [$(($v_lz:ident, $v_lz_n:literal, $v_lz_f:ident)),* $(,)?]
        acc_binary: [$(($v_bin_of:ident, $v_bin_acc:ident, $v_bin_acc_f:ident, $v_bin_comm:literal)),* $(,)?]
        acc_ternary: [$(($v_tern_of:ident, $v_tern_acc:ident, $v_tern_acc_f:ident)),* $(,)?]
    ) => {
for_each_numeric!(define_instrs {
    simd: {
        unary: [$($v_un),*],
        binary: [$($v_bin),*],
        ternary: [$($v_tern),*],
        shift: [$($v_shift),*],
        test: [$($v_test),*],
        splat: [$($v_splat),*],
        extract_lane: [$($v_extract),*],
        replace_lane: [$($v_replace),*],
        load: [$($v_le,)* $($v_ls,)* $($v_lz,)*],
        acc_binary: [$(($v_bin_of, $v_bin_acc, $v_bin_comm)),*],
        acc_ternary: [$(($v_tern_of, $v_tern_acc)),*],
    },
    store: [
        I32Store, I64Store, F32Store, F64Store,
        I32Store8, I32Store16, I64Store8, I64Store16, I64Store32,
    ],
    other: {
        /// Traps with `code`.
        Trap { code: Trap },
        /// Continues at `ip + offset`.
        Br { offset: BranchOffset },
        /// `slot += imm` (as i32), then branches if the result is not zero:
        /// a loop counter's step fused with the loop's closing branch.
        I32AddImmBrIfNez { slot: Slot, imm: i16, offset: BranchOffset },
        /// Branches if the i32 in `cond` is not zero.
        BrIfNez { cond: Slot, offset: BranchOffset },
        /// Branches if the i32 in `cond` is zero.
        BrIfEqz { cond: Slot, offset: BranchOffset },
        /// Branches if the accumulator (the result of the previous
        /// instruction, as an i32) is not zero.
        BrIfNezAcc { offset: BranchOffset },
        /// Branches if the accumulator (as an i32) is zero.
        BrIfEqzAcc { offset: BranchOffset },
        /// `i32.load` into `load.dst`, then branches if the value is not
        /// zero: a pointer or flag loaded, kept, and tested (`while ((p =
        /// p->next))`, `if (t->state)`).
        I32LoadBrIfNez { load: Load, offset: BranchOffset },
        /// `i32.load` into `load.dst`, then branches if the value is zero.
        I32LoadBrIfEqz { load: Load, offset: BranchOffset },
        /// `op.dst = op.lhs - op.rhs` (as i32), then branches if the
        /// difference is not zero: a difference kept and tested (musl's
        /// `memcmp` and `strcmp` loops: `if ((d = *l - *r)) …`).
        I32SubBrIfNez { op: BinOp, offset: BranchOffset },
        /// `op.dst = op.lhs - op.rhs`, then branches if it is zero.
        I32SubBrIfEqz { op: BinOp, offset: BranchOffset },
        /// Followed by `len` [`Instr::Br`] targets and one default target; jumps
        /// to the target selected by the u32 in `index` (clamped to the default).
        BrTable { index: Slot, len: u32 },
        /// Subtracts `amount` from the store's fuel, trapping when it runs out.
        /// Emitted (only when fuel is on) at function entry and loop headers,
        /// with the count of wasm instructions up to the next such point.
        ConsumeFuel { amount: u32 },
        /// Traps with `Interrupt` if the engine's epoch has reached the
        /// store's deadline. Emitted (only with epoch interruption on) at
        /// function entry and loop headers, so even a loop without calls
        /// can be stopped from another thread.
        CheckInterrupt,
        /// Tier-up (`Strategy::Auto`, see `tierup.rs`): subtracts `weight`,
        /// the wasm operators from here to the next such point, from the
        /// running function's budget; past zero the function is hot, and
        /// once its compiled code is ready it runs that instead of this
        /// code. The first instruction of every function of a module that
        /// tiers up, before any fuel is charged. `def` is the function's
        /// index among the module's defined functions, which picks its
        /// budget: a constant of the code, so that counting loads no more
        /// of the executor's state than the counters array.
        TierEntry { weight: u32, def: u32 },
        /// As `TierEntry`, for a loop: a stub after the function's code,
        /// where the loop's back edges branch, that counts an iteration
        /// and continues at `ip + offset`, the loop's header (or, for a
        /// loop inverted by jump threading, the instruction after the
        /// header's exit test). A back edge's own handler does the same
        /// without dispatching here while the budget lasts (see
        /// `Executor::count_back_edge`); so code falling into a loop pays
        /// nothing, and its first iteration is counted with the code
        /// around it. Once the function's entry into this loop is compiled,
        /// the frame continues there (on-stack replacement). Always
        /// followed by its `TierLoopHeader`.
        TierLoop { weight: u32, def: u32, offset: BranchOffset },
        /// The second slot of a `TierLoop` stub, never dispatched: the
        /// function's loop `index` (in body order) whose header is at
        /// `ip + offset`, where a frame may enter that loop's compiled code;
        /// [`NO_LOOP`] if the stub's back edges do not arrive
        /// in a state a header has (then `offset` is the `TierLoop`'s).
        TierLoopHeader { index: u32, offset: BranchOffset },
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
        /// Calls the module's defined function `func` (counted from the
        /// first defined function, imports excluded) in the current
        /// instance: the callee's code is found without the store.
        /// Arguments and results as for `Call`.
        CallInternal { func: u32, base: Slot },
        /// Calls the function at the u32 `index` of `table`, followed by
        /// [`Instr::CallIndirectSig`]. Arguments and results as for `Call`.
        CallIndirect { table: u32, index: Slot, base: Slot },
        /// Parameter word of `CallIndirect`: the expected signature.
        CallIndirectSig { sig: SigId },
        /// `dst = src`.
        Copy { dst: Slot, src: Slot },
        /// `dst =` the integer accumulator: a copy of the `i32` or `i64`
        /// the instruction before computed (`local.tee a; local.set b`).
        CopyAcc { dst: Slot },
        /// `dst =` the `f32` accumulator, as `CopyAcc`.
        CopyAccF32 { dst: Slot },
        /// `dst =` the `f64` accumulator, as `CopyAcc`.
        CopyAccF64 { dst: Slot },
        /// `a = src_a`, then `b = src_b`: two copies in a row.
        Copy2 { a: Slot, src_a: Slot, b: Slot, src_b: Slot },
        /// `a += imm_a`, then `b += imm_b` (as i32): two pointer or counter
        /// steps in a row. `b`'s sum is left in the accumulator, so an
        /// access through a pointer just stepped (`p += 4; x = *p`, with
        /// a counter stepped before it) takes its address from there.
        I32AddImm2 { a: Slot, imm_a: i16, b: Slot, imm_b: i16 },
        /// `i32.load8_u` into `a` from `addr_a + offset_a`, then into `b`
        /// from `addr_b + offset_b`: two byte loads in a row, as a
        /// comparison of two strings reads them. Numeric in all but name,
        /// like `I32MulAddImm`: `b`'s byte is left in the accumulator.
        I32Load8U2 { a: Slot, addr_a: Slot, b: Slot, addr_b: Slot, offset_a: u16, offset_b: u16 },
        /// `dst = (src >> imm) ^ rhs` (as i32, the shift unsigned and its
        /// count taken modulo 32): a right shift by a constant feeding an
        /// `i32.xor`, as in the xorshift step of hash finalizers and
        /// random-number generators (`h ^= h >> 16`: `rhs` is `src`) and
        /// table-driven CRCs (`table[i] ^ (crc >> 8)`). Numeric in all but
        /// name, like `I32MulAddImm`.
        I32XorShrUImm { dst: Slot, src: Slot, rhs: Slot, imm: i32 },
        /// `dst = (acc >> imm) ^ rhs`: `I32XorShrUImm` on the value the
        /// instruction before computed (`h *= k; h ^= h >> 15`).
        I32XorShrUAccImm { dst: Slot, rhs: Slot, imm: i32 },
        /// `rhs = acc * mul`, then `dst = (rhs >> shift) ^ rhs` (as i32,
        /// wrapping; the shift unsigned, its count modulo 32): a multiply
        /// by a constant and the xorshift of the product, the two steps of
        /// hash finalizers (`h *= 0x85ebca6b; h ^= h >> 13`), the product
        /// kept in `rhs` as the unfused pair leaves it. Numeric in all but
        /// name, like `I32MulAddImm`.
        I32MulXorShrUAccImm { dst: Slot, rhs: Slot, mul: i32, shift: u8 },
        /// `dst = rotl(src, imm) ^ rhs` (as i32, the count modulo 32): a
        /// rotation by a constant feeding an `i32.xor`, as SHA-2's sigma
        /// functions chain them (`rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22)`).
        /// Numeric in all but name, like `I32MulAddImm`.
        I32XorRotlImm { dst: Slot, src: Slot, rhs: Slot, imm: i32 },
        /// `dst =` the `i32.load` at `(acc << shift) + offset`, the shift
        /// (count modulo 32) wrapping in 32 bits and the offset added
        /// without wrapping, as the `i32.shl` and load it replaces: a table
        /// at a static address indexed by the value the instruction before
        /// computed (`table[(crc ^ b) & 0xff]`). Numeric in all but name,
        /// like `I32MulAddImm`.
        I32LoadShlAcc { dst: Slot, shift: u8, offset: u32 },
        /// `dst = lhs * mul + add` (as i32, wrapping): an `i32.mul` by a
        /// constant feeding an `i32.add` of one (linear congruential
        /// generators, hash steps, `row * width + column` with constants).
        /// Numeric in all but name: it leaves its result in the
        /// accumulator and has a result-in-accumulator form.
        I32MulAddImm { dst: Slot, lhs: Slot, mul: i32, add: i32 },
        /// `dst = lhs + imm` (as i32), and `copy =` the same sum: an
        /// `i32.add` of a constant kept in two locals (`local.tee dst;
        /// local.set copy`, as compilers step a pointer in a loop and also
        /// keep it for after the loop).
        I32AddImmCopy { dst: Slot, lhs: Slot, copy: Slot, imm: i32 },
        /// `memory0[base + imm] = value` (the sum in 32 bits, as
        /// `AddImmLoad`): any one-byte store (`i32.store8`, `i64.store8`)
        /// whose address an `i32.add` of a constant just computed, with a
        /// static offset of 0.
        Store8AddImm { base: Slot, value: Slot, imm: i32 },
        /// A two-byte store to `base + imm`, as `Store8AddImm`.
        Store16AddImm { base: Slot, value: Slot, imm: i32 },
        /// A four-byte store (`i32.store`, `f32.store`, `i64.store32`) to
        /// `base + imm`, as `Store8AddImm`.
        Store32AddImm { base: Slot, value: Slot, imm: i32 },
        /// An eight-byte store (`i64.store`, `f64.store`) to `base + imm`,
        /// as `Store8AddImm`.
        Store64AddImm { base: Slot, value: Slot, imm: i32 },
        /// `dst = bits` (zero-extended): a constant that fits 32 bits (any
        /// i32 or f32, small i64s) copied without a constant slot.
        CopyImm32 { dst: Slot, bits: u32 },
        /// `dst = bits`: a constant without a constant slot in a function
        /// with more constants than its frame holds, or under a shifted
        /// window (see "Large frames").
        CopyImm64 { dst: Slot, bits: u64 },
        /// Moves the frame pointer by `delta` cells: the window of a large
        /// frame (see "Large frames"). Calls, returns and unwinding keep
        /// the pointer as it is, so a return arrives in the caller's window.
        FpShift { delta: i32 },
        /// Copies `len` cells from `src..` to `dst..` as `memmove` does, both
        /// given in cells from the frame pointer and either of them outside
        /// the window (see "Large frames").
        CopyFar { dst: i32, src: i32, len: u32 },
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
        /// `dst = memory[addr + offset]` for any memory but a 32-bit memory
        /// 0 (whose loads are the `I32Load` family): the address is a cell
        /// of either index type and `addr + offset + width` is computed
        /// without wrapping, so an overflow traps as out of bounds.
        LoadMem { dst: Slot, addr: Slot, memory: u8, kind: LoadKind, offset: u32 },
        /// `memory[addr + offset] = value`, the store counterpart of `LoadMem`.
        StoreMem { addr: Slot, value: Slot, memory: u8, kind: StoreKind, offset: u32 },
        /// `dst = addr + (high << 32)`, trapping as an out-of-bounds access
        /// if the sum overflows: the high half of a memory64 access's static
        /// offset, added before the `LoadMem`/`StoreMem` that carries the low
        /// half (an address past 2^64 is out of bounds of any memory, so
        /// the trap is the access's).
        AddrAddOffset { dst: Slot, addr: Slot, high: u32 },
        /// `dst = memory.grow(delta)` on a 64-bit memory (old size in pages,
        /// or -1 as an i64).
        MemoryGrow64 { dst: Slot, delta: Slot, memory: u32 },
        /// `memory.fill` on any memory but a 32-bit memory 0.
        MemoryFillMem { dst: Slot, value: Slot, len: Slot, memory: u16 },
        /// `memory.copy` when either memory is not a 32-bit memory 0
        /// (between two memories, or on a 64-bit one), followed by
        /// [`Instr::MemoryCopyParams`].
        MemoryCopyMem { dst: Slot, src: Slot, len: Slot },
        /// Parameter word of `MemoryCopyMem`.
        MemoryCopyParams { dst_memory: u32, src_memory: u32 },
        /// `memory.init` into any memory but a 32-bit memory 0, followed by
        /// [`Instr::MemoryInitParams`].
        MemoryInitMem { dst: Slot, src: Slot, len: Slot },
        /// Parameter word of `MemoryInitMem`.
        MemoryInitParams { memory: u32, data: u32 },
        /// `dst = table.grow(init, delta)` on a 64-bit table (old size, or
        /// -1 as an i64).
        TableGrow64 { dst: Slot, delta: Slot, init: Slot, table: u32 },
        /// Throws a new exception of the module's tag `tag`, whose payload
        /// is in the slots from `base` on. Where it goes is decided by the
        /// functions' handler tables (`CompiledFunc::handlers`), searched
        /// only now: `try_table` itself emits no code.
        Throw { tag: u32, base: Slot },
        /// Throws the exception `exn` refers to again (traps on null).
        ThrowRef { exn: Slot },
        /// `return_call` of function `func` of the current instance: the
        /// arguments in the slots from `base` on move down to the running
        /// frame's base and the callee replaces the running function, so a
        /// chain of tail calls runs in constant stack space. Its results go
        /// to the running function's caller.
        ReturnCall { func: u32, base: Slot },
        /// `return_call` of the module's defined function `func` (counted as
        /// for `CallInternal`).
        ReturnCallInternal { func: u32, base: Slot },
        /// `return_call_indirect` through the u32 `index` of `table`, followed
        /// by [`Instr::CallIndirectSig`]. Arguments as for `ReturnCall`.
        ReturnCallIndirect { table: u32, index: Slot, base: Slot },
        /// `call_ref`: calls the function referenced by `func` (trapping if
        /// it is null). Arguments and results as for `Call`; validation
        /// guarantees the callee's type.
        CallRef { func: Slot, base: Slot },
        /// `return_call_ref`: a tail call (see `ReturnCall`) through a
        /// function reference.
        ReturnCallRef { func: Slot, base: Slot },
        /// Traps with `NullReference` if the reference in `src` is null
        /// (`ref.as_non_null`; the value stays where it is).
        RefAsNonNull { src: Slot },
        /// Branches if the reference in `cond` is null.
        BrIfNull { cond: Slot, offset: BranchOffset },
        /// Branches if the reference in `cond` is not null.
        BrIfNonNull { cond: Slot, offset: BranchOffset },
        /// `dst = src` for a `v128`: the two cells from `src` to the two
        /// from `dst` (both read before either is written).
        Copy128 { dst: Slot, src: Slot },
        /// `select` of two `v128`s: `dst = if cond != 0 { if_true } else { if_false }`.
        Select128 { dst: Slot, cond: Slot, if_true: Slot, if_false: Slot },
        /// `dst = global` for a `v128` global (two cells).
        GlobalGet128 { dst: Slot, global: u32 },
        /// `global = src` for a `v128` global.
        GlobalSet128 { src: Slot, global: u32 },
        /// `dst = memory0[addr + offset]`, 16 bytes.
        V128Load { dst: Slot, addr: Slot, offset: u32 },
        /// `dst = memory0[base + imm]`, 16 bytes, the address computed in
        /// 32 bits as the `i32.add` it replaces would: `V128Load` fused
        /// with the `I32AddImm` computing its address (a vector loop's
        /// `p + 16`).
        V128LoadAddImm { dst: Slot, base: Slot, imm: i32 },
        /// `memory0[addr + offset] = value`, 16 bytes.
        V128Store { addr: Slot, value: Slot, offset: u32 },
        /// `V128Store` of the `v128` accumulator (the result of the
        /// instruction just executed).
        V128StoreAcc { addr: Slot, offset: u32 },
        /// `v128.load8_lane`: `dst` is the `v128` in `src` with lane `lane`
        /// replaced by the byte at `addr + offset`.
        V128Load8Lane { dst: Slot, addr: Slot, src: Slot, lane: u8, offset: u16 },
        /// `v128.load16_lane`, as `V128Load8Lane`.
        V128Load16Lane { dst: Slot, addr: Slot, src: Slot, lane: u8, offset: u16 },
        /// `v128.load32_lane`, as `V128Load8Lane`.
        V128Load32Lane { dst: Slot, addr: Slot, src: Slot, lane: u8, offset: u16 },
        /// `v128.load64_lane`, as `V128Load8Lane`.
        V128Load64Lane { dst: Slot, addr: Slot, src: Slot, lane: u8, offset: u16 },
        /// `v128.load8_lane` with an offset past 16 bits: replaces lane
        /// `lane` of the `v128` in `vec` in place (the translator then
        /// copies it to the result's slot).
        V128Load8LaneInPlace { vec: Slot, addr: Slot, lane: u8, offset: u32 },
        /// `v128.load16_lane` with a large offset, as `V128Load8LaneInPlace`.
        V128Load16LaneInPlace { vec: Slot, addr: Slot, lane: u8, offset: u32 },
        /// `v128.load32_lane` with a large offset, as `V128Load8LaneInPlace`.
        V128Load32LaneInPlace { vec: Slot, addr: Slot, lane: u8, offset: u32 },
        /// `v128.load64_lane` with a large offset, as `V128Load8LaneInPlace`.
        V128Load64LaneInPlace { vec: Slot, addr: Slot, lane: u8, offset: u32 },
        /// `v128.store8_lane`: stores lane `lane` of `value` at `addr + offset`.
        V128Store8Lane { addr: Slot, value: Slot, lane: u8, offset: u32 },
        /// `v128.store16_lane`.
        V128Store16Lane { addr: Slot, value: Slot, lane: u8, offset: u32 },
        /// `v128.store32_lane`.
        V128Store32Lane { addr: Slot, value: Slot, lane: u8, offset: u32 },
        /// `v128.store64_lane`.
        V128Store64Lane { addr: Slot, value: Slot, lane: u8, offset: u32 },
        /// `i8x16.shuffle` of `a` and `b`; its 16 lane indices are the
        /// bytes of the `v128` constant in the slots from `lanes`.
        I8x16Shuffle { dst: Slot, a: Slot, b: Slot, lanes: Slot },
        /// `dst = memory[addr + offset]` for the `v128` loads (`kind`:
        /// `v128.load`, or an extending, splatting or zero-filling load)
        /// on any memory but a 32-bit memory 0, whose loads are
        /// `V128Load` and the instructions named after each load. As for
        /// `LoadMem`, `addr + offset + width` is computed without wrapping,
        /// and the high half of an offset past 32 bits is added first by
        /// `AddrAddOffset`.
        V128LoadMem { dst: Slot, addr: Slot, memory: u8, kind: V128LoadKind, offset: u32 },
        /// `memory[addr + offset] = value` (16 bytes), the store
        /// counterpart of `V128LoadMem`.
        V128StoreMem { addr: Slot, value: Slot, memory: u8, offset: u32 },
        /// `v128.loadN_lane` on any memory but a 32-bit memory 0: `dst` is
        /// the `v128` in `src` with lane `lane`, of `width` bytes (1, 2, 4
        /// or 8), replaced by the bytes at `addr + offset`. Followed by
        /// [`Instr::V128LaneMemParams`], which holds the whole offset.
        V128LoadLaneMem { dst: Slot, addr: Slot, src: Slot, memory: u8, width: u8, lane: u8 },
        /// `v128.storeN_lane` on any memory but a 32-bit memory 0: stores
        /// lane `lane` (of `width` bytes) of `value` at `addr + offset`.
        /// Followed by [`Instr::V128LaneMemParams`].
        V128StoreLaneMem { addr: Slot, value: Slot, memory: u8, width: u8, lane: u8 },
        /// Parameter word of `V128LoadLaneMem` and `V128StoreLaneMem`: the
        /// static offset.
        V128LaneMemParams { offset: Offset64 },
    }
});
    };
}

/// Hands the lists of `interp::simd::for_each_simd_acc!` to
/// `define_instrs_with_simd`, after those of `for_each_simd!`.
macro_rules! define_instrs_with_simd_acc {
    (binary: [$($binary:tt)*] ternary: [$($ternary:tt)*]) => {
        crate::interp::simd::for_each_simd!(define_instrs_with_simd, acc_binary: [$($binary)*] acc_ternary: [$($ternary)*]);
    };
}

crate::interp::simd::for_each_simd_acc!(define_instrs_with_simd_acc);

/// [`V128LoadKind`], from the loads of `interp::simd::for_each_simd!`.
macro_rules! define_v128_load_kind {
    (
        unary: [$(($v_un:ident, $v_un_f:ident)),* $(,)?]
        binary: [$(($v_bin:ident, $v_bin_f:ident)),* $(,)?]
        ternary: [$(($v_tern:ident, $v_tern_f:ident)),* $(,)?]
        shift: [$(($v_shift:ident, $v_shift_f:ident)),* $(,)?]
        test: [$(($v_test:ident, $v_test_f:ident)),* $(,)?]
        splat: [$(($v_splat:ident, $v_splat_f:ident)),* $(,)?]
        extract_lane: [$(($v_extract:ident, $v_extract_f:ident)),* $(,)?]
        replace_lane: [$(($v_replace:ident, $v_replace_f:ident)),* $(,)?]
        load_extend: [$(($v_le:ident, $v_le_f:ident)),* $(,)?]
        load_splat: [$(($v_ls:ident, $v_ls_n:literal, $v_ls_f:ident)),* $(,)?]
        load_zero: [$(($v_lz:ident, $v_lz_n:literal, $v_lz_f:ident)),* $(,)?]
    ) => {
        /// Which `v128` load a [`Instr::V128LoadMem`] is, named after the
        /// wasm operator: `v128.load` (16 bytes) or one of the loads that
        /// reshape fewer bytes into a `v128` (the `load_extend`,
        /// `load_splat` and `load_zero` groups of `for_each_simd!`), with
        /// the same lane semantics as on memory 0.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        pub enum V128LoadKind {
            V128Load,
            $($v_le,)*
            $($v_ls,)*
            $($v_lz,)*
        }

        impl V128LoadKind {
            /// The bytes read.
            pub fn width(self) -> u64 {
                match self {
                    V128LoadKind::V128Load => 16,
                    $(V128LoadKind::$v_le => 8,)*
                    $(V128LoadKind::$v_ls => $v_ls_n,)*
                    $(V128LoadKind::$v_lz => $v_lz_n,)*
                }
            }
        }
    };
}

crate::interp::simd::for_each_simd!(define_v128_load_kind);

/// One `try_table`: the instructions of its body and its catch clauses in
/// order. A function's handlers are listed innermost first, so the first
/// one whose range holds a throwing instruction and has a matching clause
/// is the one the exception goes to.
#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    /// The body's instruction indices, `start..end`.
    pub start: u32,
    pub end: u32,
    pub catches: Box<[CatchClause]>,
}

/// One clause of a `try_table`: which exceptions it takes and where they go.
#[derive(Clone, Copy, PartialEq)]
pub struct CatchClause {
    /// The module's tag index, or `None` for `catch_all`/`catch_all_ref`.
    pub tag: Option<u32>,
    /// Whether the `exnref` follows the payload (`catch_ref`, `catch_all_ref`).
    pub with_ref: bool,
    /// The first of the consecutive slots that receive the payload (and
    /// then the `exnref`): the result slots of the target label.
    pub dst: Slot,
    /// The instruction the handler continues at: the target label.
    pub target: u32,
    /// The window of the target label, in cells from the frame's base,
    /// which `dst` is relative to: 0 but in a large frame (see "Large frames").
    pub window: u32,
}

impl fmt::Debug for CatchClause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("CatchClause");
        d.field("tag", &self.tag)
            .field("with_ref", &self.with_ref)
            .field("dst", &self.dst)
            .field("target", &self.target);
        if self.window != 0 {
            d.field("window", &self.window);
        }
        d.finish()
    }
}

/// An instruction as the executor runs it: the address of the handler that
/// runs it, then the instruction.
///
/// The threaded dispatcher ends every handler with a jump to the next
/// instruction's handler; with the address in the instruction stream that
/// jump needs one load, instead of a load of the tag and then one from a
/// table indexed by it. The address is filled in once, when the translated
/// code is linked for the executor (`interp::link`); the loop dispatcher
/// leaves it 0 and matches on `instr`. Branch offsets and code positions
/// count `Op`s, one per instruction.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Op {
    pub handler: usize,
    pub instr: Instr,
}

impl fmt::Debug for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.instr.fmt(f)
    }
}

/// A listing of a function's code, one instruction per line with its index.
pub(crate) fn disassemble(func: &crate::interp::translate::CompiledFunc) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "params={} locals={} consts={:?} frame={}",
        func.num_params,
        func.num_locals,
        &func.frame_init[(func.num_locals - u32::from(func.num_params)) as usize..],
        func.frame_size
    );
    for (i, op) in func.code.iter().enumerate() {
        let _ = writeln!(out, "{i:4}: {:?}", op.instr);
    }
    for handler in func.handlers.iter() {
        let _ = writeln!(out, "handler {}..{}: {:?}", handler.start, handler.end, handler.catches);
    }
    if !func.windows.is_empty() {
        let _ = writeln!(out, "windows at calls and throws: {:?}", func.windows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operand_word_matches_the_layout() {
        let op = BinOp { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) };
        for instr in [Instr::I32Add(op), Instr::F64Div(op)] {
            // SAFETY: `instr` is a valid instruction.
            let word = unsafe { OperandWord::read(&instr) };
            assert_eq!((word.slot(0), word.slot(1), word.slot(2)), (Slot(1), Slot(2), Slot(3)));
        }
        let acc = Instr::I32SubAcc(AccBinOp { dst: Slot(4), rhs: Slot(5) });
        // SAFETY: as above.
        let word = unsafe { OperandWord::read(&acc) };
        assert_eq!((word.slot(0), word.slot(1)), (Slot(4), Slot(5)));
        let un = Instr::I32Clz(UnOp { dst: Slot(6), src: Slot(7) });
        // SAFETY: as above.
        let word = unsafe { OperandWord::read(&un) };
        assert_eq!((word.slot(0), word.slot(1)), (Slot(6), Slot(7)));
    }

    #[test]
    fn tags_name_the_kinds() {
        let op = BinOp { dst: Slot(1), lhs: Slot(2), rhs: Slot(3) };
        let un = UnOp { dst: Slot(1), src: Slot(2) };
        let samples = [
            (Instr::I32Add(op), InstrTag::I32Add),
            (Instr::F64Div(op), InstrTag::F64Div),
            (Instr::I32Store(Store { addr: Slot(1), value: Slot(2), offset: 3 }), InstrTag::I32Store),
            (Instr::V128Not(un), InstrTag::V128Not),
            (Instr::F32x4Mul(op), InstrTag::F32x4Mul),
            (Instr::V128Load64Zero(Load { dst: Slot(1), addr: Slot(2), offset: 3 }), InstrTag::V128Load64Zero),
            (Instr::Br { offset: 1 }, InstrTag::Br),
            (Instr::Return0, InstrTag::Return0),
        ];
        for (instr, tag) in samples {
            assert_eq!(instr.tag(), tag as u16, "{instr:?}");
        }
        assert!((InstrTag::Return0 as usize) < Instr::COUNT);
    }

    #[test]
    fn instructions_stay_compact() {
        // Dispatch speed depends on how many instructions share a cache line.
        // The executor runs `Op`s: the handler's address and the
        // instruction, which may take up to 16 bytes before `Op` grows.
        assert!(std::mem::size_of::<Instr>() <= 16, "Instr grew to {} bytes", std::mem::size_of::<Instr>());
        assert_eq!(std::mem::size_of::<Op>(), 24);
        assert_eq!(std::mem::offset_of!(Op, instr), 8);
    }
}
