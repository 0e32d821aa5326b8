//! Translation of one validated wasm function body into interpreter code
//! ([`crate::interp::ir`]).
//!
//! The translator walks the operators once, simulating the wasm operand stack
//! at compile time. Each simulated operand says *where its value lives*: in a
//! local, in a constant slot, or in the temporary slot of its stack height.
//! Instructions then read their inputs from those slots directly, so
//! `local.get` and constants cost nothing at run time.
//!
//! Validation is not done here: `Module` validates every body with
//! `wasmparser` before translating, so this code may assume well-typed input
//! and only reports engine limits (frame size) and unsupported features.

mod control;
mod support;
mod vector;

pub(crate) use support::{CheckingVisitor, SupportCheck};

use crate::engine::SigId;
use crate::interp::ir::{
    AccBinOp, BinOp, BranchOffset, CatchClause, Handler, Instr, Load, LoadKind, NO_LOOP, Op, Slot, Store, StoreKind,
    UnOp,
};
use crate::trap::Trap;
use crate::types::{FuncType, MemoryType, TableType};
use anyhow::{Context, Result, bail};
use control::{BlockSig, ControlFrame, FrameKind, Label};
use std::collections::HashMap;
use wasmparser::{BlockType, FunctionBody, MemArg, MemArgTarget, Operator};

/// Interpreter code for one function, ready to run.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The instructions, linked for the executor (see [`Op`]).
    pub code: Box<[Op]>,
    /// The cells the parameters take (a `v128` takes two).
    pub num_params: u16,
    /// The cells of the parameters plus the declared locals.
    pub num_locals: u32,
    /// The initial cells of the frame after the parameters: zeros for the
    /// declared locals, then the constants (whose first slot is `num_locals`).
    /// One copy initializes a new frame.
    pub frame_init: Box<[u64]>,
    /// Cells the frame needs: locals, constants and the deepest operand stack.
    pub frame_size: u32,
    /// The `try_table`s, innermost first; read only when an exception is
    /// thrown, so code that does not throw pays nothing for them.
    pub handlers: Box<[Handler]>,
    /// In a large frame (see `ir`, "Large frames"): the window, in cells
    /// from the frame's base, at each call and throw made while it is not
    /// at the base (instruction index, window), by index. Unwinding reads
    /// it to find the frame's base. Empty for every other function.
    pub windows: Box<[(u32, u32)]>,
    /// The weight of the `TierEntry` the code starts with, which a
    /// `CallInternal` counts itself (see `Executor::count_entry`); zero for
    /// code without one (a module that does not tier up).
    pub entry_weight: u32,
}

impl CompiledFunc {
    /// The window at instruction `pc`, a call or throw (see `windows`).
    pub fn window_at(&self, pc: u32) -> u32 {
        match self.windows.binary_search_by_key(&pc, |&(at, _)| at) {
            Ok(i) => self.windows[i].1,
            Err(_) => 0,
        }
    }
}

/// Slots are 16 bits, and the last one is [`Slot::ACC`]: an instruction
/// reaches the cells `0..SLOT_LIMIT` from the frame pointer.
const SLOT_LIMIT: usize = u16::MAX as usize;
/// The cells one operator may take above the operand stack's top (a call's
/// or block's results, at most 1000 `v128`s, and a tail call's room).
const HEADROOM: usize = 8192;
/// How far below the window's top a shifted window puts the stack's top,
/// rounded down to a multiple of `WINDOW_STEP` (see `window_for`).
const WINDOW_DEPTH: usize = 16384;
const WINDOW_STEP: usize = 16384;
/// The constant cells a frame reserves without counting distinct values:
/// more than that many constant operators are counted again, by value.
const CONST_CAP: usize = 16384;

/// What the translator needs to know about the module around the function.
pub(crate) struct ModuleEnv<'a> {
    pub types: &'a [FuncType],
    /// The type of every global, imported ones first.
    pub globals: &'a [crate::types::GlobalType],
    pub type_sigs: &'a [SigId],
    /// The type index of every function, imported ones first.
    pub func_types: &'a [u32],
    /// The type index of every tag, imported ones first.
    pub tag_types: &'a [u32],
    /// How many of those are imported.
    pub num_imported_funcs: u32,
    /// Every memory's and table's type, imported ones first: their index
    /// types pick the instructions that access them.
    pub memories: &'a [MemoryType],
    pub tables: &'a [TableType],
    pub fuel: bool,
    /// Whether to emit [`Instr::CheckInterrupt`] where fuel would be charged.
    pub interruptible: bool,
    /// `Config::frame_window_cells`: the stack's cells past which the
    /// window shifts, if not only where slots run out (for tests).
    pub window_cells: Option<usize>,
    /// Whether to count for tier-up: [`Instr::TierEntry`] first, and a
    /// [`Instr::TierLoop`] stub for the back edges of each loop.
    pub tier_up: bool,
}

/// Under tier-up, what the operators being translated add their weight to.
#[derive(Clone, Copy, Debug)]
pub(super) enum TierCount {
    /// The function's `TierEntry`, its first instruction.
    Entry,
    /// The loop of this index in `FuncTranslator::tier_loops`.
    Loop(usize),
}

/// Under tier-up, a reachable loop of the function being translated.
#[derive(Clone, Copy, Debug)]
struct LoopCount {
    /// The loop's index among the body's `loop` operators.
    index: u32,
    /// Its header: the position of its first instruction, where its label is.
    header: usize,
    /// The operators of one iteration, nested loops' first iterations
    /// included.
    weight: u32,
}

/// Where a simulated operand's value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operand {
    /// In the local whose (first) slot is `n`: nothing was emitted for the
    /// `local.get` yet. If the local is written while this operand is live,
    /// the value is first copied to the operand's temporary slot (see
    /// `materialize_local`).
    Local(u32),
    /// A constant (its cell bits). It gets a constant slot, filled at frame
    /// entry, only when an instruction reads it from one: operators with an
    /// immediate form carry it in the instruction instead.
    Const(u64),
    /// A `v128` constant, which gets two consecutive constant slots when an
    /// instruction reads it.
    V128Const(u128),
    /// In the temporary slot of its stack height.
    Temp,
}

/// The base of a fused array access (`translate::scaled_address`).
enum AddressBase {
    Slot(Slot),
    /// A constant, which gets a slot only if the fusion happens.
    Const(u64),
}

/// The state of translating one function. Created per body; all fields are
/// reset by `translate`.
pub(crate) struct FuncTranslator<'a> {
    env: &'a ModuleEnv<'a>,
    /// The instructions emitted so far. Branch targets are instruction indices.
    code: Vec<Instr>,
    /// The simulated operand stack; entry `h` is the operand at height `h`.
    stack: Vec<Operand>,
    /// For each operand on `stack`, the offset of its temporary from
    /// `temps_base` in cells, and whether it is a `v128` (two cells).
    /// Without `v128`s the offset is the height.
    offsets: Vec<u32>,
    wides: Vec<bool>,
    /// The cells the operands on `stack` take: the offset of the next one.
    top_cells: usize,
    /// The first slot of each local (a `v128` local takes two), and for
    /// each slot of a local the accumulator that holds a value of its type
    /// right after an instruction computed it (`V128` marks the first cell
    /// of a `v128`; its second cell, like a reference, has `None`).
    local_slots: Vec<u32>,
    local_slot_accs: Vec<AccKind>,
    /// The enclosing blocks, innermost last; entry 0 is the function body.
    control: Vec<ControlFrame>,
    /// For each local (by its first slot), how many `Operand::Local` entries
    /// on `stack` name it, so writing a local knows at once whether copies
    /// must be made.
    local_refs: Vec<u32>,
    /// Sum of `local_refs`: whether any lazy local reads are on the stack.
    lazy_locals: u32,
    /// For each local slot, whether it surely still holds the zero a frame
    /// starts its declared locals with: true for declared locals until code
    /// writes them, false for all once a loop begins (a back edge brings in
    /// the writes of later code; a forward branch only those of code
    /// translated before its target). Setting such a local to zero, as
    /// compilers do at function entry, emits nothing.
    zero_locals: Vec<bool>,
    num_params: u16,
    num_locals: u32,
    /// The deduplicated constants, by bit pattern, and their slots.
    consts: Vec<u64>,
    const_slots: HashMap<u64, Slot>,
    /// The `v128` constants (two cells each) and their first slots.
    const128_slots: HashMap<u128, Slot>,
    consts_base: usize,
    /// The constant cells the frame reserves (see `constant_reserve`).
    const_reserve: usize,
    /// Whether constants are copied into their temporaries as they are
    /// pushed, rather than given constant slots: in a function with more
    /// distinct constants than a frame holds.
    materialize_consts: bool,
    /// The cell of the operand at stack height 0.
    temps_base: usize,
    /// The frame's window: the cell, from the frame's base, that slot 0
    /// names in the code being emitted. 0 but in a large frame (see `ir`,
    /// "Large frames"), where it is `window_for` the stack's cells at each
    /// operator and label; while it is not 0, every operand on the stack is
    /// a temporary (locals and constants are out of reach).
    window: usize,
    /// `CompiledFunc::windows`, as calls and throws are emitted.
    windows: Vec<(u32, u32)>,
    /// The most cells the operand stack took, for the frame size.
    max_cells: usize,
    /// Whether code at the current position can run. Operators in dead code
    /// are skipped; only their block structure is tracked, in `dead_depth`.
    reachable: bool,
    /// How many blocks deep the translator is inside dead code.
    dead_depth: u32,
    /// The index of the last instruction if it wrote a fresh temporary that
    /// is now the top operand and may be redirected by `local.set`.
    last_result: Option<usize>,
    /// The highest code position a branch may target so far. The last two
    /// instructions may fuse only if the second is past it.
    last_target: usize,
    /// The `ConsumeFuel` instruction that pays for the code being emitted.
    fuel_instr: Option<usize>,
    /// Under tier-up, the counter the code being emitted adds its
    /// operators to: the function's `TierEntry`, or its innermost loop's.
    tier_count: Option<TierCount>,
    /// Under tier-up, the reachable loops so far, in body order, with the
    /// weights their `TierLoop` stubs get (see `route_back_edges`).
    tier_loops: Vec<LoopCount>,
    /// The `loop` operators read so far, reachable or not: the index of the
    /// next one (`TierLoopHeader::index`).
    loops: u32,
    /// The function's index among the module's defined functions
    /// (`TierEntry::def`, `TierLoop::def`).
    def: u32,
    /// The `try_table`s seen so far, in the order they start.
    handlers: Vec<Handler>,
    /// Catch clauses whose label is the function body: they return, through
    /// a stub emitted after the body. (handler index, clause index, arity,
    /// cells of the values: recorded while the body's frame is still open)
    return_catches: Vec<(usize, usize, usize, usize)>,
}

