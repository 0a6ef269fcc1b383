# Installation and the package config that makes find_package(resorb) work.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS resorb EXPORT resorbTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS resorb_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/resorb_plot.py DESTINATION ${CMAKE_INSTALL_BINDIR}
        RENAME resorb-plot)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/resorb_scaffold_plot.py
        DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME resorb-scaffold-plot)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/resorb DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/resorb/data)
# The warnings interface target is linked privately; export it so the target set is closed.
install(TARGETS resorb_warnings EXPORT resorbTargets)
install(EXPORT resorbTargets NAMESPACE resorb:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/resorb)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/resorbConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/resorbConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/resorb)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/resorbConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/resorbConfig.cmake ${PROJECT_BINARY_DIR}/resorbConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindPETSc.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/resorb)
