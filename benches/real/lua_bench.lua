-- A CPU-heavy, deterministic Lua workload for the time-to-result benchmark
-- (benches/ttr.py), run by lua_bench.c. Argument: a scale factor (default
-- 100; each part's work grows linearly with it). Six parts, each folded into one 63-bit checksum:
--   nbody     5-body planetary simulation (floats, field access)
--   ray       a small ray tracer: spheres, a plane, shadows, reflections
--   strings   formatting, concatenation, gsub/gmatch/find patterns
--   tables    word counting in a hash table, table.sort with a comparator
--   objects   metatable classes, method calls, closures (a tiny stack VM)
--   json      serialize a generated document to JSON text and parse it back
-- Everything runs inside one process with no pcall, error or coroutines
-- (see lua_wasi.h). Floats enter the checksum by their bit pattern.

local scale = tonumber((...)) or 100
assert(scale >= 1, "usage: lua_bench [scale >= 1]")

local MASK = 0x7fffffffffffffff
local checksum = 0
local function mix(v)
  checksum = ((checksum ~ v) * 0x100000001b3) & MASK
  checksum = checksum ~ (checksum >> 29)
end
local function fbits(x)
  return (string.unpack("<i8", string.pack("<d", x)))
end

-- A 32-bit LCG, as in benches/programs/bench.h.
local seed = 12345
local function rand()
  seed = (seed * 1664525 + 1013904223) & 0xffffffff
  return seed
end
local function below(n)
  return ((rand() >> 8) * n) >> 24
end

-- nbody ------------------------------------------------------------------

local function nbody(steps)
  local PI, DAYS = math.pi, 365.24
  local SOLAR = 4 * PI * PI
  local function body(x, y, z, vx, vy, vz, mass)
    return { x = x, y = y, z = z, vx = vx * DAYS, vy = vy * DAYS, vz = vz * DAYS, mass = mass * SOLAR }
  end
  local bodies = {
    body(0, 0, 0, 0, 0, 0, 1),
    body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04),
    body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04),
    body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05),
    body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05),
  }
  local px, py, pz = 0, 0, 0
  for _, b in ipairs(bodies) do
    px, py, pz = px + b.vx * b.mass, py + b.vy * b.mass, pz + b.vz * b.mass
  end
  bodies[1].vx, bodies[1].vy, bodies[1].vz = -px / SOLAR, -py / SOLAR, -pz / SOLAR
  local n, dt = #bodies, 0.01
  for _ = 1, steps do
    for i = 1, n do
      local bi = bodies[i]
      local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
      local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
      for j = i + 1, n do
        local bj = bodies[j]
        local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = dt / (d2 * math.sqrt(d2))
        local bm = bj.mass * mag
        bivx, bivy, bivz = bivx - dx * bm, bivy - dy * bm, bivz - dz * bm
        bm = bimass * mag
        bj.vx, bj.vy, bj.vz = bj.vx + dx * bm, bj.vy + dy * bm, bj.vz + dz * bm
      end
      bi.vx, bi.vy, bi.vz = bivx, bivy, bivz
      bi.x, bi.y, bi.z = bix + dt * bivx, biy + dt * bivy, biz + dt * bivz
    end
  end
  local e = 0
  for i = 1, n do
    local b = bodies[i]
    e = e + 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
    for j = i + 1, n do
      local bj = bodies[j]
      local dx, dy, dz = b.x - bj.x, b.y - bj.y, b.z - bj.z
      e = e - b.mass * bj.mass / math.sqrt(dx * dx + dy * dy + dz * dz)
    end
  end
  return e
end

-- ray tracer -------------------------------------------------------------

local Vec = {}
Vec.__index = Vec
local function vec(x, y, z) return setmetatable({ x = x, y = y, z = z }, Vec) end
function Vec.__add(a, b) return vec(a.x + b.x, a.y + b.y, a.z + b.z) end
function Vec.__sub(a, b) return vec(a.x - b.x, a.y - b.y, a.z - b.z) end
function Vec:scale(s) return vec(self.x * s, self.y * s, self.z * s) end
function Vec:dot(b) return self.x * b.x + self.y * b.y + self.z * b.z end
function Vec:norm()
  local l = math.sqrt(self:dot(self))
  return vec(self.x / l, self.y / l, self.z / l)
