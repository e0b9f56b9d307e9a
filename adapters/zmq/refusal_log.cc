#include "refusal_log.h"

namespace hub::zmq_adapter {

RefusalLog::RefusalLog(std::size_t most_lines, Duration window, Duration per_subject, std::size_t most_subjects)
    : most_lines_(most_lines), window_(window), per_subject_(per_subject), most_subjects_(most_subjects) {}

RefusalLog::Decision RefusalLog::admit(const std::string& subject, TimePoint now) {
  if (lines_in_window_ == 0 || now - window_start_ >= window_) {
    window_start_ = now;
    lines_in_window_ = 0;
  }
  if (last_logged_.size() >= most_subjects_) last_logged_.clear();  // the global cap still holds
  const auto last = last_logged_.find(subject);
  const bool subject_quiet = last == last_logged_.end() || now - last->second >= per_subject_;
  if (!subject_quiet || lines_in_window_ >= most_lines_) {
    ++not_logged_;
    return {};
  }
  last_logged_[subject] = now;
  ++lines_in_window_;
  Decision decision{true, not_logged_};
  not_logged_ = 0;
  return decision;
}

}  // namespace hub::zmq_adapter
