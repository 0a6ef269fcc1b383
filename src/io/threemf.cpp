#include "resorb/io/threemf.hpp"

#include "resorb/core/error.hpp"

#include <Model/COM/NMR_DLLInterfaces.h>
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <vector>

namespace resorb::io {
namespace {

/// A lib3mf object released on scope exit.
struct Release {
  void operator()(NMR::PLib3MFBase* p) const {
    if (p != nullptr)
      NMR::lib3mf_release(p);
  }
};
using Handle = std::unique_ptr<NMR::PLib3MFBase, Release>;

/// Throws @p Kind naming @p file and lib3mf's last error of @p object unless @p result is OK.
template <class Kind = Error>
void check(LIB3MFRESULT result, NMR::PLib3MFBase* object, const std::filesystem::path& file,
           const char* what) {
  if (result == LIB3MF_OK)
    return;
  DWORD code = 0;
  LPCSTR message = nullptr;
  if (object != nullptr)
    NMR::lib3mf_getlasterror(object, &code, &message);
  throw Kind(fmt::format("{}: 3MF {} failed ({})", file.string(), what,
                         message != nullptr ? message : fmt::format("lib3mf code {:#x}", result)));
}

constexpr double millimetre = 1e-3;

} // namespace

void write_3mf(const std::filesystem::path& file, const mesh::TriangleSurface& surface,
               const std::string& name, const std::map<std::string, std::string>& metadata) {
  RESORB_REQUIRE(!surface.triangles.empty(), InputError,
                 fmt::format("{}: no triangles to write", file.string()));
  std::vector<NMR::MODELMESHVERTEX> vertices(surface.vertices.size());
  for (std::size_t v = 0; v < vertices.size(); ++v)
    for (std::size_t d = 0; d < 3; ++d)
      vertices[v].m_fPosition[d] = static_cast<float>(surface.vertices[v][d] / millimetre);
  std::vector<NMR::MODELMESHTRIANGLE> triangles(surface.triangles.size());
  for (std::size_t t = 0; t < triangles.size(); ++t)
    for (std::size_t k = 0; k < 3; ++k) {
      RESORB_REQUIRE(surface.triangles[t][k] < vertices.size(), InputError,
                     fmt::format("{}: triangle {} refers to vertex {} of {}", file.string(), t,
                                 surface.triangles[t][k], vertices.size()));
      triangles[t].m_nIndices[k] = surface.triangles[t][k];
    }

  NMR::PLib3MFBase* raw = nullptr;
  check(NMR::lib3mf_createmodel(&raw), nullptr, file, "model creation");
  const Handle model(raw);
  check(NMR::lib3mf_model_setunit(model.get(), NMR::MODELUNIT_MILLIMETER), model.get(), file,
        "unit");
  check(NMR::lib3mf_model_addmeshobject(model.get(), &raw), model.get(), file, "mesh object");
  const Handle object(raw);
  check(NMR::lib3mf_object_setnameutf8(object.get(), name.c_str()), object.get(), file, "name");
  check(NMR::lib3mf_meshobject_setgeometry(object.get(), vertices.data(),
                                           static_cast<DWORD>(vertices.size()), triangles.data(),
                                           static_cast<DWORD>(triangles.size())),
        object.get(), file, "geometry");
  check(NMR::lib3mf_model_addbuilditem(model.get(), object.get(), nullptr, &raw), model.get(), file,
        "build item");
  const Handle item(raw);
  for (const auto& [key, value] : metadata)
    check(NMR::lib3mf_model_addmetadatautf8(model.get(), key.c_str(), value.c_str()), model.get(),
          file, "metadata");
  check(NMR::lib3mf_model_querywriter(model.get(), "3mf", &raw), model.get(), file, "writer");
  const Handle writer(raw);
  const auto tmp = file.string() + ".tmp";
  check(NMR::lib3mf_writer_writetofileutf8(writer.get(), tmp.c_str()), writer.get(), file, "write");
  std::filesystem::rename(tmp, file);
}

ThreeMfModel read_3mf(const std::filesystem::path& file) {
  RESORB_REQUIRE(std::filesystem::is_regular_file(file), InputError,
                 fmt::format("{}: no such file", file.string()));
  NMR::PLib3MFBase* raw = nullptr;
  check<InputError>(NMR::lib3mf_createmodel(&raw), nullptr, file, "model creation");
  const Handle model(raw);
  check<InputError>(NMR::lib3mf_model_queryreader(model.get(), "3mf", &raw), model.get(), file,
                    "reader");
  const Handle reader(raw);
  check<InputError>(NMR::lib3mf_reader_readfromfileutf8(reader.get(), file.string().c_str()),
                    reader.get(), file, "read");
  ThreeMfModel out;
  DWORD count = 0;
  check<InputError>(NMR::lib3mf_model_getmetadatacount(model.get(), &count), model.get(), file,
                    "metadata");
  for (DWORD i = 0; i < count; ++i) {
    auto text = [&](auto get) {
      ULONG needed = 0;
      check<InputError>(get(model.get(), i, nullptr, 0, &needed), model.get(), file, "metadata");
      std::string s(needed, '\0');
      check<InputError>(get(model.get(), i, s.data(), needed + 1, &needed), model.get(), file,
                        "metadata");
      return s;
    };
    out.metadata[text(NMR::lib3mf_model_getmetadatakeyutf8)] =
        text(NMR::lib3mf_model_getmetadatavalueutf8);
  }
  check<InputError>(NMR::lib3mf_model_getmeshobjects(model.get(), &raw), model.get(), file,
                    "mesh objects");
  const Handle objects(raw);
  BOOL more = 0;
  check<InputError>(NMR::lib3mf_resourceiterator_movenext(objects.get(), &more), objects.get(),
                    file, "mesh objects");
  RESORB_REQUIRE(more != 0, InputError, fmt::format("{}: no mesh object", file.string()));
  check<InputError>(NMR::lib3mf_resourceiterator_getcurrent(objects.get(), &raw), objects.get(),
                    file, "mesh object");
  const Handle object(raw);
  DWORD nv = 0, nt = 0;
  check<InputError>(NMR::lib3mf_meshobject_getvertexcount(object.get(), &nv), object.get(), file,
                    "vertices");
  check<InputError>(NMR::lib3mf_meshobject_gettrianglecount(object.get(), &nt), object.get(), file,
                    "triangles");
  std::vector<NMR::MODELMESHVERTEX> vertices(nv);
  std::vector<NMR::MODELMESHTRIANGLE> triangles(nt);
  if (nv > 0)
    check<InputError>(
        NMR::lib3mf_meshobject_getvertices(object.get(), vertices.data(), nv, nullptr),
        object.get(), file, "vertices");
  if (nt > 0)
    check<InputError>(
        NMR::lib3mf_meshobject_gettriangleindices(object.get(), triangles.data(), nt, nullptr),
        object.get(), file, "triangles");
  for (const auto& v : vertices)
    out.surface.vertices.push_back({v.m_fPosition[0] * millimetre, v.m_fPosition[1] * millimetre,
                                    v.m_fPosition[2] * millimetre});
  for (const auto& t : triangles)
    out.surface.triangles.push_back({t.m_nIndices[0], t.m_nIndices[1], t.m_nIndices[2]});
  BOOL manifold = 0;
  check<InputError>(NMR::lib3mf_meshobject_ismanifoldandoriented(object.get(), &manifold),
                    object.get(), file, "manifold check");
  out.manifold_and_oriented = manifold != 0;
  return out;
}

} // namespace resorb::io
