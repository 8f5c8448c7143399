# package.cmake - what an installed ccboard has beside its binary and themes,
# and the Debian package made from it: scripts/package, or
#   cmake -S . -B build/pkg -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build/pkg && (cd build/pkg && cpack -G DEB)

# man page: gzip -9n (no name, no time stamp), as Debian installs them
set(CCBOARD_MAN_GZ ${PROJECT_BINARY_DIR}/ccboard.1.gz)
add_custom_command(OUTPUT ${CCBOARD_MAN_GZ}
  COMMAND sh -c "gzip -9n -c '${PROJECT_SOURCE_DIR}/man/ccboard.1' > '${CCBOARD_MAN_GZ}'"
  DEPENDS ${PROJECT_SOURCE_DIR}/man/ccboard.1 VERBATIM)
add_custom_target(ccboard_man ALL DEPENDS ${CCBOARD_MAN_GZ})
install(FILES ${CCBOARD_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY dist/prometheus DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# Under /usr (the package; a by-hand install may choose it too) ccboard gets
# the system's places: the configuration it reads at /etc/ccboard/config.ini
# and the unit where Debian 12's packages put theirs. A by-hand install under
# /usr/local writes nothing outside its prefix: copy config.ini from the data
# directory and the unit from the examples.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  install(FILES config.ini DESTINATION /etc/ccboard)
  install(FILES dist/ccboard.service DESTINATION /lib/systemd/system)
else()
  install(FILES dist/ccboard.service DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
endif()

set(CPACK_PACKAGE_NAME ccboard)
set(CPACK_PACKAGE_VENDOR "ccboard")
set(CPACK_PACKAGE_CONTACT "ccboard maintainers <maintainers@users.noreply.h-seed-fcc1259e.example>"
    CACHE STRING "Maintainer of the Debian package")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "ccboard follows Asterisk's queue_log (or standard input, lines pushed over a
socket, or the Asterisk Manager Interface) and shows, every second, how each
queue is doing: callers waiting and for how long, abandoned calls, the service
level, what the agents are doing, and alerts. Run headless (ccboard.service,
installed but not enabled) it serves Prometheus metrics, a JSON snapshot and a
webhook intake over HTTP.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION comm)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The unit's ExecReload runs /bin/kill, which procps ships (not in a minimal
# system); dpkg-shlibdeps adds the libraries after it, but for libmicrohttpd,
# loaded by the HTTP listener (src/out/mhd_load.h), not linked: named here.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "procps, libmicrohttpd12 | libmicrohttpd12t64")
# man-db, so that "man ccboard" works on a minimal system (apt installs what
# is recommended unless told not to).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "man-db")
# libsqlite3-0 and zlib1g (the history database, .gz logs) come from
# dpkg-shlibdeps; the sqlite3 shell reads the history database by hand.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "asterisk, prometheus, prometheus-alertmanager, sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# cpack marks nothing as a conffile by itself: dpkg keeps an edited
# /etc/ccboard/config.ini across upgrades only when it is listed here.
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/debian/conffiles CONTENT "/etc/ccboard/config.ini\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/debian/conffiles)
# The binary names its data directory at build time: a package of a build
# configured for /usr/local would look for its themes where dpkg put none.
configure_file(${CMAKE_CURRENT_LIST_DIR}/package-check.cmake.in
               ${PROJECT_BINARY_DIR}/package-check.cmake @ONLY)
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_BINARY_DIR}/package-check.cmake)
include(CPack)
