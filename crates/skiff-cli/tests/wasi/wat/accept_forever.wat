;; Accepts on the listener granted as fd 3 (`-S tcplisten=`) with no flags,
;; so the host waits for a connection that never comes.
(module
  (import "wasi_snapshot_preview1" "sock_accept"
    (func $sock_accept (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $sock_accept (i32.const 3) (i32.const 0) (i32.const 0)))))
