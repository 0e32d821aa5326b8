/* A small stack-based bytecode VM with switch dispatch. The guest program
 * loops n times, calling a native helper and a bytecode subroutine; binary
 * operators and native helpers are out-of-line (noinline) calls, so the
 * kernel is both branch- and call-heavy. Returns the program's result. */
#include <stdint.h>

enum {
    OP_HALT,
    OP_PUSH,  /* imm */
    OP_LOAD,  /* local index */
    OP_STORE, /* local index */
    OP_DUP,
    OP_BIN,   /* binop kind */
    OP_NATIVE,/* native helper index */
    OP_JMP,   /* target */
    OP_JZ,    /* target */
    OP_JNZ,   /* target */
    OP_CALL,  /* target */
    OP_RET,
};

enum { B_ADD, B_SUB, B_MUL, B_XOR, B_AND, B_SHL, B_SHR };

typedef struct {
    int64_t stack[64];
    int32_t ret[32];
    int64_t locals[8];
    int32_t sp, rsp;
} Vm;

__attribute__((noinline)) static int64_t binop(int32_t kind, int64_t a, int64_t b) {
    switch (kind) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return (int64_t)((uint64_t)a * (uint64_t)b);
    case B_XOR: return a ^ b;
    case B_AND: return a & b;
    case B_SHL: return (int64_t)((uint64_t)a << (b & 63));
    case B_SHR: return (int64_t)((uint64_t)a >> (b & 63));
    default: return 0;
    }
}

__attribute__((noinline)) static int64_t native_mix(int64_t a, int64_t b) {
    uint64_t x = (uint64_t)a + (uint64_t)b * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
    return (int64_t)(x * 0xbf58476d1ce4e5b9ull);
}

__attribute__((noinline)) static int64_t native_collatz(int64_t a, int64_t b) {
    uint64_t v = ((uint64_t)b & 255) + 1;
    int64_t steps = 0;
    while (v != 1) {
        v = (v & 1) ? 3 * v + 1 : v >> 1;
        steps++;
    }
    return a + steps;
}

__attribute__((noinline)) static void push(Vm *vm, int64_t v) { vm->stack[vm->sp++] = v; }
__attribute__((noinline)) static int64_t pop(Vm *vm) { return vm->stack[--vm->sp]; }

/* Program text, assembled at run time by assemble().
 * locals: 0 = n (input), 1 = acc, 2 = i */
static int32_t code[256];

__attribute__((noinline)) static int32_t emit(int32_t pc, int32_t a) {
    code[pc] = a;
    return pc + 1;
}

