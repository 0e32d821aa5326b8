//! Dispatch: how the executor goes from one instruction to the next.
//!
//! Both strategies run the same handler code, `Executor::step`; they differ
//! only in how control reaches it (see `build.rs` for which one is built).

#[cfg(skiff_tail_calls)]
use super::VReg;
use super::{Acc, Executor, Fp, Mem, Step, Stop, numeric};
use crate::interp::ir::{Instr, Op};

/// Entries of the threaded dispatcher's handler table: room for every
/// instruction kind's tag.
const HANDLER_TABLE_SIZE: usize = 1024;
const _: () = assert!(Instr::COUNT <= HANDLER_TABLE_SIZE, "grow the handler table");

impl Executor<'_> {
    /// The running frame's pointer and default memory, recomputed after a
    /// call, a return or memory growth.
    #[inline(always)]
    fn reload(&mut self) -> (*const Op, Fp, Mem) {
        (self.ip, self.fp_at(self.fp_index), self.mem0())
    }
}

/// Links translated code for the executor: gives each instruction its
/// handler's address (see [`Op`]). In code that tiers up, a back edge
/// followed by its loop's `TierLoop` stub gets the handler that counts for
/// tier-up and falls through past the stub (`Executor::branch`).
pub(crate) fn link(code: &[Instr], tier_up: bool) -> Box<[Op]> {
    code.iter()
        .enumerate()
        .map(|(at, &instr)| {
            let back_edge = tier_up
                && instr.branch_offset().is_some_and(|offset| offset <= 0)
                && matches!(code.get(at + 1), Some(Instr::TierLoop { .. }));
            // Its result is never left to the accumulator alone: the stub
            // after it reads none (see `keep_results_in_acc`).
            debug_assert!(!(back_edge && instr.result_in_acc_only()), "a back edge keeps its result: {instr:?}");
            Op { handler: handler_address(&instr, back_edge), instr }
        })
        .collect()
}

/// An instruction whose result goes to the accumulator only gets the
/// handler of that form: the plain one would write its result to
/// `Slot::ACC`, a cell no frame has. A back edge gets the counting one.
#[cfg(skiff_tail_calls)]
fn handler_address(instr: &Instr, back_edge: bool) -> usize {
    let handlers = if instr.result_in_acc_only() {
        &Executor::<'static>::ACC_ONLY_HANDLERS
    } else if back_edge {
        &Executor::<'static>::BACK_EDGE_HANDLERS
    } else {
        &Executor::<'static>::HANDLERS
    };
    handlers[usize::from(instr.tag())] as usize
}

/// The loop dispatcher matches on the instruction instead; the address
/// only marks a result that goes to the accumulator only
/// ([`ACC_ONLY_MARK`]) and a back edge ([`BACK_EDGE_MARK`]), for the same
/// reasons as above.
#[cfg(not(skiff_tail_calls))]
fn handler_address(instr: &Instr, back_edge: bool) -> usize {
    if instr.result_in_acc_only() {
        ACC_ONLY_MARK
    } else if back_edge {
        BACK_EDGE_MARK
    } else {
        0
    }
}

/// The loop dispatcher's `Op::handler` for an instruction whose result
/// goes to the accumulator only.
#[cfg(not(skiff_tail_calls))]
const ACC_ONLY_MARK: usize = 1;
/// The loop dispatcher's `Op::handler` for a back edge in code that
/// tiers up.
#[cfg(not(skiff_tail_calls))]
const BACK_EDGE_MARK: usize = 2;

/// A `loop` around `step`: portable, and the only safe choice when the
/// compiler does not turn tail calls into jumps.
#[cfg(not(skiff_tail_calls))]
impl Executor<'_> {
    /// Runs until the entry function returns.
    pub(super) fn execute(&mut self) -> Result<(), Stop> {
        let (mut ip, mut fp, mut mem) = self.reload();
        let mut acc = Acc::ZERO;
        loop {
            #[cfg(skiff_profile)]
            profile::record(ip);
            // SAFETY: `ip` points at an instruction (see `step`).
            if unsafe { (*ip).handler } == ACC_ONLY_MARK {
                // SAFETY: as above.
                numeric::eval::<true>(ip, unsafe { (*ip).instr }, fp, mem, &mut acc)?;
                // SAFETY: a numeric instruction always has a successor.
                ip = unsafe { ip.add(1) };
                continue;
            }
            // SAFETY: as above.
            let step = if unsafe { (*ip).handler } == BACK_EDGE_MARK {
                self.step::<true>(ip, fp, mem, &mut acc)?
            } else {
                self.step::<false>(ip, fp, mem, &mut acc)?
            };
            match step {
                Step::Next(next) => ip = next,
                Step::Enter(next, frame) => (ip, fp, acc) = (next, frame, Acc::ZERO),
                Step::Reload => (ip, fp, mem) = self.reload(),
                Step::Done => return Ok(()),
            }
        }
    }
}

