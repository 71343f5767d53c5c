// A small C interface over libsentencepiece's C++ processor, so Swift can load a model built from a
// GGUF vocabulary (as a serialized ModelProto) and encode text to ids.
#ifndef VELLUM_SENTENCEPIECE_H
#define VELLUM_SENTENCEPIECE_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vellum_sp_processor vellum_sp_processor;

/// Loads a serialized sentencepiece ModelProto. Returns NULL and writes a message into `error`
/// (at most `error_capacity` bytes, NUL-terminated) when the library refuses it.
vellum_sp_processor *vellum_sp_load(const void *proto, size_t proto_size, char *error, size_t error_capacity);

void vellum_sp_free(vellum_sp_processor *processor);

/// Encodes `text` (UTF-8, `text_size` bytes) into ids. Returns the number of ids the text needs; when it is
/// more than `capacity`, nothing useful was written and the caller retries with a larger buffer.
/// Returns -1 on a library error.
long vellum_sp_encode(const vellum_sp_processor *processor, const char *text, size_t text_size,
                      int32_t *ids, size_t capacity);

#ifdef __cplusplus
}
#endif
#endif
