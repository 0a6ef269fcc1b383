#include "resorb/physics/coupled_implant.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace resorb::physics {

template <fem::LagrangeElement Element>
LoadedGroups apply_boundary_conditions(Elasticity<Element>& problem,
                                       const std::vector<BoundaryCondition>& conditions,
                                       double symmetry_factor) {
  LoadedGroups groups;
  for (const auto& b : conditions) {
    if (b.fix) {
      problem.fix(b.group, *b.fix);
      groups.fixed_groups.push_back(b.group);
    }
    if (b.force) {
      auto share = *b.force;
      for (auto& component : share)
        component /= symmetry_factor;
      problem.apply_force(b.group, share);
      groups.force_groups.push_back(b.group);
    }
    if (b.traction)
      problem.apply_traction(b.group, *b.traction);
    if (b.pressure)
      problem.apply_pressure(b.group, *b.pressure);
  }
  return groups;
}

template LoadedGroups apply_boundary_conditions(Elasticity<fem::P1>&,
                                                const std::vector<BoundaryCondition>&, double);
template LoadedGroups apply_boundary_conditions(Elasticity<fem::P2>&,
                                                const std::vector<BoundaryCondition>&, double);

namespace {

template <fem::LagrangeElement Element>
class CoupledImplantOf final : public CoupledImplant {
public:
  CoupledImplantOf(const mesh::TetMesh& mesh, const CoupledImplantSpec& spec)
      : axial_(mesh), symmetry_(spec.symmetry_factor) {
    force_groups_ =
        apply_boundary_conditions(axial_.problem, spec.boundaries, symmetry_).force_groups;
    if (spec.body_force) {
      const Vec3 f = *spec.body_force;
      axial_.problem.set_body_force([f](const Vec3&) { return f; });
    }
    if (spec.bending_force > 0) {
      RESORB_REQUIRE(!force_groups_.empty(), InputError,
                     "coupled implant: a bending force needs a force-loaded facet group to act "
                     "on");
      bending_ = std::make_unique<LoadCase>(mesh);
      for (const auto& b : spec.boundaries)
        if (b.fix) {
          auto fix = *b.fix;
          if (symmetry_ > 1 && b.group == "symmetry_x")
            fix = {false, true, true};
          bending_->problem.fix(b.group, fix);
        }
      bending_group_ = force_groups_.front();
      bending_->problem.apply_force(bending_group_, {spec.bending_force / symmetry_, 0.0, 0.0});
    }
    for (auto* c : cases()) {
      c->implant = std::make_unique<DegradingImplant<Element>>(
          c->problem, spec.metal_group, spec.metal, spec.replacement, spec.materials);
      if (spec.film)
        c->implant->set_film(*spec.film);
    }
  }

  ImplantFigures update(const CorrosionModel& model) override {
    const auto fraction = model.metal_fraction();
    if (least_fraction_.empty())
      least_fraction_ = fraction;
    for (std::size_t c = 0; c < fraction.size(); ++c)
      least_fraction_[c] = std::min(least_fraction_[c], fraction[c]);
    const auto film = model.film_fraction();
    ImplantFigures out;
    out.report = axial_.implant->update(least_fraction_, film);
    out.axial_stiffness = force_groups_.empty()
                              ? std::numeric_limits<double>::quiet_NaN()
                              : symmetry_ * axial_.problem.axial_stiffness(force_groups_.front());
    out.report.strain_energy *= symmetry_;
    out.report.metal_volume *= symmetry_;
    out.bending_stiffness = std::numeric_limits<double>::quiet_NaN();
    if (bending_) {
      (void)bending_->implant->update(least_fraction_, film);
      out.bending_stiffness = symmetry_ * bending_->problem.axial_stiffness(bending_group_);
    }
    return out;
  }
  bool has_bending() const override { return bending_ != nullptr; }
  int degree() const override { return Element::degree; }
  GlobalIndex num_dofs() const override { return axial_.problem.num_dofs(); }
  const fem::Field& displacement() const override { return axial_.problem.displacement(); }
  std::array<fem::CellField, 2> stress_invariants() const override {
    return axial_.problem.stress_invariants();
  }
  void save(Checkpoint& checkpoint, const std::string& prefix) const override {
    checkpoint.put(prefix + "least_fraction", least_fraction_);
    axial_.problem.save(checkpoint, prefix);
    if (bending_)
      bending_->problem.save(checkpoint, prefix + "bending/");
  }
  void restore(const Checkpoint& checkpoint, const std::string& prefix) override {
    const auto fraction = checkpoint.get(prefix + "least_fraction");
    least_fraction_.assign(fraction.begin(), fraction.end());
    axial_.problem.restore(checkpoint, prefix);
    if (bending_)
      bending_->problem.restore(checkpoint, prefix + "bending/");
  }

private:
  /// One load case: the problem and the implant's materials on it.
  struct LoadCase {
    explicit LoadCase(const mesh::TetMesh& mesh) : problem(mesh) {}
    Elasticity<Element> problem;
    std::unique_ptr<DegradingImplant<Element>> implant;
  };
  std::vector<LoadCase*> cases() {
    std::vector<LoadCase*> all{&axial_};
    if (bending_)
      all.push_back(bending_.get());
    return all;
  }

  LoadCase axial_;
  std::unique_ptr<LoadCase> bending_;
  double symmetry_;
  std::vector<std::string> force_groups_;
  std::string bending_group_;
  std::vector<double> least_fraction_; // per owned cell, over the updates so far
};

} // namespace

std::unique_ptr<CoupledImplant> make_coupled_implant(const mesh::TetMesh& mesh, int degree,
                                                     const CoupledImplantSpec& spec) {
  RESORB_REQUIRE(spec.symmetry_factor >= 1.0, InputError,
                 fmt::format("coupled implant: symmetry factor {} (copies of the mesh in the "
                             "whole part) must be at least 1",
                             spec.symmetry_factor));
  return fem::with_element(degree, [&]<class Element>() -> std::unique_ptr<CoupledImplant> {
    return std::make_unique<CoupledImplantOf<Element>>(mesh, spec);
  });
}

} // namespace resorb::physics
