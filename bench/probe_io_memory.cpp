// Probe (docs/simgrid-notes.md, "An Io never leaves its actor's activity list"): what a process holds
// after N disk writes, started and awaited by one actor that lives on (`actor`), or through riftsim's
// pool of disk-I/O workers, which retire after a few thousand Ios (`pool`, engine/disk_io.cpp).
// Usage: probe_io_memory [N [actor|pool]]   (default 1000000 pool)
#include "engine/disk_io.hpp"
#include "engine/sg_compat.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace sg4 = simgrid::s4u;

namespace {
long resident_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}
} // namespace

int main(int argc, char** argv) {
  const long writes = argc > 1 ? std::atol(argv[1]) : 1000000;
  const std::string how = argc > 2 ? argv[2] : "pool";
  if (writes < 1 || (how != "actor" && how != "pool")) {
    std::fprintf(stderr, "usage: probe_io_memory [N [actor|pool]]\n");
    return 2;
  }
  int sg_argc = 2;
  char arg0[] = "probe", quiet[] = "--log=root.thres:critical";
  char* sg_argv[] = {arg0, quiet, nullptr};
  sg4::Engine engine(&sg_argc, sg_argv);
  auto* zone = sg4::create_full_zone("world");
  auto* host = zone->create_host("control", 1e9);
  auto* disk = host->create_disk("store", 1e9, 1e9);
  zone->seal();
  const long before = resident_kb();
  riftsim::sg::spawn("writer", host, [&] {
    for (long i = 0; i < writes; ++i) {
      if (how == "actor") {
        disk->io_init(1000, sg4::Io::OpType::WRITE)->start()->wait();
      } else {
        riftsim::DiskIo::start(disk, 1000, sg4::Io::OpType::WRITE, host).join();
      }
    }
    const long after = resident_kb();
    std::printf("%ld writes by %s: %ld kB more resident (%.0f bytes a write)\n", writes,
                how == "actor" ? "one actor" : "the worker pool", after - before,
                (after - before) * 1024.0 / static_cast<double>(writes));
  });
  engine.run();
  return 0;
}
