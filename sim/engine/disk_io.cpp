#include "engine/disk_io.hpp"

#include <optional>
#include <unordered_map>
#include <vector>

namespace riftsim {
namespace {

struct Request {
  sg4::Disk* disk;
  sg_size_t bytes;
  sg4::Io::OpType op;
  std::shared_ptr<DiskIo::State> state;
  DiskIo::OnDone on_done;
};

/// Worker actors doing one Io at a time; a new one is started when all are busy. One simulation runs
/// per process, so the pool lives as long as the process. SimGrid 3.32 keeps every Io an actor started
/// in that actor's list of activities until the actor ends (~270 bytes each: 0.67 GB of the 0.94 GB a
/// 1M-GPU portfolio took; docs/simgrid-notes.md), so a worker retires after kIosPerWorker Ios: it hands
/// its place in the pool to a fresh worker and ends.
class IoWorkers {
public:
  void submit(Request r, sg4::Host* where) {
    Worker* w = nullptr;
    if (idle_.empty()) {
      w = spawn_worker(where); // starting an actor yields: another submit may run meanwhile
    } else {
      w = idle_.back();
      idle_.pop_back();
    }
    w->request = std::move(r);
    w->wake->release();
  }

private:
  static constexpr int kIosPerWorker = 4096;

  // A semaphore hands the request over in one simcall each side (a mutex and a condition take three).
  struct Worker {
    std::optional<Request> request;
    sg4::SemaphorePtr wake = sg4::Semaphore::create(0);
  };

  Worker* spawn_worker(sg4::Host* where) {
    auto owned = std::make_unique<Worker>();
    Worker* w = owned.get();
    workers_.emplace(w, std::move(owned));
    start_actor(w, where);
    return w;
  }

  void start_actor(Worker* w, sg4::Host* where) {
    sg::spawn("disk-io-" + std::to_string(++started_), where, [this, w, where] {
      for (int done = 0; done < kIosPerWorker; ++done) {
        w->wake->acquire();
        Request r = std::move(*w->request);
        w->request.reset();
        sg4::IoPtr io = r.disk->io_init(r.bytes, r.op);
        io->start();
        io->wait();
        r.state->done = true;
        if (r.state->ended) r.state->ended->notify_all();
        if (r.on_done) r.on_done(!r.state->abandoned);
        if (done + 1 < kIosPerWorker) idle_.push_back(w);
      }
      // Retire: a fresh worker is idle in the pool before the start of its actor yields (a submit in
      // between hands it a request, which its semaphore keeps), and this one ends, its Ios with it.
      auto fresh = std::make_unique<Worker>();
      Worker* next = fresh.get();
      workers_.emplace(next, std::move(fresh));
      idle_.push_back(next);
      workers_.erase(w);
      start_actor(next, where);
    })->daemonize();
  }

  std::unordered_map<Worker*, std::unique_ptr<Worker>> workers_;
  std::vector<Worker*> idle_;
  long started_ = 0;
};

IoWorkers& workers() {
  static IoWorkers pool;
  return pool;
}

} // namespace

DiskIo DiskIo::start(sg4::Disk* disk, sg_size_t bytes, sg4::Io::OpType op, sg4::Host* where, OnDone on_done) {
  DiskIo d;
  d.state_ = std::make_shared<State>();
  workers().submit({disk, bytes, op, d.state_, std::move(on_done)}, where);
  return d;
}

void DiskIo::join() {
  if (!state_ || state_->done) return;
  if (!state_->ended) {
    state_->mutex = sg4::Mutex::create();
    state_->ended = sg4::ConditionVariable::create();
  }
  std::unique_lock lock(*state_->mutex);
  while (!state_->done) state_->ended->wait(lock);
}

} // namespace riftsim