end

local function sphere(c, r, color, refl)
  return {
    color = color, refl = refl,
    hit = function(o, d)
      local oc = o - c
      local b = oc:dot(d)
      local disc = b * b - (oc:dot(oc) - r * r)
      if disc < 0 then return nil end
      local s = math.sqrt(disc)
      local t = -b - s
      if t < 1e-4 then t = -b + s end
      if t < 1e-4 then return nil end
      return t
    end,
    normal = function(p) return (p - c):norm() end,
  }
end

local function plane(y, color, refl)
  local up = vec(0, 1, 0)
  return {
    color = color, refl = refl,
    hit = function(o, d)
      if math.abs(d.y) < 1e-9 then return nil end
      local t = (y - o.y) / d.y
      if t < 1e-4 then return nil end
      return t
    end,
    normal = function() return up end,
  }
end

local function raytrace(w, h)
  local scene = {
    sphere(vec(0, 1, 5), 1, vec(0.9, 0.2, 0.2), 0.3),
    sphere(vec(-2.2, 0.7, 6), 0.7, vec(0.2, 0.9, 0.3), 0.5),
    sphere(vec(2.0, 1.3, 7), 1.3, vec(0.3, 0.4, 0.9), 0.6),
    sphere(vec(0.6, 0.3, 3.2), 0.3, vec(0.9, 0.9, 0.2), 0.1),
    plane(0, vec(0.8, 0.8, 0.8), 0.2),
  }
  local light = vec(-4, 8, -2)
  local function closest(o, d)
    local best, obj = math.huge, nil
    for i = 1, #scene do
      local t = scene[i].hit(o, d)
      if t and t < best then best, obj = t, scene[i] end
    end
    return obj, best
  end
  local function trace(o, d, depth)
    local obj, t = closest(o, d)
    if not obj then
      local k = 0.5 * (d.y + 1)
      return vec(0.6 + 0.2 * k, 0.7 + 0.2 * k, 1.0)
    end
    local p = o + d:scale(t)
    local n = obj.normal(p)
    local tolight = (light - p):norm()
    local diffuse = math.max(0, n:dot(tolight))
    local shadow = closest(p, tolight)
    if shadow then diffuse = diffuse * 0.3 end
    local col = obj.color:scale(0.1 + 0.9 * diffuse)
    if depth > 0 and obj.refl > 0 then
      local r = d - n:scale(2 * d:dot(n))
      col = col:scale(1 - obj.refl) + trace(p, r:norm(), depth - 1):scale(obj.refl)
    end
    return col
  end
  local eye = vec(0, 1.2, -1)
  local sum = 0
  for j = 0, h - 1 do
    for i = 0, w - 1 do
      local d = vec((i - w / 2) / h, (h / 2 - j) / h, 1):norm()
      local c = trace(eye, d, 3)
      local r = math.min(255, math.floor(c.x * 255))
      local g = math.min(255, math.floor(c.y * 255))
      local b = math.min(255, math.floor(c.z * 255))
      sum = sum * 31 + (r << 16 | g << 8 | b)
    end
    mix(sum)
    sum = 0
  end
end

-- strings ----------------------------------------------------------------

