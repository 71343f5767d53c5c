// Long-context reference vectors from llama.cpp, for Tests/InferenceTests/LongContextReferenceTests.swift.
// Built and run by scripts/make-long-context-vectors.sh (see there and the README's section on correctness).
//
//   long-context-vectors MODEL.gguf TEXT OUT.json --prompt BYTE:TOKENS [--prompt BYTE:TOKENS ...]
//                        [--n-predict 16] [--threads 2] [--factor 2] [--text-name NAME] [--build TEXT]
//
// Each prompt is the run of whole lines of TEXT that starts at the first line beginning at or after BYTE and
// ends with the first line that brings it to TOKENS tokens or more. It goes through llama_decode in batches of
// 512 tokens (n_batch = n_ubatch = 512, the way a long prompt reaches llama.cpp's server), then one token per
// call, greedily (argmax of the raw logits). At every step (the last prompt position, then each decode step)
// the top 10 raw logits are written.
//
// Two configurations run each prompt: "main" (flash attention auto, f16 KV cache: llama.cpp's defaults) and
// "alt" (flash attention off, f32 KV cache). The alt run is fed main's greedy tokens (teacher-forced), so that
// every step compares the same context; its difference from main at main's top-10 ids measures llama.cpp's own
// numerical spread, from which the model's tolerance is derived (rule below).
#include "llama.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// The rule, stated once: the tolerance is `factor` times the largest alt-vs-main difference over every step of
// every prompt of the model. A third implementation (ours) sums in yet another order, so it gets a margin above
// llama.cpp's own spread; a fork is a step whose top1-top2 margin is below that tolerance.
const char * kToleranceRule =
    "tolerance = factor * max over all prompts and steps of max_abs_top10_diff(alt, main); "
    "a fork is a step where main's top1 - top2 margin < tolerance";

constexpr int kBatch = 512;

struct Entry { llama_token id; float logit; };

struct Prompt {
    size_t byte_start = 0, byte_end = 0;
    std::vector<llama_token> ids;
};

struct Run {
    std::vector<std::vector<Entry>> top10;  // per step
    std::vector<llama_token> argmax;        // per step
    std::vector<float> margin;              // top1 - top2 per step
    std::vector<float> diff_vs_main;        // alt only
    std::vector<int> batches;               // prompt batch sizes
};

std::string flash_attn_log;

void log_callback(ggml_log_level, const char * text, void *) {
    // llama.cpp resolves flash attention "auto" when the context is made and says so in its log.
    if (strstr(text, "Flash Attention") || strstr(text, "flash_attn")) flash_attn_log += text;
}

std::vector<llama_token> tokenize(const llama_vocab * vocab, const std::string & text) {
    // add_special: BOS exactly where llama.cpp's own tools add it (the GGUF's add_bos_token, else the vocab's
    // default); parse_special off: the text is plain prose.
    int n = -llama_tokenize(vocab, text.data(), (int32_t)text.size(), nullptr, 0, true, false);
    std::vector<llama_token> ids(n);
    if (llama_tokenize(vocab, text.data(), (int32_t)text.size(), ids.data(), n, true, false) != n) {
        fprintf(stderr, "tokenize failed\n");
        exit(1);
    }
    return ids;
}

Prompt make_prompt(const llama_vocab * vocab, const std::string & text, size_t byte, int tokens) {
    Prompt p;
    size_t start = byte;
    while (start > 0 && start < text.size() && text[start - 1] != '\n') start++;
    p.byte_start = start;
    size_t end = start;
    while (end < text.size()) {
        size_t nl = text.find('\n', end);
        end = nl == std::string::npos ? text.size() : nl + 1;
        p.ids = tokenize(vocab, text.substr(start, end - start));
        if ((int)p.ids.size() >= tokens) break;
    }
    p.byte_end = end;
    return p;
}

std::vector<Entry> top_k(const float * logits, int n_vocab, int k) {
    std::vector<Entry> all(n_vocab);
    for (int i = 0; i < n_vocab; i++) all[i] = {i, logits[i]};
    // Descending logit; ties go to the lower id (as in the short reference vectors).
    std::partial_sort(all.begin(), all.begin() + k, all.end(), [](const Entry & a, const Entry & b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    });
    all.resize(k);
    return all;
}