impl<'a> FuncTranslator<'a> {
    pub fn new(env: &'a ModuleEnv<'a>) -> FuncTranslator<'a> {
        FuncTranslator {
            env,
            code: Vec::new(),
            stack: Vec::new(),
            offsets: Vec::new(),
            wides: Vec::new(),
            top_cells: 0,
            local_slots: Vec::new(),
            local_slot_accs: Vec::new(),
            control: Vec::new(),
            local_refs: Vec::new(),
            lazy_locals: 0,
            zero_locals: Vec::new(),
            num_params: 0,
            num_locals: 0,
            consts: Vec::new(),
            const_slots: HashMap::new(),
            const128_slots: HashMap::new(),
            consts_base: 0,
            const_reserve: 0,
            materialize_consts: false,
            temps_base: 0,
            window: 0,
            windows: Vec::new(),
            max_cells: 0,
            reachable: true,
            dead_depth: 0,
            last_result: None,
            last_target: 0,
            fuel_instr: None,
            tier_count: None,
            tier_loops: Vec::new(),
            loops: 0,
            def: 0,
            handlers: Vec::new(),
            return_catches: Vec::new(),
        }
    }

    /// Translates the body of function `func_index` (in the module's function
    /// index space). The body must already be validated.
    pub fn translate(&mut self, func_index: u32, body: &FunctionBody<'_>) -> Result<CompiledFunc> {
        let type_index = self.env.func_types[func_index as usize];
        let ty = &self.env.types[type_index as usize];
        let num_results = ty.result_slice().len();
        // Each local's first cell: a `v128` takes two. (The validator
        // allows 50000 locals, so the cells fit a `u32`.)
        self.local_slots.clear();
        self.local_slot_accs.clear();
        let add_locals = |this: &mut Self, count: u32, acc: AccKind| {
            let wide = acc == AccKind::V128;
            for _ in 0..count {
                this.local_slots.push(this.local_slot_accs.len() as u32);
                this.local_slot_accs.push(acc);
                if wide {
                    this.local_slot_accs.push(AccKind::None);
                }
            }
        };
        for param in ty.param_slice() {
            add_locals(self, 1, AccKind::of(param));
        }
        let num_params = self.local_slot_accs.len();
        for local in body.get_locals_reader()? {
            let (count, ty) = local?;
            let acc = AccKind::of(&crate::types::ValType::from_wasmparser(ty, self.env.types)?);
            add_locals(self, count, acc);
        }
        let num_locals = self.local_slot_accs.len();
        let (const_reserve, materialize_consts) = constant_reserve(body, num_locals)?;
        self.code.clear();
        self.stack.clear();
        self.offsets.clear();
        self.wides.clear();
        self.top_cells = 0;
        self.control.clear();
        self.local_refs.clear();
        self.local_refs.resize(num_locals, 0);
        self.lazy_locals = 0;
        self.zero_locals.clear();
        self.zero_locals.resize(num_params, false);
        self.zero_locals.resize(num_locals, true);
        self.num_params = num_params as u16;
        self.num_locals = num_locals as u32;
        self.consts.clear();
        self.const_slots.clear();
        self.const128_slots.clear();
        self.consts_base = num_locals;
        self.const_reserve = const_reserve;
        self.materialize_consts = materialize_consts;
        self.temps_base = num_locals + const_reserve;
        self.window = 0;
        self.windows.clear();
        self.max_cells = 0;
        self.reachable = true;
        self.dead_depth = 0;
        self.last_result = None;
        self.last_target = 0;
        self.fuel_instr = None;
        self.tier_count = None;
        self.tier_loops.clear();
        self.loops = 0;
        self.def = func_index - self.env.num_imported_funcs;
        self.handlers.clear();
        self.return_catches.clear();

        if self.env.tier_up {
            self.tier_count = Some(TierCount::Entry);
            self.code.push(Instr::TierEntry { weight: 1, def: self.def });
        }
        if self.env.fuel {
            self.fuel_instr = Some(self.code.len());
            self.code.push(Instr::ConsumeFuel { amount: 1 });
        }
        if self.env.interruptible {
            self.code.push(Instr::CheckInterrupt);
        }
        // Locals so many that the operand stack starts out of reach.
        let window = self.window_for(0);
        if window != 0 {
            self.move_window(window);
        }
        let frame = self.new_frame(FrameKind::Function, 0, (0, num_results, BlockSig::Func(type_index)), Label::new());
        self.control.push(frame);

        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let offset = reader.original_position();
            let op = reader.read()?;
            let is_loop = matches!(op, Operator::Loop { .. });
            self.translate_operator(op).map_err(|e| anyhow::anyhow!("{e:#} (at offset {offset:#x})"))?;
            self.loops += u32::from(is_loop);
        }
        thread_jumps(&mut self.code);
        keep_results_in_acc(&mut self.code, self.temps_base);
        if self.env.tier_up {
            self.route_back_edges();
        }
        // After jump threading, which rewrites branches in place and keeps
        // every instruction's index, so handler ranges and targets hold.
        let handlers = self.finish_handlers();
        let frame_size = u32::try_from(self.temps_base + self.max_cells)
            .map_err(|_| anyhow::anyhow!("function {func_index} needs a frame of more than 2^32 cells"))?;
        let entry_weight = match self.code.first() {
            Some(Instr::TierEntry { weight, .. }) => *weight,
            _ => 0,
        };
        Ok(CompiledFunc {
            entry_weight,
            code: crate::interp::link(&self.code, self.env.tier_up),
            num_params: self.num_params,
            num_locals: self.num_locals,
            frame_init: std::iter::repeat_n(0, (self.num_locals - u32::from(self.num_params)) as usize)
                .chain(self.consts.iter().copied())
                .collect(),
            frame_size,
            handlers,
            windows: std::mem::take(&mut self.windows).into_boxed_slice(),
        })
    }

    // ---- Tier-up counting ----

    /// Adds `weight` operators to the counter `count`, bounded so that a
    /// budget minus a weight never overflows.
    fn add_tier_weight(&mut self, count: TierCount, weight: u32) {
        let total = match count {
            TierCount::Entry => match &mut self.code[0] {
                Instr::TierEntry { weight, .. } => weight,
                other => unreachable!("a function that tiers up starts with `TierEntry`, not {other:?}"),
            },
            TierCount::Loop(k) => &mut self.tier_loops[k].weight,
        };
        *total = total.saturating_add(weight).min(1 << 24);
    }

    /// Fills in the `TierLoop` stub of every back edge (a branch to itself
    /// or backward: in wasm's structured control, only to a loop): the
    /// weight of the loop it repeats, and its `TierLoopHeader`. A back edge
    /// whose stub follows it (`emit_branch_to`) counts with its own handler
    /// (see `link`) and reads the stub only for the weight, so the next
    /// instruction does not wait for a load; where none follows (an entry
    /// of a `br_table`, or a branch threaded through others), the branch is
    /// sent to a stub emitted after the code, one per target, which runs as
    /// an instruction and then continues at the target. Runs on the
    /// finished code, after jump threading, which may aim a back edge past
    /// a loop header's exit test (loop inversion): a frame there is not in
    /// the header's state, so the stub's slow path, which may enter
    /// compiled code, goes to the header and runs that test again (a pure
    /// comparison, the only kind inverted).
    fn route_back_edges(&mut self) {
        // Nested loops may share a header; the innermost is the later one.
        let headers: HashMap<usize, usize> = self.tier_loops.iter().enumerate().map(|(k, l)| (l.header, k)).collect();
        let mut shared: HashMap<usize, usize> = HashMap::new();
        let body = self.code.len();
        let mut table_entries_left = 0;
        for at in 0..body {
            let in_table = table_entries_left > 0;
            table_entries_left = match self.code[at] {
                Instr::BrTable { len, .. } => len as usize + 1,
                _ => table_entries_left.saturating_sub(1),
            };
            let Some(offset) = self.code[at].branch_offset().filter(|&offset| offset <= 0) else { continue };
            let target = (at as isize + offset as isize) as usize;
            let relative = |to: usize, from: usize| (to as isize - from as isize) as BranchOffset;
            let (weight, index, header) = self.loop_arriving_at(&headers, target);
            // (Its own stub is in the body: the shared ones, appended
            // below, follow the body's last instruction.)
            if !in_table && at + 1 < body && matches!(self.code[at + 1], Instr::TierLoop { .. }) {
                self.code[at + 1] = Instr::TierLoop { weight, def: self.def, offset: relative(target, at + 1) };
                self.code[at + 2] = Instr::TierLoopHeader { index, offset: relative(header, at + 2) };
                continue;
            }
            let stub = *shared.entry(target).or_insert_with(|| {
                let stub = self.code.len();
                self.code.push(Instr::TierLoop { weight, def: self.def, offset: relative(target, stub) });
                self.code.push(Instr::TierLoopHeader { index, offset: relative(header, stub + 1) });
                stub
            });
            *self.code[at].branch_offset_mut().expect("a branch") = relative(stub, at);
        }
    }

    /// For back edges to `target`: the weight of the loop they repeat, the
    /// index of the loop a frame there may enter compiled ([`NO_LOOP`] if
    /// none), and where the frame goes to do so (a header, else `target`).
    fn loop_arriving_at(&self, headers: &HashMap<usize, usize>, target: usize) -> (u32, u32, usize) {
        if let Some(&k) = headers.get(&target) {
            return (self.tier_loops[k].weight, self.tier_loops[k].index, target);
        }
        // Past a header whose exit test (or `br`) jump threading skipped.
        if let Some(header) = target.checked_sub(1)
            && let Some(&k) = headers.get(&header)
        {
            let test = self.code[header];
            let rerunnable = matches!(test, Instr::Br { .. }) || test.negated_branch().is_some();
            let loop_ = self.tier_loops[k];
            return if rerunnable { (loop_.weight, loop_.index, header) } else { (loop_.weight, NO_LOOP, target) };
        }
        // Not a shape the translator makes; counted, never entered.
        (1, NO_LOOP, target)
    }

    // ---- Exception handlers ----

    /// Records the handler of a `try_table` starting here, with its catch
    /// clauses resolved against the enclosing labels (a clause's label is
    /// counted from outside the `try_table`). Returns the handler's index.
    fn begin_handler(&mut self, catches: &[wasmparser::Catch]) -> Result<usize> {
        use wasmparser::Catch;
        let handler = self.handlers.len();
        let mut clauses = Vec::with_capacity(catches.len());
        for (i, catch) in catches.iter().enumerate() {
            let (tag, with_ref, label) = match *catch {
                Catch::One { tag, label } => (Some(tag), false, label),
                Catch::OneRef { tag, label } => (Some(tag), true, label),
                Catch::All { label } => (None, false, label),
                Catch::AllRef { label } => (None, true, label),
            };
            let frame = self.control.len() - 1 - label as usize;
            let (height, arity) = match frame {
                0 => (0, self.control[0].results),
                _ => (self.control[frame].height, self.control[frame].branch_arity()),
            };
            // The payload is written to the label's result slots, which must
            // exist in the frame even if no code path fills them otherwise.
            let label_cells = (0..arity).map(|i| 1 + usize::from(self.label_value_is_wide(frame, i))).sum::<usize>();
            let end = self.cell_offset(height) + label_cells;
            self.max_cells = self.max_cells.max(end);
            // The label's window, which the payload's slots are relative to.
            let window = if frame == 0 { self.window_for(label_cells) } else { self.control[frame].window };
            let dst = Slot((self.temps_base + self.cell_offset(height) - window) as u16);
            let mut target = 0;
            if frame == 0 {
                self.return_catches.push((handler, i, arity, label_cells));
            } else {
                let frame = &mut self.control[frame];
                frame.branched_to = true;
                match frame.label.target() {
                    Some(t) => target = t as u32,
                    None => frame.catch_patches.push((handler, i)),
                }
            }
            clauses.push(CatchClause { tag, with_ref, dst, target, window: window as u32 });
        }
        let start = self.code.len() as u32;
        self.handlers.push(Handler { start, end: start, catches: clauses.into_boxed_slice() });
        Ok(handler)
    }

    /// Emits the return stubs of clauses that target the function body and
    /// orders the handlers innermost first.
    fn finish_handlers(&mut self) -> Box<[Handler]> {
        for (handler, clause, arity, cells) in std::mem::take(&mut self.return_catches) {
            let at = self.code.len() as u32;
            let CatchClause { dst: src, window, .. } = self.handlers[handler].catches[clause];
            if window != 0 {
                // The results go down to the frame's base, out of the window.
                let window = window as i32;
                self.code.push(Instr::CopyFar { dst: -window, src: i32::from(src.0), len: cells as u32 });
                self.code.push(Instr::FpShift { delta: -window });
                self.code.push(Instr::Return0);
            } else {
                self.code.push(match (arity, cells) {
                    (0, _) => Instr::Return0,
                    (1, 1) => Instr::Return1 { src },
                    _ => Instr::ReturnSpan { src, len: cells as u16 },
                });
            }
            self.handlers[handler].catches[clause].target = at;
        }
        // A handler nested in another ends no later and starts no earlier;
        // among equal ranges the later-started one is the inner one.
        let mut handlers: Vec<(usize, Handler)> = std::mem::take(&mut self.handlers).into_iter().enumerate().collect();
        handlers.sort_by_key(|(i, h)| (h.end, std::cmp::Reverse(h.start), std::cmp::Reverse(*i)));
        handlers.into_iter().map(|(_, h)| h).collect()
    }

    // ---- The simulated operand stack ----

    /// The offset from `temps_base`, in cells, of the temporary at stack
    /// height `height` (at most the current height).
    fn cell_offset(&self, height: usize) -> usize {
        match self.offsets.get(height) {
            Some(&offset) => offset as usize,
            None => self.top_cells,
        }
    }

    /// The cell, from the frame's base, of the temporary at stack height
    /// `height` (at most the current height): its first cell, for a `v128`.
    fn temp_cell(&self, height: usize) -> usize {
        self.temps_base + self.cell_offset(height)
    }

    /// The slot of the temporary at stack height `height` (at most the
    /// current height), in the window.
    fn temp_slot(&self, height: usize) -> Slot {
        self.slot_of(self.temp_cell(height))
    }

    /// The slot that names `cell` (from the frame's base) in the window.
    fn slot_of(&self, cell: usize) -> Slot {
        debug_assert!(self.in_window(cell), "cell {cell} is outside the window at {}", self.window);
        Slot((cell - self.window) as u16)
    }

    fn in_window(&self, cell: usize) -> bool {
        cell >= self.window && cell - self.window < SLOT_LIMIT
    }

    /// `cell` relative to the window, for `CopyFar`.
    fn relative(&self, cell: usize) -> i32 {
        (cell as i64 - self.window as i64) as i32
    }

    // ---- Large frames (see `ir`, "Large frames") ----

    /// The window for code whose operand stack takes `cells` cells: the base
    /// of the frame while the stack's top and what one operator may push
    /// above it are within reach of a slot (every ordinary function, always);
    /// else a multiple of `WINDOW_STEP` at least `WINDOW_DEPTH` cells below
    /// the top, and not below the first temporary, so that the top stays
    /// between `WINDOW_DEPTH` and `WINDOW_DEPTH + WINDOW_STEP` cells up (or
    /// less) with room above. A function of the stack's cells only, so every
    /// path to a label agrees on it.
    fn window_for(&self, cells: usize) -> usize {
        let top = self.temps_base + cells;
        let fits = match self.env.window_cells {
            None => top + HEADROOM <= SLOT_LIMIT,
            Some(limit) => top + HEADROOM <= SLOT_LIMIT && cells <= limit,
        };
        if fits {
            return 0;
        }
        (top.saturating_sub(WINDOW_DEPTH) / WINDOW_STEP * WINDOW_STEP).max(self.temps_base)
    }

    /// Moves the window to `window`, between operators. Leaving the base,
    /// every lazy read of a local (out of reach from then on) is first
    /// copied into its temporary: no label lies between such a read and
    /// here (blocks start by copying them), so every path through here
    /// makes the copy. Constants stay as they are (see `operand_slot`).
    fn move_window(&mut self, window: usize) {
        if self.window == 0 {
            self.materialize_all_locals();
        }
        self.emit_window_shift(window);
        self.window = window;
    }

    /// Emits the shift from the current window to `window` (nothing if they
    /// are the same), for code that continues in `window`: a branch to a
    /// label of that window. The translator's own window is unchanged.
    fn emit_window_shift(&mut self, window: usize) {
        if window != self.window {
            self.emit(Instr::FpShift { delta: (window as i64 - self.window as i64) as i32 });
        }
    }

    /// A frame for `control` whose label's window follows from the cells
    /// of the stack at the label: a loop's parameters, else the results.
    fn new_frame(
        &self,
        kind: FrameKind,
        height: usize,
        arity @ (params, results, sig): (usize, usize, BlockSig),
        label: Label,
    ) -> ControlFrame {
        let values = if kind == FrameKind::Loop { params } else { results };
        let cells = (0..values).map(|i| 1 + usize::from(self.block_value_is_wide(sig, kind == FrameKind::Loop, i)));
        let window = self.window_for(self.cell_offset(height) + cells.sum::<usize>());
        let mut frame = ControlFrame::new(kind, height, arity, label);
        frame.window = window;
        frame
    }

    /// The window of the label of the frame `depth` levels out.
    fn label_window(&self, depth: usize) -> usize {
        self.control[self.control.len() - 1 - depth].window
    }

    /// Whether the operand at `height` is a `v128` (two cells).
    fn is_wide(&self, height: usize) -> bool {
        self.wides[height]
    }

    /// Whether value `i` carried by a branch to the frame at `frame` (an
    /// index into `control`) is a `v128`.
    fn label_value_is_wide(&self, frame: usize, i: usize) -> bool {
        let frame = &self.control[frame];
        let params = frame.kind == FrameKind::Loop;
        self.block_value_is_wide(frame.sig, params, i)
    }

    /// Whether parameter (`params`) or result `i` of a block of type `sig` is a `v128`.
    fn block_value_is_wide(&self, sig: BlockSig, params: bool, i: usize) -> bool {
        match sig {
            BlockSig::Empty => false,
            BlockSig::Single { wide } => !params && wide,
            BlockSig::Func(index) => {
                let ty = &self.env.types[index as usize];
                let types = if params { ty.param_slice() } else { ty.result_slice() };
                types[i] == crate::types::ValType::V128
            }
        }
    }

    /// Where the operand at `height` lives (a constant gets its slot now).
    /// Where constants have no slots (`consts_usable`), one is written into
    /// the operand's temporary here, right before the instruction that
    /// reads it, and stays a constant on the simulated stack: a constant can
    /// outlive a label that other paths reach without that write.
    fn operand_slot(&mut self, height: usize) -> Slot {
        match self.stack[height] {
            Operand::Local(n) => self.slot_of(n as usize),
            Operand::Const(value) if self.consts_usable() => self.const_slot(value),
            Operand::V128Const(value) if self.consts_usable() => self.const128_slot(value),
            Operand::Const(value) => {
                let cell = self.temp_cell(height);
                self.emit_const(cell, u128::from(value), false);
                self.slot_of(cell)
            }
            Operand::V128Const(value) => {
                let cell = self.temp_cell(height);
                self.emit_const(cell, value, true);
                self.slot_of(cell)
            }
            Operand::Temp => self.temp_slot(height),
        }
    }

    /// Where a branch finds the operand at `height`, without emitting
    /// anything: a cell, or a constant without a slot (`consts_usable`).
    fn operand_source(&mut self, height: usize) -> (usize, Option<u128>) {
        match self.stack[height] {
            Operand::Const(value) if !self.consts_usable() => (self.temp_cell(height), Some(u128::from(value))),
            Operand::V128Const(value) if !self.consts_usable() => (self.temp_cell(height), Some(value)),
            _ => (self.window + usize::from(self.operand_slot(height).0), None),
        }
    }

    /// Pushes a one-cell operand (or a local, of the local's width).
    fn push(&mut self, operand: Operand) -> Result<()> {
        let wide = match operand {
            Operand::Local(n) => self.local_slot_accs[n as usize] == AccKind::V128,
            Operand::V128Const(_) => true,
            Operand::Const(_) | Operand::Temp => false,
        };
        self.push_value(operand, wide)
    }

    /// Whether constants may have constant slots here: in the frame's base
    /// window, in a function whose constants fit the frame.
    fn consts_usable(&self) -> bool {
        self.window == 0 && !self.materialize_consts
    }

    /// Pushes an operand, a `v128` if `wide`. A local out of the window is
    /// copied into its temporary now (it may be written before it is read).
    fn push_value(&mut self, operand: Operand, wide: bool) -> Result<()> {
        let offset = self.top_cells;
        let end = offset + 1 + usize::from(wide);
        let cell = self.temps_base + offset;
        let operand = match operand {
            Operand::Local(n) if self.window != 0 => {
                let (dst, src) = (self.relative(cell), self.relative(n as usize));
                self.emit(Instr::CopyFar { dst, src, len: 1 + u32::from(wide) });
                Operand::Temp
            }
            other => other,
        };
        if let Operand::Local(n) = operand {
            self.local_refs[n as usize] += 1;
            self.lazy_locals += 1;
        }
        self.stack.push(operand);
        self.offsets.push(offset as u32);
        self.wides.push(wide);
        self.top_cells = end;
        self.max_cells = self.max_cells.max(end);
        Ok(())
    }

    /// Pushes the temporaries of values of these types (call or block results).
    fn push_temps(&mut self, types: &[crate::types::ValType]) -> Result<()> {
        for ty in types {
            self.push_value(Operand::Temp, *ty == crate::types::ValType::V128)?;
        }
        Ok(())
    }

    /// Pops the top operand and returns the slot it lives in.
    fn pop(&mut self) -> Slot {
        let height = self.stack.len() - 1;
        let slot = self.operand_slot(height);
        self.pop_operand();
        slot
    }

    fn pop_operand(&mut self) -> Operand {
        let operand = self.stack.pop().expect("validated code never underflows the stack");
        self.wides.pop();
        self.top_cells = self.offsets.pop().map_or(0, |offset| offset as usize);
        if let Operand::Local(n) = operand {
            self.local_refs[n as usize] -= 1;
            self.lazy_locals -= 1;
        }
        operand
    }

    fn truncate_stack(&mut self, height: usize) {
        while self.stack.len() > height {
            self.pop_operand();
        }
    }

    /// Writes constant `value` (a `v128` if `wide`) into `cell` (and the
    /// next) with instructions, where it has no constant slot.
    fn emit_const(&mut self, cell: usize, value: u128, wide: bool) {
        let dst = self.slot_of(cell);
        if wide {
            self.emit(Instr::CopyImm64 { dst, bits: value as u64 });
            self.emit(Instr::CopyImm64 { dst: self.slot_of(cell + 1), bits: (value >> 64) as u64 });
        } else if let Ok(bits) = u32::try_from(value) {
            self.emit(Instr::CopyImm32 { dst, bits });
        } else {
            self.emit(Instr::CopyImm64 { dst, bits: value as u64 });
        }
    }

    /// The slot holding constant bits `value`, allocating it on first use.
    /// Only where `consts_usable`: the frame reserves a slot for every
    /// constant the body can ask for (`constant_reserve`).
    fn const_slot(&mut self, value: u64) -> Slot {
        if let Some(slot) = self.const_slots.get(&value) {
            return *slot;
        }
        debug_assert!(self.consts_usable() && self.consts.len() < self.const_reserve);
        let slot = self.slot_of(self.consts_base + self.consts.len());
        self.consts.push(value);
        self.const_slots.insert(value, slot);
        slot
    }

    /// The first of the two consecutive slots holding `v128` constant
    /// `value`, allocating them on first use.
    fn const128_slot(&mut self, value: u128) -> Slot {
        if let Some(slot) = self.const128_slots.get(&value) {
            return *slot;
        }
        debug_assert!(self.consts_usable() && self.consts.len() + 1 < self.const_reserve);
        let slot = self.slot_of(self.consts_base + self.consts.len());
        self.consts.push(value as u64);
        self.consts.push((value >> 64) as u64);
        self.const128_slots.insert(value, slot);
        slot
    }

    fn push_const(&mut self, value: u64) -> Result<()> {
        self.push(Operand::Const(value))
    }

    /// A copy of one value: a cell, or the two of a `v128`.
    fn copy_instr(dst: Slot, src: Slot, wide: bool) -> Instr {
        if wide { Instr::Copy128 { dst, src } } else { Instr::Copy { dst, src } }
    }

    /// `dst = src` for a `src` about to be popped from the top of the stack:
    /// a constant that fits is copied as an immediate.
    fn copy_top_to(&mut self, dst: Slot) {
        match self.stack[self.stack.len() - 1] {
            Operand::Const(value) if let Ok(bits) = u32::try_from(value) => {
                self.pop_operand();
                self.emit(Instr::CopyImm32 { dst, bits });
            }
            _ => {
                let wide = self.is_wide(self.stack.len() - 1);
                let src = self.pop();
                self.emit(Self::copy_instr(dst, src, wide));
            }
        }
    }

    /// Makes the operand at `height` live in its temporary slot.
    fn materialize(&mut self, height: usize) {
        if let Operand::Const(value) = self.stack[height]
            && let Ok(bits) = u32::try_from(value)
        {
            self.emit(Instr::CopyImm32 { dst: self.temp_slot(height), bits });
            self.stack[height] = Operand::Temp;
            return;
        }
        if let Operand::Const(_) | Operand::V128Const(_) = self.stack[height]
            && !self.consts_usable()
        {
            // `operand_slot` writes it into the temporary.
            self.operand_slot(height);
            self.stack[height] = Operand::Temp;
            return;
        }
        let src = match self.stack[height] {
            Operand::Temp => return,
            Operand::Local(n) => {
                self.local_refs[n as usize] -= 1;
                self.lazy_locals -= 1;
                self.slot_of(n as usize)
            }
            Operand::Const(value) => self.const_slot(value),
            Operand::V128Const(value) => self.const128_slot(value),
        };
        let dst = self.temp_slot(height);
        self.emit(Self::copy_instr(dst, src, self.is_wide(height)));
        self.stack[height] = Operand::Temp;
    }

    /// Copies every lazy read of local `n` on the stack to its temporary slot,
    /// before local `n` is overwritten.
    fn materialize_local(&mut self, n: u32) {
        if self.local_refs[n as usize] == 0 {
            return;
        }
        for height in 0..self.stack.len() {
            if self.stack[height] == Operand::Local(n) {
                self.materialize(height);
            }
        }
    }

    /// Copies every lazy local read on the stack to its temporary slot. Done at
    /// block entries: a local written inside the block could otherwise force
    /// a copy on one control path only.
    fn materialize_all_locals(&mut self) {
        if self.lazy_locals == 0 {
            return;
        }
        for height in 0..self.stack.len() {
            if matches!(self.stack[height], Operand::Local(_)) {
                self.materialize(height);
            }
        }
    }

    /// Makes the top `n` operands live in their temporary slots.
    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for height in len - n..len {
            self.materialize(height);
        }
    }

    // ---- Emitting code ----

    fn emit(&mut self, instr: Instr) -> usize {
        self.last_result = None;
        // Where unwinding may find this frame, it must know the window.
        if self.window != 0
            && let Instr::Call { .. }
            | Instr::CallInternal { .. }
            | Instr::CallIndirect { .. }
            | Instr::CallIndirectSig { .. }
            | Instr::CallRef { .. }
            | Instr::Throw { .. }
            | Instr::ThrowRef { .. } = instr
        {
            self.windows.push((self.code.len() as u32, self.window as u32));
        }
        // Two copies in a row are one instruction, unless a branch targets
        // the second.
        if let Instr::Copy { dst: b, src: src_b } = instr
            && self.last_target < self.code.len()
            && let Some(&Instr::Copy { dst: a, src: src_a }) = self.code.last()
        {
            let at = self.code.len() - 1;
            self.code[at] = Instr::Copy2 { a, src_a, b, src_b };
            return at;
        }
        self.code.push(instr);
        self.code.len() - 1
    }

    /// Fuses the last two instructions when both add a small constant to a
    /// slot in place (pointer and counter steps, often at the end of a loop
    /// body), unless a branch targets the second. The second sum stays
    /// fresh if it was (`I32AddImm2` leaves it in the accumulator), so a
    /// load through a pointer stepped by `local.tee` still reads its
    /// address from there.
    fn fuse_steps(&mut self) {
        let len = self.code.len();
        if len < 2 || self.last_target >= len - 1 {
            return;
        }
        let [.., Instr::I32AddImm(x), Instr::I32AddImm(y)] = self.code[..] else { return };
        let (Ok(imm_a), Ok(imm_b)) = (i16::try_from(x.imm), i16::try_from(y.imm)) else { return };
        if x.dst != x.lhs || y.dst != y.lhs {
            return;
        }
        let fresh = self.fresh_result() == Some(y.dst);
        self.code.pop();
        self.code[len - 2] = Instr::I32AddImm2 { a: x.dst, imm_a, b: y.dst, imm_b };
        self.last_result = fresh.then_some(len - 2);
    }

    /// Emits an instruction that writes a new top operand into `dst`, which
    /// must be the temporary slot of the next stack height.
    fn emit_result(&mut self, instr: Instr) -> Result<()> {
        self.push(Operand::Temp)?;
        self.code.push(instr);
        self.last_result = Some(self.code.len() - 1);
        Ok(())
    }

    /// Emits an instruction that writes a new `v128` top operand into `dst`,
    /// the next temporary.
    fn emit_result_wide(&mut self, instr: Instr) -> Result<()> {
        self.push_value(Operand::Temp, true)?;
        self.code.push(instr);
        self.last_result = Some(self.code.len() - 1);
        Ok(())
    }

    /// Whether `slot` is an operand-stack temporary (not a local or a constant).
    fn is_temp(&self, slot: Slot) -> bool {
        self.window != 0 || usize::from(slot.0) >= self.temps_base
    }

    /// The temporary slot the next pushed operand will use.
    fn next_temp(&self) -> Slot {
        self.temp_slot(self.stack.len())
    }

    fn binary(&mut self, make: fn(BinOp) -> Instr) -> Result<()> {
        if self.binary_with_imm(make)? {
            return Ok(());
        }
        let mut rhs = self.pop();
        let mut lhs = self.pop();
        let dst = self.next_temp();
        if self.fresh_result() == Some(rhs) && lhs != rhs && is_commutative(&make(BinOp { dst, lhs, rhs })) {
            (lhs, rhs) = (rhs, lhs);
        }
        let instr = self.with_acc_operand(make(BinOp { dst, lhs, rhs }), Some(lhs));
        if let Instr::I32XorAcc(xor) = instr
            && self.is_temp(lhs)
            && let Some((fused, replaced)) = self.xorshift(xor)
        {
            // The shift that computed `lhs` goes (with the multiply before
            // it, for `I32MulXorShrUAccImm`).
            self.code.truncate(self.code.len() - replaced);
            return self.emit_result(fused);
        }
        // A left operand that the previous instruction loaded into a
        // temporary read by nothing else: the operator loads it itself.
        // (An `…Acc` form, which this needs, means that instruction wrote
        // `lhs`.)
        if self.is_temp(lhs)
            && rhs != lhs
            && let Some(fused) = self.code.last().and_then(|load| instr.with_loaded_operand(load))
        {
            self.code.pop();
            return self.emit_result(fused);
        }
        self.emit_result(instr)
    }

    /// `(x >> k) ^ y` or `rotl(x, k) ^ y` as one instruction, for an
    /// `i32.xor` (`xor`, whose left operand the accumulator holds) of a
    /// right shift or rotation by a constant, just computed into a
    /// temporary, with any slot (`x` itself in a xorshift, `h ^= h >> 16`),
    /// and how many instructions at the end of the code it replaces.
    /// The shifted value is in a slot (`I32ShrUImm`, `I32RotlImm`,
    /// `I32RotrImm` as the rotation left that it is), or for a shift in the
    /// accumulator (`I32ShrUAccImm` of what the instruction before it
    /// computed; without the shift between them, that value reaches the
    /// fused instruction in the accumulator). When that instruction is a
    /// multiply by a constant whose product is `y` (a hash finalizer's two
    /// steps, `h *= k; h ^= h >> 13`), it goes too: `I32MulXorShrUAccImm`
    /// still writes the product to `y`.
    fn xorshift(&self, xor: AccBinOp) -> Option<(Instr, usize)> {
        let (dst, rhs) = (xor.dst, xor.rhs);
        match self.code[..] {
            [.., Instr::I32ShrUImm(shift)] => {
                Some((Instr::I32XorShrUImm { dst, src: shift.lhs, rhs, imm: shift.imm }, 1))
            }
            [.., Instr::I32RotlImm(rotation)] => {
                Some((Instr::I32XorRotlImm { dst, src: rotation.lhs, rhs, imm: rotation.imm }, 1))
            }
            [.., Instr::I32RotrImm(rotation)] => {
                let imm = (32 - (rotation.imm & 31)) & 31;
                Some((Instr::I32XorRotlImm { dst, src: rotation.lhs, rhs, imm }, 1))
            }
            [.., Instr::I32MulAccImm(mul), Instr::I32ShrUAccImm(shift)]
                if self.last_target + 1 < self.code.len() && mul.dst == rhs && rhs != Slot::ACC =>
            {
                let shift = (shift.imm & 31) as u8;
                Some((Instr::I32MulXorShrUAccImm { dst, rhs, mul: mul.imm, shift }, 2))
            }
            [.., _, Instr::I32ShrUAccImm(shift)] if self.last_target + 1 < self.code.len() => {
                Some((Instr::I32XorShrUAccImm { dst, rhs, imm: shift.imm }, 1))
            }
            _ => None,
        }
    }

    /// Emits the operator with its constant operand as an immediate, if it
    /// has such a form and one of the top two operands is a constant that
    /// fits it (the left one only for commutative operators). Returns
    /// whether it did.
    fn binary_with_imm(&mut self, make: fn(BinOp) -> Instr) -> Result<bool> {
        let len = self.stack.len();
        let probe = make(BinOp { dst: Slot(0), lhs: Slot(0), rhs: Slot(0) });
        let fits = |operand: Operand| match operand {
            Operand::Const(value) if probe.with_imm_rhs(value).is_some() => Some(value),
            _ => None,
        };
        let (value, lhs) = if let Some(value) = fits(self.stack[len - 1]) {
            self.pop_operand();
            (value, self.pop())
        } else if let Some(value) = fits(self.stack[len - 2]).filter(|_| is_commutative(&probe)) {
            let lhs = self.pop();
            self.pop_operand();
            (value, lhs)
        } else {
            return Ok(false);
        };
        let dst = self.next_temp();
        let instr = self.with_acc_operand(make(BinOp { dst, lhs, rhs: Slot(0) }), Some(lhs));
        let instr = instr.with_imm_rhs(value).expect("the operator's accumulator form takes the same immediates");
        // A sum of a product just computed into a temporary only this add
        // reads (`with_acc_operand` made it `I32AddAccImm`): one instruction.
        if let Instr::I32AddAccImm(add) = instr
            && self.is_temp(lhs)
            && let Some(&Instr::I32MulImm(mul)) = self.code.last()
            && mul.dst == lhs
        {
            self.code.pop();
            let fused = Instr::I32MulAddImm { dst: add.dst, lhs: mul.lhs, mul: mul.imm, add: add.imm };
            self.emit_result(fused)?;
            return Ok(true);
        }
        self.emit_result(instr)?;
        Ok(true)
    }

    /// The slot just written by the last instruction (a temporary, or a local
    /// its result was redirected to), if that instruction leaves its result
    /// in the accumulator and nothing can run between it and the next
    /// instruction (no label was pinned since).
    fn fresh_result(&self) -> Option<Slot> {
        self.fresh_in(Instr::sets_acc)
    }

    /// The slot just written by the last instruction, if `leaves_in_acc`
    /// says that instruction also leaves its result in the accumulator of
    /// interest and nothing can run between it and the next instruction.
    fn fresh_in(&self, leaves_in_acc: fn(&Instr) -> bool) -> Option<Slot> {
        let at = self.last_result.filter(|&at| at + 1 == self.code.len())?;
        let mut last = self.code[at];
        if !leaves_in_acc(&last) {
            return None;
        }
        last.result_slot_mut().map(|slot| *slot)
    }

    /// `instr` reading its left operand (or address) `operand` from the
    /// accumulator, when `operand` is the result the previous instruction just
    /// computed: the value then flows through a register, not memory.
    fn with_acc_operand(&mut self, instr: Instr, operand: Option<Slot>) -> Instr {
        match operand {
            Some(slot) if self.fresh_result() == Some(slot) => instr.with_acc_operand().unwrap_or(instr),
            _ => instr,
        }
    }

    fn unary(&mut self, make: fn(UnOp) -> Instr) -> Result<()> {
        let src = self.pop();
        let dst = self.next_temp();
        let instr = self.with_acc_operand(make(UnOp { dst, src }), Some(src));
        self.emit_result(instr)
    }

    /// Whether memory `memory` is the one the `I32Load` and `V128Load`
    /// families and `MemoryFill`/`Copy`/`Init` serve: memory 0, with 32-bit
    /// addresses.
    fn is_default_memory(&self, memory: u32) -> bool {
        memory == 0 && self.env.memories.first().is_some_and(|m| !m.is_64())
    }

    fn load(&mut self, memarg: &MemArg, make: fn(Load) -> Instr, kind: LoadKind) -> Result<()> {
        let memory = memarg_memory(memarg)?;
        if !self.is_default_memory(memory) {
            return self.load_mem(memory, memarg.offset, kind);
        }
        // A 32-bit memory's offsets are below 2^32 (validation checks).
        let offset = u32::try_from(memarg.offset).context("memory offset too large for a 32-bit memory")?;
        let addr = self.pop();
        let dst = self.next_temp();
        let load = make(Load { dst, addr, offset });
        if let Some((base, index, shift, dropped)) = self.scaled_address(addr)
            && load.with_scaled_address(Slot(0), index, shift).is_some()
            && (matches!(base, AddressBase::Slot(_)) || self.consts_usable())
        {
            let base = match base {
                AddressBase::Slot(slot) => slot,
                AddressBase::Const(value) => self.const_slot(value),
            };
            let scaled = load.with_scaled_address(base, index, shift).expect("checked above");
            // The `i32.shl` and `i32.add` that computed the address go.
            self.code.truncate(self.code.len() - dropped);
            return self.emit_result(scaled);
        }
        if self.fresh_result() == Some(addr)
            && self.is_temp(addr)
            && let Some(&Instr::I32AddImm(add)) = self.code.last()
            && let Some(fused) = load.with_add_imm_address(add.lhs, add.imm)
        {
            // The `i32.add` that computed the address into a temporary goes.
            self.code.pop();
            return self.emit_result(fused);
        }
        // An index shifted into a temporary only this load reads, from the
        // value the instruction before left in the accumulator: the load
        // shifts it itself (a table at a static address, `table[i & 0xff]`).
        if let Instr::I32Load(_) = load
            && self.fresh_result() == Some(addr)
            && self.is_temp(addr)
            && let Some(&Instr::I32ShlAccImm(shl)) = self.code.last()
        {
            self.code.pop();
            return self.emit_result(Instr::I32LoadShlAcc { dst, shift: (shl.imm & 31) as u8, offset });
        }
        // A pointer just stepped in place (`local.tee`) right after another
        // step: both steps are one instruction, which leaves the pointer in
        // the accumulator for the load.
        if self.fresh_result() == Some(addr) && !self.is_temp(addr) {
            self.fuse_steps();
        }
        let instr = self.with_acc_operand(load, Some(addr));
        // A byte load right after another, with nothing between them (no
        // label): both in one instruction, in the same order.
        if let Instr::I32Load8U(second) = instr
            && let Some(&Instr::I32Load8U(first)) = self.code.last()
            && self.fresh_result() == Some(first.dst)
            && let (Ok(offset_a), Ok(offset_b)) = (u16::try_from(first.offset), u16::try_from(second.offset))
        {
            self.code.pop();
            let (a, addr_a, b, addr_b) = (first.dst, first.addr, second.dst, second.addr);
            return self.emit_result(Instr::I32Load8U2 { a, addr_a, b, addr_b, offset_a, offset_b });
        }
        self.emit_result(instr)
    }

    /// `(base, index, shift, n)` when the address in `addr` was just
    /// computed as `base + (index << shift)` by the last `n` instructions,
    /// all writing temporaries only, so that the load can do that
    /// arithmetic itself and they need not run:
    ///
    /// - an `i32.shl` by a constant feeding an `i32.add` through the
    ///   accumulator (how compilers index arrays); the base is a slot, or a
    ///   constant (a static array's address);
    /// - the same, with the shift taking its operand from the accumulator:
    ///   the index is then the slot of the instruction before it, which
    ///   stays (`hash & mask` scaled and added to the table's address);
    /// - a plain `i32.add` of two slots, or of a slot and the accumulator
    ///   (the index is the slot of the instruction that left it there):
    ///   `base + i` for a byte array, shift 0.
    fn scaled_address(&self, addr: Slot) -> Option<(AddressBase, Slot, u8, usize)> {
        if self.fresh_result() != Some(addr) || !self.is_temp(addr) {
            return None;
        }
        // The result slot of the instruction `back` places before the end,
        // whose result the next one read from the accumulator.
        let producer = |back: usize| -> Option<Slot> {
            let mut instr = *self.code.len().checked_sub(back).and_then(|at| self.code.get(at))?;
            if !instr.sets_acc() {
                return None;
            }
            instr.result_slot_mut().copied()
        };
        let (index, shift, base, dropped) = match self.code[..] {
            [.., Instr::I32ShlImm(shl), Instr::I32AddAcc(add)] => {
                // If the add's other operand is the shift's own result, the
                // fused load would read that slot without the shift having
                // written it.
                if add.rhs == shl.dst || !self.is_temp(shl.dst) {
                    return None;
                }
                (shl.lhs, shl.imm, AddressBase::Slot(add.rhs), 2)
            }
            [.., Instr::I32ShlImm(shl), Instr::I32AddAccImm(add)] => {
                if !self.is_temp(shl.dst) {
                    return None;
                }
                (shl.lhs, shl.imm, AddressBase::Const(u64::from(add.imm as u32)), 2)
            }
            [.., _, Instr::I32ShlAccImm(shl), Instr::I32AddAcc(add)] => {
                let index = producer(3)?;
                // As above; and the base must not be the index's slot, which
                // the shift may have overwritten in place.
                if add.rhs == shl.dst || add.rhs == index || !self.is_temp(shl.dst) {
                    return None;
                }
                (index, shl.imm, AddressBase::Slot(add.rhs), 2)
            }
            [.., Instr::I32Add(add)] => (add.rhs, 0, AddressBase::Slot(add.lhs), 1),
            [.., _, Instr::I32AddAcc(add)] => (producer(2)?, 0, AddressBase::Slot(add.rhs), 1),
            _ => return None,
        };
        Some((base, index, (shift & 31) as u8, dropped))
    }

    fn store(&mut self, memarg: &MemArg, make: fn(Store) -> Instr, kind: StoreKind) -> Result<()> {
        let memory = memarg_memory(memarg)?;
        if !self.is_default_memory(memory) {
            return self.store_mem(memory, memarg.offset, kind);
        }
        let offset = u32::try_from(memarg.offset).context("memory offset too large for a 32-bit memory")?;
        let value = self.pop();
        let addr = self.pop();
        // A value the previous instruction computed into a temporary that
        // only this store reads: that instruction stores it itself.
        // (If it loaded its left operand from where the store goes, `a[i]
        // op= x`, the operator loads and stores.)
        if self.is_temp(value)
            && self.fresh_result() == Some(value)
            && let Some(fused) = self.code.last().and_then(|last| {
                last.with_result_stored_back(kind.width(), addr, offset)
                    .or_else(|| last.with_stored_result(kind.width(), addr, offset))
            })
        {
            self.code.pop();
            self.emit(fused);
            return Ok(());
        }
        // An address that an `i32.add` of a constant just computed into a
        // temporary only this store reads (`a[j + 1] = v`; the value came
        // from a local or a constant, since nothing ran after the add):
        // the store adds it itself.
        if offset == 0
            && self.is_temp(addr)
            && self.fresh_result() == Some(addr)
            && let Some(&Instr::I32AddImm(add)) = self.code.last()
        {
            let (base, imm) = (add.lhs, add.imm);
            self.code.pop();
            self.emit(match kind {
                StoreKind::B8 => Instr::Store8AddImm { base, value, imm },
                StoreKind::B16 => Instr::Store16AddImm { base, value, imm },
                StoreKind::B32 => Instr::Store32AddImm { base, value, imm },
                StoreKind::B64 => Instr::Store64AddImm { base, value, imm },
            });
            return Ok(());
        }
        self.emit(make(Store { addr, value, offset }));
        Ok(())
    }

    /// A load from a memory other than a 32-bit memory 0 (`LoadMem`).
    fn load_mem(&mut self, memory: u32, offset: u64, kind: LoadKind) -> Result<()> {
        let memory = memory_operand(memory)?;
        let addr = self.pop();
        let (addr, offset) = self.split_offset(addr, offset);
        let dst = self.next_temp();
        self.emit_result(Instr::LoadMem { dst, addr, memory, kind, offset })
    }

    /// A store to a memory other than a 32-bit memory 0 (`StoreMem`).
    fn store_mem(&mut self, memory: u32, offset: u64, kind: StoreKind) -> Result<()> {
        let memory = memory_operand(memory)?;
        let value = self.pop();
        let addr = self.pop();
        let (addr, offset) = self.split_offset(addr, offset);
        self.emit(Instr::StoreMem { addr, value, memory, kind, offset });
        Ok(())
    }

    /// The address slot and 32-bit static offset of an access whose
    /// address operand (just popped) is in `addr`: the high half of a
    /// larger offset is added first, with an overflow check
    /// (`AddrAddOffset`), into the popped operand's temporary, which no live
    /// operand uses.
    fn split_offset(&mut self, addr: Slot, offset: u64) -> (Slot, u32) {
        let (high, low) = ((offset >> 32) as u32, offset as u32);
        if high == 0 {
            return (addr, low);
        }
        let dst = self.temp_slot(self.stack.len());
        self.emit(Instr::AddrAddOffset { dst, addr, high });
        (dst, low)
    }

    /// The current position as a branch target.
    fn pin_label_here(&mut self, depth: usize) {
        let target = self.code.len();
        let frame = self.control.len() - 1 - depth;
        let patches = self.control[frame].label.pin(target);
        for at in patches {
            self.patch_branch(at, target);
        }
        for (handler, clause) in std::mem::take(&mut self.control[frame].catch_patches) {
            let catches = &mut self.handlers[handler].catches;
            catches[clause].target = target as u32;
        }
        self.last_result = None;
    }

    fn patch_branch(&mut self, at: usize, target: usize) {
        self.last_target = self.last_target.max(target);
        let offset = target as BranchOffset - at as BranchOffset;
        match self.code[at].branch_offset_mut() {
            Some(o) => *o = offset,
            None => unreachable!("patching a non-branch {:?}", self.code[at]),
        }
    }

    /// A conditional branch (offset 0) taken when the i32 in `cond` is
    /// non-zero (`when`) or zero (`!when`). If `cond` was just computed by a
    /// comparison, or by `i32.eqz`, into a temporary, the two fuse into one
    /// instruction. A result that `local.set`/`local.tee` redirected into a
    /// local must still be written, so its producer stays; the branch then
    /// tests the accumulator (or, after an `i32.load` or `i32.sub`, that
    /// instruction both writes and tests).
    fn cond_branch(&mut self, cond: Slot, when: bool) -> Instr {
        if self.fresh_result() == Some(cond) {
            let last = self.code[self.code.len() - 1];
            // An `i32.load` or `i32.sub` whose value is tested branches
            // itself (and still writes its slot, which a local may be).
            if let Some(fused) = last.with_branch_on_result(when) {
                self.code.pop();
                self.last_result = None;
                return fused;
            }
            if !self.is_temp(cond) {
                return if when { Instr::BrIfNezAcc { offset: 0 } } else { Instr::BrIfEqzAcc { offset: 0 } };
            }
            // A test against a constant mask fuses with its mask in a slot.
            let last = match last {
                _ if !self.consts_usable() => last,
                Instr::I32AndImm(op) => {
                    Instr::I32And(BinOp { dst: op.dst, lhs: op.lhs, rhs: self.const_slot(u64::from(op.imm as u32)) })
                }
                Instr::I32AndAccImm(op) => {
                    Instr::I32AndAcc(AccBinOp { dst: op.dst, rhs: self.const_slot(u64::from(op.imm as u32)) })
                }
                other => other,
            };
            if let Some(fused) = last.fuse_with_branch(when) {
                self.code.pop();
                self.last_result = None;
                return fused;
            }
            if let Instr::I32Eqz(op) = last {
                self.code.pop();
                self.last_result = None;
                return self.cond_branch(op.src, !when);
            }
            if let Instr::I32EqzAcc(_) = last {
                // Its operand is the result of the instruction before, which
                // ran right before it: drop the `eqz` and branch on that
                // result with the sense flipped (fusing a comparison too, if
                // it is one).
                let mut producer = self.code[self.code.len() - 2];
                if let Some(&mut operand) = producer.result_slot_mut() {
                    self.code.pop();
                    self.last_result = Some(self.code.len() - 1);
                    return self.cond_branch(operand, !when);
                }
            }
            // The condition was just computed: test it in the accumulator.
            return if when { Instr::BrIfNezAcc { offset: 0 } } else { Instr::BrIfEqzAcc { offset: 0 } };
        }
        if when { Instr::BrIfNez { cond, offset: 0 } } else { Instr::BrIfEqz { cond, offset: 0 } }
    }

    /// Emits `instr` (a branch with offset 0) aimed at the label of the frame
    /// `depth` levels out. Under tier-up, a back edge (a branch to a loop,
    /// whose label is already pinned) gets the two slots of its `TierLoop`
    /// stub right after it (see `route_back_edges`).
    fn emit_branch_to(&mut self, depth: usize, instr: Instr) {
        let at = self.emit(instr);
        if self.aim_at_label(depth, at) && self.env.tier_up {
            self.code.push(Instr::TierLoop { weight: 0, def: self.def, offset: 0 });
            self.code.push(Instr::TierLoopHeader { index: NO_LOOP, offset: 0 });
        }
    }

    /// Aims the branch at `at`, the last instruction, at the label of the
    /// frame `depth` levels out: whether that is a back edge.
    fn aim_at_label(&mut self, depth: usize, at: usize) -> bool {
        let frame = self.control.len() - 1 - depth;
        match self.control[frame].label.target() {
            Some(target) => {
                self.patch_branch(at, target);
                self.fuse_step_and_branch(at);
                true
            }
            None => {
                self.control[frame].label.add_patch(at);
                self.control[frame].branched_to = true;
                false
            }
        }
    }

    /// Fuses the branch at `at`, the last instruction, whose target is
    /// already known, with the `i32.add` of a constant right before it, when
    /// the branch tests that sum (see `fused_step`): the step and test
    /// of a counted loop become one instruction. Nothing may branch to `at`
    /// itself, or that path would skip the add.
    fn fuse_step_and_branch(&mut self, at: usize) {
        if at == 0 || self.last_target >= at {
            return;
        }
        let Some(mut fused) = fused_step(self.code[at - 1], self.code[at]) else { return };
        // The fused instruction sits one earlier: offsets grow by one.
        *fused.branch_offset_mut().expect("a branch") += 1;
        self.code.pop();
        self.code[at - 1] = fused;
    }

    /// The copies that move the values a branch to frame `depth` carries into
    /// the frame's result (or, for loops, parameter) slots.
    fn branch_copies(&mut self, depth: usize) -> Vec<ValueCopy> {
        let frame = &self.control[self.control.len() - 1 - depth];
        let (arity, height) = (frame.branch_arity(), frame.height);
        self.copies_of_top_to(arity, height)
    }

    /// The copies that move the top `n` operands to the temporaries from
    /// stack height `height` on.
    fn copies_of_top_to(&mut self, n: usize, height: usize) -> Vec<ValueCopy> {
        let top = self.stack.len() - n;
        let mut dst = self.temp_cell(height);
        let mut copies = Vec::new();
        for i in 0..n {
            let (src, imm) = self.operand_source(top + i);
            let wide = self.is_wide(top + i);
            if src != dst || imm.is_some() {
                copies.push(ValueCopy { dst, src, wide, imm });
            }
            dst += 1 + usize::from(wide);
        }
        copies
    }

    /// Emits copies in order. Destinations lie at or below their sources'
    /// cells, so copying upward never clobbers a later source. A copy to a
    /// label's cells out of the window (in a large frame) is a `CopyFar`.
    fn emit_copies(&mut self, copies: &[ValueCopy]) {
        let mut i = 0;
        while i < copies.len() {
            let ValueCopy { dst, src, wide, imm } = copies[i];
            if let Some(value) = imm {
                // A constant without a slot: written where it goes, or, if
                // that is out of the window, into its own temporary first
                // (no earlier copy's destination, no later one's source).
                if self.in_window(dst) && self.in_window(dst + usize::from(wide)) {
                    self.emit_const(dst, value, wide);
                    i += 1;
                    continue;
                }
                self.emit_const(src, value, wide);
            }
            // Merge runs of copies of consecutive cells into one span.
            let mut cells = 1 + usize::from(wide);
            let mut len = 1;
            while i + len < copies.len()
                && copies[i + len].imm.is_none()
                && copies[i + len].dst == dst + cells
                && copies[i + len].src == src + cells
            {
                cells += 1 + usize::from(copies[i + len].wide);
                len += 1;
            }
            if !self.in_window(dst) || !self.in_window(dst + cells - 1) {
                let (dst, src) = (self.relative(dst), self.relative(src));
                self.emit(Instr::CopyFar { dst, src, len: cells as u32 });
            } else {
                let (dst, src) = (self.slot_of(dst), self.slot_of(src));
                match cells {
                    1 => self.emit(Instr::Copy { dst, src }),
                    2 if wide => self.emit(Instr::Copy128 { dst, src }),
                    _ => self.emit(Instr::CopySpan { dst, src, len: cells as u16 }),
                };
            }
            i += len;
        }
    }

    /// An unconditional branch to frame `depth`, carrying its values.
    fn branch(&mut self, depth: usize) {
        if depth == self.control.len() - 1 {
            self.emit_return();
            return;
        }
        let copies = self.branch_copies(depth);
        self.emit_copies_and_branch(depth, &copies);
    }

    /// The code of a branch to the frame `depth` levels out, after whatever
    /// decided to take it: its values' copies, the label's window, the jump.
    fn emit_copies_and_branch(&mut self, depth: usize, copies: &[ValueCopy]) {
        self.emit_copies(copies);
        self.emit_window_shift(self.label_window(depth));
        self.emit_branch_to(depth, Instr::Br { offset: 0 });
    }

    /// Whether a branch to the frame `depth` levels out needs code of its
    /// own before it jumps: values to move, or a window to shift.
    fn branch_needs_stub(&mut self, depth: usize) -> bool {
        depth == self.control.len() - 1
            || self.label_window(depth) != self.window
            || !self.branch_copies(depth).is_empty()
    }

    fn emit_return(&mut self) {
        let arity = self.control[0].results;
        if self.window != 0 {
            // Out of the base's window: the results go down to the frame's
            // base (every operand is a temporary here), then the window.
            let top = self.stack.len() - arity;
            let cells = self.top_cells - self.cell_offset(top);
            for height in top..self.stack.len() {
                // Constants into their temporaries (every other operand is one).
                self.operand_slot(height);
            }
            if cells > 0 {
                let src = self.relative(self.temp_cell(top));
                self.emit(Instr::CopyFar { dst: self.relative(0), src, len: cells as u32 });
            }
            self.emit(Instr::FpShift { delta: self.relative(0) });
            self.emit(Instr::Return0);
            return;
        }
        match arity {
            0 => {
                self.emit(Instr::Return0);
            }
            1 if !self.is_wide(self.stack.len() - 1) => {
                let src = self.operand_slot(self.stack.len() - 1);
                self.emit(Instr::Return1 { src });
            }
            1 => {
                let src = self.operand_slot(self.stack.len() - 1);
                self.emit(Instr::ReturnSpan { src, len: 2 });
            }
            n => {
                // Gather the results in their temporaries without changing
                // the simulated stack: a `br_table` may emit further stubs
                // from the same stack state.
                let top = self.stack.len() - n;
                for height in top..self.stack.len() {
                    let (src, dst) = (self.operand_slot(height), self.temp_slot(height));
                    if src != dst {
                        self.emit(Self::copy_instr(dst, src, self.is_wide(height)));
                    }
                }
                let cells = self.top_cells - self.cell_offset(top);
                self.emit(Instr::ReturnSpan { src: self.temp_slot(top), len: cells as u16 });
            }
        }
    }

    /// Places the top `params` operands, a tail call's arguments, in
    /// consecutive temporaries and returns the first one's slot. The frame
    /// keeps room for `results` cells there too: a host callee writes its
    /// results over its arguments before they move to the frame base.
    ///
    /// `callee`, the slot of a callee operand already popped (a table index,
    /// a function reference), comes back as where the call finds it: out of
    /// the base's window (in a large frame) the arguments and it move down
    /// to the frame's base and the window goes back there first.
    fn tail_call_arguments(&mut self, ty: &FuncType, callee: Option<Slot>) -> (Slot, Option<Slot>) {
        let params = ty.param_slice().len();
        self.materialize_top(params);
        let height = self.stack.len() - params;
        let needed = self.cell_offset(height) + ty.param_cells().max(ty.result_cells());
        self.truncate_stack(height);
        self.max_cells = self.max_cells.max(needed);
        if self.window == 0 {
            return (self.temp_slot(height), callee);
        }
        let cells = ty.param_cells();
        if cells > 0 {
            let src = self.relative(self.temp_cell(height));
            self.emit(Instr::CopyFar { dst: self.relative(0), src, len: cells as u32 });
        }
        let callee = callee.map(|slot| {
            self.emit(Instr::CopyFar { dst: self.relative(cells), src: i32::from(slot.0), len: 1 });
            Slot(cells as u16)
        });
        self.emit(Instr::FpShift { delta: self.relative(0) });
        (Slot(0), callee)
    }

    /// `br_on_null` (`on_null`) or `br_on_non_null` to the frame `depth`
    /// levels out, testing the reference in `cond`: the branch carries the
    /// top operands the target expects, as `br_if` does.
    fn branch_on_ref(&mut self, depth: usize, cond: Slot, on_null: bool) {
        let (taken, not_taken) = if on_null {
            (Instr::BrIfNull { cond, offset: 0 }, Instr::BrIfNonNull { cond, offset: 0 })
        } else {
            (Instr::BrIfNonNull { cond, offset: 0 }, Instr::BrIfNull { cond, offset: 0 })
        };
        if !self.branch_needs_stub(depth) {
            self.emit_branch_to(depth, taken);
            return;
        }
        let skip = self.emit(not_taken);
        if depth == self.control.len() - 1 {
            self.emit_return();
        } else {
            let copies = self.branch_copies(depth);
            self.emit_copies_and_branch(depth, &copies);
        }
        let here = self.code.len();
        self.patch_branch(skip, here);
        self.last_result = None;
    }

    /// A block type's parameter and result counts, and its signature.
    fn block_arity(&self, ty: BlockType) -> Result<(usize, usize, BlockSig)> {
        Ok(match ty {
            BlockType::Empty => (0, 0, BlockSig::Empty),
            BlockType::Type(ty) => (0, 1, BlockSig::Single { wide: ty == wasmparser::ValType::V128 }),
            BlockType::FuncType(idx) => {
                let ty = &self.env.types[idx as usize];
                (ty.param_slice().len(), ty.result_slice().len(), BlockSig::Func(idx))
            }
        })
    }

    fn enter_dead_code(&mut self) {
        self.reachable = false;
        self.last_result = None;
    }

    // ---- Operators ----

    fn translate_operator(&mut self, op: Operator<'_>) -> Result<()> {
        if !self.reachable {
            return self.translate_dead_operator(op);
        }
        if let Some(at) = self.fuel_instr
            && let Instr::ConsumeFuel { amount } = &mut self.code[at]
        {
            *amount = amount.saturating_add(1);
        }
        if let Some(count) = self.tier_count {
            self.add_tier_weight(count, 1);
        }
        // Between operators, the window follows the stack (a large frame's;
        // otherwise it stays at the base).
        let window = self.window_for(self.top_cells);
        if window != self.window {
            self.move_window(window);
        }
        use Operator as O;
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.emit(Instr::Trap { code: Trap::UnreachableCodeReached });
                self.enter_dead_code();
            }
            O::Block { blockty } => {
                let arity = self.block_arity(blockty)?;
                self.materialize_all_locals();
                let height = self.stack.len() - arity.0;
                let frame = self.new_frame(FrameKind::Block, height, arity, Label::new());
                self.control.push(frame);
            }
            O::Loop { blockty } => {
                let arity @ (params, _, _) = self.block_arity(blockty)?;
                self.materialize_all_locals();
                self.materialize_top(params);
                let height = self.stack.len() - params;
                let mut label = Label::new();
                label.pin(self.code.len());
                self.zero_locals.fill(false);
                self.last_target = self.code.len();
                self.last_result = None;
                let mut frame = self.new_frame(FrameKind::Loop, height, arity, label);
                if self.env.tier_up {
                    frame.outer_tier_count = self.tier_count;
                    self.tier_count = Some(TierCount::Loop(self.tier_loops.len()));
                    let header = self.code.len();
                    self.tier_loops.push(LoopCount { index: self.loops, header, weight: 1 });
                }
                if self.env.fuel {
                    frame.outer_fuel_instr = self.fuel_instr;
                    self.fuel_instr = Some(self.emit(Instr::ConsumeFuel { amount: 1 }));
                }
                if self.env.interruptible {
                    self.emit(Instr::CheckInterrupt);
                }
                self.control.push(frame);
            }
            O::If { blockty } => {
                let arity @ (params, _, _) = self.block_arity(blockty)?;
                let cond = self.pop();
                let height = self.stack.len() - params;
                let param_cells = self.top_cells - self.cell_offset(height);
                // The `else` arm (or the end) starts in the window of the
                // stack without the condition: if that is another one, the
                // branch to it shifts on the way.
                let else_window = self.window_for(self.top_cells);
                let branch = self.cond_branch(cond, else_window != self.window);
                self.materialize_all_locals();
                self.materialize_top(params);
                let mut frame = self.new_frame(FrameKind::If, height, arity, Label::new());
                if else_window == self.window {
                    frame.else_branch = Some(self.emit(branch));
                } else {
                    let skip = self.emit(branch);
                    self.emit_window_shift(else_window);
                    frame.else_branch = Some(self.emit(Instr::Br { offset: 0 }));
                    let here = self.code.len();
                    self.patch_branch(skip, here);
                    self.last_result = None;
                }
                debug_assert_eq!(self.window_for(self.cell_offset(height) + param_cells), else_window);
                self.control.push(frame);
            }
            O::TryTable { try_table } => {
                let arity @ (params, _, _) = self.block_arity(try_table.ty)?;
                self.materialize_all_locals();
                let handler = self.begin_handler(&try_table.catches)?;
                // Keep folds from reaching across the start of the covered
                // range, as they never reach across a label.
                self.last_result = None;
                let height = self.stack.len() - params;
                let mut frame = self.new_frame(FrameKind::TryTable, height, arity, Label::new());
                frame.handler = Some(handler);
                self.control.push(frame);
            }
            O::Throw { tag_index } => {
                let ty = &self.env.types[self.env.tag_types[tag_index as usize] as usize];
                let params = ty.param_slice().len();
                self.materialize_top(params);
                let base = self.temp_slot(self.stack.len() - params);
                self.truncate_stack(self.stack.len() - params);
                self.emit(Instr::Throw { tag: tag_index, base });
                self.enter_dead_code();
            }
            O::ThrowRef => {
                let exn = self.pop();
                self.emit(Instr::ThrowRef { exn });
                self.enter_dead_code();
            }
            O::Else => self.translate_else(),
            O::End => self.translate_end()?,
            O::Br { relative_depth } => {
                self.branch(relative_depth as usize);
                self.enter_dead_code();
            }
            O::BrIf { relative_depth } => {
                let depth = relative_depth as usize;
                let cond = self.pop();
                if depth == self.control.len() - 1 {
                    let branch = self.cond_branch(cond, false);
                    let skip = self.emit(branch);
                    self.emit_return();
                    let here = self.code.len();
                    self.patch_branch(skip, here);
                    self.last_result = None;
                } else {
                    let copies = self.branch_copies(depth);
                    if copies.is_empty() && self.label_window(depth) == self.window {
                        let branch = self.cond_branch(cond, true);
                        self.emit_branch_to(depth, branch);
                    } else {
                        let branch = self.cond_branch(cond, false);
                        let skip = self.emit(branch);
                        self.emit_copies_and_branch(depth, &copies);
                        let here = self.code.len();
                        self.patch_branch(skip, here);
                        self.last_result = None;
                    }
                }
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let depths =
                    targets.targets().chain(std::iter::once(Ok(targets.default()))).collect::<Result<Vec<u32>, _>>()?;
                self.emit(Instr::BrTable { index, len: targets.len() });
                let table_start = self.code.len();
                // First the table of jumps, then a stub with copies for each
                // target that needs values moved.
                let mut stubs = Vec::new();
                for &depth in &depths {
                    let depth = depth as usize;
                    let at = self.code.len();
                    self.emit(Instr::Br { offset: 0 });
                    if self.branch_needs_stub(depth) {
                        stubs.push((at, depth));
                    } else {
                        // Entries have no slots between them: a back edge's
                        // stub goes after the code (`route_back_edges`).
                        self.aim_at_label(depth, at);
                    }
                }
                debug_assert_eq!(self.code.len() - table_start, depths.len());
                for (at, depth) in stubs {
                    let here = self.code.len();
                    self.patch_branch(at, here);
                    self.branch(depth);
                }
                self.enter_dead_code();
            }
            O::Return => {
                self.emit_return();
                self.enter_dead_code();
            }
            O::Call { function_index } => {
                let ty = &self.env.types[self.env.func_types[function_index as usize] as usize];
                let params = ty.param_slice().len();
                self.materialize_top(params);
                let base = self.temp_slot(self.stack.len() - params);
                self.truncate_stack(self.stack.len() - params);
                match function_index.checked_sub(self.env.num_imported_funcs) {
                    Some(func) => self.emit(Instr::CallInternal { func, base }),
                    None => self.emit(Instr::Call { func: function_index, base }),
                };
                self.push_temps(ty.result_slice())?;
            }
            O::CallIndirect { type_index, table_index } => {
                let ty = &self.env.types[type_index as usize];
                let params = ty.param_slice().len();
                let index = self.pop();
                self.materialize_top(params);
                let base = self.temp_slot(self.stack.len() - params);
                self.truncate_stack(self.stack.len() - params);
                self.emit(Instr::CallIndirect { table: table_index, index, base });
                self.emit(Instr::CallIndirectSig { sig: self.env.type_sigs[type_index as usize] });
                self.push_temps(ty.result_slice())?;
            }
            O::ReturnCall { function_index } => {
                let ty = &self.env.types[self.env.func_types[function_index as usize] as usize];
                let (base, _) = self.tail_call_arguments(ty, None);
                match function_index.checked_sub(self.env.num_imported_funcs) {
                    Some(func) => self.emit(Instr::ReturnCallInternal { func, base }),
                    None => self.emit(Instr::ReturnCall { func: function_index, base }),
                };
                self.enter_dead_code();
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                let ty = &self.env.types[type_index as usize];
                let index = self.pop();
                let (base, index) = self.tail_call_arguments(ty, Some(index));
                let index = index.expect("passed in");
                self.emit(Instr::ReturnCallIndirect { table: table_index, index, base });
                self.emit(Instr::CallIndirectSig { sig: self.env.type_sigs[type_index as usize] });
                self.enter_dead_code();
            }
            O::CallRef { type_index } => {
                let ty = &self.env.types[type_index as usize];
                let params = ty.param_slice().len();
                let func = self.pop();
                self.materialize_top(params);
                let base = self.temp_slot(self.stack.len() - params);
                self.truncate_stack(self.stack.len() - params);
                self.emit(Instr::CallRef { func, base });
                self.push_temps(ty.result_slice())?;
            }
            O::ReturnCallRef { type_index } => {
                let ty = &self.env.types[type_index as usize];
                let func = self.pop();
                let (base, func) = self.tail_call_arguments(ty, Some(func));
                let func = func.expect("passed in");
                self.emit(Instr::ReturnCallRef { func, base });
                self.enter_dead_code();
            }
            O::RefAsNonNull => {
                let src = self.operand_slot(self.stack.len() - 1);
                self.emit(Instr::RefAsNonNull { src });
            }
            O::BrOnNull { relative_depth } => {
                // The reference is not part of what the branch carries; on
                // the path that does not branch it stays, as non-null.
                let cond = self.operand_slot(self.stack.len() - 1);
                let reference = self.pop_operand();
                self.branch_on_ref(relative_depth as usize, cond, true);
                self.push(reference)?;
            }
            O::BrOnNonNull { relative_depth } => {
                // The branch carries the reference as its last value; the
                // path that does not branch drops it.
                let cond = self.operand_slot(self.stack.len() - 1);
                self.branch_on_ref(relative_depth as usize, cond, false);
                self.pop_operand();
            }
            O::Drop => {
                self.pop_operand();
            }
            O::Select | O::TypedSelect { .. } => {
                let cond = self.pop();
                let wide = self.is_wide(self.stack.len() - 1);
                let if_false = self.pop();
                let if_true = self.pop();
                let dst = self.next_temp();
                if wide {
                    self.emit_result_wide(Instr::Select128 { dst, cond, if_true, if_false })?;
                } else {
                    self.emit_result(Instr::Select { dst, cond, if_true, if_false })?;
                }
            }
            O::LocalGet { local_index } => self.push(Operand::Local(self.local_slots[local_index as usize]))?,
            O::LocalSet { local_index } => {
                self.local_set(self.local_slots[local_index as usize]);
                self.fuse_steps();
            }
            O::LocalTee { local_index } => {
                let slot = self.local_slots[local_index as usize];
                self.local_set(slot);
                // Not fused with a step before it yet: a step whose sum
                // feeds a loop's closing branch fuses with that branch
                // instead (`load` fuses one whose sum is an address).
                self.push(Operand::Local(slot))?;
            }
            O::GlobalGet { global_index } => {
                let dst = self.next_temp();
                if *self.env.globals[global_index as usize].content() == crate::types::ValType::V128 {
                    self.emit_result_wide(Instr::GlobalGet128 { dst, global: global_index })?;
                } else {
                    self.emit_result(Instr::GlobalGet { dst, global: global_index })?;
                }
            }
            O::GlobalSet { global_index } => {
                let wide = self.is_wide(self.stack.len() - 1);
                let src = self.pop();
                if wide {
                    self.emit(Instr::GlobalSet128 { src, global: global_index });
                } else {
                    self.emit(Instr::GlobalSet { src, global: global_index });
                }
            }
            O::I32Load { memarg } => self.load(&memarg, Instr::I32Load, LoadKind::U32)?,
            O::I64Load { memarg } => self.load(&memarg, Instr::I64Load, LoadKind::U64)?,
            O::F32Load { memarg } => self.load(&memarg, Instr::F32Load, LoadKind::U32)?,
            O::F64Load { memarg } => self.load(&memarg, Instr::F64Load, LoadKind::U64)?,
            O::I32Load8S { memarg } => self.load(&memarg, Instr::I32Load8S, LoadKind::I32S8)?,
            O::I32Load8U { memarg } => self.load(&memarg, Instr::I32Load8U, LoadKind::U8)?,
            O::I32Load16S { memarg } => self.load(&memarg, Instr::I32Load16S, LoadKind::I32S16)?,
            O::I32Load16U { memarg } => self.load(&memarg, Instr::I32Load16U, LoadKind::U16)?,
            O::I64Load8S { memarg } => self.load(&memarg, Instr::I64Load8S, LoadKind::I64S8)?,
            O::I64Load8U { memarg } => self.load(&memarg, Instr::I64Load8U, LoadKind::U8)?,
            O::I64Load16S { memarg } => self.load(&memarg, Instr::I64Load16S, LoadKind::I64S16)?,
            O::I64Load16U { memarg } => self.load(&memarg, Instr::I64Load16U, LoadKind::U16)?,
            O::I64Load32S { memarg } => self.load(&memarg, Instr::I64Load32S, LoadKind::I64S32)?,
            O::I64Load32U { memarg } => self.load(&memarg, Instr::I64Load32U, LoadKind::U32)?,
            O::I32Store { memarg } => self.store(&memarg, Instr::I32Store, StoreKind::B32)?,
            O::I64Store { memarg } => self.store(&memarg, Instr::I64Store, StoreKind::B64)?,
            O::F32Store { memarg } => self.store(&memarg, Instr::F32Store, StoreKind::B32)?,
            O::F64Store { memarg } => self.store(&memarg, Instr::F64Store, StoreKind::B64)?,
            O::I32Store8 { memarg } => self.store(&memarg, Instr::I32Store8, StoreKind::B8)?,
            O::I32Store16 { memarg } => self.store(&memarg, Instr::I32Store16, StoreKind::B16)?,
            O::I64Store8 { memarg } => self.store(&memarg, Instr::I64Store8, StoreKind::B8)?,
            O::I64Store16 { memarg } => self.store(&memarg, Instr::I64Store16, StoreKind::B16)?,
            O::I64Store32 { memarg } => self.store(&memarg, Instr::I64Store32, StoreKind::B32)?,
            O::MemorySize { mem } => {
                let dst = self.next_temp();
                self.emit_result(Instr::MemorySize { dst, memory: mem })?;
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let dst = self.next_temp();
                if self.env.memories[mem as usize].is_64() {
                    self.emit(Instr::MemoryGrow64 { dst, delta, memory: mem });
                } else {
                    self.emit(Instr::MemoryGrow { dst, delta, memory: mem });
                }
                self.push(Operand::Temp)?;
            }
            O::MemoryFill { mem } => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                if self.is_default_memory(mem) {
                    self.emit(Instr::MemoryFill { dst, value, len });
                } else {
                    let memory = u16::from(memory_operand(mem)?);
                    self.emit(Instr::MemoryFillMem { dst, value, len, memory });
                }
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                if self.is_default_memory(dst_mem) && self.is_default_memory(src_mem) {
                    self.emit(Instr::MemoryCopy { dst, src, len });
                } else {
                    self.emit(Instr::MemoryCopyMem { dst, src, len });
                    self.emit(Instr::MemoryCopyParams { dst_memory: dst_mem, src_memory: src_mem });
                }
            }
            O::MemoryInit { data_index, mem } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                if self.is_default_memory(mem) {
                    self.emit(Instr::MemoryInit { dst, src, len, data: data_index });
                } else {
                    self.emit(Instr::MemoryInitMem { dst, src, len });
                    self.emit(Instr::MemoryInitParams { memory: mem, data: data_index });
                }
            }
            O::DataDrop { data_index } => {
                self.emit(Instr::DataDrop { data: data_index });
            }
            O::I32Const { value } => self.push_const(value as u32 as u64)?,
            O::I64Const { value } => self.push_const(value as u64)?,
            O::F32Const { value } => self.push_const(value.bits() as u64)?,
            O::F64Const { value } => self.push_const(value.bits())?,
            O::V128Const { value } => self.push(Operand::V128Const(u128::from_le_bytes(*value.bytes())))?,
            O::RefNull { .. } => self.push_const(0)?,
            O::RefIsNull => self.unary(|UnOp { dst, src }| Instr::RefIsNull { dst, src })?,
            O::RefFunc { function_index } => {
                let dst = self.next_temp();
                self.emit_result(Instr::RefFunc { dst, func: function_index })?;
            }
            O::TableGet { table } => {
                let index = self.pop();
                let dst = self.next_temp();
                self.emit_result(Instr::TableGet { dst, index, table })?;
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                self.emit(Instr::TableSet { index, value, table });
            }
            O::TableSize { table } => {
                let dst = self.next_temp();
                self.emit_result(Instr::TableSize { dst, table })?;
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let init = self.pop();
                let dst = self.next_temp();
                if self.env.tables[table as usize].is_64() {
                    self.emit(Instr::TableGrow64 { dst, delta, init, table });
                } else {
                    self.emit(Instr::TableGrow { dst, delta, init, table });
                }
                self.push(Operand::Temp)?;
            }
            O::TableFill { table } => {
                let len = self.pop();
                let value = self.pop();
                let dst = self.pop();
                self.emit(Instr::TableFill { dst, value, len, table });
            }
            O::TableCopy { dst_table, src_table } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                self.emit(Instr::TableCopy { dst, src, len });
                self.emit(Instr::TableCopyParams { dst_table, src_table });
            }
            O::TableInit { elem_index, table } => {
                let len = self.pop();
                let src = self.pop();
                let dst = self.pop();
                self.emit(Instr::TableInit { dst, src, len });
                self.emit(Instr::TableInitParams { table, elem: elem_index });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop { elem: elem_index });
            }

            O::I32Eqz => self.unary(Instr::I32Eqz)?,
            O::I32Eq => self.binary(Instr::I32Eq)?,
            O::I32Ne => self.binary(Instr::I32Ne)?,
            O::I32LtS => self.binary(Instr::I32LtS)?,
            O::I32LtU => self.binary(Instr::I32LtU)?,
            O::I32GtS => self.binary(Instr::I32GtS)?,
            O::I32GtU => self.binary(Instr::I32GtU)?,
            O::I32LeS => self.binary(Instr::I32LeS)?,
            O::I32LeU => self.binary(Instr::I32LeU)?,
            O::I32GeS => self.binary(Instr::I32GeS)?,
            O::I32GeU => self.binary(Instr::I32GeU)?,
            O::I64Eqz => self.unary(Instr::I64Eqz)?,
            O::I64Eq => self.binary(Instr::I64Eq)?,
            O::I64Ne => self.binary(Instr::I64Ne)?,
            O::I64LtS => self.binary(Instr::I64LtS)?,
            O::I64LtU => self.binary(Instr::I64LtU)?,
            O::I64GtS => self.binary(Instr::I64GtS)?,
            O::I64GtU => self.binary(Instr::I64GtU)?,
            O::I64LeS => self.binary(Instr::I64LeS)?,
            O::I64LeU => self.binary(Instr::I64LeU)?,
            O::I64GeS => self.binary(Instr::I64GeS)?,
            O::I64GeU => self.binary(Instr::I64GeU)?,
            O::F32Eq => self.binary(Instr::F32Eq)?,
            O::F32Ne => self.binary(Instr::F32Ne)?,
            O::F32Lt => self.binary(Instr::F32Lt)?,
            O::F32Gt => self.binary(Instr::F32Gt)?,
            O::F32Le => self.binary(Instr::F32Le)?,
            O::F32Ge => self.binary(Instr::F32Ge)?,
            O::F64Eq => self.binary(Instr::F64Eq)?,
            O::F64Ne => self.binary(Instr::F64Ne)?,
            O::F64Lt => self.binary(Instr::F64Lt)?,
            O::F64Gt => self.binary(Instr::F64Gt)?,
            O::F64Le => self.binary(Instr::F64Le)?,
            O::F64Ge => self.binary(Instr::F64Ge)?,
            O::I32Clz => self.unary(Instr::I32Clz)?,
            O::I32Ctz => self.unary(Instr::I32Ctz)?,
            O::I32Popcnt => self.unary(Instr::I32Popcnt)?,
            O::I32Add => self.binary(Instr::I32Add)?,
            O::I32Sub => self.binary(Instr::I32Sub)?,
            O::I32Mul => self.binary(Instr::I32Mul)?,
            O::I32DivS => self.binary(Instr::I32DivS)?,
            O::I32DivU => self.binary(Instr::I32DivU)?,
            O::I32RemS => self.binary(Instr::I32RemS)?,
            O::I32RemU => self.binary(Instr::I32RemU)?,
            O::I32And => self.binary(Instr::I32And)?,
            O::I32Or => self.binary(Instr::I32Or)?,
            O::I32Xor => self.binary(Instr::I32Xor)?,
            O::I32Shl => self.binary(Instr::I32Shl)?,
            O::I32ShrS => self.binary(Instr::I32ShrS)?,
            O::I32ShrU => self.binary(Instr::I32ShrU)?,
            O::I32Rotl => self.binary(Instr::I32Rotl)?,
            O::I32Rotr => self.binary(Instr::I32Rotr)?,
            O::I64Clz => self.unary(Instr::I64Clz)?,
            O::I64Ctz => self.unary(Instr::I64Ctz)?,
            O::I64Popcnt => self.unary(Instr::I64Popcnt)?,
            O::I64Add => self.binary(Instr::I64Add)?,
            O::I64Sub => self.binary(Instr::I64Sub)?,
            O::I64Mul => self.binary(Instr::I64Mul)?,
            O::I64DivS => self.binary(Instr::I64DivS)?,
            O::I64DivU => self.binary(Instr::I64DivU)?,
            O::I64RemS => self.binary(Instr::I64RemS)?,
            O::I64RemU => self.binary(Instr::I64RemU)?,
            O::I64And => self.binary(Instr::I64And)?,
            O::I64Or => self.binary(Instr::I64Or)?,
            O::I64Xor => self.binary(Instr::I64Xor)?,
            O::I64Shl => self.binary(Instr::I64Shl)?,
            O::I64ShrS => self.binary(Instr::I64ShrS)?,
            O::I64ShrU => self.binary(Instr::I64ShrU)?,
            O::I64Rotl => self.binary(Instr::I64Rotl)?,
            O::I64Rotr => self.binary(Instr::I64Rotr)?,
            O::F32Abs => self.unary(Instr::F32Abs)?,
            O::F32Neg => self.unary(Instr::F32Neg)?,
            O::F32Ceil => self.unary(Instr::F32Ceil)?,
            O::F32Floor => self.unary(Instr::F32Floor)?,
            O::F32Trunc => self.unary(Instr::F32Trunc)?,
            O::F32Nearest => self.unary(Instr::F32Nearest)?,
            O::F32Sqrt => self.unary(Instr::F32Sqrt)?,
            O::F32Add => self.binary(Instr::F32Add)?,
            O::F32Sub => self.binary(Instr::F32Sub)?,
            O::F32Mul => self.binary(Instr::F32Mul)?,
            O::F32Div => self.binary(Instr::F32Div)?,
            O::F32Min => self.binary(Instr::F32Min)?,
            O::F32Max => self.binary(Instr::F32Max)?,
            O::F32Copysign => self.binary(Instr::F32Copysign)?,
            O::F64Abs => self.unary(Instr::F64Abs)?,
            O::F64Neg => self.unary(Instr::F64Neg)?,
            O::F64Ceil => self.unary(Instr::F64Ceil)?,
            O::F64Floor => self.unary(Instr::F64Floor)?,
            O::F64Trunc => self.unary(Instr::F64Trunc)?,
            O::F64Nearest => self.unary(Instr::F64Nearest)?,
            O::F64Sqrt => self.unary(Instr::F64Sqrt)?,
            O::F64Add => self.binary(Instr::F64Add)?,
            O::F64Sub => self.binary(Instr::F64Sub)?,
            O::F64Mul => self.binary(Instr::F64Mul)?,
            O::F64Div => self.binary(Instr::F64Div)?,
            O::F64Min => self.binary(Instr::F64Min)?,
            O::F64Max => self.binary(Instr::F64Max)?,
            O::F64Copysign => self.binary(Instr::F64Copysign)?,
            O::I32WrapI64 => self.unary(Instr::I32WrapI64)?,
            O::I32TruncF32S => self.unary(Instr::I32TruncF32S)?,
            O::I32TruncF32U => self.unary(Instr::I32TruncF32U)?,
            O::I32TruncF64S => self.unary(Instr::I32TruncF64S)?,
            O::I32TruncF64U => self.unary(Instr::I32TruncF64U)?,
            O::I64ExtendI32S => self.unary(Instr::I64ExtendI32S)?,
            // i32 cells are kept zero-extended, so they already are their
            // unsigned i64 extension.
            O::I64ExtendI32U => {}
            O::I64TruncF32S => self.unary(Instr::I64TruncF32S)?,
            O::I64TruncF32U => self.unary(Instr::I64TruncF32U)?,
            O::I64TruncF64S => self.unary(Instr::I64TruncF64S)?,
            O::I64TruncF64U => self.unary(Instr::I64TruncF64U)?,
            O::F32ConvertI32S => self.unary(Instr::F32ConvertI32S)?,
            O::F32ConvertI32U => self.unary(Instr::F32ConvertI32U)?,
            O::F32ConvertI64S => self.unary(Instr::F32ConvertI64S)?,
            O::F32ConvertI64U => self.unary(Instr::F32ConvertI64U)?,
            O::F32DemoteF64 => self.unary(Instr::F32DemoteF64)?,
            O::F64ConvertI32S => self.unary(Instr::F64ConvertI32S)?,
            O::F64ConvertI32U => self.unary(Instr::F64ConvertI32U)?,
            O::F64ConvertI64S => self.unary(Instr::F64ConvertI64S)?,
            O::F64ConvertI64U => self.unary(Instr::F64ConvertI64U)?,
            O::F64PromoteF32 => self.unary(Instr::F64PromoteF32)?,
            // Reinterpretations keep the bits, and the cell encoding of a
            // 32-bit (or 64-bit) int and float is the same: nothing to emit.
            // But the value changes kind, and with it the accumulator it
            // would be read from, which its producer did not write: the
            // consumer must read the slot.
            O::I32ReinterpretF32 | O::I64ReinterpretF64 | O::F32ReinterpretI32 | O::F64ReinterpretI64 => {
                self.last_result = None;
            }
            O::I32Extend8S => self.unary(Instr::I32Extend8S)?,
            O::I32Extend16S => self.unary(Instr::I32Extend16S)?,
            O::I64Extend8S => self.unary(Instr::I64Extend8S)?,
            O::I64Extend16S => self.unary(Instr::I64Extend16S)?,
            O::I64Extend32S => self.unary(Instr::I64Extend32S)?,
            O::I32TruncSatF32S => self.unary(Instr::I32TruncSatF32S)?,
            O::I32TruncSatF32U => self.unary(Instr::I32TruncSatF32U)?,
            O::I32TruncSatF64S => self.unary(Instr::I32TruncSatF64S)?,
            O::I32TruncSatF64U => self.unary(Instr::I32TruncSatF64U)?,
            O::I64TruncSatF32S => self.unary(Instr::I64TruncSatF32S)?,
            O::I64TruncSatF32U => self.unary(Instr::I64TruncSatF32U)?,
            O::I64TruncSatF64S => self.unary(Instr::I64TruncSatF64S)?,
            O::I64TruncSatF64U => self.unary(Instr::I64TruncSatF64U)?,
            other => {
                if !self.translate_simd(&other)? {
                    bail!("{}", unsupported_message(&other))
                }
            }
        }
        Ok(())
    }

    /// Dead code after `br`, `return` and the like: only the block structure matters.
    fn translate_dead_operator(&mut self, op: Operator<'_>) -> Result<()> {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::TryTable { .. } => {
                self.dead_depth += 1
            }
            Operator::Else if self.dead_depth == 0 => self.translate_else(),
            Operator::End if self.dead_depth == 0 => self.translate_end()?,
            Operator::End => self.dead_depth -= 1,
            _ => {}
        }
        Ok(())
    }

    /// `local.set` of the local whose first slot is `n`.
    fn local_set(&mut self, n: u32) {
        let height = self.stack.len() - 1;
        let value = self.stack[height];
        // A lazy read of the same local keeps its value: `local.set n (local.get n)`.
        if value == Operand::Local(n) {
            self.pop_operand();
            return;
        }
        let wide = self.is_wide(height);
        let at = n as usize;
        let known_zero = &mut self.zero_locals[at..at + 1 + usize::from(wide)];
        if known_zero[0] && matches!(value, Operand::Const(0) | Operand::V128Const(0)) {
            self.pop_operand();
            return;
        }
        known_zero.fill(false);
        if self.window != 0 {
            // Locals are out of the window: the value, a temporary, goes
            // to the local with a far copy.
            let src = self.pop();
            let dst = self.relative(at);
            self.emit(Instr::CopyFar { dst, src: i32::from(src.0), len: 1 + u32::from(wide) });
            return;
        }
        let dst = self.slot_of(at);
        self.materialize_local(n);
        if let Operand::Const(_) | Operand::V128Const(_) = value {
            self.copy_top_to(dst);
            return;
        }
        let src = self.pop();
        if value == Operand::Temp
            && let Some(at) = self.last_result.filter(|&at| at + 1 == self.code.len())
            && let Some(result) = self.code[at].result_slot_mut()
            && *result == src
        {
            // The instruction stays the last one, now writing the local: the
            // accumulator still holds its result (see `fresh_result`).
            *result = dst;
            return;
        }
        // `local.tee a` then `local.set b`: the value just computed into
        // `a` is also in the accumulator, and copying it from there keeps
        // a chain through `b` (a pointer stepped this way in a loop) off
        // the store-to-load round trip through `a`.
        if self.fresh_result() == Some(src) {
            // After an `i32.add` of a constant, one instruction writes both.
            if let Some(&Instr::I32AddImm(add)) = self.code.last()
                && add.dst == src
            {
                let at = self.code.len() - 1;
                self.code[at] = Instr::I32AddImmCopy { dst: add.dst, lhs: add.lhs, copy: dst, imm: add.imm };
                self.last_result = None;
                return;
            }
            let copy = match self.local_slot_accs[at] {
                AccKind::Int => Some(Instr::CopyAcc { dst }),
                AccKind::F32 => Some(Instr::CopyAccF32 { dst }),
                AccKind::F64 => Some(Instr::CopyAccF64 { dst }),
                AccKind::V128 | AccKind::None => None,
            };
            if let Some(copy) = copy {
                self.emit(copy);
                return;
            }
        }
        self.emit(Self::copy_instr(dst, src, wide));
    }

    fn translate_else(&mut self) {
        let frame_index = self.control.len() - 1;
        if self.reachable {
            let copies = self.branch_copies(0);
            self.emit_copies_and_branch(0, &copies);
        }
        let frame = &mut self.control[frame_index];
        let else_branch = frame.else_branch.take().expect("validated `else` follows `if`");
        frame.kind = FrameKind::Else;
        let (height, params, sig) = (frame.height, frame.params, frame.sig);
        let here = self.code.len();
        self.patch_branch(else_branch, here);
        self.last_result = None;
        // The else arm starts from the `if`'s parameters, which were
        // materialized into their temporaries on entry.
        self.truncate_stack(height);
        for i in 0..params {
            // The `if` pushed these already: they fit the frame.
            let _ = self.push_value(Operand::Temp, self.block_value_is_wide(sig, true, i));
        }
        // The arm starts where the `if` branched to it: in the window of
        // its parameters' stack.
        self.window = self.window_for(self.top_cells);
        self.reachable = true;
        self.dead_depth = 0;
    }

    fn translate_end(&mut self) -> Result<()> {
        let frame_index = self.control.len() - 1;
        if frame_index == 0 {
            if self.reachable {
                self.emit_return();
            }
            self.control.pop();
            return Ok(());
        }
        if self.reachable {
            // Fall-through: the results go to the frame's result slots.
            let results = self.control[frame_index].results;
            let height = self.control[frame_index].height;
            let copies = self.copies_of_top_to(results, height);
            self.emit_copies(&copies);
        }
        let frame = &self.control[frame_index];
        let fell_through = self.reachable;
        let reachable_after = match frame.kind {
            FrameKind::Loop => fell_through,
            // An `if` without `else` falls through its empty else arm.
            FrameKind::If => true,
            _ => fell_through || frame.branched_to,
        };
        let kind = frame.kind;
        if let Some(else_branch) = frame.else_branch {
            let here = self.code.len();
            self.patch_branch(else_branch, here);
        }
        if kind != FrameKind::Loop {
            self.pin_label_here(0);
        }
        let frame = self.control.pop().expect("frame exists");
        if let Some(handler) = frame.handler {
            self.handlers[handler].end = self.code.len() as u32;
        }
        if frame.kind == FrameKind::Loop && self.env.fuel {
            self.fuel_instr = frame.outer_fuel_instr;
        }
        if frame.kind == FrameKind::Loop && self.env.tier_up {
            // The code around the loop pays for its first iteration, which
            // falls in without passing a counter.
            if let (Some(TierCount::Loop(inner)), Some(outer)) = (self.tier_count, frame.outer_tier_count) {
                self.add_tier_weight(outer, self.tier_loops[inner].weight);
            }
            self.tier_count = frame.outer_tier_count;
        }
        self.truncate_stack(frame.height);
        for i in 0..frame.results {
            self.push_value(Operand::Temp, self.block_value_is_wide(frame.sig, false, i))?;
        }
        // Code after the block runs in the window of its label (or, after a
        // loop, of the stack it falls through with).
        self.window = self.window_for(self.top_cells);
        self.last_result = None;
        self.reachable = reachable_after;
        self.dead_depth = 0;
        Ok(())
    }
}

