;; SIMD accesses to a 32-bit memory 0 keep their own instructions
;; (`V128Load`, `V128Load8x8S`, `V128Store`, `V128Load32Lane`, ...). On any
;; other memory, or a 64-bit one, a load is a `V128LoadMem` naming its
;; memory and which load it is, a store a `V128StoreMem`, both with the low
;; half of the offset (a larger offset has its high half added first,
;; checked, by `AddrAddOffset`, as for `LoadMem`); lane accesses are a
;; `V128LoadLaneMem` or `V128StoreLaneMem` followed by a parameter word
;; with the whole 64-bit offset.
(module
  (memory $a 1)
  (memory $b 1)
  (memory $c i64 1)
  (func (param i32 i64) (result v128)
    (local $v v128)
    (local.set $v (v128.load $b offset=16 (local.get 0)))
    (i32x4.add
      (v128.load8x8_s $a offset=8 (local.get 0))
      (v128.load8x8_s $b offset=8 (local.get 0)))
    (v128.load32_splat $c offset=0x1_0000_0004 (local.get 1))
    (i8x16.add)
    (v128.load64_zero $c (local.get 1))
    (i8x16.add)
    (local.get $v)
    (i8x16.add))
  (func (param i32 i64) (param $v v128)
    (v128.store $a offset=4 (local.get 0) (local.get $v))
    (v128.store $b offset=4 (local.get 0) (local.get $v))
    (v128.store $c offset=0x2_0000_0000 (local.get 1) (local.get $v)))
  (func (param i32 i64) (param $v v128) (result v128)
    (v128.store16_lane $b offset=2 7 (local.get 0) (local.get $v))
    (v128.store64_lane $c offset=0xffff_ffff_ffff_fff0 1 (local.get 1) (local.get $v))
    (v128.load8_lane $c offset=0x1_0000_0000 15 (local.get 1)
      (v128.load32_lane $a 3 (local.get 0) (local.get $v))))
)

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=4 consts=[] frame=8
;;    0: V128LoadMem { dst: s2, addr: s0, memory: 1, kind: V128Load, offset: 16 }
;;    1: V128Load8x8S(Load { dst: s4, addr: s0, offset: 8 })
;;    2: V128LoadMem { dst: s6, addr: s0, memory: 1, kind: V128Load8x8S, offset: 8 }
;;    3: I32x4Add(BinOp { dst: s4, lhs: s4, rhs: s6 })
;;    4: AddrAddOffset { dst: s6, addr: s1, high: 1 }
;;    5: V128LoadMem { dst: s6, addr: s6, memory: 2, kind: V128Load32Splat, offset: 4 }
;;    6: I8x16Add(BinOp { dst: s4, lhs: s4, rhs: s6 })
;;    7: V128LoadMem { dst: s6, addr: s1, memory: 2, kind: V128Load64Zero, offset: 0 }
;;    8: I8x16Add(BinOp { dst: s4, lhs: s4, rhs: s6 })
;;    9: I8x16AddAcc(AccBinOp { dst: s4, rhs: s2 })
;;   10: ReturnSpan { src: s4, len: 2 }
;;
;; function 1:
;; params=4 locals=4 consts=[] frame=7
;;    0: V128Store { addr: s0, value: s2, offset: 4 }
;;    1: V128StoreMem { addr: s0, value: s2, memory: 1, offset: 4 }
;;    2: AddrAddOffset { dst: s4, addr: s1, high: 2 }
;;    3: V128StoreMem { addr: s4, value: s2, memory: 2, offset: 0 }
;;    4: Return0
;;
;; function 2:
;; params=4 locals=4 consts=[] frame=8
;;    0: V128StoreLaneMem { addr: s0, value: s2, memory: 1, width: 2, lane: 7 }
;;    1: V128LaneMemParams { offset: 2 }
;;    2: V128StoreLaneMem { addr: s1, value: s2, memory: 2, width: 8, lane: 1 }
;;    3: V128LaneMemParams { offset: 18446744073709551600 }
;;    4: V128Load32Lane { dst: s5, addr: s0, src: s2, lane: 3, offset: 0 }
;;    5: V128LoadLaneMem { dst: s4, addr: s1, src: s5, memory: 2, width: 1, lane: 15 }
;;    6: V128LaneMemParams { offset: 4294967296 }
;;    7: ReturnSpan { src: s4, len: 2 }