// Runs one prompt in one configuration. With `forced` empty, decodes greedily for n_predict steps; otherwise
// feeds `forced` (main's greedy ids) and records this run's argmax beside it.
Run run(llama_model * model, const Prompt & prompt, int n_predict, int threads, bool main_config,
        const std::vector<llama_token> & forced, const Run * main_run) {
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)(((prompt.ids.size() + n_predict) / 256 + 1) * 256);
    cp.n_batch = cp.n_ubatch = kBatch;
    cp.n_threads = cp.n_threads_batch = threads;
    cp.flash_attn_type = main_config ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.type_k = cp.type_v = main_config ? GGML_TYPE_F16 : GGML_TYPE_F32;
    cp.no_perf = true;
    llama_context * ctx = llama_init_from_model(model, cp);
    if (!ctx) { fprintf(stderr, "context creation failed\n"); exit(1); }

    Run r;
    std::vector<llama_token> ids = prompt.ids;
    for (size_t start = 0; start < ids.size(); start += kBatch) {
        int n = (int)std::min<size_t>(kBatch, ids.size() - start);
        if (llama_decode(ctx, llama_batch_get_one(ids.data() + start, n)) != 0) { fprintf(stderr, "decode failed\n"); exit(1); }
        r.batches.push_back(n);
    }
    for (int step = 0; step < n_predict; step++) {
        const float * logits = llama_get_logits_ith(ctx, -1);
        std::vector<Entry> top = top_k(logits, n_vocab, 10);
        r.top10.push_back(top);
        r.argmax.push_back(top[0].id);
        r.margin.push_back(top[0].logit - top[1].logit);
        if (main_run) {
            float d = 0;
            for (const Entry & e : main_run->top10[step]) d = std::max(d, std::fabs(logits[e.id] - e.logit));
            r.diff_vs_main.push_back(d);
        }
        llama_token next = forced.empty() ? top[0].id : forced[step];
        if (step + 1 == n_predict || llama_vocab_is_eog(vocab, next)) break;
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) { fprintf(stderr, "decode failed\n"); exit(1); }
    }
    llama_free(ctx);
    return r;
}

std::string json_string(const std::string & s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') { o += '\\'; o += (char)c; }
        else if (c == '\n') o += "\\n";
        else if (c == '\t') o += "\\t";
        else if (c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += (char)c;
    }
    return o + "\"";
}

std::string num(float x) { char b[32]; snprintf(b, sizeof b, "%.9g", x); return b; }

template <class T> std::string list(const std::vector<T> & v) {
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < v.size(); i++) o << (i ? "," : "") << v[i];
    return o.str() + "]";
}

std::string list_f(const std::vector<float> & v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); i++) o += (i ? "," : "") + num(v[i]);
    return o + "]";
}

std::string piece(const llama_vocab * vocab, llama_token id) {
    char buf[256];
    int n = llama_token_to_piece(vocab, id, buf, sizeof buf, 0, true);
    return n > 0 ? std::string(buf, n) : std::string();
}

}  // namespace

