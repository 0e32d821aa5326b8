# The CPython run of the time-to-result benchmark (benches/ttr.py, group
# `pypi`): the standard library at work on a little of everything (JSON,
# regular expressions, zlib, hashlib, sorting, a sieve) for a few seconds
# of interpretation. Prints one checksum line.
import json, re, collections, heapq, random, zlib, hashlib, bisect, itertools
r = random.Random(42)
data = [{"id": i, "name": "item%d" % i, "tags": [r.choice("abcdefgh") for _ in range(4)], "v": r.randrange(10**6)} for i in range(20000)]
s = json.dumps(data, sort_keys=True)
back = json.loads(s)
cnt = collections.Counter(t for d in back for t in d["tags"])
nums = [int(m) for m in re.findall(r'"id": (\d+)', s)]
top = heapq.nlargest(100, (d["v"] for d in back))
z = zlib.compress(s.encode(), 6)
h = hashlib.sha256(z).hexdigest()
sieve = bytearray([1]) * 200000
for i in range(2, 448):
    if sieve[i]:
        sieve[i*i::i] = bytearray(len(range(i*i, 200000, i)))
primes = sum(1 for i in range(2, 200000) if sieve[i])
words = sorted(set("".join(p) for p in itertools.permutations("abcdefg", 5)))
pos = bisect.bisect_left(words, "dcba")
acc = 0
for k, v in sorted(cnt.items()):
    acc = (acc * 1000003 + ord(k) * v) & (2**64 - 1)
acc = (acc * 1000003 + sum(nums) + sum(top) + len(z) + int(h[:12], 16) + primes + pos + len(words)) & (2**64 - 1)
print("checksum:", acc)
