# SPDX-License-Identifier: GPL-2.0-or-later
# cmake -DFILE=F -P json_valid.cmake: fails unless F holds one JSON document (CMake's own JSON
# reader, so the check needs nothing beyond the build's tools).
file(READ "${FILE}" text)
string(JSON type ERROR_VARIABLE error TYPE "${text}")
if(error)
  message(FATAL_ERROR "${FILE}: not JSON: ${error}")
endif()
