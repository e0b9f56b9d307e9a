// http/router.h: which handler answers a method and a path.
//
// A pattern is a path of segments: a literal ("cases"), a parameter
// ("{id}": any one segment, decoded, found in Request::params), or, as the
// last segment only, "*" (the rest of the path, one or more segments, joined
// by '/' after decoding each: a prefix route). "/v1/cases/{id}" matches
// "/v1/cases/c-12" but not "/v1/cases/c-12/replies"; "/static/*" matches
// "/static/a.css" and "/static/img/x.png" but not "/static". Literals compare
// with the decoded segment, exactly (case-sensitive). The first route added
// that matches both path and method wins.
//
// The layer answers by itself: 404 when no pattern matches the path, 405 with
// "Allow" when patterns match but none for the method. HEAD is not implied
// by GET: add it if it is wanted; its answer is sent with the body's length
// but without the body.
//
// Built before Server::start and never changed afterwards, so matching
// needs no lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/responder.h"
#include "hub/status.h"

namespace hub::http {

// Runs on one of the listener's worker threads: it must not block them for
// long. Answer through `respond` now, or keep a copy and answer later from
// any thread (see responder.h).
using Handler = std::function<void(const Request& request, Responder respond)>;
// A handler that answers at once.
using SyncHandler = std::function<Response(const Request& request)>;

struct RouteOptions {
  // This route's body limit instead of the listener's max_body_bytes (lower,
  // or higher for uploads); 0: the listener's.
  std::size_t max_body_bytes = 0;
  // Requests of this route being read, handled or answered at once (until its
  // answer is written), on this listener; beyond it a request is answered 503
  // "busy" (Retry-After) before its body is read. 0: no bound of its own.
  // Routes taking or giving large bodies set it, so that their memory is bounded.
  std::size_t max_in_flight = 0;
};

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // the pattern split on '/'
    Handler handler;
    RouteOptions options;
    // Requests of this route in flight (RouteOptions::max_in_flight); shared
    // with the connections holding a place.
    std::shared_ptr<std::atomic<std::size_t>> in_flight = std::make_shared<std::atomic<std::size_t>>(0);
  };

  struct Match {
    const Route* route = nullptr;  // null: none for this method
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // no route: the methods that do match the path ("GET, POST"), "" for 404
  };

  // Fails on a malformed pattern (not starting with '/', a '{' that is not a
  // whole "{name}" segment, '*' not last) or an empty method.
  Status add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  Status add_sync(std::string method, std::string pattern, SyncHandler handler, RouteOptions options = {});

  // `segments`: the request path split and decoded (split_path).
  Match match(std::string_view method, const std::vector<std::string>& segments) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace hub::http
