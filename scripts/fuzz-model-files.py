#!/usr/bin/env python3
"""Held-out hostile model files: random damage to bundled models' headers, each loaded by `vellum generate`.

The model-file rules (README "Model files validated before use") were written against named classes of damage.
This script checks them against damage they were not written for: each file is a bundled model whose header
(metadata and tensor index) gets one random mutation drawn from a seeded generator, over a hole of zeros where
the tensor data was (the header is what is checked; a file that loads runs on zero weights). Each file is run as
`vellum generate --model FILE --prompt x --max-tokens 1` and counted as

  refused  exit status 1 with an error message (the file was refused cleanly),
  accepted exit status 0 (the damage left a file the engine can run: e.g. a changed general.name),
  crashed  killed by a signal, or any other status: a defect,
  hung     no exit within --timeout seconds: a defect.

Crashing and hanging files are kept in --keep for a regression test. The parser here is written from the GGUF
spec (ggml docs/gguf.md), independently of the Swift reader.

  scripts/fuzz-model-files.py --vellum .build/debug/vellum --count 300 --seed 20261203
"""
import argparse
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import Counter

FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
STRING, ARRAY = 8, 9


class Header:
    """A GGUF header as raw pieces: metadata entries (key, type, value bytes) and tensor-index entries."""

    def __init__(self, path):
        with open(path, "rb") as f:
            raw = f.read(16 << 20)
        self.data_size = os.path.getsize(path)
        self.version = struct.unpack_from("<I", raw, 4)[0]
        n_tensors, n_kv = struct.unpack_from("<QQ", raw, 8)
        offset = 24
        self.entries = []
        for _ in range(n_kv):
            (length,) = struct.unpack_from("<Q", raw, offset)
            key = raw[offset + 8 : offset + 8 + length]
            offset += 8 + length
            (vtype,) = struct.unpack_from("<I", raw, offset)
            offset += 4
            start = offset
            offset = skip(raw, offset, vtype)
            self.entries.append([key, vtype, raw[start:offset]])
        self.tensors = []
        for _ in range(n_tensors):
            start = offset
            (length,) = struct.unpack_from("<Q", raw, offset)
            offset += 8 + length
            (dims,) = struct.unpack_from("<I", raw, offset)
            offset += 4 + 8 * dims + 4 + 8
            self.tensors.append(bytearray(raw[start:offset]))
        self.alignment = 32
        data_start = (offset + self.alignment - 1) // self.alignment * self.alignment
        self.data_size -= data_start

    def serialize(self):
        out = bytearray(b"GGUF" + struct.pack("<IQQ", self.version, len(self.tensors), len(self.entries)))
        for key, vtype, value in self.entries:
            out += struct.pack("<Q", len(key)) + key + struct.pack("<I", vtype) + value
        for tensor in self.tensors:
            out += tensor
        out += bytes((-len(out)) % self.alignment)
        return out


def skip(raw, offset, vtype):
    if vtype in FIXED:
        return offset + FIXED[vtype]
    if vtype == STRING:
        return offset + 8 + struct.unpack_from("<Q", raw, offset)[0]
    etype, count = struct.unpack_from("<IQ", raw, offset)
    offset += 12
    if etype in FIXED:
        return offset + count * FIXED[etype]
    for _ in range(count):
        offset = skip(raw, offset, etype)
    return offset


def random_scalar(rng):
    vtype = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, STRING])
    if vtype == STRING:
        text = bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 5, 100])))
        return vtype, struct.pack("<Q", len(text)) + text
    pick = rng.choice([0, 1, -1, 2**31 - 1, 2**32 - 1, 2**63 - 1, rng.randrange(-(2**40), 2**40)])
    fmt = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 10: "<Q", 11: "<q"}
    if vtype in fmt:
        bits = FIXED[vtype] * 8
        signed = fmt[vtype].islower()
        lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
        return vtype, struct.pack(fmt[vtype], max(lo, min(hi, pick)))
    if vtype == 7:
        return vtype, bytes([rng.randrange(256)])
    value = rng.choice([float("nan"), float("inf"), -1.0, 0.0, 1e-30, 1e30, rng.uniform(-10, 10)])
    return vtype, struct.pack("<f" if vtype == 6 else "<d", value)


# Mutations: each takes (header, rng) and changes the header in place, or returns raw bytes to write instead.
def flip_header_bytes(h, rng):
    raw = bytearray(h.serialize())
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        raw[rng.randrange(len(raw))] ^= rng.randrange(1, 256)
    return raw


def flip_header_bits(h, rng):
    raw = bytearray(h.serialize())
    for _ in range(rng.choice([1, 3])):
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return raw


def truncate_header(h, rng):
    raw = h.serialize()
    return raw[: rng.randrange(len(raw))]


def insert_garbage(h, rng):
    raw = bytearray(h.serialize())
    at = rng.randrange(len(raw))
    raw[at:at] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 4, 8, 64])))
    return raw


def replace_value(h, rng):
    entry = rng.choice(h.entries)
    entry[1], entry[2] = random_scalar(rng)


def delete_entry(h, rng):
    del h.entries[rng.randrange(len(h.entries))]


def duplicate_entry(h, rng):
    h.entries.insert(rng.randrange(len(h.entries) + 1), list(rng.choice(h.entries)))


