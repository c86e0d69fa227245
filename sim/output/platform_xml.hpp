#pragma once
// `riftsim platform export FILE --xml OUT.xml`: the platform as SimGrid XML (version 4.1), written from
// the same plan the engine builds (model/platform_plan.hpp): the same zones, hosts, disks, links, routes
// and energy properties, so SimGrid's own tools and other simulators can load it.
#include "model/platform.hpp"

#include <string>

namespace riftsim {

std::string platform_xml(const PlatformSpec& p);

} // namespace riftsim
