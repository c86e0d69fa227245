#pragma once
// One copy between two regional stores over the WAN, as SimGrid communications (one per parallel
// stream), so that concurrent copies (a checkpoint and a dataset, two jobs, a replica) share the links
// they cross. A link going down stops its streams; each goes on with the bytes it had left over the next
// path joining the two regions that is up, or waits for one to come back.
#include "accounting/ledger.hpp"
#include "engine/platform_builder.hpp"

#include <string>
#include <vector>

namespace riftsim {

class WanTransfer {
public:
  /// Starts the copy now over the first of `paths` (in order of preference) that is up. `sent_before`
  /// counts the tenant's bytes out of the source provider over the internet so far (for egress tiers;
  /// updated); `waived`: an exit program makes leaving over the internet free (not over an interconnect,
  /// which the programs exclude). Egress is priced on the path the copy starts on.
  WanTransfer(std::string what, const RegionRuntime& from, const RegionRuntime& to, Bytes bytes,
              std::vector<WanPathRuntime*> paths, int streams, BuiltPlatform& platform,
              Bytes* sent_before = nullptr, bool waived = false);
  ~WanTransfer();
  WanTransfer(const WanTransfer&) = delete;
  WanTransfer& operator=(const WanTransfer&) = delete;
  /// Blocks the calling actor until the copy is done; returns the time its last byte arrived, which is
  /// earlier than now when the copy ended while its waiter waited for something else.
  double wait();
  void cancel();
  const TransferRecord& record() const { return record_; }
  /// Called just before `path` goes down: notes how many bytes each of its streams still had to send.
  void note_progress_before_down(const WanPathRuntime& path);

private:
  struct Stream {
    sg4::CommPtr comm;
    WanPathRuntime* path = nullptr; // the path it is on, or null while waiting for one
    uint64_t left = 0;              // bytes still to send (as of its last start or link_down)
    double done_at = 0;             // when its last Comm finished (not when someone waited for it)
  };
  WanPathRuntime* first_up() const;
  void start(Stream& s, WanPathRuntime* path);
  void stop_using(Stream& s);

  TransferRecord record_;
  const RegionRuntime* from_;
  const RegionRuntime* to_;
  std::vector<WanPathRuntime*> paths_;
  BuiltPlatform& platform_;
  std::vector<Stream> streams_;
  std::vector<WanPathRuntime*> used_; // paths it has used, in order
  bool done_ = false;
};

/// The paths a job's copies between two regions try, in order: its response's `paths`, then the other
/// links joining the regions.
std::vector<WanPathRuntime*> candidate_paths(BuiltPlatform& platform, const RegionRuntime& from,
                                             const RegionRuntime& to,
                                             const std::vector<std::string>& preferred);

/// Turns a WAN link off (noting the progress of the copies on it first, so they go on with what they
/// had left) or back on (waking copies waiting for a path).
void set_path_up(BuiltPlatform& platform, WanPathRuntime& path, bool up);

} // namespace riftsim
