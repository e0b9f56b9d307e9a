#include "protocol/attachments.h"

#include <array>

namespace hub::protocol {
namespace {

constexpr std::string_view kZip{"PK\x03\x04", 4};

constexpr std::array<KnownMediaType, 8> kKnown{{
    {"image/jpeg", ".jpg", "JPEG 图片"},
    {"image/png", ".png", "PNG 图片"},
    {"image/webp", ".webp", "WebP 图片"},
    {"application/pdf", ".pdf", "PDF 文档"},
    {"application/ofd", ".ofd", "OFD 版式文档"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word 文档"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel 表格"},
    {"video/mp4", ".mp4", "MP4 视频"},
}};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::span<const KnownMediaType> known_media_types() { return kKnown; }

bool is_known_media_type(std::string_view media_type) {
  for (const auto& k : kKnown)
    if (k.media_type == media_type) return true;
  return false;
}

bool bytes_look_like(std::string_view media_type, std::string_view head) {
  if (media_type == "image/jpeg") return starts_with(head, "\xFF\xD8\xFF");
  if (media_type == "image/png") return starts_with(head, "\x89PNG\r\n\x1A\n");
  if (media_type == "image/webp") return head.size() >= 12 && starts_with(head, "RIFF") && head.substr(8, 4) == "WEBP";
  if (media_type == "application/pdf") return starts_with(head, "%PDF-");
  if (media_type == "video/mp4") return head.size() >= 8 && head.substr(4, 4) == "ftyp";
  // OFD, docx and xlsx are ZIP packages: their parts are not opened here.
  if (media_type == "application/ofd" || media_type.starts_with("application/vnd.openxmlformats"))
    return starts_with(head, kZip);
  return false;
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::optional<std::string> file_name_problem(std::string_view name) {
  if (name.empty()) return "a file name is required, e.g. \"现场照片1.jpg\"";
  if (name.size() > 255) return "a file name is at most 255 bytes";
  if (name == "." || name == "..") return "\".\" and \"..\" are not file names";
  for (const unsigned char c : name) {
    if (c == '/' || c == '\\') return "a file name is a name, not a path: leave out '/' and '\\'";
    if (c < 0x20 || c == 0x7F) return "a file name has no control characters (tabs, line breaks)";
  }
  return std::nullopt;
}

}  // namespace hub::protocol
