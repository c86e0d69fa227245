#pragma once
#include "policy/response_strategy.hpp"

namespace riftsim {

/// Moves the job to the first target, in the scenario's order of preference, that is not cut off
/// and can give the job all the GPUs it runs on.
class MigrateStrategy : public ResponseStrategy {
public:
  MigrateStrategy(std::vector<const ClusterSpec*> targets, Seconds detection, Seconds porting)
      : targets_(std::move(targets)), detection_(detection), porting_(porting) {}
  std::string name() const override { return "migrate"; }
  Seconds detection_delay() const override { return detection_; }
  ResponseDecision on_capacity_loss(const JobView& job, const WorldView& world) const override;

private:
  std::vector<const ClusterSpec*> targets_;
  Seconds detection_;
  Seconds porting_;
};

} // namespace riftsim