/// Counts of executed instruction pairs, for finding fusion candidates:
/// built with `SKIFF_PROFILE=1` (which implies the loop dispatcher), every
/// executor prints the most frequent pairs to stderr when it finishes.
#[cfg(skiff_profile)]
pub(super) mod profile {
    use crate::interp::ir::Op;
    use std::cell::RefCell;
    use std::collections::HashMap;

    /// The last tag executed, counts by `(previous, current)` tag, and a
    /// name per tag.
    #[derive(Default)]
    struct Counts {
        last: u16,
        pairs: HashMap<(u16, u16), u64>,
        names: HashMap<u16, String>,
    }

    thread_local! {
        static COUNTS: RefCell<Counts> = RefCell::default();
    }

    pub fn record(ip: *const Op) {
        // SAFETY: `ip` points at the instruction about to run.
        let instr = unsafe { (*ip).instr };
        let tag = instr.tag();
        COUNTS.with_borrow_mut(|counts| {
            *counts.pairs.entry((counts.last, tag)).or_default() += 1;
            counts.names.entry(tag).or_insert_with(|| {
                let text = format!("{instr:?}");
                text.split(['(', ' ', '{']).next().unwrap_or_default().to_string()
            });
            counts.last = tag;
        });
    }

    /// Prints the most frequent pairs (and single instructions) so far.
    pub fn report() {
        COUNTS.with_borrow(|Counts { pairs, names, .. }| {
            let name = |t: &u16| names.get(t).map_or("start", String::as_str).to_string();
            let total: u64 = pairs.values().sum();
            let mut singles: HashMap<u16, u64> = HashMap::new();
            for (&(_, b), &n) in pairs {
                *singles.entry(b).or_default() += n;
            }
            let mut singles: Vec<_> = singles.into_iter().collect();
            singles.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
            eprintln!("skiff profile: {total} instructions executed");
            for (t, n) in singles.iter().take(30) {
                // The tag (hex) names the handler's symbol in a build with
                // `-C symbol-mangling-version=v0` (`handler::<TAG, false, false>`), for reading its code.
                eprintln!("  {:5.2}%  {} (tag {t:#x})", *n as f64 * 100.0 / total as f64, name(t));
            }
            let mut sorted: Vec<_> = pairs.iter().collect();
            sorted.sort_by_key(|&(_, n)| std::cmp::Reverse(*n));
            eprintln!("most frequent pairs:");
            for ((a, b), n) in sorted.into_iter().take(40) {
                eprintln!("  {:5.2}%  {} -> {}", *n as f64 * 100.0 / total as f64, name(a), name(b));
            }
        });
    }
}