def change_array_count(h, rng):
    arrays = [e for e in h.entries if e[1] == ARRAY]
    entry = rng.choice(arrays)
    (count,) = struct.unpack_from("<Q", entry[2], 4)
    new = rng.choice([0, count - 1, count + 1, count // 2, 2**32, 2**62])
    entry[2] = entry[2][:4] + struct.pack("<Q", max(0, new)) + entry[2][12:]


def change_array_element_type(h, rng):
    arrays = [e for e in h.entries if e[1] == ARRAY]
    entry = rng.choice(arrays)
    entry[2] = struct.pack("<I", rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 255])) + entry[2][4:]


def edit_array_element(h, rng):
    arrays = [e for e in h.entries if e[1] == ARRAY]
    entry = rng.choice(arrays)
    (etype,) = struct.unpack_from("<I", entry[2], 0)
    value = bytearray(entry[2])
    (count,) = struct.unpack_from("<Q", value, 4)
    if count == 0:
        return
    if etype in FIXED:
        at = 12 + rng.randrange(count) * FIXED[etype]
        value[at : at + FIXED[etype]] = bytes(rng.randrange(256) for _ in range(FIXED[etype]))
    else:
        # a string element: overwrite a byte of its text or of its length
        at = 12 + rng.randrange(min(len(value) - 12, 4096))
        value[at] = rng.randrange(256)
    entry[2] = bytes(value)


def swap_tensors(h, rng):
    i, j = rng.sample(range(len(h.tensors)), 2)
    h.tensors[i], h.tensors[j] = h.tensors[j], h.tensors[i]


def change_tensor_field(h, rng):
    tensor = rng.choice(h.tensors)
    (length,) = struct.unpack_from("<Q", tensor, 0)
    (dims,) = struct.unpack_from("<I", tensor, 8 + length)
    fields = [(8 + length + 4 + 8 * d, "<Q") for d in range(dims)]
    fields += [(8 + length + 4 + 8 * dims, "<I"), (8 + length + 8 + 8 * dims, "<Q")]
    at, fmt = rng.choice(fields)
    (old,) = struct.unpack_from(fmt, tensor, at)
    limit = 2 ** (struct.calcsize(fmt) * 8) - 1
    new = rng.choice([0, 1, old + 1, max(0, old - 1), old * 2, old + 32, max(0, old - 32), rng.randrange(64), limit])
    struct.pack_into(fmt, tensor, at, min(new, limit))


def drop_tensor(h, rng):
    del h.tensors[rng.randrange(len(h.tensors))]


def error_kind(message):
    """The message with names and numbers blanked, so that refusals of one kind count together."""
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", message))[:100]


MUTATIONS = [flip_header_bytes, flip_header_bits, truncate_header, insert_garbage, replace_value, delete_entry,
             duplicate_entry, change_array_count, change_array_element_type, edit_array_element, swap_tensors,
             change_tensor_field, drop_tensor]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vellum", required=True, help="the vellum binary to run")
    parser.add_argument("--models", default=".cache/models", help="folder of the bundled models")
    parser.add_argument("--base", action="append",
                        default=None, help="model file names to damage (default: SmolLM2, gemma-3, qwen 0.5B)")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--keep", default="hostile-crashes", help="folder for crashing or hanging files")
    args = parser.parse_args()
    bases = args.base or ["SmolLM2-135M-Instruct.Q4_1.gguf", "gemma-3-270m-q4_k_m.gguf",
                          "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"]
    headers = {name: Header(os.path.join(args.models, name)) for name in bases}
    rng = random.Random(args.seed)
    outcomes = Counter()
    errors = Counter()
    work = tempfile.mkdtemp(prefix="vellum-fuzz-")
    try:
        for index in range(args.count):
            name = rng.choice(bases)
            mutation = rng.choice(MUTATIONS)
            base = headers[name]
            header = Header.__new__(Header)
            header.__dict__ = {**base.__dict__, "entries": [list(e) for e in base.entries],
                               "tensors": [bytearray(t) for t in base.tensors]}
            raw = mutation(header, rng)
            raw = header.serialize() if raw is None else raw
            path = os.path.join(work, f"{index:04d}-{mutation.__name__}-{name}")
            with open(path, "wb") as f:
                f.write(raw)
                f.truncate(len(raw) + base.data_size)
            try:
                run = subprocess.run([args.vellum, "generate", "--model", path, "--prompt", "x", "--max-tokens", "1",
                                      "--context", "64", "--threads", "1"],
                                     capture_output=True, text=True, timeout=args.timeout)
                if run.returncode == 1 and run.stderr.strip():
                    outcome = "refused"
                    errors[error_kind(run.stderr.strip().splitlines()[-1])] += 1
                elif run.returncode == 0:
                    outcome = "accepted"
                    print(f"accepted {os.path.basename(path)}", file=sys.stderr)
                else:
                    outcome = "crashed"
                    print(f"CRASH {path}: status {run.returncode}: {run.stderr.strip()[-300:]}", file=sys.stderr)
            except subprocess.TimeoutExpired:
                outcome = "hung"
                print(f"HANG {path}", file=sys.stderr)
            outcomes[outcome] += 1
            outcomes[f"{outcome}:{mutation.__name__}"] += 1
            if outcome in ("crashed", "hung"):
                os.makedirs(args.keep, exist_ok=True)
                shutil.copy(path, args.keep)
            os.remove(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.count} files (seed {args.seed}): " + ", ".join(f"{outcomes[k]} {k}" for k in ("refused", "accepted", "crashed", "hung")))
    for key in sorted(k for k in outcomes if ":" in k):
        print(f"  {key}: {outcomes[key]}")
    print("most frequent refusals:")
    for message, n in errors.most_common(15):
        print(f"  {n:4d}  {message}")
    return 1 if outcomes["crashed"] or outcomes["hung"] else 0


if __name__ == "__main__":
    sys.exit(main())
