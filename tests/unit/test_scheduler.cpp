// Schedulers and placement rules on small queues worked out by hand: pure policy, no engine.
#include "config/loaders.hpp"
#include "policy/scheduler.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

namespace {

struct Fixture {
  PlatformSpec platform = load_platform(std::string(RIFTSIM_TEST_DATA) + "/mini-platform.yaml");
  const ClusterSpec* c1 = platform.find_cluster("alpha/r1/c1"); // 32 GPUs, $10 per node-hour
  const ClusterSpec* c2 = platform.find_cluster("beta/r1/c2");  // 32 GPUs, twice as fast, $20
  std::vector<JobSpec> specs;
  std::map<std::string, double> hours; // each job's runtime on c1, in hours (half that on c2)

  Fixture() { specs.reserve(16); }
  QueuedJob job(int id, const std::string& name, long long gpus, double h, int priority = 0,
                std::vector<const ClusterSpec*> where = {}) {
    JobSpec& s = specs.emplace_back();
    s.name = name;
    s.gpus = gpus;
    hours[name] = h;
    QueuedJob q;
    q.id = id;
    q.job = &s;
    q.gpus = gpus;
    q.priority = priority;
    q.project = "lab";
    q.candidates = where.empty() ? std::vector<const ClusterSpec*>{c1} : where;
    return q;
  }
  SchedulingView view(double now_h = 0) {
    SchedulingView v;
    v.now = Seconds(now_h * 3600);
    v.free_gpus = {{c1, 32}, {c2, 32}};
    v.runtime = [this](const JobSpec& j, const ClusterSpec& c, long long) {
      return Seconds(hours.at(j.name) * 3600 / (c.gpu_peak.raw() / c1->gpu_peak.raw()));
    };
    return v;
  }
};

std::vector<int> started(const std::vector<SchedulingDecision>& d) {
  std::vector<int> ids;
  for (const auto& x : d)
    if (x.kind == SchedulingDecision::Kind::Start) ids.push_back(x.job);
  return ids;
}

} // namespace

TEST(Scheduler, FifoStartsInOrderAndTheFirstThatDoesNotFitHoldsBackTheRest) {
  // c1 has 32 GPUs: A (16) starts, B (32) does not fit, so C (8) waits behind it.
  Fixture f;
  std::vector<QueuedJob> q = {f.job(1, "A", 16, 10), f.job(2, "B", 32, 5), f.job(3, "C", 8, 1)};
  auto d = make_scheduler("fifo", "home_first")->decide(f.view(), q, {});
  EXPECT_EQ(started(d), (std::vector<int>{1}));
}

TEST(Scheduler, EasyBackfillsAJobThatEndsBeforeTheHeadsReservation) {
  // As above: B is reserved at A's end (10 h); C (1 h on 8 of the 16 free GPUs) ends before and starts
  // now; D (20 h on 8 GPUs) would delay B and waits.
  Fixture f;
  std::vector<QueuedJob> q = {f.job(1, "A", 16, 10), f.job(2, "B", 32, 5), f.job(3, "C", 8, 1),
                              f.job(4, "D", 8, 20)};
  auto d = make_scheduler("easy", "home_first")->decide(f.view(), q, {});
  EXPECT_EQ(started(d), (std::vector<int>{1, 3}));
}

TEST(Scheduler, EasyBackfillsALongJobOnGpusTheHeadLeavesFree) {
  // Running: R holds 24 GPUs until 10 h. Head B needs 16: reserved at 10 h, when 8 + 24 = 32 are free,
  // leaving 16 extra. D (8 GPUs, 20 h) fits in that extra and starts now although it ends after 10 h;
  // E (8 GPUs, 20 h) would then eat into B's GPUs and waits.
  Fixture f;
  SchedulingView v = f.view();
  v.free_gpus[f.c1] = 8;
  std::vector<RunningJob> running = {{9, f.c1, 24, Seconds(10 * 3600), 0, "lab", Seconds(0)}};
  std::vector<QueuedJob> q = {f.job(2, "B", 16, 5), f.job(4, "D", 8, 20), f.job(5, "E", 8, 20)};
  auto d = make_scheduler("easy", "home_first")->decide(v, q, running);
  EXPECT_EQ(started(d), (std::vector<int>{4}));
}

