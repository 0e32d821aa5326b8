;; Reads stdin with `fd_read`: on a pipe that stays open and silent the host
;; read never returns by itself.
(module
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; One iovec at 0: 16 bytes at 64.
  (data (i32.const 0) "\40\00\00\00\10\00\00\00")
  (func (export "_start")
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 32)))))
