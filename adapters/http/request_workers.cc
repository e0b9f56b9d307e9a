#include "request_workers.h"

namespace hub::http_adapter {

RequestWorkers::RequestWorkers(int threads, std::size_t queue_limit, std::size_t queue_body_bytes)
    : queue_limit_(queue_limit), queue_body_bytes_(queue_body_bytes) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
}

RequestWorkers::~RequestWorkers() { stop(); }

bool RequestWorkers::try_run(const http::Request& request, http::Responder& respond, Work work) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= queue_limit_) return false;
    if (queued_body_bytes_ + request.body.size() > queue_body_bytes_) return false;
    queued_body_bytes_ += request.body.size();
    queue_.push_back(Job{std::make_unique<http::Request>(request), std::move(respond), std::move(work)});
  }
  ready_.notify_one();
  return true;
}

void RequestWorkers::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    queue_.clear();
    queued_body_bytes_ = 0;
  }
  ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void RequestWorkers::loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      queued_body_bytes_ -= job.request->body.size();
    }
    job.work(*job.request, std::move(job.respond));
  }
}

}  // namespace hub::http_adapter
