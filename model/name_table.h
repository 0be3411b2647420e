// SPDX-License-Identifier: GPL-2.0-or-later
// The name <-> value lookups of the scenario format's small keyword tables (mm operations,
// protections, race points and race operations): one table of pairs per enum, read both ways.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hmmspec {

// The name of `v` in `table`, or "?" when the table does not list it.
template <typename Table, typename V>
constexpr std::string_view name_in(const Table& table, V v) {
  for (const auto& [value, name] : table)
    if (value == v) return name;
  return "?";
}

// The value named `s` in `table`, or nothing.
template <typename Table>
constexpr auto value_in(const Table& table, std::string_view s)
    -> std::optional<typename Table::value_type::first_type> {
  for (const auto& [value, name] : table)
    if (name == s) return value;
  return std::nullopt;
}

// Every name in `table`, for an error message: "a, b or c".
template <typename Table>
std::string names_in(const Table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (i) out += i + 1 == table.size() ? " or " : ", ";
    out += table[i].second;
  }
  return out;
}

} // namespace hmmspec
