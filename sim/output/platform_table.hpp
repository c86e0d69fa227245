#pragma once
// `riftsim platform show`: the platform as a planner reads it.
#include "model/platform.hpp"

#include <string>

namespace riftsim {

std::string platform_table(const PlatformSpec& p);

} // namespace riftsim
