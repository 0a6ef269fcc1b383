#include "simulation/case_sections.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace resorb::simulation::impl {

void read_solver_section(const Reader& r, const toml::table& root, Case& c) {
  if (const auto* solver = root.get("solver")) {
    const auto& t = r.table(solver, "solver");
    r.only_keys(t, "solver", {"rtol", "max_iterations", "petsc_options", "device", "matrix_free"});
    if (const auto* v = t.get("rtol")) {
      const auto x = v->value<double>();
      if (!x || !(*x > 0.0 && *x < 1.0))
        r.fail("solver.rtol", "must be a number in (0, 1)");
      c.solver.rtol = *x;
    }
    if (const auto* v = t.get("max_iterations")) {
      const auto x = v->value<std::int64_t>();
      if (!x || *x < 1)
        r.fail("solver.max_iterations", "must be a positive integer");
      c.solver.max_iterations = static_cast<int>(*x);
    }
    if (const auto* v = t.get("petsc_options")) {
      if (!v->is_string())
        r.fail("solver.petsc_options", "must be a string of PETSc options");
      c.petsc_options = v->as_string()->get();
    }
    if (const auto* v = t.get("device")) {
      if (!v->is_string())
        r.fail("solver.device", "must be \"cpu\" or \"cuda\"");
      try {
        c.solver.device = parse_execution_space(v->as_string()->get());
      } catch (const InputError& e) {
        r.fail("solver.device", e.what());
      }
    }
    if (const auto* v = t.get("matrix_free")) {
      if (!v->is_boolean())
        r.fail("solver.matrix_free", "must be true or false");
      c.solver.matrix_free = v->as_boolean()->get();
    }
  }
}

} // namespace resorb::simulation::impl
