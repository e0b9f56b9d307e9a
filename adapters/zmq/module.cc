// module.cc: the exported entry points of modules/zmq.so.
#include "hub/adapter.h"
#include "zmq_adapter.h"

HUB_DECLARE_ADAPTER(hub::zmq_adapter::ZmqAdapter)
