/* QuickJS benchmark driver for the time-to-result benchmark
 * (benches/ttr.py): a QuickJS runtime and context with the standard
 * built-ins (no quickjs-libc: no std/os modules, no file access), a global
 * print(...) writing its arguments to stdout, and the command-line
 * arguments as the global array scriptArgs. Runs quickjs_bench.js, which
 * build.sh embeds as a C string (quickjs_bench_script.h, generated). An
 * uncaught exception is printed with its stack and exits with status 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"

#include "quickjs_bench_script.h" /* static const char quickjs_bench_script[] */

static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    for (int i = 0; i < argc; i++) {
        size_t len;
        const char *s = JS_ToCStringLen(ctx, &len, argv[i]);
        if (!s) return JS_EXCEPTION;
        if (i) putchar(' ');
        fwrite(s, 1, len, stdout);
        JS_FreeCString(ctx, s);
    }
    putchar('\n');
    return JS_UNDEFINED;
}

static void print_exception(JSContext *ctx) {
    JSValue exc = JS_GetException(ctx);
    const char *msg = JS_ToCString(ctx, exc);
    fprintf(stderr, "quickjs: uncaught exception: %s\n", msg ? msg : "?");
    JS_FreeCString(ctx, msg);
    if (JS_IsError(ctx, exc)) {
        JSValue stack = JS_GetPropertyStr(ctx, exc, "stack");
        const char *s = JS_IsUndefined(stack) ? NULL : JS_ToCString(ctx, stack);
        if (s) fprintf(stderr, "%s\n", s);
        JS_FreeCString(ctx, s);
        JS_FreeValue(ctx, stack);
    }
    JS_FreeValue(ctx, exc);
}

int main(int argc, char **argv) {
    JSRuntime *rt = JS_NewRuntime();
    JSContext *ctx = rt ? JS_NewContext(rt) : NULL;
    if (!ctx) {
        fprintf(stderr, "quickjs: cannot create context\n");
        return 1;
    }
    JSValue global = JS_GetGlobalObject(ctx);
    JS_SetPropertyStr(ctx, global, "print", JS_NewCFunction(ctx, js_print, "print", 1));
    JSValue args = JS_NewArray(ctx);
    for (int i = 1; i < argc; i++) JS_SetPropertyUint32(ctx, args, (uint32_t)(i - 1), JS_NewString(ctx, argv[i]));
    JS_SetPropertyStr(ctx, global, "scriptArgs", args);
    JS_FreeValue(ctx, global);

    JSValue result = JS_Eval(ctx, quickjs_bench_script, strlen(quickjs_bench_script), "quickjs_bench.js",
                             JS_EVAL_TYPE_GLOBAL);
    int status = 0;
    if (JS_IsException(result)) {
        print_exception(ctx);
        status = 1;
    }
    JS_FreeValue(ctx, result);
    fflush(stdout);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    return status;
}
