#pragma once
#include "output/result_json.hpp"

#include <string>

namespace riftsim {

/// The short, readable account of a run that `riftsim run` prints, rendered from the summary JSON
/// so that what people read and what programs read can never disagree.
std::string summary_text(const ojson& summary);

} // namespace riftsim