/// One value a branch or block end moves: `dst = src`, a `v128` if `wide`,
/// in cells from the frame's base.
#[derive(Clone, Copy, Debug)]
struct ValueCopy {
    dst: usize,
    src: usize,
    wide: bool,
    /// A constant without a constant slot: `src` is then the cell it gets
    /// written to, if the copy needs it there.
    imm: Option<u128>,
}

/// Operators whose operands may be swapped (to read a fresh result from the
/// accumulator). Float `add`/`mul` qualify because the spec leaves the
/// payload of a NaN result open (any arithmetic NaN when an input is a
/// NaN), so the operand order that picks the hardware's payload is free.
fn is_commutative(instr: &Instr) -> bool {
    matches!(
        instr,
        Instr::I32Eq(_)
            | Instr::I32Ne(_)
            | Instr::I32Add(_)
            | Instr::I32Mul(_)
            | Instr::I32And(_)
            | Instr::I32Or(_)
            | Instr::I32Xor(_)
            | Instr::I64Eq(_)
            | Instr::I64Ne(_)
            | Instr::I64Add(_)
            | Instr::I64Mul(_)
            | Instr::I64And(_)
            | Instr::I64Or(_)
            | Instr::I64Xor(_)
            // Exact for numbers; with NaN operands the spec lets the result
            // be any NaN, so which operand's payload survives is free.
            | Instr::F32Eq(_)
            | Instr::F32Ne(_)
            | Instr::F32Add(_)
            | Instr::F32Mul(_)
            | Instr::F64Eq(_)
            | Instr::F64Ne(_)
            | Instr::F64Add(_)
            | Instr::F64Mul(_)
    )
}

