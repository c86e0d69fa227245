// The SimGrid adapter (engine/sg_compat.hpp) against the engine itself: what riftsim relies on where
// SimGrid 3.32 surprised us (docs/simgrid-notes.md).
#include "engine/disk_io.hpp"
#include "engine/sg_compat.hpp"
#include "test_engine_setup.hpp"

#include <gtest/gtest.h>
#include <simgrid/plugins/energy.h>

namespace sg4 = simgrid::s4u;
using namespace riftsim;

namespace {

/// One host of 1 GFLOP/s drawing 100 W idle and 200 W busy, a control host, and an engine around them.
struct OneHost {
  std::unique_ptr<sg4::Engine> engine;
  sg4::Host* host = nullptr;
  sg4::Host* control = nullptr;
  OneHost() {
    engine = make_test_engine();
    sg_host_energy_plugin_init();
    auto* zone = sg4::create_full_zone("world");
    host = zone->create_host("gpu-node", 1e9);
    host->set_property("wattage_per_state", "100:100:200");
    host->set_property("wattage_off", "0");
    control = zone->create_host("control", 1e9);
    zone->seal();
  }
};

} // namespace

// SimGrid < 3.36 leaves an activity marked suspended after resume(), so a second suspend() did nothing
// and the Exec ran on; set_suspended must suspend it every time, and count the host idle meanwhile.
TEST(SimGridAdapter, AnExecSuspendedTwiceStopsBothTimesAndItsHostCountsIdleMeanwhile) {
  OneHost w;
  std::vector<double> left;
  double joules = -1;
  sg::spawn("runner", w.host, [&] {
    std::vector<sg4::ExecPtr> execs{sg4::this_actor::exec_init(10e9)->set_host(w.host)};
    execs[0]->start();
    sg4::this_actor::sleep_for(1); // busy 1 s
    sg::set_suspended(execs, true);
    sg4::this_actor::sleep_for(2); // idle 2 s
    left.push_back(sg::remaining(execs)[0]);
    sg::set_suspended(execs, false);
    sg4::this_actor::sleep_for(1); // busy 1 s
    sg::set_suspended(execs, true);
    sg4::this_actor::sleep_for(1); // idle 1 s
    left.push_back(sg::remaining(execs)[0]);
    sg::set_suspended(execs, false);
    sg4::this_actor::sleep_for(1); // busy 1 s
    left.push_back(sg::remaining(execs)[0]);
    joules = sg_host_get_consumed_energy(w.host);
    execs[0]->cancel();
  });
  w.engine->run();
  ASSERT_EQ(left.size(), 3u);
  EXPECT_DOUBLE_EQ(left[0], 9e9);
  EXPECT_DOUBLE_EQ(left[1], 8e9); // 7e9 with SimGrid 3.32's own suspend()
  EXPECT_DOUBLE_EQ(left[2], 7e9);
  EXPECT_DOUBLE_EQ(joules, 3 * 200.0 + 3 * 100.0); // 3 s busy, 3 s idle
}

// A failed Exec (its host went off) still reports the amount it started with, which is how the job
// runner tells a dead Exec from a slow one: it stops moving.
TEST(SimGridAdapter, AnExecWhoseHostWentOffReportsItsWholeAmountLeft) {
  OneHost w;
  std::vector<double> left;
  sg::spawn("runner", w.control, [&] {
    std::vector<sg4::ExecPtr> execs{sg4::this_actor::exec_init(10e9)->set_host(w.host)};
    execs[0]->start();
    sg4::this_actor::sleep_for(2);
    left.push_back(sg::remaining(execs)[0]);
    w.host->turn_off();
    sg4::this_actor::sleep_for(1);
    w.host->turn_on();
    sg4::this_actor::sleep_for(1);
    left.push_back(sg::remaining(execs)[0]);
  });
  w.engine->run();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_DOUBLE_EQ(left[0], 8e9);
  EXPECT_DOUBLE_EQ(left[1], 10e9);
}

