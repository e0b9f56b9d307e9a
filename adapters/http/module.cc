// module.cc: the exported entry points of modules/http.so.
#include "http_adapter.h"
#include "hub/adapter.h"

HUB_DECLARE_ADAPTER(hub::http_adapter::HttpAdapter)