/// The memory a `memarg` names (GC arrays are refused).
fn memarg_memory(memarg: &MemArg) -> Result<u32> {
    match memarg.target {
        MemArgTarget::Memory(m) => Ok(m),
        MemArgTarget::Array(_) => bail!("GC arrays are not supported yet"),
    }
}

/// A memory index as `LoadMem`/`StoreMem` (and their `v128` counterparts)
/// carry it: wasmparser allows at most 100 memories per module, so it
/// always fits.
fn memory_operand(memory: u32) -> Result<u8> {
    u8::try_from(memory).with_context(|| format!("memory index {memory} is too large"))
}

fn unsupported_message(op: &Operator<'_>) -> String {
    let name = format!("{op:?}");
    let name = name.split([' ', '{', '(']).next().unwrap_or("").to_string();
    format!("the `{name}` instruction is not supported yet")
}

/// `branch` fused with the instruction `step` right before it, when `step`
/// is an in-place `slot += k` (`k` within 16 bits) and `branch` tests the
/// new `slot`; the branch offset is unchanged.
fn fused_step(step: Instr, branch: Instr) -> Option<Instr> {
    let Instr::I32AddImm(add) = step else { return None };
    let imm = i16::try_from(add.imm).ok().filter(|_| add.dst == add.lhs)?;
    match branch {
        Instr::BrIfNezAcc { offset } => Some(Instr::I32AddImmBrIfNez { slot: add.dst, imm, offset }),
        other => other.with_step(add.dst, imm),
    }
}

