#include "engine/wan_transfer.hpp"

namespace riftsim {

WanTransfer::WanTransfer(std::string what, const RegionRuntime& from, const RegionRuntime& to, Bytes bytes,
                         Bytes* sent_before, bool waived) {
  record_.what = std::move(what);
  record_.from_region = from.spec->id;
  record_.to_region = to.spec->id;
  record_.bytes = bytes;
  record_.start = Seconds(sg4::Engine::get_clock());
  // Leaving a provider costs its internet egress; moving between regions of one provider is not
  // charged yet (docs/model-migration.md).
  if (from.provider != to.provider) {
    Bytes before = sent_before ? *sent_before : Bytes(0);
    if (!waived) record_.egress = from.provider->egress_cost(before, bytes);
    if (sent_before) *sent_before += bytes;
  }
  comm_ = sg4::Comm::sendto_async(from.storage, to.storage, static_cast<uint64_t>(bytes.raw()));
}

double WanTransfer::wait() {
  if (!done_) {
    comm_->wait();
    record_.end = Seconds(sg4::Engine::get_clock());
    done_ = true;
  }
  return record_.end.raw();
}

void WanTransfer::cancel() {
  if (!done_) sg::cancel_if_running(comm_);
  done_ = true;
}

} // namespace riftsim
