/* Driver for the Lua benchmark: a Lua 5.4 state with the base, table,
 * string, math and utf8 libraries (no io, os, package or debug: the
 * program touches no files), running the script lua_bench.lua, which
 * build.sh embeds as a C string (lua_bench_script.h, generated). The
 * script gets the command-line arguments as `...` and prints one line
 * `checksum: N`. See lua_wasi.h for how errors end the process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

#include "lua_bench_script.h" /* static const char lua_bench_script[] */

_Noreturn void lua_bench_throw(lua_State *L, int status) {
    const char *msg = (status == LUA_ERRRUN || status == LUA_ERRSYNTAX) && lua_type(L, -1) == LUA_TSTRING
                          ? lua_tostring(L, -1)
                          : "(no message)";
    fprintf(stderr, "lua: error (status %d): %s\n", status, msg);
    exit(1);
}

int main(int argc, char **argv) {
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "lua: cannot create state\n");
        return 1;
    }
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},         {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math},   {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL},
    };
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    luaL_loadbuffer(L, lua_bench_script, strlen(lua_bench_script), "=lua_bench.lua");
    for (int i = 1; i < argc; i++) lua_pushstring(L, argv[i]);
    lua_call(L, argc - 1, 0);
    lua_close(L);
    return 0;
}
