// The registry plugin's shared-library entry points.
#include "registry_plugin.h"

HUB_DECLARE_PLUGIN(hub::registry::RegistryPlugin)
