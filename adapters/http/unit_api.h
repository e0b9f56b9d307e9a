// unit_api.h: the routes of the unit API (/v1/...), each turning an HTTP
// request into a protocol-1 message for the host (docs/ADAPTERS.md).
//
//   POST /v1/hello                                  hello      -> welcome
//   POST /v1/cases                                  send       -> accepted / rejected
//   POST /v1/case-batches                           {"cases":[...]}: up to 100 sends, each answered as
//                                                   alone, all in one 200 {"kind":"answers",...}
//   GET  /v1/cases/{case}                           read       -> case
//   POST /v1/deliveries/{delivery}/replies          reply      -> reply_accepted
//   POST /v1/deliveries/{delivery}/{sign|return|assign|extend|grant_extension|
//                                   refuse_extension}
//                                                   that kind  -> transition_accepted
//   POST /v1/cases/{case}/{close|reopen}            that kind  -> transition_accepted
//   POST /v1/deliveries/{delivery}/ack              ack        -> 202, no answer from the hub
//   POST /v1/replies/{reply}/ack                    ack        -> 202
//   POST /v1/updates/{update}/ack                   ack        -> 202
//   GET  /v1/inbox?wait=N&limit=M                   the hub's messages for the unit (long poll)
//   GET  /v1/openapi.json                           this API in OpenAPI 3 (docs/openapi.yaml), no credential
//
// Every request but the OpenAPI document is carried out on the adapter's
// request workers (request_workers.h), never on the listener's I/O threads; a
// request they have no room for is answered 503 busy. It is authenticated first, by its signature headers
// (request_signature.h) or, without them, by the client certificate the TLS
// layer verified; the unit comes from that credential only, never from the
// body. The body's members join the message beside those the route fixes
// (protocol_message.h); the hub's answer is the HTTP answer's body, with the
// status of answer_status.h. An answer that does not come within the answer
// timeout is 503 "no_answer". Errors the adapter finds itself have the same
// shape as the hub's: {"kind":"error","code","message","retry","request"}.
#pragma once

#include <string>
#include <string_view>

#include "http/router.h"
#include "hub/adapter.h"
#include "inbox.h"
#include "pending_answers.h"
#include "request_workers.h"

namespace hub::http_adapter {

struct UnitApiParts {
  AdapterHost* host = nullptr;
  PendingAnswers* pending = nullptr;
  Inbox* inbox = nullptr;
  RequestWorkers* workers = nullptr;  // every credentialed request is carried out there
  std::chrono::milliseconds max_poll_wait{};
  std::size_t max_upload_bytes = std::size_t{20} << 20;  // POST /v1/attachments
  std::size_t uploads_at_once = 4;
};

// Adds the unit API's routes to `router`. `parts` outlive the router.
Status add_unit_api(http::Router& router, UnitApiParts parts);

}  // namespace hub::http_adapter
