// SPDX-License-Identifier: GPL-2.0-or-later
#include "model/file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hmmspec {

namespace {

std::string os_error(int err) {
  return std::strerror(err);
}

std::string too_large(std::size_t max_bytes) {
  return max_bytes % (1u << 20) == 0
             ? fmt::format("larger than {} MiB (the limit of an input file)", max_bytes >> 20)
             : fmt::format("larger than {} bytes (the limit of an input file)", max_bytes);
}

} // namespace

std::optional<std::string> read_file(const std::string& path, std::string& reason,
                                     std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    reason = os_error(errno);
    return std::nullopt;
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && std::uintmax_t(st.st_size) > max_bytes) {
    reason = too_large(max_bytes); // without reading it (a /proc file says 0 and is read)
    ::close(fd);
    return std::nullopt;
  }
  std::string bytes;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { // a directory gives EISDIR here
      reason = os_error(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    if (bytes.size() + std::size_t(n) > max_bytes) {
      reason = too_large(max_bytes);
      ::close(fd);
      return std::nullopt;
    }
    bytes.append(buf, std::size_t(n));
  }
  ::close(fd);
  return bytes;
}

bool write_file(const std::string& path, std::string_view bytes, std::string& reason) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    reason = os_error(errno);
    return false;
  }
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      reason = os_error(errno);
      ::close(fd);
      return false;
    }
    bytes.remove_prefix(std::size_t(n));
  }
  if (::close(fd) != 0) {
    reason = os_error(errno);
    return false;
  }
  return true;
}

} // namespace hmmspec
