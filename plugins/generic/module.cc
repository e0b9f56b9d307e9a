// The generic plugin's shared-library entry points.
#include "generic_plugin.h"

HUB_DECLARE_PLUGIN(hub::generic::GenericPlugin)
