#include "resorb/core/record.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace resorb {

Record::Entry::Entry(const Entry& other)
    : key(other.key), value(other.value),
      group(other.group ? std::make_unique<Record>(*other.group) : nullptr) {
}

Record::Entry& Record::Entry::operator=(const Entry& other) {
  if (this != &other)
    *this = Entry(other);
  return *this;
}

Record::Entry::~Entry() = default;

namespace {
Record::Entry* find_in(std::vector<Record::Entry>& entries, std::string_view key) {
  const auto it = std::find_if(entries.begin(), entries.end(),
                               [&](const Record::Entry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}
} // namespace

Record& Record::set(std::string_view key, Value value) {
  if (Entry* e = find_in(entries_, key)) {
    e->value = std::move(value);
    e->group.reset();
  } else {
    entries_.emplace_back(std::string(key), std::move(value));
  }
  return *this;
}

Record& Record::group(std::string_view key) {
  Entry* e = find_in(entries_, key);
  if (e == nullptr) {
    e = &entries_.emplace_back(std::string(key), Value{});
    e->group = std::make_unique<Record>();
  }
  RESORB_REQUIRE(e->group != nullptr, Error,
                 fmt::format("record: '{}' holds a value, not a group", key));
  return *e->group;
}

Record& Record::merge(const Record& other) {
  for (const auto& e : other.entries_) {
    Entry* mine = find_in(entries_, e.key);
    if (mine != nullptr && mine->group && e.group)
      mine->group->merge(*e.group);
    else if (mine != nullptr)
      *mine = e;
    else
      entries_.push_back(e);
  }
  return *this;
}

const Record::Entry* Record::find(std::string_view path) const {
  const Record* level = this;
  const Entry* found = nullptr;
  while (!path.empty()) {
    if (level == nullptr)
      return nullptr;
    const auto dot = path.find('.');
    const auto key = path.substr(0, dot);
    const auto it = std::find_if(level->entries_.begin(), level->entries_.end(),
                                 [&](const Entry& e) { return e.key == key; });
    if (it == level->entries_.end())
      return nullptr;
    found = &*it;
    level = it->group.get();
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return found;
}

double Record::number(std::string_view path) const {
  const Entry* e = find(path);
  RESORB_REQUIRE(e != nullptr && !e->group &&
                     (std::holds_alternative<double>(e->value) ||
                      std::holds_alternative<std::int64_t>(e->value)),
                 Error, fmt::format("record: no number at '{}'", path));
  if (const auto* d = std::get_if<double>(&e->value))
    return *d;
  return static_cast<double>(std::get<std::int64_t>(e->value));
}

} // namespace resorb
