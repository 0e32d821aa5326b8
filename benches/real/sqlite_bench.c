/* SQLite benchmark driver for the time-to-result benchmark (benches/ttr.py).
 *
 * An in-memory database (no files, no VFS I/O) with three tables filled
 * from a fixed-seed LCG: products, customers and orders (argv[1] thousand
 * orders, default 200). Then indexes, joins, GROUP BY, ORDER BY ... LIMIT,
 * LIKE scans, window functions, a recursive CTE, point lookups through a
 * prepared statement, UPDATE and DELETE. Every result row of every query
 * is folded into one checksum (integers by value, floats by bit pattern,
 * text by bytes), printed as `checksum: N`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../programs/bench.h"
#include "sqlite3.h"

static sqlite3 *db;
static uint64_t sum = 0x5eed;

static void die(const char *what) {
    fprintf(stderr, "sqlite_bench: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite_bench: %s\n  in: %s\n", err ? err : "?", sql);
        exit(1);
    }
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) die(sql);
    return st;
}

/* Fold every column of every row the statement returns into `sum`;
 * returns the number of rows. */
static long fold_rows(sqlite3_stmt *st) {
    long rows = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        for (int i = 0; i < n; i++) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER: sum = mix64(sum, (uint64_t)sqlite3_column_int64(st, i)); break;
            case SQLITE_FLOAT: sum = mix64(sum, dbits(sqlite3_column_double(st, i))); break;
            case SQLITE_NULL: sum = mix64(sum, 0x6e756c6c); break;
            default: {
                const unsigned char *t = sqlite3_column_text(st, i);
                int len = sqlite3_column_bytes(st, i);
                uint64_t h = 0xcbf29ce484222325ull;
                for (int k = 0; k < len; k++) h = (h ^ t[k]) * 0x100000001b3ull;
                sum = mix64(sum, h ^ (uint64_t)len);
            }
            }
        }
        rows++;
    }
    if (rc != SQLITE_DONE) die("step");
    sum = mix64(sum, (uint64_t)rows);
    return rows;
}

static long query(const char *sql) {
    sqlite3_stmt *st = prepare(sql);
    long rows = fold_rows(st);
    sqlite3_finalize(st);
    return rows;
}