/// Calls `$callback!(0, 1, …, 1023)`: every tag a handler table has room for.
#[cfg(skiff_tail_calls)]
#[rustfmt::skip]
macro_rules! with_every_tag {
    ($callback:ident) => {
        $callback!(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
        32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
        64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
        96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
        128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159,
        160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
        192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
        224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255,
        256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287,
        288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319,
        320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351,
        352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383,
        384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
        416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447,
        448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479,
        480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511,
        512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543,
        544, 545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573, 574, 575,
        576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586, 587, 588, 589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601, 602, 603, 604, 605, 606, 607,
        608, 609, 610, 611, 612, 613, 614, 615, 616, 617, 618, 619, 620, 621, 622, 623, 624, 625, 626, 627, 628, 629, 630, 631, 632, 633, 634, 635, 636, 637, 638, 639,
        640, 641, 642, 643, 644, 645, 646, 647, 648, 649, 650, 651, 652, 653, 654, 655, 656, 657, 658, 659, 660, 661, 662, 663, 664, 665, 666, 667, 668, 669, 670, 671,
        672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 684, 685, 686, 687, 688, 689, 690, 691, 692, 693, 694, 695, 696, 697, 698, 699, 700, 701, 702, 703,
        704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715, 716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728, 729, 730, 731, 732, 733, 734, 735,
        736, 737, 738, 739, 740, 741, 742, 743, 744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755, 756, 757, 758, 759, 760, 761, 762, 763, 764, 765, 766, 767,
        768, 769, 770, 771, 772, 773, 774, 775, 776, 777, 778, 779, 780, 781, 782, 783, 784, 785, 786, 787, 788, 789, 790, 791, 792, 793, 794, 795, 796, 797, 798, 799,
        800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812, 813, 814, 815, 816, 817, 818, 819, 820, 821, 822, 823, 824, 825, 826, 827, 828, 829, 830, 831,
        832, 833, 834, 835, 836, 837, 838, 839, 840, 841, 842, 843, 844, 845, 846, 847, 848, 849, 850, 851, 852, 853, 854, 855, 856, 857, 858, 859, 860, 861, 862, 863,
        864, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 875, 876, 877, 878, 879, 880, 881, 882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895,
        896, 897, 898, 899, 900, 901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923, 924, 925, 926, 927,
        928, 929, 930, 931, 932, 933, 934, 935, 936, 937, 938, 939, 940, 941, 942, 943, 944, 945, 946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956, 957, 958, 959,
        960, 961, 962, 963, 964, 965, 966, 967, 968, 969, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979, 980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 990, 991,
        992, 993, 994, 995, 996, 997, 998, 999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018, 1019, 1020, 1021, 1022, 1023)
    };
}

