#include "engine/wan_transfer.hpp"

namespace riftsim {

WanTransfer::WanTransfer(std::string what, const RegionRuntime& from, const RegionRuntime& to, Bytes bytes,
                         const WanPathRuntime& path, int streams, Bytes* sent_before, bool waived) {
  const WanLinkSpec& link = *path.spec;
  record_.what = std::move(what);
  record_.from_region = from.spec->id;
  record_.to_region = to.spec->id;
  record_.path = link.name;
  record_.streams = streams;
  record_.bytes = bytes;
  record_.start = Seconds(sg4::Engine::get_clock());
  // Leaving a provider costs egress: the path's own price where it has one (an interconnect's data
  // transfer out), else the provider's internet tiers. Moving between regions of one provider is not
  // charged yet (docs/model-migration.md).
  if (from.provider != to.provider) {
    if (link.egress) {
      record_.egress = *link.egress * bytes;
    } else {
      Bytes before = sent_before ? *sent_before : Bytes(0);
      bool free_exit = waived && link.kind == WanLinkSpec::Kind::Internet;
      if (!free_exit) record_.egress = from.provider->egress_cost(before, bytes);
      if (sent_before) *sent_before += bytes;
    }
  }
  sg4::Host* src = path.end_at(from.spec->id);
  sg4::Host* dst = path.end_at(to.spec->id);
  // Whole bytes per stream; the first streams carry the remainder.
  auto total = static_cast<uint64_t>(bytes.raw());
  auto n = static_cast<uint64_t>(std::max(1, streams));
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t share = total / n + (i < total % n ? 1 : 0);
    // Each stream's per-flow cap is a FATPIPE link on the path's route (platform_builder.cpp).
    streams_.push_back(sg4::Comm::sendto_async(src, dst, share));
  }
}

double WanTransfer::wait() {
  if (!done_) {
    for (auto& c : streams_) c->wait();
    record_.end = Seconds(sg4::Engine::get_clock());
    done_ = true;
  }
  return record_.end.raw();
}

void WanTransfer::cancel() {
  if (!done_)
    for (auto& c : streams_) sg::cancel_if_running(c);
  done_ = true;
}

} // namespace riftsim
