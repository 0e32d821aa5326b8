/* Configuration for building Lua 5.4 as a WASI command without setjmp.
 * build.sh includes this header first in every Lua source file
 * (`-include lua_wasi.h`).
 *
 * Lua raises errors with longjmp, which on wasm32 needs the exception
 * handling proposal (clang's -mllvm -wasm-enable-sjlj). Not every runtime
 * the benchmark compares runs that, so this build has no longjmp at all:
 * a protected call runs its body directly, and raising an error prints the
 * message and exits with status 1 (see lua_bench_throw in lua_bench.c).
 * The benchmark script therefore never raises errors and does not use
 * pcall/error or coroutines (coroutine.yield from Lua raises internally).
 *
 * ldo.c still includes <setjmp.h>, whose wasi-libc version refuses to be
 * included without exception handling; its include guard is defined here
 * so that the include is empty (nothing from it is used).
 *
 * WASI has no signals, so the hook fields Lua marks sig_atomic_t (for
 * lua_sethook from a signal handler) are plain ints.
 *
 * The string-hash seed is fixed so that table layouts, and with them the
 * order of pairs(), are the same in every run and every runtime. */
#ifndef LUA_WASI_H
#define LUA_WASI_H

struct lua_State;
struct lua_longjmp;
_Noreturn void lua_bench_throw(struct lua_State *L, int status);

#define LUAI_THROW(L, c) lua_bench_throw((L), (c)->status)
#define LUAI_TRY(L, c, a) { a }
#define luai_jmpbuf int /* unused */
#define luai_makeseed(L) 0x9e3779b9u
#define l_signalT int
#define _SETJMP_H 1 /* wasi-libc's include guard */

#endif
