#include "engine/actors.hpp"
#include "engine/wan_transfer.hpp"

#include <fmt/format.h>

namespace riftsim {

void CheckpointReplicator::operator()() {
  const RegionRuntime& to = *job_.standby->region;
  auto copy = [&](const std::string& what, const RegionRuntime& from, Bytes bytes) {
    std::unique_ptr<WanTransfer> t = job_.start_copy(what, from, to, bytes);
    t->wait();
    job_.keep_data_in(to, t->record().start.raw());
    job_.transfer_done(t->record());
  };
  // The dataset is staged at the standby first.
  if (job_.spec->dataset_size.raw() > 0 && job_.dataset_region != &to)
    copy("dataset", *job_.dataset_region, job_.spec->dataset_size);
  while (true) {
    {
      std::unique_lock lock(*job_.wake_mutex);
      while (!job_.finished && job_.committed <= job_.replicated) job_.replica_cv->wait(lock);
    }
    if (job_.finished) return;
    double snapshot = job_.committed;
    const RegionRuntime* from = job_.checkpoint_region;
    if (from != &to) copy("checkpoint", *from, job_.spec->checkpoint_size);
    job_.replicated = snapshot;
    std::unique_lock lock(*job_.wake_mutex);
    job_.replica_cv->notify_all();
  }
}

} // namespace riftsim
