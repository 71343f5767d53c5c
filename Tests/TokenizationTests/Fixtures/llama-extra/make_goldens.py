#!/usr/bin/env python3
"""Extra llama.cpp token-id goldens for the tokenizer tests: chat prompts with special tokens, a long synthetic
clinical note, and seeded random texts that mix the character classes the pre-tokenizers branch on.

The ids come from llama.cpp itself, the same source (commit 0c1e57098, bundled in the PyPI sdist
llama_cpp_python==0.3.36) as ../llama-reference. To regenerate:

    pip download llama_cpp_python==0.3.36 --no-deps --no-binary :all:    # then unpack vendor/llama.cpp
    cmake -S vendor/llama.cpp -B build -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF \
          -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_OPENMP=OFF
    cmake --build build --target llama
    g++ -O2 -std=c++17 tok_driver.cpp -Ivendor/llama.cpp/include -Ivendor/llama.cpp/ggml/include \
        build/src/libllama.a build/ggml/src/libggml*.a -lpthread -o tok_driver
    python3 make_goldens.py ./tok_driver /path/to/models [vendor/llama.cpp/models]

With the third argument it also writes llama-cpp-vocabs.json: special-token and random texts for llama.cpp's own
vocabulary-only test files (ggml-vocab-*.gguf), read by LlamaCppVocabularyTests when VELLUM_LLAMA_CPP_MODELS
points at that directory.

tok_driver.cpp (next to this script) reads hex-encoded texts on stdin and prints llama_tokenize's ids per line;
its "facts" mode prints the vocabulary's special ids, end-of-generation set and token attributes.
All text is synthetic; no patient data.
"""
import json
import random
import subprocess
import sys
from pathlib import Path

MODELS = [
    "SmolLM2-135M-Instruct.Q4_1",
    "gemma-3-270m-q4_k_m",
    "qwen2.5-coder-0.5b-instruct-q4_k_m",
    "qwen2.5-coder-1.5b-instruct-q4_k_m",
]

CHAT_PROMPTS = [
    "<|im_start|>system\nYou are a clinical documentation assistant.<|im_end|>\n<|im_start|>user\n"
    "Summarize: 54F, T2DM, HbA1c 8.1%, on metformin 500 mg BID.<|im_end|>\n<|im_start|>assistant\n",
    "<start_of_turn>user\nDraft a referral letter for a 72-year-old with AF and CKD stage 3.<end_of_turn>\n"
    "<start_of_turn>model\n",
    "<|im_start|>user\n<tool_call>{\"name\": \"lookup\"}</tool_call><|im_end|><|endoftext|>",
    "<bos><start_of_turn>user\nhi<end_of_turn>\n<eos>",
    "<|im_start|><|im_start|>user<|im_end|>x<|im_end|>",
    "text with <unused0> and <mask> and <|fim_prefix|>code<|fim_suffix|>",
]

NOTE_PARAGRAPHS = [
    "Patient is a 67-year-old man with a history of type 2 diabetes mellitus, hypertension and hyperlipidaemia "
    "who presents with a three-day history of intermittent chest pain radiating to the left arm. ",
    "Vital signs on admission: BP 152/94 mmHg, HR 88 bpm, RR 18/min, SpO2 96% on room air, temperature 37.2 °C. ",
    "Medications: metformin 1000 mg twice daily, lisinopril 20 mg once daily, atorvastatin 40 mg at night; "
    "no known drug allergies.\n",
    "Laboratory results: HbA1c 7.8% (2024-03-03), creatinine 1.1 mg/dL, eGFR 68 mL/min/1.73m², troponin I "
    "<0.01 ng/mL, LDL 3.2 mmol/L.\n",
    "Assessment and plan: likely stable angina; arrange exercise stress test, continue current medications, "
    "start aspirin 75 mg daily, and review in clinic in two weeks.\n\n    - follow-up:\tBMP, lipids\r\n",
]

