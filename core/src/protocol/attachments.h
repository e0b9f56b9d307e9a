// protocol/attachments.h: what the protocol says about files (docs/PROTOCOL.md,
// "Attachments"): the media types the hub recognises by their bytes, and the
// checks of the names and digests units write. Pure; no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hub::protocol {

// The hub stores only files whose first bytes show what they are: a file
// declared a PDF that does not start as one is refused, so that a receiver
// never opens an executable or a web page under a harmless name.
struct KnownMediaType {
  std::string_view media_type;  // e.g. "application/pdf"
  std::string_view extension;   // the usual one, e.g. ".pdf"
  std::string_view name;        // in Chinese, for people, e.g. "PDF 文档"
};
std::span<const KnownMediaType> known_media_types();
bool is_known_media_type(std::string_view media_type);

// How many first bytes bytes_look_like() reads (fewer when the file is shorter).
inline constexpr std::size_t kSniffBytes = 12;
// True when `head`, the first min(kSniffBytes, size) bytes of a file, starts
// as files of `media_type` do. REQUIRES: is_known_media_type(media_type).
bool bytes_look_like(std::string_view media_type, std::string_view head);

// 64 lower-case hex digits.
bool is_sha256_hex(std::string_view text);

// Why `name` cannot name a file for people (empty, over 255 bytes, a path, a
// control character, "." or ".."), or nullopt when it can.
std::optional<std::string> file_name_problem(std::string_view name);

}  // namespace hub::protocol
