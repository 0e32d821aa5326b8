;; Tier-up's counters (Strategy::Auto): `TierEntry` first, weighted by the
;; operators outside loops plus each loop's first iteration, which falls in
;; without passing a counter. Back edges branch to a `TierLoop` stub after
;; the function's code (its `TierLoopHeader` names the loop and its
;; header), one per target; the back edge's handler counts and goes on to
;; where the stub goes. An inverted `while` loop's back edge arrives past
;; the header's exit test: its stub continues there, and sends a frame
;; about to enter compiled code to the header. A `br_table` back edge goes
;; to a stub too; nested loops sharing a header share a stub.
(module
  (func (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func (param i32) (result i32) (local i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br $l)))
    (local.get 1))
  (func (param i32 i32) (result i32) (local i32)
    (loop $outer
      (loop $inner
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (br_if $inner (i32.and (local.get 2) (i32.const 7))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $outer (local.get 0)))
    (local.get 2))
  (func (param i32) (result i32)
    (block $out
      (loop $l
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_table $l $out (i32.eqz (local.get 0)))))
    (local.get 0))
)

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=2 consts=[] frame=5
;;    0: TierEntry { weight: 15, def: 0 }
;;    1: I32Add(BinOp { dst: s1, lhs: s1, rhs: s0 })
;;    2: I32SubImm(BinOpImm { dst: s0, lhs: s0, imm: 1 })
;;    3: BrIfNezAcc { offset: -2 }
;;    4: TierLoop { weight: 11, def: 0, offset: -3 }
;;    5: TierLoopHeader { index: 0, offset: -4 }
;;    6: Return1 { src: s1 }
;;
;; function 1:
;; params=1 locals=2 consts=[] frame=5
;;    0: TierEntry { weight: 15, def: 1 }
;;    1: BrIfI32GeU(CmpBranch { lhs: s1, rhs: s0, offset: 5 })
;;    2: I32AddImm(BinOpImm { dst: s1, lhs: s1, imm: 3 })
;;    3: BrIfI32LtU(CmpBranch { lhs: s1, rhs: s0, offset: -1 })
;;    4: TierLoop { weight: 10, def: 1, offset: -2 }
;;    5: TierLoopHeader { index: 0, offset: -4 }
;;    6: Return1 { src: s1 }
;;
;; function 2:
;; params=2 locals=3 consts=[7] frame=8
;;    0: TierEntry { weight: 23, def: 2 }
;;    1: I32AddImm(BinOpImm { dst: s2, lhs: s2, imm: 1 })
;;    2: BrIfI32AndNezAcc(AccCmpBranch { rhs: s3, offset: -1 })
;;    3: TierLoop { weight: 10, def: 2, offset: -2 }
;;    4: TierLoopHeader { index: 1, offset: -3 }
;;    5: I32SubImm(BinOpImm { dst: s0, lhs: s0, imm: 1 })
;;    6: BrIfNezAcc { offset: -5 }
;;    7: TierLoop { weight: 10, def: 2, offset: -6 }
;;    8: TierLoopHeader { index: 1, offset: -7 }
;;    9: Return1 { src: s2 }
;;
;; function 3:
;; params=1 locals=1 consts=[] frame=4
;;    0: TierEntry { weight: 13, def: 3 }
;;    1: I32SubImm(BinOpImm { dst: s0, lhs: s0, imm: 1 })
;;    2: I32EqzAcc(AccUnOp { dst: s2 })
;;    3: BrTable { index: s2, len: 1 }
;;    4: Br { offset: 3 }
;;    5: Br { offset: 1 }
;;    6: Return1 { src: s0 }
;;    7: TierLoop { weight: 8, def: 3, offset: -6 }
;;    8: TierLoopHeader { index: 0, offset: -7 }
