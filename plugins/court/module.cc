// The court plugin's shared-library entry points.
#include "court_plugin.h"

HUB_DECLARE_PLUGIN(hub::court::CourtPlugin)
