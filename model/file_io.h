// SPDX-License-Identifier: GPL-2.0-or-later
// Whole files in and out, with the operating system's reason on failure. Every input the
// tools read (scenario files, fuzzer inputs, corpus files, encoding files) goes through
// read_file with one size limit, so a directory, a /proc file or /dev/zero is an error that
// names the file ("path: Is a directory", "path: larger than 64 MiB"), never an exception or
// an allocation without bound (docs/scenario-format.md, "Limits").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hmmspec {

inline constexpr std::size_t kMaxInputBytes = std::size_t(64) << 20; // 64 MiB

// The bytes of the file at `path` (anything read() can read: a regular file, a pipe, a
// device), at most `max_bytes` of them. On failure, nothing, and `reason` is strerror of the
// failing call or the size limit; messages print it as "path: reason".
std::optional<std::string> read_file(const std::string& path, std::string& reason,
                                     std::size_t max_bytes = kMaxInputBytes);

// Writes `bytes` to the file at `path` (created or truncated) and closes it, so a full disk
// is seen. On failure returns false and `reason` says why (strerror).
bool write_file(const std::string& path, std::string_view bytes, std::string& reason);

} // namespace hmmspec
