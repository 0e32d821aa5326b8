;; Pointer steps. Two in-place `i32.add`s of constants in a row are one
;; `I32AddImm2`, which leaves the second sum in the accumulator: a load
;; through a pointer just stepped by `local.tee` takes its address from
;; there (quicksort's `do { i++; p++ } while (*p < pivot)`: three
;; instructions a round, not four). A store to `base + constant` with the
;; value in a local or a constant (`a[j + 1] = v`) is one
;; `Store8AddImm`…`Store64AddImm`; with a static offset, or a value computed
;; after the address, the add stays. An `i32.add` of a constant kept in two
;; locals (`local.tee a; local.set b`) is one `I32AddImmCopy`.
(module
  (memory 1)
  (func (param $p i32) (param $pivot i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (i32.load (local.tee $p (i32.add (local.get $p) (i32.const 4))))
                          (local.get $pivot))))
    (local.get $i))
  (func (param $p i32) (param $v i64) (param $f f64)
    (i64.store8 (i32.add (local.get $p) (i32.const 1)) (local.get $v))
    (i64.store16 (i32.add (local.get $p) (i32.const 2)) (local.get $v))
    (i64.store32 (i32.add (local.get $p) (i32.const 4)) (local.get $v))
    (f64.store (i32.add (local.get $p) (i32.const -8)) (local.get $f))
    (i32.store (i32.add (local.get $p) (i32.const 16)) (i32.const 7))
    (i32.store offset=4 (i32.add (local.get $p) (i32.const 16)) (i32.const 7))
    (i32.store (i32.add (local.get $p) (i32.const 16)) (i32.wrap_i64 (local.get $v))))
  ;; insertion sort's inner loop: while (j >= lo && a[j] > v) { a[j+1] = a[j]; j-- }
  (func (param $a i32) (param $j i32) (param $lo i32) (param $v i32) (result i32) (local $q i32) (local $x i32)
    (local.set $q (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.lt_s (local.get $j) (local.get $lo)))
        (br_if $done (i32.le_s (local.tee $x (i32.load (local.get $q))) (local.get $v)))
        (i32.store (i32.add (local.get $q) (i32.const 4)) (local.get $x))
        (local.set $q (i32.add (local.get $q) (i32.const -4)))
        (local.set $j (local.tee $x (i32.add (local.get $j) (i32.const -1))))
        (br $l)))
    (local.get $j)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=3 consts=[] frame=7
;;    0: I32AddImm2 { a: s2, imm_a: 1, b: s0, imm_b: 4 }
;;    1: I32LoadAcc(AccLoad { dst: acc, offset: 0 })
;;    2: BrIfI32LtSAcc(AccCmpBranch { rhs: s1, offset: -2 })
;;    3: Return1 { src: s2 }
;;
;; function 1:
;; params=3 locals=3 consts=[7] frame=14
;;    0: Store8AddImm { base: s0, value: s1, imm: 1 }
;;    1: Store16AddImm { base: s0, value: s1, imm: 2 }
;;    2: Store32AddImm { base: s0, value: s1, imm: 4 }
;;    3: Store64AddImm { base: s0, value: s2, imm: -8 }
;;    4: Store32AddImm { base: s0, value: s3, imm: 16 }
;;    5: I32AddImm(BinOpImm { dst: s12, lhs: s0, imm: 16 })
;;    6: I32Store(Store { addr: s12, value: s3, offset: 4 })
;;    7: I32AddImm(BinOpImm { dst: s12, lhs: s0, imm: 16 })
;;    8: I32WrapI64(UnOp { dst: s13, src: s1 })
;;    9: I32Store(Store { addr: s12, value: s13, offset: 0 })
;;   10: Return0
;;
;; function 2:
;; params=4 locals=6 consts=[] frame=13
;;    0: I32ShlImm(BinOpImm { dst: acc, lhs: s1, imm: 2 })
;;    1: I32AddAcc(AccBinOp { dst: s4, rhs: s0 })
;;    2: BrIfI32LtS(CmpBranch { lhs: s1, rhs: s2, offset: 7 })
;;    3: I32Load(Load { dst: s5, addr: s4, offset: 0 })
;;    4: BrIfI32LeSAcc(AccCmpBranch { rhs: s3, offset: 5 })
;;    5: Store32AddImm { base: s4, value: s5, imm: 4 }
;;    6: I32AddImm(BinOpImm { dst: s4, lhs: s4, imm: -4 })
;;    7: I32AddImmCopy { dst: s5, lhs: s1, copy: s1, imm: -1 }
;;    8: BrIfI32GeS(CmpBranch { lhs: s1, rhs: s2, offset: -5 })
;;    9: Return1 { src: s1 }
