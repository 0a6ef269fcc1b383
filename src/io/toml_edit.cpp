#include "resorb/io/toml_edit.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace resorb::io {

namespace {

/// The table name of a header line (`[a.b]`, `[[a]]`), or empty for any other line.
std::string header_of(const std::string& line) {
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string::npos || line[first] != '[')
    return {};
  const auto close = line.find(']', first);
  if (close == std::string::npos)
    return {};
  std::string name = line.substr(first, close - first);
  while (!name.empty() && name.front() == '[')
    name.erase(name.begin());
  const auto begin = name.find_first_not_of(" \t"), end = name.find_last_not_of(" \t");
  return begin == std::string::npos ? std::string() : name.substr(begin, end - begin + 1);
}

} // namespace

void replace_toml_table(const std::filesystem::path& file, const std::string& table,
                        const std::string& body) {
  std::ifstream in(file);
  RESORB_REQUIRE(in, Error, fmt::format("'{}': cannot read it", file.string()));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  in.close();
  std::ostringstream block;
  block << '[' << table << "]\n" << body;
  if (!body.empty() && body.back() != '\n')
    block << '\n';
  std::ostringstream out;
  bool replaced = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (header_of(lines[i]) != table) {
      out << lines[i] << '\n';
      continue;
    }
    // Skip the old table up to the next header, keeping the comments that lead into it.
    std::size_t end = i + 1;
    while (end < lines.size() && header_of(lines[end]).empty())
      ++end;
    std::size_t keep = end;
    while (keep > i + 1 && (lines[keep - 1].empty() || lines[keep - 1].front() == '#'))
      --keep;
    out << block.str();
    std::size_t k = keep;
    while (k < end && lines[k].empty())
      ++k;
    if (end < lines.size() || k < end)
      out << '\n';
    for (; k < end; ++k)
      out << lines[k] << '\n';
    i = end - 1;
    replaced = true;
  }
  if (!replaced)
    out << (lines.empty() || lines.back().empty() ? "" : "\n") << block.str();
  const auto part = std::filesystem::path(file.string() + ".part");
  {
    std::ofstream o(part, std::ios::trunc);
    o << out.str();
    o.close();
    RESORB_REQUIRE(o, Error, fmt::format("'{}': cannot write it", part.string()));
  }
  std::error_code ec;
  std::filesystem::rename(part, file, ec);
  RESORB_REQUIRE(!ec, Error,
                 fmt::format("'{}': cannot replace it: {}", file.string(), ec.message()));
}

} // namespace resorb::io
