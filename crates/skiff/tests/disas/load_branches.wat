;; An `i32.load` whose value a branch tests right away is one
;; `I32LoadBrIfNez`/`I32LoadBrIfEqz`, which still writes the value where it
;; went (a local kept for later, or a temporary nothing reads): a linked
;; list walked (`while ((p = p->next))`), a flag tested (`if (t->state)`),
;; and `eqz` flipping the test. A load with a constant added to its address
;; (`…LoadAddImm`) or a narrower load keeps its own branch.
(module
  (memory 1)
  (func (param $p i32) (result i32) (local $n i32)
    (loop $walk
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $walk (local.tee $p (i32.load offset=4 (local.get $p)))))
    (local.get $n))
  (func (param $t i32) (result i32)
    (if (result i32) (i32.load (local.get $t)) (then (i32.const 1)) (else (i32.const 2))))
  (func (param $t i32) (result i32)
    (block (br_if 0 (i32.eqz (i32.load offset=8 (local.get $t)))) (return (i32.const 3)))
    (i32.const 4))
  (func (param $t i32) (result i32)
    (block (br_if 0 (i32.load (i32.add (local.get $t) (i32.const 8)))) (return (i32.const 5)))
    (i32.const 6))
  (func (param $t i32) (result i32)
    (block (br_if 0 (i32.load8_u (local.get $t))) (return (i32.const 7)))
    (i32.const 8)))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=1 locals=2 consts=[] frame=5
;;    0: I32AddImm(BinOpImm { dst: s1, lhs: s1, imm: 1 })
;;    1: I32LoadBrIfNez { load: Load { dst: s0, addr: s0, offset: 4 }, offset: -1 }
;;    2: Return1 { src: s1 }
;;
;; function 1:
;; params=1 locals=1 consts=[1, 2] frame=4
;;    0: I32LoadBrIfEqz { load: Load { dst: s3, addr: s0, offset: 0 }, offset: 3 }
;;    1: Copy { dst: s3, src: s1 }
;;    2: Return1 { src: s3 }
;;    3: Copy { dst: s3, src: s2 }
;;    4: Return1 { src: s3 }
;;
;; function 2:
;; params=1 locals=1 consts=[3, 4] frame=4
;;    0: I32LoadBrIfEqz { load: Load { dst: s3, addr: s0, offset: 8 }, offset: 2 }
;;    1: Return1 { src: s1 }
;;    2: Return1 { src: s2 }
;;
;; function 3:
;; params=1 locals=1 consts=[5, 6] frame=6
;;    0: I32LoadAddImm(AddImmLoad { dst: acc, base: s0, imm: 8 })
;;    1: BrIfNezAcc { offset: 2 }
;;    2: Return1 { src: s1 }
;;    3: Return1 { src: s2 }
;;
;; function 4:
;; params=1 locals=1 consts=[7, 8] frame=4
;;    0: I32Load8U(Load { dst: acc, addr: s0, offset: 0 })
;;    1: BrIfNezAcc { offset: 2 }
;;    2: Return1 { src: s1 }
;;    3: Return1 { src: s2 }
