;; A counted loop's step (`i32.add` of a constant into the counter) and its
;; closing branch on the new value fuse into one instruction, for a
;; count-down (`br_if` on the counter) and a count-up (`i32.ne` against a
;; bound). A load from `base + constant` is one load.
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
    (local.get 2)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=2 consts=[] frame=7
;;    0: I32LoadAddImm(AddImmLoad { dst: s5, base: s0, imm: 8 })
;;    1: I32AddAcc(AccBinOp { dst: s1, rhs: s1 })
;;    2: I32AddImmBrIfNez { slot: s0, imm: -1, offset: -2 }
;;    3: Return1 { src: s1 }
;;
;; function 1:
;; params=1 locals=3 consts=[] frame=6
;;    0: I32Add(BinOp { dst: s2, lhs: s2, rhs: s1 })
;;    1: I32AddImmBrIfNe { slot: s1, imm: 1, rhs: s0, offset: -1 }
;;    2: Return1 { src: s2 }