TEST(Scheduler, PriorityPreemptsTheYoungestLowerPriorityJobOnce) {
  // L1 (older) and L2 (younger) of priority 0 hold 16 GPUs each; H (priority 5, 16 GPUs) preempts the
  // younger. Asked again while L2 checkpoints (its 16 GPUs releasing), it preempts nobody else.
  Fixture f;
  SchedulingView v = f.view();
  v.free_gpus[f.c1] = 0;
  std::vector<RunningJob> running = {{10, f.c1, 16, Seconds(1e6), 0, "lab", Seconds(0)},
                                     {11, f.c1, 16, Seconds(1e6), 0, "lab", Seconds(3600)}};
  std::vector<QueuedJob> q = {f.job(3, "H", 16, 1, 5)};
  auto d = make_scheduler("priority", "home_first")->decide(v, q, running);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, SchedulingDecision::Kind::Preempt);
  EXPECT_EQ(d[0].job, 11);
  v.releasing[f.c1] = 16;
  EXPECT_TRUE(make_scheduler("priority", "home_first")->decide(v, q, {running[0]}).empty());
}

TEST(Scheduler, PriorityStartsHigherPriorityFirstAndNeverPreemptsItsEquals) {
  Fixture f;
  std::vector<QueuedJob> q = {f.job(1, "low", 32, 1, 0), f.job(2, "high", 32, 1, 9)};
  auto d = make_scheduler("priority", "home_first")->decide(f.view(), q, {});
  EXPECT_EQ(started(d), (std::vector<int>{2}));
  SchedulingView v = f.view();
  v.free_gpus[f.c1] = 0;
  std::vector<RunningJob> running = {{7, f.c1, 32, Seconds(1e6), 9, "lab", Seconds(0)}};
  EXPECT_TRUE(make_scheduler("priority", "home_first")->decide(v, {q[1]}, running).empty());
}

TEST(Scheduler, ProjectQuotasHoldJobsBackWithoutBlockingOthers) {
  // Team "a" may hold 16 GPUs: its second 16-GPU job waits; team "b"'s job behind it starts.
  Fixture f;
  SchedulingView v = f.view();
  v.project_quota = {{"a", 16}};
  std::vector<QueuedJob> q = {f.job(1, "a1", 16, 1), f.job(2, "a2", 16, 1), f.job(3, "b1", 8, 1)};
  q[0].project = q[1].project = "a";
  q[2].project = "b";
  EXPECT_EQ(started(make_scheduler("fifo", "home_first")->decide(v, q, {})), (std::vector<int>{1, 3}));
}

TEST(Placement, HomeFirstCheapestAndEarliestStartChooseAsTheirNamesSay) {
  // One 32-GPU job of 10 h on c1 (4 nodes at $10/h: $400) or 5 h on c2 ($20/h: $400... and faster).
  Fixture f;
  QueuedJob q = f.job(1, "J", 32, 10, 0, {f.c1, f.c2});
  SchedulingView v = f.view();
  auto first = [&](const char* rule) {
    return make_scheduler("fifo", rule)->decide(v, {q}, {}).at(0).cluster;
  };
  EXPECT_EQ(first("home_first"), f.c1);
  EXPECT_EQ(first("earliest_start"), f.c2);
  v.price_factor[f.c2] = 1.5; // c2 now $30/h: $600 against c1's $400
  EXPECT_EQ(first("cheapest"), f.c1);
  v.price_factor[f.c1] = 2.0; // c1 $800
  EXPECT_EQ(first("cheapest"), f.c2);
}
