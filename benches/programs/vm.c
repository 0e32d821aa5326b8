/* vm: a stack-based bytecode interpreter (switch dispatch, 64-bit values,
 * locals, conditional jumps, calls) running a program assembled at startup:
 * for every i in 1..size it counts the Collatz steps of i in a bytecode
 * subroutine and folds them into a running total. The kernel is the
 * fetch-decode-dispatch loop, the classic interpreter workload (branchy,
 * with an indirect jump per bytecode). Checksum: the program's result and
 * the number of bytecodes executed. */
#include "bench.h"

enum {
    OP_HALT, OP_PUSH, OP_LOAD, OP_STORE, OP_DUP, OP_POP,
    OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHR,
    OP_LT, OP_EQ, OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET,
};

typedef struct {
    int32_t code[256];
    int32_t len;
} Asm;

static int32_t emit(Asm *a, int32_t op) { a->code[a->len] = op; return a->len++; }
static void emit1(Asm *a, int32_t op, int32_t arg) { emit(a, op); emit(a, arg); }
/* A forward jump: emit with a placeholder, patch when the label is known. */
static int32_t emit_jump(Asm *a, int32_t op) { emit(a, op); return emit(a, -1); }
static void patch(Asm *a, int32_t at) { a->code[at] = a->len; }

/* Locals of the main program: 0 = i, 1 = total, 2 = n. The subroutine
 * takes x on the stack and returns its step count on the stack, using
 * locals 3 (x) and 4 (steps). */
static void assemble(Asm *a, int32_t n) {
    int32_t call_sub_at, sub_start;
    emit1(a, OP_PUSH, 1); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 1);
    emit1(a, OP_PUSH, n); emit1(a, OP_STORE, 2);
    int32_t outer = a->len;
    emit1(a, OP_LOAD, 0); emit1(a, OP_LOAD, 2); emit(a, OP_LT);
    int32_t to_done = emit_jump(a, OP_JZ);
    emit1(a, OP_LOAD, 0);
    emit(a, OP_CALL); call_sub_at = emit(a, -1);
    /* total = steps + (total ^ steps) */
    emit(a, OP_DUP); emit1(a, OP_LOAD, 1); emit(a, OP_XOR);
    emit(a, OP_ADD);
    emit1(a, OP_STORE, 1);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, 1); emit(a, OP_ADD); emit1(a, OP_STORE, 0);
    emit1(a, OP_JMP, outer);
    patch(a, to_done);
    emit1(a, OP_LOAD, 1);
    emit(a, OP_HALT);

    /* subroutine: steps(x) */
    sub_start = a->len;
    a->code[call_sub_at] = sub_start;
    emit1(a, OP_STORE, 3);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 4);
    int32_t loop = a->len;
    emit1(a, OP_LOAD, 3); emit1(a, OP_PUSH, 1); emit(a, OP_EQ);
    int32_t to_ret = emit_jump(a, OP_JNZ);
    emit1(a, OP_LOAD, 3); emit1(a, OP_PUSH, 1); emit(a, OP_AND);
    int32_t to_even = emit_jump(a, OP_JZ);
    emit1(a, OP_LOAD, 3); emit1(a, OP_PUSH, 3); emit(a, OP_MUL); emit1(a, OP_PUSH, 1); emit(a, OP_ADD);
    emit1(a, OP_STORE, 3);
    int32_t to_count = emit_jump(a, OP_JMP);
    patch(a, to_even);
    emit1(a, OP_LOAD, 3); emit1(a, OP_PUSH, 1); emit(a, OP_SHR); emit1(a, OP_STORE, 3);
    patch(a, to_count);
    emit1(a, OP_LOAD, 4); emit1(a, OP_PUSH, 1); emit(a, OP_ADD); emit1(a, OP_STORE, 4);
    emit1(a, OP_JMP, loop);
    patch(a, to_ret);
    emit1(a, OP_LOAD, 4);
    emit(a, OP_RET);
}

static int64_t run(const int32_t *code, uint64_t *executed) {
    int64_t stack[64], locals[8] = {0};
    int32_t rstack[16];
    int32_t sp = 0, rsp = 0, pc = 0;
    uint64_t count = 0;
    for (;;) {
        count++;
        int32_t op = code[pc++];
        switch (op) {
        case OP_HALT: *executed = count; return stack[sp - 1];
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_LOAD: stack[sp++] = locals[code[pc++]]; break;
        case OP_STORE: locals[code[pc++]] = stack[--sp]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_POP: sp--; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] * (uint64_t)stack[sp]); break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63)); break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
        case OP_JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
        case OP_CALL: rstack[rsp++] = pc + 1; pc = code[pc]; break;
        case OP_RET: pc = rstack[--rsp]; break;
        default: bench_fail("bad opcode");
        }
    }
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 40000);
    static Asm a;
    assemble(&a, (int32_t)n);
    uint64_t executed = 0;
    int64_t result = run(a.code, &executed);
    print_checksum(mix64((uint64_t)result, executed));
    return 0;
}
