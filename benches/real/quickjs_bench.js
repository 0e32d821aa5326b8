// A CPU-heavy, deterministic JavaScript workload for the time-to-result
// benchmark (benches/ttr.py), run by quickjs_bench.c under QuickJS.
// Argument: a scale factor (default 100; each part grows linearly).
//   calc     a tokenizer, a recursive-descent parser to an AST of classes,
//            and an evaluator, over generated arithmetic programs
//   nbody    5-body simulation in Float64Arrays
//   text     template strings, regular expressions (replace with a
//            callback, global match, split), padStart, charCodeAt
//   collect  Map/Set word counts, sort with comparators, map/filter/reduce
//   json     JSON.stringify / JSON.parse round trips of generated documents
// No Math.random, no Date: every run computes the same checksum, printed as
// `checksum: N` (53 bits, so it stays exact in a double).

"use strict";
const scale = scriptArgs.length > 0 ? parseInt(scriptArgs[0], 10) : 100;
if (!(scale >= 1)) throw new Error("usage: quickjs_bench [scale >= 1]");

let h1 = 0x811c9dc5 | 0, h2 = 0x2545f491 | 0;
function mix32(x) {
  h1 = Math.imul(h1 ^ x, 0x01000193);
  h2 = Math.imul(h2 ^ (h1 >>> 15), 0x85ebca6b) ^ x;
}
const f64 = new Float64Array(1), u32 = new Uint32Array(f64.buffer);
function mix(v) {
  if (Number.isSafeInteger(v)) {
    mix32(v | 0);
    mix32(Math.floor(v / 4294967296) | 0);
  } else {
    f64[0] = v;
    mix32(u32[0] | 0);
    mix32(u32[1] | 0);
  }
}
function mixString(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  mix32(h);
  mix32(s.length);
}

let seed = 12345;
function rand() {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed;
}
function below(n) {
  return Math.floor((rand() >>> 8) * n / 16777216);
}
const syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "an", "el"];
function word() {
  let w = "";
  for (let k = 1 + below(3); k > 0; k--) w += syllables[below(syllables.length)];
  return w;
}

// calc ----------------------------------------------------------------------

class Num { constructor(v) { this.v = v; } eval() { return this.v; } }
class Var { constructor(name) { this.name = name; } eval(env) { return env.get(this.name); } }
class Bin {
  constructor(op, l, r) { this.op = op; this.l = l; this.r = r; }
  eval(env) {
    const a = this.l.eval(env), b = this.r.eval(env);
    switch (this.op) {
      case "+": return (a + b) | 0;
      case "-": return (a - b) | 0;
      case "*": return Math.imul(a, b);
      case "%": return b === 0 ? a : a % b;
      case "^": return a ^ b;
      default: throw new Error("bad op " + this.op);
    }
  }
}
class Let {
  constructor(name, value, body) { this.name = name; this.value = value; this.body = body; }
  eval(env) {
    const saved = env.get(this.name);
    env.set(this.name, this.value.eval(env));
    const r = this.body.eval(env);
    env.set(this.name, saved);
    return r;
  }
}

function genExpr(depth, vars) {
  const k = below(10);
  if (depth === 0 || k < 2) {
    return vars.length > 0 && k % 2 === 0 ? vars[below(vars.length)] : String(below(1000));
  }
  if (k === 2) {
    const name = "v" + below(20);
    return `let ${name} = ${genExpr(depth - 1, vars)} in (${genExpr(depth - 1, vars.concat([name]))})`;
  }
  const op = "+-*%^"[below(5)];
  return `(${genExpr(depth - 1, vars)} ${op} ${genExpr(depth - 1, vars)})`;
}

function tokenize(src) {
  const re = /\s*(?:(\d+)|([A-Za-z_]\w*)|(.))/g;
  const out = [];
  let m;
  while ((m = re.exec(src)) !== null && m[0].length > 0) {
    if (m[1] !== undefined) out.push({ t: "num", v: parseInt(m[1], 10) });
    else if (m[2] !== undefined) out.push({ t: m[2] === "let" || m[2] === "in" ? m[2] : "id", v: m[2] });
    else out.push({ t: m[3], v: m[3] });
  }
  return out;
}

