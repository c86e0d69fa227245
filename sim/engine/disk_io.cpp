#include "engine/disk_io.hpp"

namespace riftsim {

DiskIo DiskIo::start(sg4::Disk* disk, sg_size_t bytes, sg4::Io::OpType op, sg4::Host* where,
                     std::function<void()> on_done) {
  DiskIo d;
  d.state_ = std::make_shared<State>();
  std::shared_ptr<State> s = d.state_;
  s->helper = sg::spawn("disk-io", where, [s, disk, bytes, op, on_done = std::move(on_done)] {
    sg4::IoPtr io = disk->io_init(bytes, op);
    io->start();
    io->wait();
    s->done = true;
    if (on_done) on_done();
  });
  return d;
}

void DiskIo::join() {
  if (state_ && !state_->done) state_->helper->join();
}

} // namespace riftsim
