;; Memory 0, a 32-bit memory, keeps its own instructions (`I32Load`,
;; `MemoryCopy`, ...), whose handlers find it in registers. Every access to
;; another memory, or to a 64-bit one, names its memory: `LoadMem` and
;; `StoreMem` carry the memory index and the access's kind, and bulk
;; operations on other memories carry theirs in a parameter word. A
;; memory64 offset past 32 bits has its high half added first, checked, by
;; `AddrAddOffset`.
(module
  (memory $a 1)
  (memory $b 1)
  (memory $c i64 1)
  (data $d "hello")
  (func (param i32 i64) (result i32)
    (i32.add
      (i32.load $a offset=4 (local.get 0))
      (i32.load8_s $b offset=8 (local.get 0))))
  (func (param i32 i64)
    (i64.store $c offset=16 (local.get 1) (i64.const 7))
    (i64.store16 $b (local.get 0) (i64.load32_u $c offset=0x1_0000_0004 (local.get 1))))
  (func (param i32 i64)
    (memory.copy $a $a (local.get 0) (local.get 0) (i32.const 4))
    (memory.copy $b $a (local.get 0) (local.get 0) (i32.const 4))
    (memory.copy $c $b (local.get 1) (local.get 0) (i32.const 4))
    (memory.fill $b (local.get 0) (i32.const 0) (i32.const 4))
    (memory.init $c $d (local.get 1) (i32.const 0) (i32.const 5))
    (drop (memory.grow $c (i64.const 1)))
    (drop (memory.grow $b (i32.const 1)))))

;; ---- expected interpreter code (SKIFF_BLESS=1 regenerates) ----
;;
;; function 0:
;; params=2 locals=2 consts=[] frame=4
;;    0: I32Load(Load { dst: s2, addr: s0, offset: 4 })
;;    1: LoadMem { dst: s3, addr: s0, memory: 1, kind: I32S8, offset: 8 }
;;    2: I32Add(BinOp { dst: s2, lhs: s2, rhs: s3 })
;;    3: Return1 { src: s2 }
;;
;; function 1:
;; params=2 locals=2 consts=[7] frame=5
;;    0: StoreMem { addr: s1, value: s2, memory: 2, kind: B64, offset: 16 }
;;    1: AddrAddOffset { dst: s4, addr: s1, high: 1 }
;;    2: LoadMem { dst: s4, addr: s4, memory: 2, kind: U32, offset: 4 }
;;    3: StoreMem { addr: s0, value: s4, memory: 1, kind: B16, offset: 0 }
;;    4: Return0
;;
;; function 2:
;; params=2 locals=2 consts=[4, 0, 5, 1] frame=14
;;    0: MemoryCopy { dst: s0, src: s0, len: s2 }
;;    1: MemoryCopyMem { dst: s0, src: s0, len: s2 }
;;    2: MemoryCopyParams { dst_memory: 1, src_memory: 0 }
;;    3: MemoryCopyMem { dst: s1, src: s0, len: s2 }
;;    4: MemoryCopyParams { dst_memory: 2, src_memory: 1 }
;;    5: MemoryFillMem { dst: s0, value: s3, len: s2, memory: 1 }
;;    6: MemoryInitMem { dst: s1, src: s3, len: s4 }
;;    7: MemoryInitParams { memory: 2, data: 0 }
;;    8: MemoryGrow64 { dst: s11, delta: s5, memory: 2 }
;;    9: MemoryGrow { dst: s11, delta: s5, memory: 1 }
;;   10: Return0