function parse(tokens) {
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (t) => {
    if (tokens[pos].t !== t) throw new Error(`expected ${t} at ${pos}, got ${tokens[pos].t}`);
    return tokens[pos++];
  };
  function primary() {
    const tok = peek();
    if (tok.t === "num") { pos++; return new Num(tok.v); }
    if (tok.t === "id") { pos++; return new Var(tok.v); }
    if (tok.t === "let") {
      pos++;
      const name = expect("id").v;
      expect("=");
      const value = expr();
      expect("in");
      return new Let(name, value, expr());
    }
    expect("(");
    const e = expr();
    expect(")");
    return e;
  }
  function expr() {
    let l = primary();
    while (pos < tokens.length && "+-*%^".includes(peek().t)) {
      const op = tokens[pos++].t;
      l = new Bin(op, l, primary());
    }
    return l;
  }
  const e = expr();
  if (pos !== tokens.length) throw new Error("trailing tokens");
  return e;
}

function calc(programs) {
  for (let p = 0; p < programs; p++) {
    const src = genExpr(9, []);
    const ast = parse(tokenize(src));
    const env = new Map();
    let acc = 0;
    for (let i = 0; i < 40; i++) {
      for (let v = 0; v < 20; v++) env.set("v" + v, (i * 7 + v) | 0);
      acc = (acc + ast.eval(env)) | 0;
    }
    mix32(acc);
    mix32(src.length);
  }
}

// nbody ---------------------------------------------------------------------

