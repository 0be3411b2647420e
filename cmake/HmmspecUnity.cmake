# SPDX-License-Identifier: GPL-2.0-or-later
# HMMSPEC_UNITY_BUILD: the targets whose files each parse the same heavy headers (the command
# line's nlohmann/json and CLI11, the suites' GoogleTest and RapidCheck) are compiled a batch
# of files to a unit, which saves most of a build from scratch (CI's sanitizer build) and costs
# an incremental one. Never the kernel's hmm.c or its shim: only the targets named here.
function(hmmspec_unity target)
  if(HMMSPEC_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()
