#!/usr/bin/env python3
"""Seed model files for the GGUF fuzz target (Fuzz/Corpus/gguf): each bundled model shrunk to a model that loads.

A bundled model's header alone is 1.8-6.5 MB (its vocabulary), and libFuzzer mutates small inputs far better than
large ones, so each seed is a bundled model cut down to a few kilobytes that still passes every load rule of
`LanguageModel(path:)`: its own metadata and tensor names, one or two layers, every dimension scaled down
(embedding 32, two heads of 16, feed-forward 64), the first few hundred tokens of its vocabulary with the merges
among them, and zeroed tensor data of the exact size. K-quant tensors become Q4_0 / Q8_0, since 256-element
blocks do not fit a 32-wide row. The seeds have no .gguf extension because .gitignore keeps model files out. The header is parsed with `Header` from scripts/fuzz-model-files.py (the same
spec-based parser the held-out mutation script uses).

  scripts/make-fuzz-seeds.py [--models .cache/models] [--out Fuzz/Corpus/gguf]
"""
import argparse
import importlib.util
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("fuzz_model_files", os.path.join(HERE, "fuzz-model-files.py"))
fuzz_model_files = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz_model_files)
Header, FIXED, STRING, ARRAY = fuzz_model_files.Header, fuzz_model_files.FIXED, fuzz_model_files.STRING, fuzz_model_files.ARRAY

UINT32, INT32, FLOAT32 = 4, 5, 6
EMBED, HEADS, KV_HEADS, HEAD_DIM, FEED_FORWARD, CONTEXT = 32, 2, 1, 16, 64, 64
# (elements, bytes) per block of the types the seeds use; K-quants are replaced (their block is 256 wide).
BLOCKS = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34)}
REPLACE = {10: 8, 11: 8, 12: 2, 13: 6, 14: 8}  # Q2_K..Q6_K -> Q8_0 / Q4_0 / Q5_0


def u32(v):
    return struct.pack("<I", v)


def string(b):
    return struct.pack("<Q", len(b)) + b


def read_strings(value):
    assert struct.unpack_from("<I", value, 0)[0] == STRING
    (count,) = struct.unpack_from("<Q", value, 4)
    out, offset = [], 12
    for _ in range(count):
        (n,) = struct.unpack_from("<Q", value, offset)
        out.append(value[offset + 8 : offset + 8 + n])
        offset += 8 + n
    return out


def read_fixed(value):
    etype, count = struct.unpack_from("<IQ", value, 0)
    size = FIXED[etype]
    return etype, [value[12 + i * size : 12 + (i + 1) * size] for i in range(count)]


def strings_array(items):
    return u32(STRING) + struct.pack("<Q", len(items)) + b"".join(string(s) for s in items)


def fixed_array(etype, items):
    return u32(etype) + struct.pack("<Q", len(items)) + b"".join(items)


