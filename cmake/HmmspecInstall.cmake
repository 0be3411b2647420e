# SPDX-License-Identifier: GPL-2.0-or-later
# `cmake --install build [--prefix P]` and `cpack -G DEB` (docs/kernel-party.md, "Installing"):
#   bin/hmmspec, bin/hmmspec-add-kernel
#   <libdir>/hmmspec/libhmmspec_kernel_<tag>.so   the kernel parties of the build, found there by
#                                                 the installed hmmspec (kernel/loader.h)
#   <libdir>/hmmspec/sdk/                         what hmmspec-add-kernel compiles and links
#                                                 (cmake/HmmspecKernelSdk.cmake)
#   share/man/man1/hmmspec.1, hmmspec-add-kernel.1  made from the commands' help
#   share/doc/hmmspec/                            README.md, LICENSE, docs/, the scenario suite
# The kernel objects and the SDK are installed by kernel/CMakeLists.txt.
install(TARGETS hmmspec RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${HMMSPEC_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(DIRECTORY tests/scenarios/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/scenarios
        FILES_MATCHING PATTERN "*.hmm")

# The Debian package: `cpack -G DEB` in the build directory, installed under /usr. The shared
# libraries it needs are found by dpkg-shlibdeps; hmmspec-add-kernel needs the compilers that
# built it (recommended: the Debian default g++).
set(CPACK_PACKAGE_NAME hmmspec)
set(CPACK_PACKAGE_VENDOR "hmmspec")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "executable, checked specification of Linux hmm_range_fault()")
set(CPACK_PACKAGE_CONTACT "hmmspec maintainers <maintainers@hmmspec.invalid>")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON) # the executables and the kernel objects; the SDK archives are not stripped
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "g++")
set(CPACK_GENERATOR DEB)
include(CPack)
