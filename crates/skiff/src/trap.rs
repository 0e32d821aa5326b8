//! Traps: the ways a WebAssembly computation can stop abnormally.
//!
//! As in Wasmtime, a trap surfaces to the embedder as an [`anyhow::Error`]
//! whose root cause is a [`Trap`] code and which carries a [`WasmBacktrace`]
//! as context when wasm frames were active. `err.downcast_ref::<Trap>()` gives
//! the code; `format!("{err:?}")` prints the message and the backtrace.

use std::fmt;

/// The reason a WebAssembly computation trapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trap {
    /// The call stack (frames or value stack) reached its configured limit.
    StackOverflow,
    /// A load, store or bulk memory operation touched bytes outside the memory.
    MemoryOutOfBounds,
    /// A table access or bulk table operation was out of bounds.
    TableOutOfBounds,
    /// `call_indirect` hit a null table entry.
    IndirectCallToNull,
    /// `call_indirect` found a function of the wrong type.
    BadSignature,
    /// Signed division overflowed, or a float was too large for an integer.
    IntegerOverflow,
    IntegerDivisionByZero,
    /// A NaN was converted to an integer.
    BadConversionToInteger,
    /// The `unreachable` instruction ran.
    UnreachableCodeReached,
    /// The store's interrupt was raised (e.g. a timeout).
    Interrupt,
    /// Fuel metering is on and the fuel ran out.
    OutOfFuel,
    /// A null reference was dereferenced.
    NullReference,
    /// `call_ref` or `return_call_ref` was given a null reference.
    NullFunctionReference,
}

impl Trap {
    /// The human-readable message; contains the spec's wording for the trap.
    pub fn message(&self) -> &'static str {
        match self {
            Trap::StackOverflow => "call stack exhausted",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "undefined element: out of bounds table access",
            Trap::IndirectCallToNull => "uninitialized element: indirect call to null",
            Trap::BadSignature => "indirect call type mismatch",
            Trap::IntegerOverflow => "integer overflow",
            Trap::IntegerDivisionByZero => "integer divide by zero",
            Trap::BadConversionToInteger => "invalid conversion to integer",
            Trap::UnreachableCodeReached => "unreachable: wasm `unreachable` instruction executed",
            Trap::Interrupt => "interrupt: wasm execution interrupted",
            Trap::OutOfFuel => "all fuel consumed by WebAssembly",
            Trap::NullReference => "null reference",
            Trap::NullFunctionReference => "null function reference",
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.message())
    }
}

impl std::error::Error for Trap {}

/// One wasm frame of a [`WasmBacktrace`]. Names are shared, so a
/// backtrace of a million frames costs a few words per frame.
#[derive(Clone, Debug)]
pub struct FrameInfo {
    module_name: Option<std::sync::Arc<str>>,
    func_index: u32,
    func_name: Option<std::sync::Arc<str>>,
}

impl FrameInfo {
    pub(crate) fn new(
        module_name: Option<std::sync::Arc<str>>,
        func_index: u32,
        func_name: Option<std::sync::Arc<str>>,
    ) -> FrameInfo {
        FrameInfo { module_name, func_index, func_name }
    }

    /// The function's index in its module's function index space.
    pub fn func_index(&self) -> u32 {
        self.func_index
    }

    /// The function's name from the module's name section, if any.
    pub fn func_name(&self) -> Option<&str> {
        self.func_name.as_deref()
    }

    pub fn module_name(&self) -> Option<&str> {
        self.module_name.as_deref()
    }
}

/// The wasm frames that were active when a trap happened, innermost first.
#[derive(Clone, Debug)]
pub struct WasmBacktrace {
    frames: Vec<FrameInfo>,
}

impl WasmBacktrace {
    pub(crate) fn new(frames: Vec<FrameInfo>) -> WasmBacktrace {
        WasmBacktrace { frames }
    }

    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }
}

/// `error` with the wasm frames `frames` (innermost first) it passed
/// through: appended to the backtrace it has from frames further in (code
/// of the other tier, or called by a host function), else attached as its
/// backtrace. One error has one backtrace, whatever tiers its frames ran in.
pub(crate) fn with_backtrace(mut error: anyhow::Error, frames: Vec<FrameInfo>) -> anyhow::Error {
    if frames.is_empty() {
        return error;
    }
    if let Some(inner) = error.downcast_mut::<WasmBacktrace>() {
        inner.frames.extend(frames);
        return error;
    }
    error.context(WasmBacktrace::new(frames))
}

/// Backtraces longer than this print their innermost and outermost frames
/// only, so that a stack overflow does not print 100,000 lines.
const MAX_PRINTED_FRAMES: usize = 20;
const OUTER_PRINTED_FRAMES: usize = 5;

impl fmt::Display for WasmBacktrace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error while executing at wasm backtrace:")?;
        let n = self.frames.len();
        let elide = n > MAX_PRINTED_FRAMES;
        for (i, frame) in self.frames.iter().enumerate() {
            if elide && i >= MAX_PRINTED_FRAMES - OUTER_PRINTED_FRAMES && i < n - OUTER_PRINTED_FRAMES {
                if i == MAX_PRINTED_FRAMES - OUTER_PRINTED_FRAMES {
                    write!(f, "\n       ... {} frames elided ...", n - MAX_PRINTED_FRAMES)?;
                }
                continue;
            }
            write!(f, "\n  {i:>3}: ")?;
            if let Some(m) = &frame.module_name {
                write!(f, "{m}!")?;
            }
            match &frame.func_name {
                Some(name) => write!(f, "{name}")?,
                None => write!(f, "<wasm function {}>", frame.func_index)?,
            }
        }
        Ok(())
    }
}
