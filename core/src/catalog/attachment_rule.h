// catalog/attachment_rule.h: a case type's AttachmentRule (hub/plugin.h)
// applied to the files a case or reply names.
#pragma once

#include <vector>

#include "hub/case.h"
#include "hub/plugin.h"

namespace hub::catalog {

// Every way `files` (as stored: media type and size are the hub's) break
// `rule` of the case type `type_name`: too many, too large, of a type it does
// not take. Each problem's pointer is the file's place in the message,
// "/attachments/<i>" ("/attachments" for the count).
Problems attachment_problems(const AttachmentRule& rule, const std::vector<AttachmentView>& files,
                             const std::string& type_name);

}  // namespace hub::catalog
