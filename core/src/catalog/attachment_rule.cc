#include "catalog/attachment_rule.h"

#include <algorithm>

namespace hub::catalog {

Problems attachment_problems(const AttachmentRule& rule, const std::vector<AttachmentView>& files,
                             const std::string& type_name) {
  Problems out;
  if (files.empty()) return out;
  if (rule.max_files == 0) {
    out.push_back({"/attachments", type_name + " carries no files: send it without attachments"});
    return out;
  }
  if (files.size() > static_cast<std::size_t>(rule.max_files))
    out.push_back({"/attachments", std::to_string(files.size()) + " files named; " + type_name + " carries at most " +
                                       std::to_string(rule.max_files)});
  std::string accepted;
  for (const auto& t : rule.media_types) accepted += (accepted.empty() ? "" : ", ") + t;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const AttachmentView& f = files[i];
    const std::string at = "/attachments/" + std::to_string(i);
    if (f.size > rule.max_file_bytes)
      out.push_back({at, "\"" + f.name + "\" has " + std::to_string(f.size) + " bytes; " + type_name +
                             " takes files of at most " + std::to_string(rule.max_file_bytes) + " bytes"});
    if (std::find(rule.media_types.begin(), rule.media_types.end(), f.media_type) == rule.media_types.end())
      out.push_back({at, "\"" + f.name + "\" is " + f.media_type + "; " + type_name + " takes " +
                             (accepted.empty() ? std::string("no files") : accepted)});
  }
  return out;
}

}  // namespace hub::catalog
