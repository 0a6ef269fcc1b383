#include "resorb/core/timer.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace resorb {

PhaseTimer::Scope::Scope(PhaseTimer& timer, std::string name)
    : timer_(timer), name_(std::move(name)), start_(std::chrono::steady_clock::now()) {
}

PhaseTimer::Scope::~Scope() {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
  timer_.add(name_, elapsed.count());
}

void PhaseTimer::add(const std::string& name, double seconds) {
  auto it = std::find_if(phases_.begin(), phases_.end(),
                         [&](const auto& phase) { return phase.first == name; });
  if (it == phases_.end())
    phases_.emplace_back(name, seconds);
  else
    it->second += seconds;
}

std::vector<std::pair<std::string, double>> PhaseTimer::max_over_ranks(MPI_Comm comm) const {
  std::vector<double> local(phases_.size());
  std::transform(phases_.begin(), phases_.end(), local.begin(),
                 [](const auto& phase) { return phase.second; });
  std::vector<double> global(local.size());
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_DOUBLE, MPI_MAX,
                comm);
  auto result = phases_;
  for (std::size_t i = 0; i < result.size(); ++i)
    result[i].second = global[i];
  return result;
}

double peak_memory_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0; // Linux reports kilobytes
}

} // namespace resorb
