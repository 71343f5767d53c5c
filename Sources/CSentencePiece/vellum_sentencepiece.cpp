#include "vellum_sentencepiece.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

struct vellum_sp_processor {
    sentencepiece::SentencePieceProcessor processor;
};

static void copy_message(const std::string &message, char *error, size_t capacity) {
    if (error == nullptr || capacity == 0) return;
    size_t n = message.size() < capacity - 1 ? message.size() : capacity - 1;
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

vellum_sp_processor *vellum_sp_load(const void *proto, size_t proto_size, char *error, size_t error_capacity) {
    auto *result = new vellum_sp_processor();
    // A view, not a std::string: the serialized model is megabytes for a large vocabulary, and the library
    // parses it into its own structures without keeping the bytes.
    auto status = result->processor.LoadFromSerializedProto(
        std::string_view(static_cast<const char *>(proto), proto_size));
    if (!status.ok()) {
        copy_message(status.ToString(), error, error_capacity);
        delete result;
        return nullptr;
    }
    return result;
}

void vellum_sp_free(vellum_sp_processor *processor) { delete processor; }

long vellum_sp_encode(const vellum_sp_processor *processor, const char *text, size_t text_size,
                      int32_t *ids, size_t capacity) {
    std::vector<int> pieces;
    auto status = processor->processor.Encode(std::string_view(text, text_size), &pieces);
    if (!status.ok()) return -1;
    if (pieces.size() <= capacity) {
        for (size_t i = 0; i < pieces.size(); ++i) ids[i] = pieces[i];
    }
    return static_cast<long>(pieces.size());
}
