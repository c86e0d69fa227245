#pragma once
// One copy between two regional stores over the WAN, as a SimGrid communication, so that concurrent
// copies (a checkpoint and a dataset, two jobs) share the links they cross.
#include "accounting/ledger.hpp"
#include "engine/platform_builder.hpp"

#include <string>

namespace riftsim {

class WanTransfer {
public:
  /// Starts the copy now. `sent_before` counts the tenant's bytes out of the source provider so far (for
  /// egress tiers; updated); `waived`: an exit program makes leaving free.
  WanTransfer(std::string what, const RegionRuntime& from, const RegionRuntime& to, Bytes bytes,
              Bytes* sent_before = nullptr, bool waived = false);
  /// Blocks the calling actor until the copy is done; returns the time it ended.
  double wait();
  void cancel();
  const TransferRecord& record() const { return record_; }

private:
  TransferRecord record_;
  sg4::CommPtr comm_;
  bool done_ = false;
};

} // namespace riftsim
