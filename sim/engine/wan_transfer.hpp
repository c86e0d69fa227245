#pragma once
// One copy between two regional stores over a WAN path, as SimGrid communications (one per parallel
// stream, each capped at the path's per-flow rate), so that concurrent copies (a checkpoint and a
// dataset, two jobs, a replica) share the links they cross.
#include "accounting/ledger.hpp"
#include "engine/platform_builder.hpp"

#include <string>
#include <vector>

namespace riftsim {

class WanTransfer {
public:
  /// Starts the copy now over `path`. `sent_before` counts the tenant's bytes out of the source
  /// provider over the internet so far (for egress tiers; updated); `waived`: an exit program makes
  /// leaving over the internet free (not over an interconnect, which the programs exclude).
  WanTransfer(std::string what, const RegionRuntime& from, const RegionRuntime& to, Bytes bytes,
              const WanPathRuntime& path, int streams, Bytes* sent_before = nullptr, bool waived = false);
  /// Blocks the calling actor until the copy is done; returns the time it ended.
  double wait();
  void cancel();
  const TransferRecord& record() const { return record_; }

private:
  TransferRecord record_;
  std::vector<sg4::CommPtr> streams_;
  bool done_ = false;
};

} // namespace riftsim
