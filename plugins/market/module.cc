// The market plugin's shared-library entry points.
#include "market_plugin.h"

HUB_DECLARE_PLUGIN(hub::market::MarketPlugin)