/// `[Self::handler::<0, false, false>, Self::handler::<1, false, false>, …]`
/// for the given tags.
#[cfg(skiff_tail_calls)]
macro_rules! handler_table {
    ($($tag:literal),* $(,)?) => {
        [$(Self::handler::<$tag, false, false> as Handler<'s>),*]
    };
}

/// The back-edge handler of each of the given tags that branches, else the
/// plain handler (never used: `link` picks from this table only for
/// branches).
#[cfg(skiff_tail_calls)]
macro_rules! back_edge_handler_table {
    ($($tag:literal),* $(,)?) => {
        [$(if Instr::tag_branches($tag) { Self::handler::<$tag, false, true> as Handler<'s> } else { Self::handler::<$tag, false, false> }),*]
    };
}

/// The result-in-accumulator handler of each of the given tags that has
/// one (those that set the accumulator), else the plain handler (never
/// used: `link` picks from this table only for instructions that set the
/// accumulator). Only the functions a table holds are compiled.
#[cfg(skiff_tail_calls)]
macro_rules! acc_only_handler_table {
    ($($tag:literal),* $(,)?) => {
        [$(if Instr::tag_sets_acc($tag) { Self::handler::<$tag, true, false> as Handler<'s> } else { Self::handler::<$tag, false, false> }),*]
    };
}

/// A handler for one instruction kind: runs it and jumps on to the next.
///
/// The accumulators (`Acc`) travel as separate arguments, each in a
/// register of its kind: as one struct the Rust ABI would pass them in
/// memory, and the `v128` one too, which is why handlers use the C ABI
/// (`C-unwind`, so that a panic still unwinds to the embedder), which passes
/// a vector in a vector register. The executor is a pointer, never read
/// outside Rust.
#[cfg(skiff_tail_calls)]
#[allow(improper_ctypes_definitions)]
type Handler<'s> = extern "C-unwind" fn(&mut Executor<'s>, *const Op, *mut u64, *mut u8, u64, u64, f32, f64, VReg);

/// Threaded dispatch: each instruction kind has its own handler, and every
/// handler ends by jumping to the next instruction's handler. Each of those
/// jumps has its own entry in the branch predictor, which learns the
/// sequences of a program far better than the single jump of a `match`
/// loop. The registers carry the instruction pointer, frame pointer and
/// memory and the accumulator from handler to handler.
#[cfg(skiff_tail_calls)]
impl<'s> Executor<'s> {
    /// Handlers by instruction tag (the first two bytes of an `Instr`).
    const HANDLERS: [Handler<'s>; HANDLER_TABLE_SIZE] = with_every_tag!(handler_table);

    /// Handlers by tag for instructions whose result goes to the
    /// accumulator only (`Instr::result_in_acc_only`).
    const ACC_ONLY_HANDLERS: [Handler<'s>; HANDLER_TABLE_SIZE] = with_every_tag!(acc_only_handler_table);

    /// Handlers by tag for backward branches in code that tiers up.
    const BACK_EDGE_HANDLERS: [Handler<'s>; HANDLER_TABLE_SIZE] = with_every_tag!(back_edge_handler_table);

    /// Records why execution stops. Out of line and cold so that the
    /// handlers' hot paths, which end here on a trap, do not keep the
    /// executor in a callee-saved register to drop the previous value.
    #[cold]
    #[inline(never)]
    fn set_stop(&mut self, stop: Stop) {
        self.stop = Some(stop);
    }

    /// Runs until the entry function returns.
    pub(super) fn execute(&mut self) -> Result<(), Stop> {
        let (ip, fp, mem) = self.reload();
        Self::dispatch(self, ip, fp.0, mem.base, mem.len, Acc::ZERO);
        match self.stop.take() {
            Some(stop) => Err(stop),
            None => Ok(()),
        }
    }

    #[inline(always)]
    fn dispatch(this: &mut Self, ip: *const Op, fp: *mut u64, base: *mut u8, len: u64, acc: Acc) {
        // SAFETY: `ip` points at an instruction linked by `link`, whose
        // `handler` is `HANDLERS[tag]`: a function of this very type (the
        // lifetime does not change the code).
        let handler = unsafe { std::mem::transmute::<usize, Handler<'s>>((*ip).handler) };
        handler(this, ip, fp, base, len, acc.int, acc.f32, acc.f64, acc.v128)
    }

    /// The handler for instructions with tag `TAG`; with `ACC_ONLY`, for
    /// those of them that set the accumulator and write no slot (`dst` is
    /// `Slot::ACC`): the operator's code without the store, and none of
    /// `step`'s; with `BACK_EDGE`, for those of them that branch backward
    /// in code that tiers up (see `Executor::branch`).
    #[allow(clippy::too_many_arguments, improper_ctypes_definitions)]
    extern "C-unwind" fn handler<const TAG: u16, const ACC_ONLY: bool, const BACK_EDGE: bool>(
        this: &mut Self,
        ip: *const Op,
        fp: *mut u64,
        base: *mut u8,
        len: u64,
        acc_int: u64,
        acc_f32: f32,
        acc_f64: f64,
        acc_v128: VReg,
    ) {
        let mut acc = Acc { int: acc_int, f32: acc_f32, f64: acc_f64, v128: acc_v128 };
        // SAFETY: `link` gave `*ip` this handler because its tag is `TAG`. Telling
        // the compiler so folds the `match` in `step` to this tag's arm.
        // SAFETY: `ip` points at an instruction.
        if unsafe { &*ip }.instr.tag() != TAG {
            // SAFETY: see above.
            unsafe { std::hint::unreachable_unchecked() }
        }
        if ACC_ONLY {
            // SAFETY: `ip` points at an instruction (see `dispatch`).
            let instr = unsafe { (*ip).instr };
            match numeric::eval::<true>(ip, instr, Fp(fp), Mem { base, len }, &mut acc) {
                // SAFETY: a numeric instruction always has a successor.
                Ok(true) => Self::dispatch(this, unsafe { ip.add(1) }, fp, base, len, acc),
                Ok(false) => unreachable!("only numeric instructions have a result-in-accumulator form"),
                Err(trap) => this.set_stop(Stop::Trap(trap)),
            }
            return;
        }
        // SIMD operators have handlers of their own, without `step` (see
        // `vector`); no other handler contains their code.
        if const { super::vector::is_tagged(TAG) } {
            // SAFETY: `ip` points at an instruction (see `dispatch`).
            let instr = unsafe { (*ip).instr };
            match super::vector::eval_tagged::<TAG>(instr, Fp(fp), Mem { base, len }, &mut acc) {
                // SAFETY: an operator always has a successor.
                Ok(()) => Self::dispatch(this, unsafe { ip.add(1) }, fp, base, len, acc),
                Err(trap) => this.set_stop(Stop::Trap(trap)),
            }
            return;
        }
        match this.step::<BACK_EDGE>(ip, Fp(fp), Mem { base, len }, &mut acc) {
            Ok(Step::Next(next)) => Self::dispatch(this, next, fp, base, len, acc),
            Ok(Step::Enter(next, frame)) => Self::dispatch(this, next, frame.0, base, len, Acc::ZERO),
            Ok(Step::Reload) => {
                let (ip, fp, mem) = this.reload();
                Self::dispatch(this, ip, fp.0, mem.base, mem.len, Acc::ZERO)
            }
            Ok(Step::Done) => {}
            Err(stop) => this.set_stop(stop),
        }
    }
}
