// store/lifecycle_context.h: what the store needs from the deployment to run
// the case lifecycle inside its transactions: deadlines and chains (the
// policy), compound roles (the directory) and re-routing of returned cases
// (the router). All three come from one catalog snapshot the caller holds for
// the duration of the transaction.
#pragma once

#include "config/directory.h"
#include "lifecycle/policy.h"
#include "router/router.h"

namespace hub::store {

struct LifecycleContext {
  const lifecycle::Policy* policy = nullptr;
  const Directory* directory = nullptr;
  const router::Router* router = nullptr;
  // Unset (tests of the bare store): deliveries get no deadlines and
  // lifecycle requests are refused.
  bool enabled() const { return policy != nullptr && directory != nullptr && router != nullptr; }
};

}  // namespace hub::store