function nbody(steps) {
  const PI = Math.PI, SOLAR = 4 * PI * PI, DAYS = 365.24;
  const init = [
    [0, 0, 0, 0, 0, 0, 1],
    [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04],
    [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04],
    [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05],
    [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05],
  ];
  const n = init.length;
  const x = new Float64Array(n), y = new Float64Array(n), z = new Float64Array(n);
  const vx = new Float64Array(n), vy = new Float64Array(n), vz = new Float64Array(n), m = new Float64Array(n);
  init.forEach((b, i) => {
    x[i] = b[0]; y[i] = b[1]; z[i] = b[2];
    vx[i] = b[3] * DAYS; vy[i] = b[4] * DAYS; vz[i] = b[5] * DAYS; m[i] = b[6] * SOLAR;
  });
  let px = 0, py = 0, pz = 0;
  for (let i = 0; i < n; i++) { px += vx[i] * m[i]; py += vy[i] * m[i]; pz += vz[i] * m[i]; }
  vx[0] = -px / SOLAR; vy[0] = -py / SOLAR; vz[0] = -pz / SOLAR;
  const dt = 0.01;
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
        const d2 = dx * dx + dy * dy + dz * dz;
        const mag = dt / (d2 * Math.sqrt(d2));
        vx[i] -= dx * m[j] * mag; vy[i] -= dy * m[j] * mag; vz[i] -= dz * m[j] * mag;
        vx[j] += dx * m[i] * mag; vy[j] += dy * m[i] * mag; vz[j] += dz * m[i] * mag;
      }
    }
    for (let i = 0; i < n; i++) { x[i] += dt * vx[i]; y[i] += dt * vy[i]; z[i] += dt * vz[i]; }
  }
  let e = 0;
  for (let i = 0; i < n; i++) {
    e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
    for (let j = i + 1; j < n; j++) {
      const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      e -= m[i] * m[j] / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  mix(e);
}

// text ----------------------------------------------------------------------

function text(lines) {
  const out = [];
  for (let i = 0; i < lines; i++) {
    const words = [];
    for (let k = 4 + below(8); k > 0; k--) words.push(word());
    out.push(`${String(i).padStart(6, "0")} ${words[0].padEnd(12, ".")}|${words.join(" ")}|${(i / 7).toFixed(3)}`);
  }
  const all = out.join("\n");
  mix(all.length);
  const upper = all.replace(/\b([a-z])([a-z]*)/g, (_, a, b) => a.toUpperCase() + b);
  mixString(upper.slice(-200));
  mix(upper.length);
  const swapped = all.replace(/(\w+) (\w+)/g, "$2 $1");
  mixString(swapped.slice(0, 500));
  let nums = 0;
  for (const m of all.matchAll(/(\d+)\.(\d+)/g)) nums = (nums + parseInt(m[1], 10) * 1000 + parseInt(m[2], 10)) | 0;
  mix32(nums);
  const hits = all.match(/ka[a-z]*lo/g) || [];
  mix(hits.length);
  let h = 0;
  for (const line of all.split("\n")) {
    const r = line.split("").reverse().join("");
    for (let k = 0; k < r.length; k += 3) h = (Math.imul(h, 131) + r.charCodeAt(k)) | 0;
  }
  mix32(h);
  return all;
}

// collect -------------------------------------------------------------------

function collect(all, rounds) {
  const counts = new Map();
  for (const w of all.split(/[^a-z]+/)) {
    if (w) counts.set(w, (counts.get(w) || 0) + 1);
  }
  const order = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || (a < b ? -1 : a > b ? 1 : 0));
  for (const w of order.slice(0, 50)) { mix(counts.get(w)); mixString(w); }
  mix(order.length);
  for (let r = 0; r < rounds; r++) {
    const recs = [];
    for (let i = 0; i < 16000; i++) {
      recs.push({ id: i, group: below(97), value: below(1000000), name: order[below(order.length)] });
    }
    recs.sort((a, b) => a.group - b.group || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
    const groups = new Map();
    for (const rec of recs) {
      let g = groups.get(rec.group);
      if (!g) { g = { n: 0, sum: 0, max: 0 }; groups.set(rec.group, g); }
      g.n++; g.sum += rec.value; if (rec.value > g.max) g.max = rec.value;
    }
    for (const [k, g] of [...groups].sort((a, b) => a[0] - b[0])) mix(k * 1000003 + g.n * 7 + g.sum + g.max);
    const big = recs.filter((r) => r.value > 500000).map((r) => r.value % 1000).reduce((a, b) => a + b, 0);
    mix(big);
    const seen = new Set(recs.map((r) => r.name));
    mix(seen.size);
    const ints = new Int32Array(recs.length);
    recs.forEach((r, i) => { ints[i] = (r.value * 2654435761) | 0; });
    ints.sort();
    mix(ints[0]); mix(ints[ints.length >> 1]); mix(ints[ints.length - 1]);
  }
}

// json ----------------------------------------------------------------------

function gen(depth) {
  const k = below(10);
  if (depth <= 0 || k < 3) {
    if (k === 0) return word() + ' "q"\n\u00e9';
    if (k === 1) return below(100000) - 50000;
    if (k === 2) return below(1000) / 8;
    return k % 2 === 0 ? word() : k === 5 ? null : k === 7;
  }
  if (k < 6) {
    const a = [];
    for (let i = 1 + below(6); i > 0; i--) a.push(gen(depth - 1));
    return a;
  }
  const o = {};
  for (let i = 1 + below(6); i > 0; i--) o[word()] = gen(depth - 1);
  return o;
}

function json(docs) {
  let total = 0;
  for (let d = 0; d < docs; d++) {
    const doc = gen(7);
    const s = JSON.stringify(doc);
    const back = JSON.parse(s);
    const s2 = JSON.stringify(back, null, d % 3);
    const s3 = JSON.stringify(JSON.parse(s2));
    if (s3 !== s) throw new Error("json round trip differs");
    total += s.length + s2.length;
    mixString(s.length > 300 ? s.slice(0, 300) : s);
  }
  mix(total);
}

// main ----------------------------------------------------------------------

calc(scale);
nbody(350 * scale);
const all = text(40 * scale);
collect(all, Math.floor(scale / 50) + 1);
json(Math.floor(scale * 3 / 4) + 1);
print("checksum: " + (((h2 >>> 0) & 0x1fffff) * 4294967296 + (h1 >>> 0)));
