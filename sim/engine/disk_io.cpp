#include "engine/disk_io.hpp"

#include <optional>
#include <vector>

namespace riftsim {
namespace {

struct Request {
  sg4::Disk* disk;
  sg_size_t bytes;
  sg4::Io::OpType op;
  std::shared_ptr<DiskIo::State> state;
  std::function<void()> on_done;
};

/// Worker actors doing one Io at a time; a new one is started when all are busy. One simulation runs
/// per process, so the pool lives as long as the process.
class IoWorkers {
public:
  void submit(Request r, sg4::Host* where) {
    if (idle_.empty()) spawn_worker(where);
    Worker* w = idle_.back();
    idle_.pop_back();
    std::unique_lock lock(*w->mutex);
    w->request = std::move(r);
    w->wake->notify_all();
  }

private:
  struct Worker {
    std::optional<Request> request;
    sg4::MutexPtr mutex = sg4::Mutex::create();
    sg4::ConditionVariablePtr wake = sg4::ConditionVariable::create();
  };

  void spawn_worker(sg4::Host* where) {
    workers_.push_back(std::make_unique<Worker>());
    Worker* w = workers_.back().get();
    idle_.push_back(w);
    sg::spawn("disk-io-" + std::to_string(workers_.size()), where, [this, w] {
      while (true) {
        Request r;
        {
          std::unique_lock lock(*w->mutex);
          while (!w->request) w->wake->wait(lock);
          r = std::move(*w->request);
          w->request.reset();
        }
        sg4::IoPtr io = r.disk->io_init(r.bytes, r.op);
        io->start();
        io->wait();
        {
          std::unique_lock lock(*r.state->mutex);
          r.state->done = true;
          r.state->ended->notify_all();
        }
        if (r.on_done) r.on_done();
        idle_.push_back(w);
      }
    })->daemonize();
  }

  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Worker*> idle_;
};

IoWorkers& workers() {
  static IoWorkers pool;
  return pool;
}

} // namespace

DiskIo DiskIo::start(sg4::Disk* disk, sg_size_t bytes, sg4::Io::OpType op, sg4::Host* where,
                     std::function<void()> on_done) {
  DiskIo d;
  d.state_ = std::make_shared<State>();
  workers().submit({disk, bytes, op, d.state_, std::move(on_done)}, where);
  return d;
}

void DiskIo::join() {
  if (!state_) return;
  std::unique_lock lock(*state_->mutex);
  while (!state_->done) state_->ended->wait(lock);
}

} // namespace riftsim
