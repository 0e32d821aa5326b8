//! What the translator accepts, checked while a body is validated.
//!
//! With [`crate::CompilationMode::LazyTranslation`] a body is translated on
//! its first call, but `Module::new` must still refuse a module that uses a
//! feature skiff does not implement ("SIMD is not supported yet"), exactly as
//! eager translation would. [`SupportCheck`] sees every operator the
//! validator sees and records the first refusal, with the translator's own
//! messages, plus the engine limits on frame size.
//!
//! The translator implements the operators of WebAssembly 2.0: the
//! proposals `mvp`, `sign_extension`, `saturating_float_to_int`,
//! `bulk_memory`, `reference_types` and `simd` as wasmparser groups them,
//! and `relaxed_simd`, `exceptions` (`throw`, `throw_ref`, `try_table`),
//! `tail_call`, `function_references`, `multi_memory` and `memory64`
//! (which add no operators, only operands: any memory index, 64-bit
//! addresses, offsets and table indices, for scalar and SIMD accesses
//! alike), with one operand restriction (no GC arrays).
//! `tests/lazy.rs` checks on wasm-smith modules that both modes refuse the
//! same modules with the same messages.

use super::{memarg_memory, memory_operand, unsupported_message};
use anyhow::{Result, bail};
use wasmparser::{FrameKind as ParserFrame, FrameStack, Operator, VisitOperator, VisitSimdOperator};

/// Whether the translator accepts `op`; `in_supported_proposal` says
/// whether wasmparser groups it under a proposal the translator implements
/// (`supported_proposal!`). The error is the translator's.
fn check_operator(op: &Operator<'_>, in_supported_proposal: bool) -> Result<()> {
    match op {
        Operator::I32Load { memarg }
        | Operator::I64Load { memarg }
        | Operator::F32Load { memarg }
        | Operator::F64Load { memarg }
        | Operator::I32Load8S { memarg }
        | Operator::I32Load8U { memarg }
        | Operator::I32Load16S { memarg }
        | Operator::I32Load16U { memarg }
        | Operator::I64Load8S { memarg }
        | Operator::I64Load8U { memarg }
        | Operator::I64Load16S { memarg }
        | Operator::I64Load16U { memarg }
        | Operator::I64Load32S { memarg }
        | Operator::I64Load32U { memarg }
        | Operator::I32Store { memarg }
        | Operator::I64Store { memarg }
        | Operator::F32Store { memarg }
        | Operator::F64Store { memarg }
        | Operator::I32Store8 { memarg }
        | Operator::I32Store16 { memarg }
        | Operator::I64Store8 { memarg }
        | Operator::I64Store16 { memarg }
        | Operator::I64Store32 { memarg } => memory_operand(memarg_memory(memarg)?).map(drop),
        Operator::TypedSelectMulti { .. } => bail!("{}", unsupported_message(op)),
        _ if in_supported_proposal => Ok(()),
        _ => bail!("{}", unsupported_message(op)),
    }
}

/// Follows one body through validation: the first operator the translator
/// would refuse. (No size is refused: a frame of any size runs, see `ir`,
/// "Large frames".)
///
/// The translator skips dead code (after `br`, `return`, `unreachable`, …,
/// and after a block nothing branches to and nothing falls out of), so an
/// unsupported operator there is accepted; this check models the same
/// reachability (`FuncTranslator::translate_dead_operator`, `translate_end`)
/// so that both modes accept the same modules.
pub(crate) struct SupportCheck {
    first_refusal: Option<anyhow::Error>,
    /// The enclosing blocks, innermost last; entry 0 is the function body.
    frames: Vec<Frame>,
    reachable: bool,
    /// How many blocks deep inside dead code.
    dead_depth: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
}

#[derive(Clone, Copy)]
struct Frame {
    kind: FrameKind,
    /// Whether a forward branch targets the end of this block.
    branched_to: bool,
}

impl SupportCheck {
    pub fn new() -> SupportCheck {
        SupportCheck {
            first_refusal: None,
            frames: vec![Frame { kind: FrameKind::Function, branched_to: false }],
            reachable: true,
            dead_depth: 0,
        }
    }

