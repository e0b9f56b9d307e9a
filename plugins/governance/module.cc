// The governance plugin's shared-library entry points.
#include "governance_plugin.h"

HUB_DECLARE_PLUGIN(hub::governance::GovernancePlugin)
