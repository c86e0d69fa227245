#pragma once
// `riftsim platform show`: the platform as a planner reads it.
#include <string>

#include "model/platform.hpp"

namespace riftsim {

std::string platform_table(const PlatformSpec& p);

} // namespace riftsim
