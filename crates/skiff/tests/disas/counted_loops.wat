;; A counted loop's step (`i32.add` of a constant into the counter) and its
;; closing branch on the new value fuse into one instruction, for a
;; count-down (`br_if` on the counter), a count-up (`i32.ne` against a
;; bound), signed and unsigned bounds in a local or a constant, and the
;; `while` loop whose exit test jump threading copies to the bottom (the
;; copy stays after the fused step, for the loop's exit). A load from
;; `base + constant` is one load.
(module
  (memory 1)
  (func (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.load (i32.add (local.get 0) (i32.const 8)))))
      (br_if $l (local.tee 0 (i32.add (local.get 0) (i32.const -1)))))
    (local.get 1))
  (func (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
    (local.get 2))
  (func (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (br_if $l (i32.lt_s (local.tee 1 (i32.add (local.get 1) (i32.const 2))) (local.get 0))))
    (local.get 2))
  (func (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (i32.gt_u (local.tee 0 (i32.add (local.get 0) (i32.const -1))) (i32.const 1))))
    (local.get 1))
  (func (param i32) (result i32) (local i32 i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get 1) (local.get 0)))
        (local.set 2 (i32.xor (local.get 2) (local.get 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $l)))
    (local.get 2)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=2 consts=[] frame=7
;;    0: I32LoadAddImm(AddImmLoad { dst: acc, base: s0, imm: 8 })
;;    1: I32AddAcc(AccBinOp { dst: s1, rhs: s1 })
;;    2: I32AddImmBrIfNez { slot: s0, imm: -1, offset: -2 }
;;    3: Return1 { src: s1 }
;;
;; function 1:
;; params=1 locals=3 consts=[] frame=6
;;    0: I32Add(BinOp { dst: s2, lhs: s2, rhs: s1 })
;;    1: I32AddImmBrIfNe(StepBranch { slot: s1, step: 1, rhs: s0, offset: -1 })
;;    2: Return1 { src: s2 }
;;
;; function 2:
;; params=1 locals=3 consts=[] frame=6
;;    0: I32Add(BinOp { dst: s2, lhs: s2, rhs: s1 })
;;    1: I32AddImmBrIfLtS(StepBranch { slot: s1, step: 2, rhs: s0, offset: -1 })
;;    2: Return1 { src: s2 }
;;
;; function 3:
;; params=1 locals=2 consts=[] frame=6
;;    0: I32Add(BinOp { dst: s1, lhs: s1, rhs: s0 })
;;    1: I32AddImmBrIfGtUImm(StepBranchImm { slot: s0, step: -1, imm: 1, offset: -1 })
;;    2: Return1 { src: s1 }
;;
;; function 4:
;; params=1 locals=3 consts=[] frame=6
;;    0: BrIfI32GeS(CmpBranch { lhs: s1, rhs: s0, offset: 4 })
;;    1: I32Xor(BinOp { dst: s2, lhs: s2, rhs: s1 })
;;    2: I32AddImmBrIfLtS(StepBranch { slot: s1, step: 1, rhs: s0, offset: -1 })
;;    3: BrIfI32LtS(CmpBranch { lhs: s1, rhs: s0, offset: -2 })
;;    4: Return1 { src: s2 }