/// Jump threading: a `Br` to a return becomes that return (the `then`
/// arm of an `if` that ends the function, a `br` out of the body), and a
/// `Br` to a `Br` goes straight to the final target. Entries of a
/// `br_table` stay `Br`s, as its handler expects, but are threaded too.
fn thread_jumps(code: &mut [Instr]) {
    let mut table_entries_left = 0;
    for at in 0..code.len() {
        let in_table = table_entries_left > 0;
        table_entries_left = match code[at] {
            Instr::BrTable { len, .. } => len as usize + 1,
            _ => table_entries_left.saturating_sub(1),
        };
        let Instr::Br { offset } = code[at] else { continue };
        let mut target = at as isize + offset as isize;
        // Follow chains of `Br`s, a bounded number of hops (a `br` loop to
        // itself is an infinite loop the program asked for), but not past a
        // back edge that counts for tier-up (one its stub follows).
        for _ in 0..8 {
            match code[target as usize] {
                Instr::Br { offset } if offset != 0 && !counts_for_tier_up(code, target as usize) => {
                    target += offset as isize
                }
                _ => break,
            }
        }
        // Under tier-up a back edge's stub follows it: its fall-through is
        // past that.
        let after = at + if counts_for_tier_up(code, at) { 3 } else { 1 };
        code[at] = match code[target as usize] {
            ret @ (Instr::Return0 | Instr::Return1 { .. } | Instr::ReturnSpan { .. }) if !in_table => ret,
            // Loop inversion: a `br` back to a loop header that starts with
            // a conditional exit to right after this `br` (`(block (loop
            // (br_if 1 cond) … (br 0)))`, the shape of a `while` loop) is that
            // exit's negation, taken into the body: one dispatch less per
            // iteration, and the loop no longer goes through `Br`.
            mut cond if !in_table => match (cond.negated_branch(), cond.branch_offset_mut().map(|o| *o)) {
                (Some(mut negated), Some(exit)) if target + exit as isize == after as isize => {
                    let offset = (target + 1 - at as isize) as BranchOffset;
                    *negated.branch_offset_mut().expect("a branch") = offset;
                    // A counter step right before takes the test into itself
                    // (see `FuncTranslator::fuse_step_and_branch`). The negated
                    // branch stays in place for the loop's exit, where the
                    // step falls through to it (its test, repeated on the
                    // same values, is not taken either), and for any jump
                    // to it; the loop's iterations skip it.
                    // Not under tier-up: the fused step would be a back edge
                    // without a stub.
                    if let Some(mut fused) = at
                        .checked_sub(1)
                        .filter(|_| after == at + 1)
                        .and_then(|before| fused_step(code[before], negated))
                    {
                        *fused.branch_offset_mut().expect("a branch") = offset + 1;
                        code[at - 1] = fused;
                    }
                    negated
                }
                _ => Instr::Br { offset: (target - at as isize) as BranchOffset },
            },
            _ => Instr::Br { offset: (target - at as isize) as BranchOffset },
        };
    }
}