local syllables = { "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu", "an", "el" }
local function word()
  local n = 1 + below(3)
  local parts = {}
  for k = 1, n do parts[k] = syllables[1 + below(#syllables)] end
  return table.concat(parts)
end

local function strings(lines)
  local buf = {}
  for i = 1, lines do
    local ws = {}
    for k = 1, 4 + below(8) do ws[k] = word() end
    buf[i] = string.format("%05d %-12s|%s|%8.3f", i, ws[1], table.concat(ws, " "), i / 7)
  end
  local text = table.concat(buf, "\n")
  mix(#text)
  -- patterns over the whole text
  local upper = text:gsub("(%a+)", function(w) return w:sub(1, 1):upper() .. w:sub(2) end)
  mix(#upper)
  local swapped, count = text:gsub("(%w+) (%w+)", "%2 %1")
  mix(count)
  mix(#swapped)
  local numbers = 0
  for num in text:gmatch("(%d+%.%d+)") do numbers = numbers + math.floor(tonumber(num) * 1000) end
  mix(numbers)
  local pos, finds = 1, 0
  while true do
    local s, e = text:find("ka%a*lo", pos)
    if not s then break end
    finds = finds + s
    pos = e + 1
  end
  mix(finds)
  -- byte-level work: a rolling hash over every line, reversed
  local h = 0
  for line in text:gmatch("[^\n]+") do
    local r = line:reverse()
    for k = 1, #r, 3 do h = (h * 131 + r:byte(k)) & 0xffffffff end
  end
  mix(h)
  return text
end

-- tables -----------------------------------------------------------------

local function tables(text, rounds)
  local counts, order = {}, {}
  for w in text:gmatch("%a+") do
    local c = counts[w]
    if c then
      counts[w] = c + 1
    else
      counts[w] = 1
      order[#order + 1] = w
    end
  end
  table.sort(order, function(a, b)
    local ca, cb = counts[a], counts[b]
    if ca ~= cb then return ca > cb end
    return a < b
  end)
  for i = 1, math.min(50, #order) do mix(counts[order[i]]); mix(#order[i]) end
  mix(#order)
  -- records sorted by several keys, then grouped
  for r = 1, rounds do
    local recs = {}
    for i = 1, 16000 do
      recs[i] = { id = i, group = below(97), value = below(1000000), name = order[1 + below(#order)] }
    end
    table.sort(recs, function(a, b)
      if a.group ~= b.group then return a.group < b.group end
      if a.name ~= b.name then return a.name < b.name end
      return a.id < b.id
    end)
    local groups = {}
    for _, rec in ipairs(recs) do
      local g = groups[rec.group]
      if not g then g = { n = 0, sum = 0, max = 0 }; groups[rec.group] = g end
      g.n, g.sum = g.n + 1, g.sum + rec.value
      if rec.value > g.max then g.max = rec.value end
    end
    for g = 0, 96 do
      local s = groups[g]
      if s then mix(s.n * 1000003 + s.sum + s.max) end
    end
    mix(recs[1].id + recs[#recs].id * r)
  end
end

-- objects: a tiny stack machine built from classes and closures --------

local Machine = {}
Machine.__index = Machine
function Machine.new() return setmetatable({ stack = {}, sp = 0, steps = 0 }, Machine) end
function Machine:push(v) local sp = self.sp + 1; self.stack[sp] = v; self.sp = sp end
function Machine:pop() local sp = self.sp; local v = self.stack[sp]; self.sp = sp - 1; return v end

local ops = {
  push = function(m, arg) m:push(arg) end,
  add = function(m) local b, a = m:pop(), m:pop(); m:push((a + b) & 0xffffffff) end,
  mul = function(m) local b, a = m:pop(), m:pop(); m:push((a * b) & 0xffffffff) end,
  xor = function(m) local b, a = m:pop(), m:pop(); m:push(a ~ b) end,
  dup = function(m) local v = m:pop(); m:push(v); m:push(v) end,
  swap = function(m) local b, a = m:pop(), m:pop(); m:push(b); m:push(a) end,
  rot = function(m, arg) local v = m:pop(); m:push(((v << arg) | (v >> (32 - arg))) & 0xffffffff) end,
}

local function compile(program)
  local code = {}
  for i, ins in ipairs(program) do
    local f, arg = ops[ins[1]], ins[2]
    code[i] = function(m) f(m, arg); m.steps = m.steps + 1 end
  end
  return code
end

local function objects(runs)
  local names = { "add", "mul", "xor", "dup", "swap", "rot" }
  local program = { { "push", 1 }, { "push", 2 } }
  local depth = 2
  for _ = 1, 200 do
    local name = names[1 + below(#names)]
    if depth < 2 or (name == "dup" and depth > 8) then name = "push" end
    if name == "push" then
      program[#program + 1] = { "push", rand() }
      depth = depth + 1
    elseif name == "dup" then
      program[#program + 1] = { "dup" }
      depth = depth + 1
    elseif name == "rot" then
      program[#program + 1] = { "rot", 1 + below(31) }
    elseif name == "swap" then
      program[#program + 1] = { "swap" }
    else
      program[#program + 1] = { name }
      depth = depth - 1
    end
  end
  local code = compile(program)
  local m = Machine.new()
  local acc = 0
  for r = 1, runs do
    m.sp = 0
    m:push(r)
    for i = 1, #code do code[i](m) end
    while m.sp > 0 do acc = (acc * 33 + m:pop()) & 0xffffffffffff end
  end
  mix(acc)
  mix(m.steps)
end

-- json -------------------------------------------------------------------

local function gen(depth)
  local k = below(10)
  if depth <= 0 or k < 3 then
    if k == 0 then return word() .. " \"q\"\n" end
    if k == 1 then return below(100000) - 50000 end
    if k == 2 then return below(1000) / 8 end
    return word()
  elseif k < 6 then
    local a = {}
    for i = 1, 1 + below(6) do a[i] = gen(depth - 1) end
    return a
  else
    local o, keys = {}, {}
    for _ = 1, 1 + below(6) do
      local key = word()
      if o[key] == nil then keys[#keys + 1] = key end
      o[key] = gen(depth - 1)
    end
    return { keys = keys, map = o }
  end
end

local escapes = { ['"'] = '\\"', ["\\"] = "\\\\", ["\n"] = "\\n" }
local function encode(v, out)
  local t = type(v)
  if t == "string" then
    out[#out + 1] = '"' .. v:gsub('[%c"\\]', escapes) .. '"'
  elseif t == "number" then
    out[#out + 1] = math.type(v) == "integer" and string.format("%d", v) or string.format("%.17g", v)
  elseif v.keys then
    out[#out + 1] = "{"
    for i, key in ipairs(v.keys) do
      if i > 1 then out[#out + 1] = "," end
      out[#out + 1] = '"' .. key .. '":'
      encode(v.map[key], out)
    end
    out[#out + 1] = "}"
  else
    out[#out + 1] = "["
    for i, x in ipairs(v) do
      if i > 1 then out[#out + 1] = "," end
      encode(x, out)
    end
    out[#out + 1] = "]"
  end
end

local unescapes = { ['"'] = '"', ["\\"] = "\\", n = "\n" }
local function decode(s)
  local pos = 1
  local value
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        out[#out + 1] = unescapes[s:sub(pos + 1, pos + 1)]
        pos = pos + 2
      else
        local e = s:find('["\\]', pos)
        out[#out + 1] = s:sub(pos, e - 1)
        pos = e
      end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local o = { keys = {}, map = {} }
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return o end
      while true do
        ws()
        local key = str()
        ws()
        pos = pos + 1 -- ':'
        o.keys[#o.keys + 1] = key
        o.map[key] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "}" then return o end
      end
    elseif c == "[" then
      local a = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return a end
      while true do
        a[#a + 1] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "]" then return a end
      end
    elseif c == '"' then
      return str()
    else
      local num = s:match("^-?[%d.eE+-]+", pos)
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  return value()
end

local function json(docs)
  local total = 0
  for _ = 1, docs do
    local doc = gen(6)
    local out = {}
    encode(doc, out)
    local text = table.concat(out)
    local back = decode(text)
    local out2 = {}
    encode(back, out2)
    local text2 = table.concat(out2)
    assert(text == text2, "json round trip differs")
    total = total + #text
    mix(#text)
  end
  mix(total)
end

-- main -------------------------------------------------------------------

mix(fbits(nbody(750 * scale)))
raytrace(128, 2 * scale)
local text = strings(150 * scale)
tables(text, scale // 20 + 1)
objects(50 * scale)
json(3 * scale // 2 + 1)
print("checksum: " .. checksum)
