// The utilities plugin's shared-library entry points.
#include "utilities_plugin.h"

HUB_DECLARE_PLUGIN(hub::utilities::UtilitiesPlugin)