/// Whether the instruction at `at` is a back edge followed by its `TierLoop`
/// stub (see `FuncTranslator::emit_branch_to`).
fn counts_for_tier_up(code: &[Instr], at: usize) -> bool {
    matches!(code.get(at + 1), Some(Instr::TierLoop { .. }))
}

/// Sends to the accumulator only (`dst` [`Slot::ACC`]) each result that
/// goes to a temporary and that the next instruction takes from the
/// accumulator: no instruction reads that temporary, so storing it is
/// wasted work. Runs on the finished code, after every fusion.
///
/// Why no instruction reads it: the translator makes an instruction read
/// the accumulator only when the one before it has just computed its
/// operand (`fresh_result`), an operand it pops, and a popped temporary is
/// dead until something pushes to its stack height again, which writes it.
/// The one kind of instruction that reads an earlier instruction's
/// temporary is a fusion that looks back, such as a scaled load taking
/// its index from the slot of the instruction before an `i32.shl`; such a
/// fusion replaces the instructions it folds in, the accumulator's reader
/// among them, so the pair no longer matches here. And no branch lands
/// between the two: a label ends freshness.
fn keep_results_in_acc(code: &mut [Instr], temps_base: usize) {
    for at in 1..code.len() {
        if !code[at].reads_acc() || !code[at - 1].sets_acc() {
            continue;
        }
        if let Some(dst) = code[at - 1].result_slot_mut()
            && usize::from(dst.0) >= temps_base
        {
            *dst = Slot::ACC;
        }
    }
}

