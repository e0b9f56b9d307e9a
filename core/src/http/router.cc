#include "http/router.h"

namespace hub::http {

namespace {

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Fills `params` when `pattern` matches `path`.
bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             std::vector<std::pair<std::string, std::string>>* params) {
  params->clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& want = pattern[i];
    if (want == "*") {
      if (i >= path.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < path.size(); ++j) {
        if (j > i) rest += '/';
        rest += path[j];
      }
      params->emplace_back("*", std::move(rest));
      return true;
    }
    if (i >= path.size()) return false;
    if (is_parameter(want)) {
      params->emplace_back(want.substr(1, want.size() - 2), path[i]);
    } else if (want != path[i]) {
      return false;
    }
  }
  return pattern.size() == path.size();
}

}  // namespace

Status Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  const auto bad = [&pattern](const std::string& why) {
    return Status::InvalidArgument("route pattern \"" + pattern + "\": " + why);
  };
  if (method.empty()) return bad("no method");
  if (!handler) return bad("no handler");
  std::vector<std::string> segments;
  if (pattern.empty() || pattern.front() != '/') return bad("must start with '/'");
  std::string_view rest = std::string_view(pattern).substr(1);
  while (true) {
    const auto slash = rest.find('/');
    segments.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    if (segment == "*" && i + 1 != segments.size()) return bad("'*' may only be the last segment");
    if (is_parameter(segment)) {
      if (segment.find_first_of("{}/", 1) != segment.size() - 1) return bad("a parameter is one whole segment, \"{name}\"");
    } else if (segment.find_first_of("{}") != std::string::npos) {
      return bad("a parameter is one whole segment, \"{name}\"");
    }
  }
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments), std::move(handler), options});
  return Status::Ok();
}

Status Router::add_sync(std::string method, std::string pattern, SyncHandler handler, RouteOptions options) {
  if (!handler) return add(std::move(method), std::move(pattern), nullptr, options);
  return add(std::move(method), std::move(pattern),
             [handler = std::move(handler)](const Request& request, Responder respond) { respond(handler(request)); },
             options);
}

Router::Match Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  Match result;
  std::vector<std::pair<std::string, std::string>> params;
  for (const Route& route : routes_) {
    if (!matches(route.segments, segments, &params)) continue;
    if (route.method == method) {
      result.route = &route;
      result.params = std::move(params);
      result.allow.clear();
      return result;
    }
    if ((", " + result.allow + ", ").find(", " + route.method + ", ") == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += route.method;
    }
  }
  return result;
}

}  // namespace hub::http
