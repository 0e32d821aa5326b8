;; musl's `memcmp` loop as clang compiles it: two byte loads in a row are
;; one `I32Load8U2`, and their difference, kept in a local for the return
;; and tested at once, one `I32SubBrIfNez`: four dispatches a byte, not
;; six. `eqz` flips the test (`I32SubBrIfEqz`). Byte loads with a label
;; between them, or an offset past 16 bits, stay apart.
(module
  (memory 1)
  (func $memcmp (param $l i32) (param $r i32) (param $n i32) (result i32) (local $d i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (br_if $done (local.tee $d (i32.sub (i32.load8_u (local.get $l)) (i32.load8_u (local.get $r)))))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $next (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
      (local.set $d (i32.const 0)))
    (local.get $d))
  (func (param $a i32) (param $b i32) (result i32)
    (block (br_if 0 (i32.eqz (i32.sub (local.get $a) (local.get $b)))) (return (i32.const 1)))
    (i32.const 2))
  (func (param $p i32) (result i32) (local $x i32)
    (local.set $x (i32.load8_u (local.get $p)))
    (loop $l (br_if $l (i32.eqz (i32.load8_u offset=1 (local.get $p)))))
    (local.get $x))
  (func (param $p i32) (result i32)
    (i32.add (i32.load8_u offset=65536 (local.get $p)) (i32.load8_u (local.get $p)))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=3 locals=4 consts=[] frame=10
;;    0: BrIfEqz { cond: s2, offset: 6 }
;;    1: I32Load8U2 { a: s8, addr_a: s0, b: s9, addr_b: s1, offset_a: 0, offset_b: 0 }
;;    2: I32SubBrIfNez { op: BinOp { dst: s3, lhs: s8, rhs: s9 }, offset: 4 }
;;    3: I32AddImm2 { a: s0, imm_a: 1, b: s1, imm_b: 1 }
;;    4: I32AddImmBrIfNez { slot: s2, imm: -1, offset: -3 }
;;    5: CopyImm32 { dst: s3, bits: 0 }
;;    6: Return1 { src: s3 }
;;
;; function 1:
;; params=2 locals=2 consts=[1, 2] frame=6
;;    0: I32SubBrIfEqz { op: BinOp { dst: s4, lhs: s0, rhs: s1 }, offset: 2 }
;;    1: Return1 { src: s2 }
;;    2: Return1 { src: s3 }
;;
;; function 2:
;; params=1 locals=2 consts=[] frame=3
;;    0: I32Load8U(Load { dst: s1, addr: s0, offset: 0 })
;;    1: I32Load8U(Load { dst: acc, addr: s0, offset: 1 })
;;    2: BrIfEqzAcc { offset: -1 }
;;    3: Return1 { src: s1 }
;;
;; function 3:
;; params=1 locals=1 consts=[] frame=3
;;    0: I32Load8U(Load { dst: s1, addr: s0, offset: 65536 })
;;    1: I32Load8U(Load { dst: acc, addr: s0, offset: 0 })
;;    2: I32AddAcc(AccBinOp { dst: s1, rhs: s1 })
;;    3: Return1 { src: s1 }