/// The accumulator register a value of some type travels in from the
/// instruction that computed it to the next (see `interp::numeric::Value`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AccKind {
    /// `i32`, `i64`: the integer accumulator, holding the value's cell.
    Int,
    F32,
    F64,
    V128,
    /// References, which no numeric instruction computes.
    None,
}

impl AccKind {
    fn of(ty: &crate::types::ValType) -> AccKind {
        use crate::types::ValType;
        match ty {
            ValType::I32 | ValType::I64 => AccKind::Int,
            ValType::F32 => AccKind::F32,
            ValType::F64 => AccKind::F64,
            ValType::V128 => AccKind::V128,
            ValType::Ref(_) => AccKind::None,
        }
    }
}

/// The constant cells to reserve in the frame of a body with `num_locals`
/// local cells, and whether its constants must be copied into temporaries
/// instead (`FuncTranslator::materialize_consts`).
///
/// Every constant gets a slot if the frame has one for each constant
/// operator (most bodies: the reserve is that count, an upper bound on the
/// distinct constants), or else one for each distinct value, counted in a
/// second pass. A body with more distinct constants than that, or with
/// locals enough to leave no room for them within reach of a slot, copies
/// them instead, as it pushes them.
fn constant_reserve(body: &FunctionBody<'_>, num_locals: usize) -> Result<(usize, bool)> {
    let fits = |cells: usize| num_locals + cells + HEADROOM <= SLOT_LIMIT;
    let count = count_constants(body)?;
    if count <= CONST_CAP && fits(count) {
        return Ok((count, false));
    }
    let distinct = count_distinct_constants(body)?;
    if distinct <= CONST_CAP && fits(distinct) { Ok((distinct, false)) } else { Ok((0, true)) }
}

