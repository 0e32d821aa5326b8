;; A reactor: no _start, an _initialize that must run before any export is
;; invoked, and exports that show whether it did.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "initialized\n")
  (data (i32.const 0) "\10\00\00\00\0c\00\00\00")
  (global $base (mut i32) (i32.const 0))
  (func (export "_initialize")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $base (i32.const 1000)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (global.get $base) (i32.add (local.get 0) (local.get 1))))
  (func (export "base") (result i32) (global.get $base)))