// The runner keeps a job's Execs suspended through the restart after a node failure and takes them up
// again only if no host of theirs was turned off since they started (ClusterRuntime::host_went_off): a
// suspended Exec keeps its amount exactly while it waits; one whose host went off meanwhile (and on
// again) has failed, yet its state stays STARTED (SimGrid updates it only on a wait or test): only its
// amount, the whole again, shows it, and resumed it does not move.
TEST(SimGridAdapter, ASuspendedExecWhoseHostWentOffAndOnShowsItOnlyInItsAmount) {
  OneHost w;
  std::vector<double> suspended_with, waited, after_off_on, resumed;
  sg4::Activity::State state = sg4::Activity::State::INITED;
  sg::spawn("runner", w.control, [&] {
    std::vector<sg4::ExecPtr> execs{sg4::this_actor::exec_init(10e9)->set_host(w.host)};
    execs[0]->start();
    sg4::this_actor::sleep_for(2.5);
    suspended_with = sg::remaining(execs); // as the runner reads them, the instant before suspending
    sg::set_suspended(execs, true);
    sg4::this_actor::sleep_for(100);
    waited = sg::remaining(execs);
    w.host->turn_off();
    sg4::this_actor::sleep_for(1);
    w.host->turn_on();
    after_off_on = sg::remaining(execs);
    state = execs[0]->get_state();
    sg::set_suspended(execs, false);
    sg4::this_actor::sleep_for(1);
    resumed = sg::remaining(execs);
  });
  w.engine->run();
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_DOUBLE_EQ(suspended_with[0], 7.5e9);
  EXPECT_EQ(waited[0], suspended_with[0]) << "bit for bit: the runner compares them with ==";
  EXPECT_EQ(state, sg4::Activity::State::STARTED)
      << "SimGrid 3.32 (the runner counts its hosts' turn-offs, not this state)";
  EXPECT_DOUBLE_EQ(after_off_on[0], 10e9);
  EXPECT_DOUBLE_EQ(resumed[0], 10e9);
}

// With the energy plugin and the VM model taken off every suspend and resume (as a simulation does), a
// host's joules are what they were: the adapter brings the host up to now before it suspends, resumes or
// cancels an Exec, and the plugin's own hooks still see an Exec start and a host go off and on.
// Busy 1 s (200 W), suspended 2 s (100 W), busy 1 s, cancelled, idle 1 s, a new Exec busy 1 s, host
// off 2 s (0 W), on and idle 1 s.
TEST(SimGridAdapter, TakingSimGridsHooksOffSuspendAndResumeLeavesEveryJouleInPlace) {
  OneHost w;
#if SIMGRID_VERSION >= 33200 && SIMGRID_VERSION < 33300
  ASSERT_TRUE(sg::take_over_energy_updates());
  ASSERT_TRUE(sg::take_off_vm_hooks());
#else
  sg::take_over_energy_updates();
  sg::take_off_vm_hooks();
#endif
  std::vector<double> joules;
  sg::spawn("runner", w.control, [&] {
    auto at = [&] { joules.push_back(sg_host_get_consumed_energy(w.host)); };
    std::vector<sg4::ExecPtr> execs{sg4::this_actor::exec_init(10e9)->set_host(w.host)};
    execs[0]->start();
    sg4::this_actor::sleep_for(1);
    sg::set_suspended(execs, true);
    sg4::this_actor::sleep_for(2);
    at(); // 1 s busy, 2 s idle
    sg::set_suspended(execs, false);
    sg4::this_actor::sleep_for(1);
    sg::cancel_execs(execs);
    sg4::this_actor::sleep_for(1);
    at(); // + 1 s busy, 1 s idle
    execs = {sg4::this_actor::exec_init(10e9)->set_host(w.host)};
    execs[0]->start();
    sg4::this_actor::sleep_for(1);
    w.host->turn_off();
    sg4::this_actor::sleep_for(2);
    w.host->turn_on();
    sg4::this_actor::sleep_for(1);
    at(); // + 1 s busy, 2 s off, 1 s idle
  });
  w.engine->run();
  ASSERT_EQ(joules.size(), 3u);
  EXPECT_DOUBLE_EQ(joules[0], 200.0 + 2 * 100.0);
  EXPECT_DOUBLE_EQ(joules[1], joules[0] + 200.0 + 100.0);
  EXPECT_DOUBLE_EQ(joules[2], joules[1] + 200.0 + 2 * 0.0 + 100.0);
}

// SimGrid 3.32 keeps every Io in the list of the actor that started it until that actor ends, so the
// disk-I/O workers retire after a few thousand Ios each (engine/disk_io.cpp). Across retirements every
// write is still done, once, and the two writers share the disk: 2 x 5,000 writes of 1 MB on a disk of
// 1 GB/s, each writer one write at a time, end together after 10 s.
TEST(SimGridAdapter, DiskWritesGoOnAcrossTheWorkersRetirements) {
  OneHost w;
  auto* disk = w.control->create_disk("store", 1e9, 1e9);
  disk->seal();
  int done = 0;
  std::vector<double> ended;
  for (int writer = 0; writer < 2; ++writer)
    sg::spawn("writer", w.control, [&] {
      for (int i = 0; i < 5000; ++i) {
        DiskIo io = DiskIo::start(disk, 1000000, sg4::Io::OpType::WRITE, w.control, [&](bool counts) {
          if (counts) ++done;
        });
        io.join();
      }
      ended.push_back(sg4::Engine::get_clock());
    });
  w.engine->run();
  EXPECT_EQ(done, 10000);
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_NEAR(ended[0], 10.0, 1e-6);
  EXPECT_NEAR(ended[1], 10.0, 1e-6);
}
