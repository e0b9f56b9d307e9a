#include "http/responder.h"

namespace hub::http::detail {

PendingAnswer::~PendingAnswer() {
  if (answered_.exchange(true)) return;
  Response response = Response::error(500, "internal", "the request was not answered (a fault in the hub); retry later");
  response.close = true;
  deliver_(std::move(response));
}

bool PendingAnswer::answer(Response response) {
  if (answered_.exchange(true)) return false;
  deliver_(std::move(response));
  return true;
}

}  // namespace hub::http::detail