/// An upper bound on the distinct constants a body can need: one per
/// constant-producing operator. Sizes the constant area before translation.
fn count_constants(body: &FunctionBody<'_>) -> Result<usize> {
    let mut reader = body.get_operators_reader()?;
    let mut count = 0;
    while !reader.eof() {
        match reader.read()? {
            Operator::I32Const { .. }
            | Operator::I64Const { .. }
            | Operator::F32Const { .. }
            | Operator::F64Const { .. }
            | Operator::RefNull { .. } => count += 1,
            // Two cells each: a `v128` constant, a shuffle's lane pattern.
            Operator::V128Const { .. } | Operator::I8x16Shuffle { .. } => count += 2,
            _ => {}
        }
    }
    Ok(count)
}

/// The cells of the distinct constants of a body, as `const_slot` and
/// `const128_slot` share them out (by bits; an `i32` is its zero-extended
/// cell).
fn count_distinct_constants(body: &FunctionBody<'_>) -> Result<usize> {
    let mut reader = body.get_operators_reader()?;
    let (mut cells, mut wide) = (std::collections::HashSet::new(), std::collections::HashSet::new());
    while !reader.eof() {
        match reader.read()? {
            Operator::I32Const { value } => cells.insert(u64::from(value as u32)),
            Operator::I64Const { value } => cells.insert(value as u64),
            Operator::F32Const { value } => cells.insert(u64::from(value.bits())),
            Operator::F64Const { value } => cells.insert(value.bits()),
            Operator::RefNull { .. } => cells.insert(0),
            Operator::V128Const { value } => wide.insert(u128::from_le_bytes(*value.bytes())),
            Operator::I8x16Shuffle { lanes } => wide.insert(u128::from_le_bytes(lanes)),
            _ => false,
        };
    }
    Ok(cells.len() + 2 * wide.len())
}