    /// An operator at `offset`; see `check_operator` for `in_supported_proposal`.
    fn operator(&mut self, op: &Operator<'_>, in_supported_proposal: bool, offset: usize) {
        if !self.reachable {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::TryTable { .. } => {
                    self.dead_depth += 1
                }
                Operator::Else if self.dead_depth == 0 => self.enter_else(),
                Operator::End if self.dead_depth == 0 => self.end(),
                Operator::End => self.dead_depth -= 1,
                _ => {}
            }
            return;
        }
        if self.first_refusal.is_none()
            && let Err(e) = check_operator(op, in_supported_proposal)
        {
            self.first_refusal = Some(anyhow::anyhow!("{e:#} (at offset {offset:#x})"));
        }
        match op {
            Operator::Block { .. } => self.frames.push(Frame { kind: FrameKind::Block, branched_to: false }),
            Operator::TryTable { try_table } => {
                // Catch labels count from outside the `try_table`.
                for catch in &try_table.catches {
                    let (wasmparser::Catch::One { label, .. }
                    | wasmparser::Catch::OneRef { label, .. }
                    | wasmparser::Catch::All { label }
                    | wasmparser::Catch::AllRef { label }) = *catch;
                    self.branch_to(label);
                }
                self.frames.push(Frame { kind: FrameKind::Block, branched_to: false })
            }
            Operator::Loop { .. } => self.frames.push(Frame { kind: FrameKind::Loop, branched_to: false }),
            Operator::If { .. } => self.frames.push(Frame { kind: FrameKind::If, branched_to: false }),
            Operator::Else => self.enter_else(),
            Operator::End => self.end(),
            Operator::Br { relative_depth } => {
                self.branch_to(*relative_depth);
                self.reachable = false;
            }
            Operator::BrIf { relative_depth }
            | Operator::BrOnNull { relative_depth }
            | Operator::BrOnNonNull { relative_depth } => self.branch_to(*relative_depth),
            Operator::BrTable { targets } => {
                for depth in targets.targets().flatten().chain([targets.default()]) {
                    self.branch_to(depth);
                }
                self.reachable = false;
            }
            Operator::Unreachable
            | Operator::Return
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. } => self.reachable = false,
            _ => {}
        }
    }

    /// A SIMD operator at `offset`: memory accesses have the scalar ones'
    /// operand rules. No SIMD operator affects reachability.
    fn simd_operator(&mut self, op: &Operator<'_>, offset: usize) {
        let memarg = match op {
            Operator::V128Load { memarg }
            | Operator::V128Store { memarg }
            | Operator::V128Load8x8S { memarg }
            | Operator::V128Load8x8U { memarg }
            | Operator::V128Load16x4S { memarg }
            | Operator::V128Load16x4U { memarg }
            | Operator::V128Load32x2S { memarg }
            | Operator::V128Load32x2U { memarg }
            | Operator::V128Load8Splat { memarg }
            | Operator::V128Load16Splat { memarg }
            | Operator::V128Load32Splat { memarg }
            | Operator::V128Load64Splat { memarg }
            | Operator::V128Load32Zero { memarg }
            | Operator::V128Load64Zero { memarg }
            | Operator::V128Load8Lane { memarg, .. }
            | Operator::V128Load16Lane { memarg, .. }
            | Operator::V128Load32Lane { memarg, .. }
            | Operator::V128Load64Lane { memarg, .. }
            | Operator::V128Store8Lane { memarg, .. }
            | Operator::V128Store16Lane { memarg, .. }
            | Operator::V128Store32Lane { memarg, .. }
            | Operator::V128Store64Lane { memarg, .. } => memarg,
            _ => return,
        };
        if self.reachable
            && self.first_refusal.is_none()
            && let Err(e) = memarg_memory(memarg).and_then(memory_operand)
        {
            self.first_refusal = Some(anyhow::anyhow!("{e:#} (at offset {offset:#x})"));
        }
    }

    fn branch_to(&mut self, depth: u32) {
        if let Some(at) = self.frames.len().checked_sub(1 + depth as usize) {
            self.frames[at].branched_to = true;
        }
    }

    /// `else`: a reachable then-arm ends with a branch past the else-arm.
    fn enter_else(&mut self) {
        if self.reachable {
            self.branch_to(0);
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.kind = FrameKind::Else;
        }
        self.reachable = true;
        self.dead_depth = 0;
    }

    /// `end`: code after a block is reachable if something reaches its end.
    fn end(&mut self) {
        let Some(frame) = self.frames.pop() else { return };
        self.reachable = match frame.kind {
            FrameKind::Function => false,
            FrameKind::Loop => self.reachable,
            // An `if` without `else` falls through its empty else-arm.
            FrameKind::If => true,
            FrameKind::Block | FrameKind::Else => self.reachable || frame.branched_to,
        };
        self.dead_depth = 0;
    }

    /// The first refusal.
    pub fn finish(self) -> Result<()> {
        match self.first_refusal {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A visitor that shows each operator to a [`SupportCheck`] and then to the
/// validator's visitor `inner`, so that a body is decoded once for both
/// (a decoded `Operator` handed to `FuncValidator::op` costs a second
/// dispatch per operator).
pub(crate) struct CheckingVisitor<'c, V> {
    pub inner: V,
    pub check: &'c mut SupportCheck,
    pub offset: usize,
}

/// Whether the translator implements the operators of a wasmparser proposal
/// group (decided at compile time, per visit method).
macro_rules! supported_proposal {
    (mvp) => {
        true
    };
    (sign_extension) => {
        true
    };
    (saturating_float_to_int) => {
        true
    };
    (bulk_memory) => {
        true
    };
    (reference_types) => {
        true
    };
    (exceptions) => {
        true
    };
    (tail_call) => {
        true
    };
    (function_references) => {
        true
    };
    ($other:ident) => {
        false
    };
}

/// Whether `SupportCheck::operator` must see this operator even when its
/// proposal is supported: control flow (reachability), constants (frame
/// size) and operators with operands the translator restricts. Every other
/// operator of a supported proposal needs no look at all.
macro_rules! needs_check {
    (ReturnCall) => {
        true
    };
    (ReturnCallIndirect) => {
        true
    };
    (ReturnCallRef) => {
        true
    };
    (BrOnNull) => {
        true
    };
    (BrOnNonNull) => {
        true
    };
    (TryTable) => {
        true
    };
    (Throw) => {
        true
    };
    (ThrowRef) => {
        true
    };
    (Block) => {
        true
    };
    (Loop) => {
        true
    };
    (If) => {
        true
    };
    (Else) => {
        true
    };
    (End) => {
        true
    };
    (Br) => {
        true
    };
    (BrIf) => {
        true
    };
    (BrTable) => {
        true
    };
    (Return) => {
        true
    };
    (Unreachable) => {
        true
    };
    (I32Const) => {
        true
    };
    (I64Const) => {
        true
    };
    (F32Const) => {
        true
    };
    (F64Const) => {
        true
    };
    (RefNull) => {
        true
    };
    (TypedSelect) => {
        true
    };
    (TypedSelectMulti) => {
        true
    };
    ($other:ident) => {
        false
    };
}

/// Whether an operator's immediates include a `memarg`.
macro_rules! has_memarg {
    () => { false };
    (memarg $($rest:ident)*) => { true };
    ($first:ident $($rest:ident)*) => { has_memarg!($($rest)*) };
}

macro_rules! define_checking_visit {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                if needs_check!($op) || has_memarg!($($($arg)*)?) || !supported_proposal!($proposal) {
                    let op = Operator::$op $({ $($arg: $arg.clone()),* })?;
                    self.check.operator(&op, supported_proposal!($proposal), self.offset);
                }
                self.inner.$visit($($($arg),*)?)
            }
        )*
    };
}

