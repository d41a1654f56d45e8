#!/usr/bin/env python3
"""mkfixtures.py -- make the gzip fixtures of tests/gzip.bats (a dev tool).

Run from the repository root: python3 tests/gz/mkfixtures.py. It writes
into tests/gz/: *.gz (valid files), bad/*.gz (damaged ones), their
expected outputs (log.out is that of most; *.out or, where the output is
large, *.cksum, its POSIX cksum), and small/*.gz (for gztest -x). Everything is made with
Python's zlib and a few hand-made deflate blocks; the same run gives the
same bytes.
"""
import os
import random
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def flowlog(n, seed):
    """n lines of a version 2 flow log"""
    r = random.Random(seed)
    out = []
    for _ in range(n):
        out.append("2 123456789012 eni-%017x %d.%d.%d.%d 10.0.%d.%d %d %d %d %d %d %d %d %s OK\n" % (
            r.getrandbits(68), r.randrange(256), r.randrange(256), r.randrange(256),
            r.randrange(256), r.randrange(256), r.randrange(256), r.randrange(1, 65536),
            r.choice([443, 53, 80, 22, 8080, 3306, r.randrange(65536)]),
            r.choice([6, 17, 1]), r.randrange(1, 100), r.randrange(40, 100000),
            1620140000 + r.randrange(100), 1620140100 + r.randrange(100),
            r.choice(["ACCEPT", "REJECT"])))
    return "".join(out).encode()


def raw(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return c.compress(data) + c.flush()


def header(flags=0, extra=b"", name=b"", comment=b""):
    h = b"\x1f\x8b\x08" + bytes([flags]) + b"\x00\x00\x00\x00\x00\x03"
    if flags & 4:
        h += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        h += name + b"\x00"
    if flags & 16:
        h += comment + b"\x00"
    if flags & 2:
        h += struct.pack("<H", zlib.crc32(h) & 0xFFFF)
    return h


def trailer(data):
    return struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def member(data, body=None, **kw):
    if body is None:
        body = raw(data)
    return header(**kw) + body + trailer(data)


def cksum(data):
    """the POSIX cksum of data: CRC of the bytes and then of the length"""
    crc = 0
    def byte(c):
        nonlocal crc
        crc ^= c << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    for c in data:
        byte(c)
    n = len(data)
    while n:
        byte(n & 0xFF)
        n >>= 8
    return "%d %d" % (~crc & 0xFFFFFFFF, len(data))


class Bits:
    """a deflate bit writer: values least significant bit first, Huffman
    codes most significant bit first"""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, v, n):
        self.acc |= v << self.n
        self.n += n
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, c, n):
        for i in range(n - 1, -1, -1):
            self.put(c >> i & 1, 1)

    def done(self):
        if self.n:
            self.put(0, 8 - self.n)
        return bytes(self.out)


def canon(lens):
    """the canonical codes of RFC 1951, 3.2.2"""
    count = [0] * 16
    for l in lens:
        count[l] += 1
    count[0] = 0
    nxt = [0] * 16
    code = 0
    for l in range(1, 16):
        code = (code + count[l - 1]) << 1
        nxt[l] = code
    codes = [0] * len(lens)
    for s, l in enumerate(lens):
        if l:
            codes[s] = nxt[l]
            nxt[l] += 1
    return codes


CLORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]


def dynblock(b, litlens, distlens, symbols, last=1, cl_seq=None, cllens=None, hlit=None):
    """a dynamic block: litlens and distlens as dicts symbol -> length,
    symbols a list of ('lit', byte) / ('match', lsym, lextra, nlx, dsym,
    dextra, ndx) / ('eob',); cl_seq overrides the code length symbols"""
    nlit = hlit if hlit else max(257, max(litlens) + 1)
    ndist = max(1, max(distlens) + 1 if distlens else 1)
    lens = [litlens.get(i, 0) for i in range(nlit)] + [distlens.get(i, 0) for i in range(ndist)]
    if cl_seq is None:
        cl_seq = []
        i = 0
        while i < len(lens):
            run = 1
            while i + run < len(lens) and lens[i + run] == lens[i]:
                run += 1
            if lens[i] == 0 and run >= 11:
                run = min(run, 138)
                cl_seq.append((18, run - 11, 7))
            elif lens[i] == 0 and run >= 3:
                run = min(run, 10)
                cl_seq.append((17, run - 3, 3))
            else:
                run = 1
                cl_seq.append((lens[i], 0, 0))
            i += run
    if cllens is None:
        used = sorted(set(s for s, _, _ in cl_seq))
        # a complete code over the used symbols: depths of a leaning tree
        k = len(used)
        depths = [min(i + 1, k - 1) for i in range(k)] if k > 1 else [1]
        cllens = dict(zip(used, depths))
    cl = [cllens.get(i, 0) for i in range(19)]
    clcodes = canon(cl)
    hclen = 19
    while hclen > 4 and cl[CLORDER[hclen - 1]] == 0:
        hclen -= 1
    b.put(last, 1)
    b.put(2, 2)
    b.put(nlit - 257, 5)
    b.put(ndist - 1, 5)
    b.put(hclen - 4, 4)
    for i in range(hclen):
        b.put(cl[CLORDER[i]], 3)
    for s, x, nx in cl_seq:
        b.code(clcodes[s], cl[s])
        if nx:
            b.put(x, nx)
    lcodes = canon(lens[:nlit])
    dcodes = canon(lens[nlit:])
    for sym in symbols:
        if sym[0] == "lit":
            b.code(lcodes[sym[1]], lens[sym[1]])
        elif sym[0] == "eob":
            b.code(lcodes[256], lens[256])
        else:
            _, ls, lx, nlx, ds, dx, ndx = sym
            b.code(lcodes[ls], lens[ls])
            b.put(lx, nlx)
            b.code(dcodes[ds], lens[nlit + ds])
            b.put(dx, ndx)