def shrink(path, vocab, keep_last, blocks):
    """The model at `path` with `vocab` tokens (the first ones, plus the ids in `keep_last` moved to the end)."""
    h = Header(path)
    entries = {e[0].decode(): e for e in h.entries}
    arch = entries["general.architecture"][2][8:].decode()
    old = {k: struct.unpack("<I", entries[f"{arch}.{k}"][2])[0]
           for k in ("embedding_length", "feed_forward_length", "attention.head_count")}
    old_kv = struct.unpack("<I", entries[f"{arch}.attention.head_count_kv"][2])[0]
    old_head = (struct.unpack("<I", entries[f"{arch}.attention.key_length"][2])[0]
                if f"{arch}.attention.key_length" in entries else old["embedding_length"] // old["attention.head_count"])
    tokens = read_strings(entries["tokenizer.ggml.tokens"][2])
    old_vocab = len(tokens)
    # Old id -> new id: the first ones in place, then the kept specials (end-of-text markers at the end of Qwen's
    # vocabulary) after them.
    first = vocab - len(keep_last)
    ids = list(range(first)) + keep_last
    new_id = {old_id: new for new, old_id in enumerate(ids)}

    for key, entry in entries.items():
        if key == f"{arch}.block_count":
            entry[2] = u32(blocks)
        elif key in (f"{arch}.embedding_length",):
            entry[2] = u32(EMBED)
        elif key == f"{arch}.feed_forward_length":
            entry[2] = u32(FEED_FORWARD)
        elif key == f"{arch}.attention.head_count":
            entry[2] = u32(HEADS)
        elif key == f"{arch}.attention.head_count_kv":
            entry[2] = u32(KV_HEADS)
        elif key in (f"{arch}.attention.key_length", f"{arch}.attention.value_length", f"{arch}.rope.dimension_count"):
            entry[2] = u32(HEAD_DIM)
        elif key == f"{arch}.context_length":
            entry[2] = u32(CONTEXT)
        elif key == f"{arch}.attention.sliding_window":
            entry[2] = u32(16)
        elif key == f"{arch}.vocab_size":
            entry[2] = u32(vocab)
        elif key == "tokenizer.ggml.tokens":
            entry[2] = strings_array([tokens[i] for i in ids])
        elif key in ("tokenizer.ggml.token_type", "tokenizer.ggml.scores"):
            etype, items = read_fixed(entry[2])
            entry[2] = fixed_array(etype, [items[i] for i in ids])
        elif key == "tokenizer.ggml.merges":
            texts = {tokens[i] for i in ids}
            kept = [m for m in read_strings(entry[2])
                    if len(m.split(b" ")) == 2 and all(p in texts for p in m.split(b" ")) and m.replace(b" ", b"") in texts]
            entry[2] = strings_array(kept)
        elif key.startswith("tokenizer.ggml.") and key.endswith("_token_id"):
            (old_id,) = struct.unpack("<I", entry[2])
            entry[2] = u32(new_id[old_id])

    scale = {old["embedding_length"]: EMBED, old["feed_forward_length"]: FEED_FORWARD, old_vocab: vocab,
             old["attention.head_count"] * old_head: HEADS * HEAD_DIM, old_kv * old_head: KV_HEADS * HEAD_DIM,
             old_head: HEAD_DIM}
    tensors, offset = [], 0
    for raw in h.tensors:
        (n,) = struct.unpack_from("<Q", raw, 0)
        name = raw[8 : 8 + n].decode()
        if name.startswith("blk.") and int(name.split(".")[1]) >= blocks:
            continue
        (dims,) = struct.unpack_from("<I", raw, 8 + n)
        shape = [scale[d] for d in struct.unpack_from(f"<{dims}Q", raw, 12 + n)]
        (ttype,) = struct.unpack_from("<I", raw, 12 + n + 8 * dims)
        ttype = REPLACE.get(ttype, ttype)
        elements, block_bytes = BLOCKS[ttype]
        count = 1
        for d in shape:
            count *= d
        size = count // elements * block_bytes
        tensors.append(string(name.encode()) + u32(dims) + b"".join(struct.pack("<Q", d) for d in shape)
                       + u32(ttype) + struct.pack("<Q", offset))
        offset += (size + 31) // 32 * 32
    h.tensors = tensors
    return bytes(h.serialize()) + bytes(offset)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=".cache/models")
    parser.add_argument("--out", default="Fuzz/Corpus/gguf")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    # Vocabulary sizes that keep each family's special and byte tokens: SmolLM2's specials are ids 0-16,
    # Gemma's byte pieces <0x00>..<0xFF> end at id 493, Qwen's end-of-text markers sit at 151643-151645.
    seeds = [
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "llama-bpe", 400, [], 1),
        ("gemma-3-270m-q4_k_m.gguf", "gemma3-sentencepiece", 520, [], 2),
        ("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "qwen2-bpe", 400, [151643, 151644, 151645], 1),
    ]
    for model, name, vocab, keep_last, blocks in seeds:
        data = shrink(os.path.join(args.models, model), vocab, keep_last, blocks)
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")
    # A regression seed (ModelFileValidationTests.testSizesWhoseProductsOverflowAreRefused on the small model):
    # 8 heads of 2^62 + 4 and 4 key/value heads, whose widths wrap to the seed's real 32 and 16.
    h = Header(os.path.join(args.out, "llama-bpe"))
    for entry in h.entries:
        if entry[0] == b"llama.attention.head_count":
            entry[2] = u32(8)
        elif entry[0] == b"llama.attention.head_count_kv":
            entry[2] = u32(4)
    h.entries.append([b"llama.attention.key_length", 10, struct.pack("<Q", (1 << 62) + 4)])
    data = bytes(h.serialize()) + bytes(h.data_size)
    with open(os.path.join(args.out, "llama-bpe-overflowing-head-size"), "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
