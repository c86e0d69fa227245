#include "engine/wan_transfer.hpp"

#include "engine/watchdog.hpp"

#include <algorithm>
#include <stdexcept>

namespace riftsim {

std::vector<WanPathRuntime*> candidate_paths(BuiltPlatform& platform, const RegionRuntime& from,
                                             const RegionRuntime& to,
                                             const std::vector<std::string>& preferred) {
  std::vector<WanPathRuntime*> out;
  for (const WanLinkSpec* l : platform.spec->paths_between(from.spec->id, to.spec->id, preferred))
    out.push_back(&platform.paths.at(l->name));
  return out;
}

WanTransfer::WanTransfer(std::string what, const RegionRuntime& from, const RegionRuntime& to, Bytes bytes,
                         std::vector<WanPathRuntime*> paths, int streams, BuiltPlatform& platform,
                         Bytes* sent_before, bool waived)
    : from_(&from), to_(&to), paths_(std::move(paths)), platform_(platform) {
  record_.what = std::move(what);
  record_.from_region = from.spec->id;
  record_.to_region = to.spec->id;
  record_.streams = streams;
  record_.bytes = bytes;
  record_.start = Seconds(sg4::Engine::get_clock());
  if (paths_.empty()) throw std::logic_error("no WAN link joins " + from.spec->id + " and " + to.spec->id);
  WanPathRuntime* path = first_up();
  const WanLinkSpec& link = *(path ? path : paths_.front())->spec;
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
  // Whole bytes per stream; the first streams carry the remainder.
  auto total = static_cast<uint64_t>(bytes.raw());
  auto n = static_cast<uint64_t>(std::max(1, streams));
  streams_.resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    streams_[i].left = total / n + (i < total % n ? 1 : 0);
    if (path && streams_[i].left > 0) start(streams_[i], path); // SimGrid never starts an empty Comm
  }
}

WanTransfer::~WanTransfer() {
  for (auto& s : streams_) stop_using(s);
}

WanPathRuntime* WanTransfer::first_up() const {
  for (WanPathRuntime* p : paths_)
    if (p->up) return p;
  return nullptr;
}

void WanTransfer::start(Stream& s, WanPathRuntime* path) {
  // Each stream's per-flow cap is a FATPIPE link on the path's route (platform_builder.cpp).
  s.comm = sg4::Comm::sendto_async(path->end_at(from_->spec->id), path->end_at(to_->spec->id), s.left);
  s.path = path;
  path->users.insert(this);
  if (std::find(used_.begin(), used_.end(), path) == used_.end()) {
    used_.push_back(path);
    record_.path += (record_.path.empty() ? "" : ",") + path->spec->name;
  }
}

void WanTransfer::stop_using(Stream& s) {
  if (!s.path) return;
  WanPathRuntime* p = s.path;
  s.path = nullptr;
  for (const auto& other : streams_)
    if (other.path == p) return;
  p->users.erase(this);
}

void WanTransfer::note_progress_before_down(const WanPathRuntime& path) {
  for (auto& s : streams_)
    if (s.path == &path && s.comm) s.left = static_cast<uint64_t>(s.comm->get_remaining());
}

double WanTransfer::wait() {
  if (done_) return record_.end.raw();
  for (auto& s : streams_) {
    while (s.left > 0) {
      watchdog().tick("a WAN copy");
      if (!s.comm) {
        WanPathRuntime* p = first_up();
        if (!p) { // every path is down: wait for a link_up (taking the lock may yield: test again)
          std::unique_lock lock(*platform_.paths_mutex);
          while (!first_up()) platform_.paths_changed->wait(lock);
          continue;
        }
        start(s, p);
      }
      try {
        s.comm->wait();
        s.left = 0;
        s.done_at = s.comm->get_finish_time();
      } catch (const simgrid::NetworkFailureException&) {
        // Its link went down, and with it every stream on it: each goes on at once with what it had left.
        for (auto& other : streams_)
          if (other.path && !other.path->up) {
            other.comm = nullptr;
            stop_using(other);
            if (WanPathRuntime* p = first_up(); p && &other != &s && other.left > 0) start(other, p);
          }
        continue;
      }
      stop_using(s);
    }
  }
  double end = record_.start.raw();
  for (const auto& s : streams_) end = std::max(end, s.done_at);
  record_.end = Seconds(end);
  done_ = true;
  return record_.end.raw();
}

void WanTransfer::cancel() {
  if (done_) return;
  for (auto& s : streams_) {
    if (s.comm) sg::cancel_if_running(s.comm);
    stop_using(s);
  }
  done_ = true;
}

void set_path_up(BuiltPlatform& platform, WanPathRuntime& path, bool up) {
  if (path.up == up) return;
  path.up = up;
  if (!up) {
    // SimGrid's failed Comms report nothing left (get_remaining() is 0 once failed): ask before.
    for (WanTransfer* t : path.users) t->note_progress_before_down(path);
    path.link->turn_off();
  } else {
    path.link->turn_on();
    platform.paths_changed->notify_all();
  }
}

} // namespace riftsim
