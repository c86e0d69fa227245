#include "engine/sim_log.hpp"

#include "core/units.hpp"

#include <cstring>
#include <simgrid/s4u.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <xbt/log.h>

namespace riftsim {
namespace {

namespace sg4 = simgrid::s4u;

/// %* in the pattern: "d 30.000 2592000.0s actor" — simulated days for people, seconds for grep.
class SimClockFlag : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    double t = sg4::Engine::is_initialized() ? sg4::Engine::get_clock() : 0.0;
    // "d 100.000" keeps its space: up to day 999 and 86 million seconds, the columns stay aligned.
    std::string text = fmt::format("d {:7.3f} {:>11.1f}s", t / kSecondsPerDay, t);
    // The actor's name is only there inside an actor: maestro has none (and crashes if asked).
    if (sg4::Engine::is_initialized() && !sg4::this_actor::is_maestro()) {
      text += ' ';
      text += sg4::this_actor::get_name();
    }
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimClockFlag>(); }
};

} // namespace

void setup_sim_logging(const std::string& level) {
  auto logger =
      std::make_shared<spdlog::logger>("riftsim", std::make_shared<spdlog::sinks::stderr_sink_st>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SimClockFlag>('*').set_pattern("[%*] %^%l%$: %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

void quiet_simgrid_logging(int argc, char** argv) {
  for (int i = 1; argv && i < argc; ++i)
    if (std::strncmp(argv[i], "--log=", 6) == 0) return;
  xbt_log_control_set("root.thres:critical");
}

} // namespace riftsim