#[allow(clippy::clone_on_copy)]
impl<'a, V> VisitOperator<'a> for CheckingVisitor<'_, V>
where
    V: VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    type Output = wasmparser::Result<()>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        self.inner.simd_visitor()?;
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_checking_visit);
}

/// Shows a SIMD operator to the [`SupportCheck`], then to the validator's
/// SIMD visitor (which refuses it if the SIMD features are not enabled).
macro_rules! define_checking_visit_simd {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                let op = Operator::$op $({ $($arg: $arg.clone()),* })?;
                self.check.simd_operator(&op, self.offset);
                // `simd_visitor` hands this visitor out only when the inner
                // one has a SIMD visitor.
                self.inner.simd_visitor().expect("the validator visits SIMD operators").$visit($($($arg),*)?)
            }
        )*
    };
}

#[allow(clippy::clone_on_copy)]
impl<'a, V> VisitSimdOperator<'a> for CheckingVisitor<'_, V>
where
    V: VisitOperator<'a, Output = wasmparser::Result<()>>,
{
    wasmparser::for_each_visit_simd_operator!(define_checking_visit_simd);
}

impl<V: FrameStack> FrameStack for CheckingVisitor<'_, V> {
    fn current_frame(&self) -> Option<ParserFrame> {
        self.inner.current_frame()
    }
}