int main(int argc, char ** argv) {
    if (argc < 4) { fprintf(stderr, "usage: see the head of %s\n", __FILE__); return 2; }
    const std::string model_path = argv[1], text_path = argv[2], out_path = argv[3];
    std::vector<std::pair<size_t, int>> specs;
    int n_predict = 16, threads = 2;
    float factor = 2;
    std::string text_name = text_path, build = "";
    for (int i = 4; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--prompt") specs.push_back({std::stoul(v.substr(0, v.find(':'))), std::stoi(v.substr(v.find(':') + 1))});
        else if (a == "--n-predict") n_predict = std::stoi(v);
        else if (a == "--threads") threads = std::stoi(v);
        else if (a == "--factor") factor = std::stof(v);
        else if (a == "--text-name") text_name = v;
        else if (a == "--build") build = v;
        else { fprintf(stderr, "unknown option %s\n", a.c_str()); return 2; }
    }
    std::ifstream in(text_path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    llama_log_set(log_callback, nullptr);
    llama_backend_init();
    llama_model_params mp = llama_model_default_params();
    llama_model * model = llama_model_load_from_file(model_path.c_str(), mp);
    if (!model) { fprintf(stderr, "cannot load %s\n", model_path.c_str()); return 1; }
    const llama_vocab * vocab = llama_model_get_vocab(model);

    struct Result { Prompt prompt; Run main, alt; };
    std::vector<Result> results;
    float spread = 0;
    for (auto [byte, tokens] : specs) {
        Result r;
        r.prompt = make_prompt(vocab, text, byte, tokens);
        fprintf(stderr, "%s: prompt at byte %zu, %zu tokens\n", model_path.c_str(), r.prompt.byte_start, r.prompt.ids.size());
        r.main = run(model, r.prompt, n_predict, threads, true, {}, nullptr);
        r.alt = run(model, r.prompt, (int)r.main.argmax.size(), threads, false, r.main.argmax, &r.main);
        for (float d : r.alt.diff_vs_main) spread = std::max(spread, d);
        results.push_back(std::move(r));
    }
    const float tolerance = factor * spread;

    char desc[256], arch[64] = "";
    llama_model_desc(model, desc, sizeof desc);
    llama_model_meta_val_str(model, "general.architecture", arch, sizeof arch);
    std::string file = model_path.substr(model_path.find_last_of('/') + 1);

    std::ostringstream o;
    o << "{\n\"generated_by\": {\n"
      << "  \"tool\": \"scripts/long-context-vectors.cpp (run by scripts/make-long-context-vectors.sh)\",\n"
      << "  \"llama_cpp_commit\": \"0c1e57098\",\n"
      << "  \"build\": " << json_string(build) << ",\n"
      << "  \"n_batch\": " << kBatch << ", \"n_ubatch\": " << kBatch << ", \"n_threads\": " << threads
      << ", \"n_ctx\": \"prompt + n_predict rounded up to a multiple of 256\", \"n_predict\": " << n_predict << ",\n"
      << "  \"main_config\": {\"flash_attn\": \"auto\", \"type_k\": \"f16\", \"type_v\": \"f16\", \"log\": "
      << json_string(flash_attn_log.substr(0, flash_attn_log.find('\n'))) << "},\n"
      << "  \"alt_config\": {\"flash_attn\": \"off\", \"type_k\": \"f32\", \"type_v\": \"f32\"},\n"
      << "  \"method\": \"prompt through llama_decode in batches of n_batch tokens, then one call per token; greedy "
         "(argmax of raw logits, ties to the lower id); top10 at every step (step 0 = last prompt position, step k = "
         "after feeding greedy id k-1); the alt config is fed main's greedy ids and its max |alt - main| over main's "
         "top-10 ids is recorded per step\",\n"
      << "  \"tolerance_rule\": " << json_string(kToleranceRule) << ", \"factor\": " << num(factor) << "\n},\n"
      << "\"model\": {\"file\": " << json_string(file) << ", \"arch\": " << json_string(arch) << ", \"desc\": "
      << json_string(desc) << ", \"n_vocab\": " << llama_vocab_n_tokens(vocab) << ", \"n_swa\": "
      << llama_model_n_swa(model) << ", \"add_bos\": " << (llama_vocab_get_add_bos(vocab) ? "true" : "false")
      << ", \"bos_id\": " << llama_vocab_bos(vocab) << "},\n"
      << "\"alt_spread\": " << num(spread) << ",\n\"tolerance\": " << num(tolerance) << ",\n\"prompts\": [\n";
    for (size_t pi = 0; pi < results.size(); pi++) {
        const Result & r = results[pi];
        std::string greedy_text;
        for (llama_token id : r.main.argmax) greedy_text += piece(vocab, id);
        int divergence = -1;
        for (size_t k = 0; k < r.alt.argmax.size(); k++)
            if (r.alt.argmax[k] != r.main.argmax[k]) { divergence = (int)k; break; }
        o << (pi ? ",\n" : "") << "{\n  \"source\": " << json_string(text_name) << ", \"byte_start\": " << r.prompt.byte_start
          << ", \"byte_end\": " << r.prompt.byte_end << ", \"n_tokens\": " << r.prompt.ids.size()
          << ", \"batches\": " << list(r.main.batches) << ",\n"
          << "  \"bos_added\": " << (!r.prompt.ids.empty() && r.prompt.ids[0] == llama_vocab_bos(vocab) && llama_vocab_get_add_bos(vocab) ? "true" : "false")
          << ",\n  \"prompt_ids\": " << list(r.prompt.ids) << ",\n"
          << "  \"greedy_ids\": " << list(r.main.argmax) << ",\n  \"greedy_text\": " << json_string(greedy_text) << ",\n"
          << "  \"steps\": [\n";
        for (size_t k = 0; k < r.main.top10.size(); k++) {
            o << (k ? ",\n" : "") << "    {\"position\": " << r.prompt.ids.size() - 1 + k << ", \"margin\": "
              << num(r.main.margin[k]) << ", \"alt_max_abs_diff\": " << num(r.alt.diff_vs_main[k]) << ", \"top10\": [";
            for (size_t j = 0; j < r.main.top10[k].size(); j++)
                o << (j ? "," : "") << "{\"id\":" << r.main.top10[k][j].id << ",\"logit\":" << num(r.main.top10[k][j].logit) << "}";
            o << "]}";
        }
        o << "\n  ],\n  \"alt\": {\"argmax_ids_teacher_forced\": " << list(r.alt.argmax)
          << ", \"first_greedy_divergence_vs_main\": " << (divergence < 0 ? "null" : std::to_string(divergence))
          << ", \"max_abs_top10_diff\": " << num(*std::max_element(r.alt.diff_vs_main.begin(), r.alt.diff_vs_main.end())) << "},\n"
          << "  \"forks\": [";
        bool first = true;
        for (size_t k = 0; k < r.main.top10.size(); k++) {
            if (r.main.margin[k] >= tolerance) continue;
            o << (first ? "" : ", ") << "{\"step\": " << k << ", \"margin\": " << num(r.main.margin[k])
              << ", \"top1\": " << r.main.top10[k][0].id << ", \"top2\": " << r.main.top10[k][1].id << "}";
            first = false;
        }
        o << "]\n}";
    }
    o << "\n]\n}\n";
    std::ofstream(out_path) << o.str();
    fprintf(stderr, "%s: alt spread %.4f, tolerance %.4f -> %s\n", file.c_str(), spread, tolerance, out_path.c_str());
    llama_model_free(model);
    return 0;
}
