//! The translator's model of wasm's structured control flow.

/// What kind of construct a [`ControlFrame`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FrameKind {
    /// The function body; branching to it returns.
    Function,
    Block,
    Loop,
    /// The `then` arm of an `if`.
    If,
    /// The `else` arm of an `if`.
    Else,
    /// A `try_table` body: a block whose instructions are covered by a handler.
    TryTable,
}

/// A branch target: a position in the code, or a list of branches waiting
/// for the position to be known.
#[derive(Debug, Default)]
pub(super) struct Label {
    target: Option<usize>,
    patches: Vec<usize>,
}

impl Label {
    pub fn new() -> Label {
        Label::default()
    }

    pub fn target(&self) -> Option<usize> {
        self.target
    }

    pub fn add_patch(&mut self, at: usize) {
        self.patches.push(at);
    }

    /// Fixes the label at `target`; returns the branches to patch.
    pub fn pin(&mut self, target: usize) -> Vec<usize> {
        self.target = Some(target);
        std::mem::take(&mut self.patches)
    }
}

/// The type of a block: what says which of its parameters and results
/// are `v128`s (two cells each) without copying the types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BlockSig {
    /// No parameters, no results.
    Empty,
    /// No parameters and one result, a `v128` if `wide`.
    Single { wide: bool },
    /// The module's function type of this index.
    Func(u32),
}

/// One enclosing block, loop, `if` or the function itself.
#[derive(Debug)]
pub(super) struct ControlFrame {
    pub kind: FrameKind,
    /// The operand stack height below the block's parameters. Its results
    /// (and a loop's parameters) live in the temporaries from this height on.
    pub height: usize,
    pub params: usize,
    pub results: usize,
    /// The block's type, for the widths of its values.
    pub sig: BlockSig,
    /// Where branches to this frame go: the start of a loop, else the end.
    pub label: Label,
    /// For `if`: the conditional branch to the `else` arm, patched at `else`
    /// (or at `end` when there is no `else` arm).
    pub else_branch: Option<usize>,
    /// Whether some branch targets this frame's end, making it reachable
    /// even when the last instruction of the block is not.
    pub branched_to: bool,
    /// For loops under fuel metering: the `ConsumeFuel` to return to after the loop.
    pub outer_fuel_instr: Option<usize>,
    /// For loops under tier-up: the counter to go on with after the loop.
    pub outer_tier_count: Option<super::TierCount>,
    /// Catch clauses that land at this frame's label, waiting for it to be
    /// pinned: (handler index, clause index).
    pub catch_patches: Vec<(usize, usize)>,
    /// For `try_table`: the index of its handler.
    pub handler: Option<usize>,
    /// The window every branch to the label arrives with (see
    /// `FuncTranslator::window_for`): the frame's base but in large frames.
    pub window: usize,
}

impl ControlFrame {
    pub fn new(
        kind: FrameKind,
        height: usize,
        (params, results, sig): (usize, usize, BlockSig),
        label: Label,
    ) -> ControlFrame {
        ControlFrame {
            kind,
            height,
            params,
            results,
            sig,
            label,
            else_branch: None,
            branched_to: false,
            outer_fuel_instr: None,
            outer_tier_count: None,
            catch_patches: Vec::new(),
            handler: None,
            window: 0,
        }
    }

    /// How many values a branch to this frame carries.
    pub fn branch_arity(&self) -> usize {
        if self.kind == FrameKind::Loop { self.params } else { self.results }
    }
}