static int32_t assemble(void) {
    int32_t pc = 0;
    int32_t fix_exit, fix_odd, fix_join, fix_sub, loop, odd, join, exit_, sub;
    pc = emit(pc, OP_PUSH); pc = emit(pc, 0); pc = emit(pc, OP_STORE); pc = emit(pc, 1);
    pc = emit(pc, OP_LOAD); pc = emit(pc, 0); pc = emit(pc, OP_STORE); pc = emit(pc, 2);
    pc = emit(pc, OP_LOAD); pc = emit(pc, 2); pc = emit(pc, OP_JZ); fix_exit = pc; pc = emit(pc, 0);
    loop = pc;
    /* acc = mix(acc, i) */
    pc = emit(pc, OP_LOAD); pc = emit(pc, 1); pc = emit(pc, OP_LOAD); pc = emit(pc, 2);
    pc = emit(pc, OP_NATIVE); pc = emit(pc, 0); pc = emit(pc, OP_STORE); pc = emit(pc, 1);
    /* if (i & 3) acc = collatz(acc, i) else acc = sub(acc) */
    pc = emit(pc, OP_LOAD); pc = emit(pc, 2); pc = emit(pc, OP_PUSH); pc = emit(pc, 3);
    pc = emit(pc, OP_BIN); pc = emit(pc, B_AND); pc = emit(pc, OP_JNZ); fix_odd = pc; pc = emit(pc, 0);
    pc = emit(pc, OP_LOAD); pc = emit(pc, 1); pc = emit(pc, OP_CALL); fix_sub = pc; pc = emit(pc, 0);
    pc = emit(pc, OP_JMP); fix_join = pc; pc = emit(pc, 0);
    odd = pc;
    pc = emit(pc, OP_LOAD); pc = emit(pc, 1); pc = emit(pc, OP_LOAD); pc = emit(pc, 2);
    pc = emit(pc, OP_NATIVE); pc = emit(pc, 1);
    join = pc;
    pc = emit(pc, OP_STORE); pc = emit(pc, 1);
    /* i = i - 1; loop while i != 0 */
    pc = emit(pc, OP_LOAD); pc = emit(pc, 2); pc = emit(pc, OP_PUSH); pc = emit(pc, 1);
    pc = emit(pc, OP_BIN); pc = emit(pc, B_SUB); pc = emit(pc, OP_DUP); pc = emit(pc, OP_STORE);
    pc = emit(pc, 2); pc = emit(pc, OP_JNZ); pc = emit(pc, loop);
    exit_ = pc;
    pc = emit(pc, OP_LOAD); pc = emit(pc, 1); pc = emit(pc, OP_HALT);
    /* sub(x): x ^= x << 7; x ^= x >> 9; x = x * 5 + 1 */
    sub = pc;
    pc = emit(pc, OP_DUP); pc = emit(pc, OP_PUSH); pc = emit(pc, 7); pc = emit(pc, OP_BIN);
    pc = emit(pc, B_SHL); pc = emit(pc, OP_BIN); pc = emit(pc, B_XOR);
    pc = emit(pc, OP_DUP); pc = emit(pc, OP_PUSH); pc = emit(pc, 9); pc = emit(pc, OP_BIN);
    pc = emit(pc, B_SHR); pc = emit(pc, OP_BIN); pc = emit(pc, B_XOR);
    pc = emit(pc, OP_PUSH); pc = emit(pc, 5); pc = emit(pc, OP_BIN); pc = emit(pc, B_MUL);
    pc = emit(pc, OP_PUSH); pc = emit(pc, 1); pc = emit(pc, OP_BIN); pc = emit(pc, B_ADD);
    pc = emit(pc, OP_RET);
    code[fix_exit] = exit_;
    code[fix_odd] = odd;
    code[fix_join] = join;
    code[fix_sub] = sub;
    return pc;
}

__attribute__((noinline)) static int64_t execute(Vm *vm) {
    int32_t pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_HALT: return pop(vm);
        case OP_PUSH: push(vm, code[pc++]); break;
        case OP_LOAD: push(vm, vm->locals[code[pc++]]); break;
        case OP_STORE: vm->locals[code[pc++]] = pop(vm); break;
        case OP_DUP: { int64_t v = pop(vm); push(vm, v); push(vm, v); break; }
        case OP_BIN: {
            int64_t b = pop(vm), a = pop(vm);
            push(vm, binop(code[pc++], a, b));
            break;
        }
        case OP_NATIVE: {
            int64_t b = pop(vm), a = pop(vm);
            int32_t which = code[pc++];
            push(vm, which == 0 ? native_mix(a, b) : native_collatz(a, b));
            break;
        }
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: { int32_t t = code[pc++]; if (pop(vm) == 0) pc = t; break; }
        case OP_JNZ: { int32_t t = code[pc++]; if (pop(vm) != 0) pc = t; break; }
        case OP_CALL: { int32_t t = code[pc++]; vm->ret[vm->rsp++] = pc; pc = t; break; }
        case OP_RET: pc = vm->ret[--vm->rsp]; break;
        default: return -1;
        }
    }
}

static Vm vm;

int64_t run(int32_t n) {
    assemble();
    vm.sp = 0;
    vm.rsp = 0;
    for (int i = 0; i < 8; i++) vm.locals[i] = 0;
    vm.locals[0] = n;
    return execute(&vm);
}