FRAGMENTS = [
    "a", "Z", "é", "ß", "'s", "'LL", "'re", "'ve", "'d", " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n", "\r",
    "0", "7", "123", "4567", "٣", "½", "²", ".", ",", "!?", "(", ")", "-", "/", "%", "°", "€", "<", ">", "'",
    "<|im_start|>", "<|im_end|>", "<start_of_turn>", "<end_of_turn>", "<tool_call>", "<|endoftext|>",
    "日本", "語", "中文", "Ελλ", "рус", "\u0301", "\u200b", "\u00a0", "\u3000", "😀", "👍🏽", "🇫🇷", "❤️",
    "\u1c89", "mg/dL", "patient", " The", "HbA1c", "don't", "I'M", "x=f(a,b)", "  # note", "\t\t", "...",
]


def random_texts(count, seed=20241129):
    rng = random.Random(seed)
    return ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def run(driver, model_path, texts, add_special, parse_special):
    stdin = "".join(t.encode("utf-8").hex() + "\n" for t in texts)
    out = subprocess.run([driver, str(model_path), str(int(add_special)), str(int(parse_special))],
                         input=stdin, capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")[: len(texts)]
    return [[int(x) for x in line.split()] for line in lines]


def main():
    driver, models_dir = sys.argv[1], Path(sys.argv[2])
    note = ""
    i = 0
    while len(note) < 20000:
        note += NOTE_PARAGRAPHS[i % len(NOTE_PARAGRAPHS)]
        i += 1
    texts = CHAT_PROMPTS + [note] + random_texts(150)
    for name in MODELS:
        cases = []
        for add_special, parse_special in [(False, False), (True, True)]:
            ids = run(driver, models_dir / f"{name}.gguf", texts, add_special, parse_special)
            for text, case_ids in zip(texts, ids):
                cases.append({"text": text, "add_special": add_special, "parse_special": parse_special, "ids": case_ids})
        facts = json.loads(subprocess.run([driver, str(models_dir / f"{name}.gguf"), "facts"],
                                          capture_output=True, text=True, check=True).stdout)
        out = Path(__file__).with_name(f"{name}.json")
        out.write_text(json.dumps({
            "generated_by": "llama.cpp 0c1e57098 (llama_cpp_python 0.3.36 sdist), llama_tokenize via tok_driver.cpp, vocab_only",
            "facts": facts,
            "cases": cases,
        }, ensure_ascii=False, separators=(",", ":")) + "\n")
        print(out, len(cases))


LLAMA_CPP_VOCABS = ["llama-spm", "phi-3", "gpt-2", "llama-bpe", "mpt", "qwen2", "starcoder", "refact", "command-r"]
LLAMA_CPP_SPECIALS = ["<s>", "</s>", "<unk>", "[INST]", "[/INST]", "<|begin_of_text|>", "<|eot_id|>",
                      "<|start_header_id|>", "<|end_header_id|>", "<|user|>", "<|assistant|>", "<|end|>",
                      " <s> ", "  </s>\n"]


def llama_cpp_vocab_goldens(driver, vocab_dir):
    rng = random.Random(11)
    fragments = FRAGMENTS + LLAMA_CPP_SPECIALS
    texts = CHAT_PROMPTS + ["".join(rng.choice(fragments) for _ in range(rng.randint(1, 20))) for _ in range(24)]
    vocabs = {}
    for name in LLAMA_CPP_VOCABS:
        path = Path(vocab_dir) / f"ggml-vocab-{name}.gguf"
        cases = []
        for add_special, parse_special in [(False, False), (True, True), (True, False), (False, True)]:
            for text, ids in zip(texts, run(driver, path, texts, add_special, parse_special)):
                cases.append({"text": text, "add_special": add_special, "parse_special": parse_special, "ids": ids})
        vocabs[name] = cases
    out = Path(__file__).with_name("llama-cpp-vocabs.json")
    out.write_text(json.dumps({
        "generated_by": "llama.cpp 0c1e57098 (llama_cpp_python 0.3.36 sdist), llama_tokenize via tok_driver.cpp, vocab_only",
        "vocabularies": vocabs,
    }, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(out, sum(len(c) for c in vocabs.values()))


if __name__ == "__main__":
    main()
    if len(sys.argv) > 3:
        llama_cpp_vocab_goldens(sys.argv[1], sys.argv[3])
