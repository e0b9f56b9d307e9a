// request_workers.h: the threads that carry out the unit API's requests,
// apart from the listener's I/O threads.
//
// Authenticating a request reads the database (Hub::authenticate), and that
// must never hold up the threads doing TLS and HTTP for every other
// connection. So each /v1 handler hands its request here (a copy: the
// listener keeps its own until the answer): `threads` workers take requests
// in arrival order, and at most `queue_limit` requests, of at most
// `queue_body_bytes` of bodies in all, wait. A request beyond either is not
// taken (try_run returns false) and is answered 503 busy at once by the
// caller: memory and waiting stay bounded however many clients send. Several workers authenticating at once also lets the hub
// check their credentials together (bus/credential_check.h).
//
// Thread-safety: try_run from any thread; stop() joins the workers (jobs
// still queued are dropped: their responders answer 500 when they go).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/request.h"
#include "http/responder.h"

namespace hub::http_adapter {

class RequestWorkers {
 public:
  using Work = std::function<void(const http::Request&, http::Responder)>;

  RequestWorkers(int threads, std::size_t queue_limit, std::size_t queue_body_bytes);
  ~RequestWorkers();
  RequestWorkers(const RequestWorkers&) = delete;
  RequestWorkers& operator=(const RequestWorkers&) = delete;

  // Queues `work` on a copy of `request`; false when the queue is full or
  // the workers stopped (nothing queued, `respond` not used).
  bool try_run(const http::Request& request, http::Responder& respond, Work work);
  void stop();

 private:
  struct Job {
    std::unique_ptr<http::Request> request;
    http::Responder respond;
    Work work;
  };
  void loop();

  const std::size_t queue_limit_;
  const std::size_t queue_body_bytes_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Job> queue_;  // GUARDED_BY(mu_)
  std::size_t queued_body_bytes_ = 0;  // GUARDED_BY(mu_): of the jobs in queue_
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;
};

}  // namespace hub::http_adapter