FIXED_LENS = [8] * 144 + [9] * 112 + [7] * 24 + [8] * 8
FIXED_CODES = canon(FIXED_LENS)


def fixed_lit(b, s):
    b.code(FIXED_CODES[s], FIXED_LENS[s])


def main():
    log = flowlog(80, 1)                # about 8 KB
    write("log.out", log)

    # gzip -1 .. -9, as zlib makes them
    for level in range(1, 10):
        c = zlib.compressobj(level, zlib.DEFLATED, 31)
        write("level%d.gz" % level, c.compress(log) + c.flush())
    # stored blocks: level 0, fed in pieces with sync flushes (empty
    # stored blocks among them)
    c = zlib.compressobj(0, zlib.DEFLATED, -15)
    body = b""
    for i in range(0, len(log), 3000):
        body += c.compress(log[i:i + 3000]) + c.flush(zlib.Z_SYNC_FLUSH)
    body += c.flush()
    write("stored.gz", member(log, body))
    write("fixed.gz", member(log, raw(log, 6, zlib.Z_FIXED)))

    # members: three, one of them empty, at other levels
    a, b_, c_ = log[:3000], log[3000:5000], log[5000:]
    write("multi.gz", member(a) + member(b"") + member(b_, raw(b_, 1)) +
          member(c_, raw(c_, 9)))
    write("empty.gz", member(b""))
    write("empty-members.gz", member(b"") + member(b""))

    # header fields, each and all
    write("fname.gz", member(log, flags=8, name=b"flows.log"))
    write("fields.gz", member(log, flags=2 | 4 | 8 | 16, extra=b"AB\x04\x00xyzw",
                              name=b"flows.log", comment=b"a comment"))
    write("fhcrc.gz", member(log, flags=2))
    # zero padding after the last member, as tape blocks leave it
    write("padded.gz", member(log) + b"\x00" * 1000)

    # long matches and overlapping copies: every distance 1..40 as runs,
    # and 200 KB of one byte
    r = random.Random(7)
    runs = bytearray()
    for d in range(1, 41):
        pat = bytes(r.randrange(256) for _ in range(d))
        runs += (pat * (1 + 700 // d))[:700 + d]
        runs += bytes(r.randrange(256) for _ in range(5))
    runs += b"a" * 200000
    write("runs.gz", member(bytes(runs), raw(bytes(runs), 9)))
    write("runs.cksum", (cksum(bytes(runs)) + "\n").encode())
    # skewed bytes: literal codes to 15 bits, so second-level look-ups
    skew = bytes(min(255, int(r.expovariate(0.08))) for _ in range(12000))
    write("skewed.gz", member(skew, raw(skew, 9)))
    write("skewed.cksum", (cksum(skew) + "\n").encode())

    # a dynamic block whose distance code is one code of length 1, as
    # the RFC allows and zlib accepts: 'a' then (length 4, distance 1)s
    b = Bits()
    dynblock(b, {97: 1, 256: 2, 258: 2}, {0: 1},
             [("lit", 97)] + [("match", 258, 0, 0, 0, 0, 0)] * 10 + [("eob",)])
    onedist = b"a" * 41
    write("onedist.gz", header() + b.done() + trailer(onedist))
    write("onedist.out", onedist)

    # for gztest -x: small single members of each kind of block
    small = log[:1500]
    write("small/dynamic.gz", member(small, raw(small, 9)))
    write("small/fixed.gz", member(small[:600], raw(small[:600], 6, zlib.Z_FIXED)))
    write("small/stored.gz", member(small[:300], raw(small[:300], 0)))
    write("small/fields.gz", member(small[:200], flags=2 | 4 | 8 | 16, extra=b"XY\x01\x00z",
                                    name=b"n", comment=b"c"))
    write("small/onedist.gz", header() + b.done() + trailer(onedist))

    # --- damaged files ---
    short = log[:1000]
    good = member(short)
    write("bad/truncated.gz", good[:len(good) // 2])
    write("bad/truncated-trailer.gz", good[:-3])
    write("bad/truncated-header.gz", good[:7])
    x = bytearray(good)
    x[-8] ^= 1
    write("bad/crc.gz", bytes(x))
    x = bytearray(good)
    x[-4] ^= 1
    write("bad/isize.gz", bytes(x))
    write("bad/garbage.gz", good + b"junk")
    write("bad/padding-garbage.gz", good + b"\x00\x00\x00x")
    write("bad/not-gzip.gz", log[:100])
    x = bytearray(header(flags=2))
    x[-1] ^= 0x40
    write("bad/header-crc.gz", bytes(x) + raw(short) + trailer(short))
    x = bytearray(good)
    x[2] = 7
    write("bad/method.gz", bytes(x))
    x = bytearray(good)
    x[3] = 0x20
    write("bad/flags.gz", bytes(x))
    # a block of type 3
    b = Bits()
    b.put(1, 1)
    b.put(3, 2)
    write("bad/block-type.gz", header() + b.done() + trailer(b""))
    # a stored block whose NLEN is not the complement of LEN
    write("bad/stored-nlen.gz", header() + b"\x01\x05\x00\xfa\xfehello" + trailer(b"hello"))
    # a fixed block: 'ab', then a match at distance 5
    b = Bits()
    b.put(1, 1)
    b.put(1, 2)
    fixed_lit(b, 97)
    fixed_lit(b, 98)
    fixed_lit(b, 257)           # length 3
    b.code(4, 5)                # distance code 4: 5..6, one extra bit
    b.put(0, 1)
    fixed_lit(b, 256)
    write("bad/distance.gz", header() + b.done() + trailer(b"ab"))
    # a distance one past the first member's data in a second member: the
    # window is the member's own
    b = Bits()
    b.put(1, 1)
    b.put(1, 2)
    fixed_lit(b, 97)
    fixed_lit(b, 257)
    b.code(1, 5)                # distance 2
    fixed_lit(b, 256)
    write("bad/distance-member.gz", member(b"xyz") + header() + b.done() + trailer(b"aaaa"))
    # fixed codes that are no symbol: length 286, distance 30
    b = Bits()
    b.put(1, 1)
    b.put(1, 2)
    fixed_lit(b, 97)
    fixed_lit(b, 286)
    write("bad/litlen-286.gz", header() + b.done() + trailer(b"a"))
    b = Bits()
    b.put(1, 1)
    b.put(1, 2)
    fixed_lit(b, 97)
    fixed_lit(b, 257)
    b.code(30, 5)
    fixed_lit(b, 256)
    write("bad/distance-30.gz", header() + b.done() + trailer(b"aaaa"))
    # dynamic blocks with bad codes
    b = Bits()
    dynblock(b, {97: 1, 256: 1, 258: 1}, {0: 1}, [("eob",)])
    write("bad/oversubscribed.gz", header() + b.done() + trailer(b""))
    b = Bits()
    dynblock(b, {97: 1, 256: 2}, {0: 1}, [("eob",)])
    write("bad/incomplete.gz", header() + b.done() + trailer(b""))
    b = Bits()
    dynblock(b, {97: 1, 256: 2, 258: 2}, {0: 2, 1: 2}, [("eob",)])
    write("bad/incomplete-distance.gz", header() + b.done() + trailer(b""))
    b = Bits()
    dynblock(b, {97: 1, 256: 2, 258: 2}, {0: 1}, [("eob",)],
             cl_seq=[(16, 0, 2)] + [(0, 0, 0)] * 257, cllens={16: 1, 0: 1})
    write("bad/repeat-first.gz", header() + b.done() + trailer(b""))
    b = Bits()
    dynblock(b, {97: 1, 256: 2, 258: 2}, {0: 1}, [("eob",)],
             cl_seq=[(18, 127, 7), (18, 127, 7), (18, 127, 7)], cllens={18: 1, 0: 1})
    write("bad/too-many-lengths.gz", header() + b.done() + trailer(b""))
    b = Bits()
    dynblock(b, {97: 1, 98: 2, 258: 2}, {0: 1}, [])
    write("bad/no-eob.gz", header() + b.done() + trailer(b""))
    # the unused half of a one-code distance tree
    b = Bits()
    dynblock(b, {97: 1, 256: 2, 258: 2}, {0: 1}, [("lit", 97)])
    b.code(canon([0] * 97 + [1] + [0] * 158 + [2, 0, 2])[258], 2)
    b.put(1, 1)                 # distance code '1': no symbol
    write("bad/distance-unused.gz", header() + b.done() + trailer(b"a"))
    # HLIT of 287 symbols
    b = Bits()
    b.put(1, 1)
    b.put(2, 2)
    b.put(30, 5)
    b.put(0, 5)
    b.put(0, 4)
    write("bad/hlit.gz", header() + b.done() + trailer(b""))


if __name__ == "__main__":
    main()
