#pragma once
#include "policy/response_strategy.hpp"

#include <optional>

namespace riftsim {

/// Moves the job to a target that is not cut off and can give it all its GPUs: the first in the
/// scenario's order of preference, or the one with the earliest estimated finish, or the lowest estimated
/// cost, within an optional budget.
class MigrateStrategy : public ResponseStrategy {
public:
  enum class Rule { Preference, EarliestFinish, LowestCost };
  MigrateStrategy(std::vector<const ClusterSpec*> targets, Seconds detection, Seconds porting, Rule rule,
                  std::optional<Usd> budget, bool exit_waiver = false, std::optional<double> price_limit = {})
      : targets_(std::move(targets)), detection_(detection), porting_(porting), rule_(rule), budget_(budget),
        exit_waiver_(exit_waiver), price_limit_(price_limit) {}
  std::string name() const override { return "migrate"; }
  Seconds detection_delay() const override { return detection_; }
  ResponseDecision on_capacity_loss(const JobView& job, const WorldView& world) const override;
  bool moves_on_price(double factor) const override { return price_limit_ && factor > *price_limit_; }

private:
  std::vector<const ClusterSpec*> targets_;
  Seconds detection_;
  Seconds porting_;
  Rule rule_;
  std::optional<Usd> budget_;
  bool exit_waiver_;
  std::optional<double> price_limit_; // move away when the price exceeds this factor of the list price
};

/// Holds the last checkpoint and waits for the provider to restore the capacity, then resumes in place.
class WaitStrategy : public ResponseStrategy {
public:
  explicit WaitStrategy(Seconds detection) : detection_(detection) {}
  std::string name() const override { return "wait"; }
  Seconds detection_delay() const override { return detection_; }
  ResponseDecision on_capacity_loss(const JobView&, const WorldView&) const override {
    return {ResponseDecision::Action::Wait, nullptr, Seconds(0),
            "hold the checkpoint until the capacity comes back"};
  }

private:
  Seconds detection_;
};

/// Keeps a warm standby at another provider, its nodes held and its software ported from the start, with
/// every checkpoint replicated to it over the WAN; when capacity goes, switches to it.
class HedgeStrategy : public ResponseStrategy {
public:
  HedgeStrategy(const ClusterSpec* standby, Seconds detection) : standby_(standby), detection_(detection) {}
  std::string name() const override { return "hedge"; }
  Seconds detection_delay() const override { return detection_; }
  const ClusterSpec* standby() const override { return standby_; }
  ResponseDecision on_capacity_loss(const JobView& job, const WorldView&) const override {
    if (job.current == standby_)
      return {ResponseDecision::Action::Wait, nullptr, Seconds(0), "the standby itself lost capacity: wait"};
    return {ResponseDecision::Action::SwitchToStandby, standby_, Seconds(0), "switch to the warm standby"};
  }

private:
  const ClusterSpec* standby_;
  Seconds detection_;
};

/// Continues where it is on what the provider left, at reduced data-parallel width (slower); waits for
/// a restore if nothing is left.
class ShrinkStrategy : public ResponseStrategy {
public:
  explicit ShrinkStrategy(Seconds detection) : detection_(detection) {}
  std::string name() const override { return "shrink"; }
  Seconds detection_delay() const override { return detection_; }
  ResponseDecision on_capacity_loss(const JobView& job, const WorldView& world) const override;

private:
  Seconds detection_;
};

/// Continues at reduced width on what is left where the job is, and adds a data-parallel group at
/// another cluster (the first target that can give the GPUs missing) as soon as its nodes are there:
/// the job then runs across both, each step paced by the slower group, with a gradient exchange over the
/// WAN every `sync_every` steps. With nothing left where it is, it migrates to the first target that
/// can take the whole job instead.
class SplitStrategy : public ResponseStrategy {
public:
  SplitStrategy(std::vector<const ClusterSpec*> targets, Seconds detection, Seconds porting)
      : targets_(std::move(targets)), detection_(detection), porting_(porting) {}
  std::string name() const override { return "split"; }
  Seconds detection_delay() const override { return detection_; }
  ResponseDecision on_capacity_loss(const JobView& job, const WorldView& world) const override;

private:
  std::vector<const ClusterSpec*> targets_;
  Seconds detection_;
  Seconds porting_;
};

} // namespace riftsim
