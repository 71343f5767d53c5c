// Reads hex-encoded texts (one per line) on stdin; prints the ids llama_tokenize gives, one line per text.
// usage: tok_driver MODEL.gguf ADD_SPECIAL(0/1) PARSE_SPECIAL(0/1)
//        tok_driver MODEL.gguf facts        (prints one JSON object: vocabulary size, special ids, add_bos/add_eos,
//                                            end-of-generation ids, token attributes as [first id, count, attr] runs)
//        tok_driver MODEL.gguf detokenize   (reads lines of space-separated ids, prints the hex of
//                                            llama_detokenize(remove_special = false, unparse_special = true))
#include "llama.h"
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

static std::string unhex(const std::string & h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back((char) strtol(h.substr(i, 2).c_str(), nullptr, 16));
    return out;
}

int main(int argc, char ** argv) {
    if (argc < 3) return 2;
    llama_log_set([](ggml_log_level, const char *, void *) {}, nullptr);
    llama_backend_init();
    auto params = llama_model_default_params();
    params.vocab_only = true;
    llama_model * model = llama_model_load_from_file(argv[1], params);
    if (!model) { fprintf(stderr, "load failed\n"); return 1; }
    const llama_vocab * vocab = llama_model_get_vocab(model);
    std::string line;
    if (std::string(argv[2]) == "facts") {
        const int n = llama_vocab_n_tokens(vocab);
        printf("{\"n_vocab\":%d,\"bos\":%d,\"eos\":%d,\"eot\":%d,\"add_bos\":%s,\"add_eos\":%s,\"eog\":[",
               n, llama_vocab_bos(vocab), llama_vocab_eos(vocab), llama_vocab_eot(vocab),
               llama_vocab_get_add_bos(vocab) ? "true" : "false", llama_vocab_get_add_eos(vocab) ? "true" : "false");
        bool first = true;
        for (int id = 0; id < n; ++id) {
            if (llama_vocab_is_eog(vocab, id)) { printf(first ? "%d" : ",%d", id); first = false; }
        }
        printf("],\"attribute_runs\":[");
        int start = 0;
        for (int id = 1; id <= n; ++id) {
            if (id == n || llama_vocab_get_attr(vocab, id) != llama_vocab_get_attr(vocab, start)) {
                printf(start ? ",[%d,%d,%d]" : "[%d,%d,%d]", start, id - start, (int) llama_vocab_get_attr(vocab, start));
                start = id;
            }
        }
        printf("]}\n");
        llama_model_free(model);
        return 0;
    }
    if (std::string(argv[2]) == "detokenize") {
        while (std::getline(std::cin, line)) {
            std::vector<llama_token> ids;
            size_t pos = 0;
            while (pos < line.size()) {
                size_t next = line.find(' ', pos);
                if (next == std::string::npos) next = line.size();
                if (next > pos) ids.push_back(atoi(line.substr(pos, next - pos).c_str()));
                pos = next + 1;
            }
            std::vector<char> text(ids.size() * 64 + 16);
            int n = llama_detokenize(vocab, ids.data(), (int) ids.size(), text.data(), (int) text.size(), false, true);
            for (int i = 0; i < n; ++i) printf("%02x", (unsigned char) text[i]);
            printf("\n");
        }
        llama_model_free(model);
        return 0;
    }
    bool add_special = atoi(argv[2]) != 0, parse_special = atoi(argv[3]) != 0;
    while (std::getline(std::cin, line)) {
        std::string text = unhex(line);
        std::vector<llama_token> ids(text.size() + 16);
        int n = llama_tokenize(vocab, text.data(), (int) text.size(), ids.data(), (int) ids.size(), add_special, parse_special);
        if (n < 0) { ids.resize(-n); n = llama_tokenize(vocab, text.data(), (int) text.size(), ids.data(), (int) ids.size(), add_special, parse_special); }
        for (int i = 0; i < n; ++i) printf(i ? " %d" : "%d", ids[i]);
        printf("\n");
    }
    llama_model_free(model);
    return 0;
}
