# cmake --install: the tools (with the plot script logreg_plot_path), the library and its headers,
# the Slurm template, the example configs and the docs under one prefix, with a CMake package
# (find_package(logreg), target logreg::logreg) and a pkg-config file (logreg.pc) for programs that
# link the library.
include(CMakePackageConfigHelpers)

install(TARGETS logreg_dist logreg_data RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_BINARY_DIR}/logreg_plot_path DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS logreg EXPORT logregTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/logreg DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/slurm/logreg_dist.sbatch
        DESTINATION ${CMAKE_INSTALL_DATADIR}/logreg/slurm)
install(FILES ${PROJECT_SOURCE_DIR}/scripts/slurm/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/logreg/slurm)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/logreg/configs)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(LOGREG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/logreg)
install(EXPORT logregTargets NAMESPACE logreg:: DESTINATION ${LOGREG_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/logregConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/logregConfig.cmake
                              INSTALL_DESTINATION ${LOGREG_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/logregConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/logregConfig.cmake ${PROJECT_BINARY_DIR}/logregConfigVersion.cmake
        DESTINATION ${LOGREG_CMAKE_DIR})

# pkg-config: the library's own flags; its dependencies' come from their .pc files where Debian
# ships them (ompi-c, hdf5, yaml-cpp, eigen3), Boost's are spelled out.
# The prefix relative to the .pc file, so the installed tree can be moved (cmake --install --prefix).
file(RELATIVE_PATH LOGREG_PC_UP /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/logreg.pc.in ${PROJECT_BINARY_DIR}/logreg.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/logreg.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