static const char *syllables[] = {"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "an", "el"};

/* A pseudo-word of 2..6 syllables into buf. */
static void word(uint32_t *rng, char *buf, int max_syll) {
    int n = 2 + (int)lcg_below(rng, (uint32_t)max_syll - 1);
    buf[0] = 0;
    for (int i = 0; i < n; i++) strcat(buf, syllables[lcg_below(rng, 12)]);
}

int main(int argc, char **argv) {
    long orders = bench_size(argc, argv, 200) * 1000;
    long customers = orders / 10 + 1, products = orders / 100 + 1;
    uint32_t rng = 20240607;
    char buf[256], buf2[64];

    if (sqlite3_open(":memory:", &db) != SQLITE_OK) die("open");
    exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;");
    exec("CREATE TABLE products(id INTEGER PRIMARY KEY, name TEXT NOT NULL, category INTEGER, weight REAL);"
         "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city INTEGER, score REAL);"
         "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, product INTEGER, qty INTEGER,"
         " price REAL, day INTEGER, note TEXT);");

    exec("BEGIN");
    sqlite3_stmt *ins = prepare("INSERT INTO products VALUES(?1, ?2, ?3, ?4)");
    for (long i = 1; i <= products; i++) {
        word(&rng, buf, 4);
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_text(ins, 2, buf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 3, (int)lcg_below(&rng, 40));
        sqlite3_bind_double(ins, 4, lcg_below(&rng, 100000) / 1000.0);
        if (sqlite3_step(ins) != SQLITE_DONE) die("insert product");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    ins = prepare("INSERT INTO customers VALUES(?1, ?2, ?3, ?4)");
    for (long i = 1; i <= customers; i++) {
        word(&rng, buf, 3);
        strcat(buf, " ");
        word(&rng, buf2, 5);
        strcat(buf, buf2);
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_text(ins, 2, buf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 3, (int)lcg_below(&rng, 500));
        sqlite3_bind_double(ins, 4, lcg_below(&rng, 1000000) / 100.0);
        if (sqlite3_step(ins) != SQLITE_DONE) die("insert customer");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    ins = prepare("INSERT INTO orders VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    for (long i = 1; i <= orders; i++) {
        sqlite3_bind_int64(ins, 1, i);
        sqlite3_bind_int64(ins, 2, 1 + (long)lcg_below(&rng, (uint32_t)customers));
        sqlite3_bind_int64(ins, 3, 1 + (long)lcg_below(&rng, (uint32_t)products));
        sqlite3_bind_int(ins, 4, 1 + (int)lcg_below(&rng, 20));
        sqlite3_bind_double(ins, 5, (100 + lcg_below(&rng, 99900)) / 100.0);
        sqlite3_bind_int(ins, 6, (int)lcg_below(&rng, 3650));
        if (lcg_below(&rng, 4) == 0) {
            word(&rng, buf, 5);
            sqlite3_bind_text(ins, 7, buf, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(ins, 7);
        }
        if (sqlite3_step(ins) != SQLITE_DONE) die("insert order");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    exec("COMMIT");

    exec("CREATE INDEX orders_customer ON orders(customer);"
         "CREATE INDEX orders_product_day ON orders(product, day);"
         "CREATE INDEX customers_city ON customers(city);"
         "CREATE INDEX products_name ON products(name);");

    /* joins and aggregates */
    query("SELECT c.city, count(*), sum(o.qty), round(sum(o.qty * o.price), 2)"
          " FROM orders o JOIN customers c ON c.id = o.customer GROUP BY c.city ORDER BY c.city");
    query("SELECT p.category, count(*), avg(o.qty), max(o.price), min(o.day)"
          " FROM orders o JOIN products p ON p.id = o.product GROUP BY p.category ORDER BY 2 DESC, 1");
    query("SELECT c.id, c.name, sum(o.qty * o.price) AS total FROM customers c JOIN orders o ON o.customer = c.id"
          " GROUP BY c.id ORDER BY total DESC, c.id LIMIT 50");
    query("SELECT day / 365, count(DISTINCT customer), count(note) FROM orders GROUP BY 1 ORDER BY 1");
    /* text: LIKE scans, string functions, an indexed range on text */
    query("SELECT count(*), sum(length(note)) FROM orders WHERE note LIKE '%ka%lo%'");
    query("SELECT substr(name, 1, 2) AS pre, count(*), group_concat(id, ',') FROM products"
          " WHERE name >= 'ka' AND name < 'mi' GROUP BY pre ORDER BY pre");
    query("SELECT upper(name), printf('%08.3f', score), instr(name, ' ') FROM customers"
          " WHERE city IN (7, 77, 177, 277) ORDER BY score DESC, id");
    /* window functions over one city's orders */
    query("SELECT customer, id, sum(price) OVER (PARTITION BY customer ORDER BY id),"
          " rank() OVER (PARTITION BY customer ORDER BY qty DESC, id)"
          " FROM orders WHERE customer IN (SELECT id FROM customers WHERE city < 25) ORDER BY customer, id");
    /* a recursive CTE */
    query("WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 100000)"
          " SELECT sum(x * x % 1009), count(*) FROM seq");
    /* a correlated subquery */
    query("SELECT p.id, (SELECT count(*) FROM orders o WHERE o.product = p.id AND o.day < 1000)"
          " FROM products p WHERE p.category = 3 ORDER BY p.id");

    /* point lookups through one prepared statement */
    sqlite3_stmt *look = prepare("SELECT o.qty, o.price, c.name FROM orders o JOIN customers c ON c.id = o.customer"
                                 " WHERE o.id = ?1");
    for (long i = 0; i < orders / 4; i++) {
        sqlite3_bind_int64(look, 1, 1 + (long)lcg_below(&rng, (uint32_t)orders));
        fold_rows(look);
        sqlite3_reset(look);
    }
    sqlite3_finalize(look);

    /* updates and deletes, then the aggregates again */
    exec("BEGIN;"
         "UPDATE orders SET qty = qty + 1, price = price * 0.9 WHERE product % 7 = 0;"
         "UPDATE customers SET score = score + 10 WHERE city % 3 = 0;"
         "DELETE FROM orders WHERE qty > 19 OR (day > 3600 AND note IS NULL);"
         "COMMIT;");
    query("SELECT count(*), sum(qty), round(sum(price), 2) FROM orders");
    query("SELECT c.city, count(*), round(avg(c.score), 3) FROM customers c"
          " WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.id AND o.qty > 15) GROUP BY c.city ORDER BY 2 DESC, 1 LIMIT 40");

    sqlite3_close(db);
    print_checksum(sum);
    return 0;
}
