#include "ops/operator_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>

#include "ops/local_socket.h"

namespace hub::ops {
namespace {

constexpr std::size_t kMaxAnswerBytes = std::size_t{1} << 30;

}  // namespace

Status connect_error(int error, const OperatorEndpoint& endpoint) {
  const std::string& path = endpoint.socket_path;
  switch (error) {
    case EACCES:
    case EPERM: {
      const std::string become = endpoint.group.empty()
                                     ? "ask to be added to the hub's operator group (hub.operator_group in its config)"
                                     : "ask to be added to group " + endpoint.group + " ('usermod -aG " +
                                           endpoint.group + " YOUR_LOGIN')";
      return Status::PermissionDenied("permission denied on the operator socket " + path +
                                      ": the hub may be running, but you are not allowed to open its socket. "
                                      "Operators are root, the hub's user and the members of its operator group: " +
                                      become + " and log in again, or run hubctl as the hub's user");
    }
    case ENOENT:
      return Status::Unavailable("the hub is not running (there is no operator socket " + path +
                                 "); start hubd, or give the running hub's --config or --socket");
    case ECONNREFUSED:
      return Status::Unavailable("the hub is not running (nothing answers on " + path + ")");
    case EAGAIN:
    case ETIMEDOUT:
      return Status::Unavailable("the hub did not take the connection on " + path + " in time: it is busy; try again");
    default:
      return Status::Unavailable("cannot open the operator socket " + path + ": " + std::strerror(error));
  }
}

Result<Json> ask_operator(const OperatorEndpoint& endpoint, const Json& request, std::chrono::milliseconds timeout) {
  const Deadline deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un address{};
  if (!unix_address(endpoint.socket_path, address))
    return Status::InvalidArgument("the operator socket's path " + endpoint.socket_path +
                                   " is empty or too long for a Unix socket (at most 107 bytes)");
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Status::Unavailable(std::string("cannot make a socket: ") + std::strerror(errno));
  // A hub whose queue of connections is full makes connect wait: no longer than the timeout.
  timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    return connect_error(errno, endpoint);
  if (Status s = write_all(fd.get(), request.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n", deadline);
      !s.ok())
    return Status::Unavailable("cannot send the request on " + endpoint.socket_path + ": " + s.message());
  ::shutdown(fd.get(), SHUT_WR);
  auto line = read_line(fd.get(), kMaxAnswerBytes, deadline);
  if (!line.ok() || line->empty())
    return Status::Unavailable("no answer from the hub on " + endpoint.socket_path + " within " +
                               (timeout.count() % 1000 == 0 ? std::to_string(timeout.count() / 1000) + " s"
                                                            : std::to_string(timeout.count()) + " ms") +
                               (line.ok() ? " (it closed the connection)" : ": " + line.status().message()));
  Json answer = Json::parse(*line, nullptr, false);
  if (!answer.is_object()) return Status::InvalidArgument("the hub's answer on " + endpoint.socket_path + " is not a JSON object");
  return answer;
}

}  // namespace hub::ops
