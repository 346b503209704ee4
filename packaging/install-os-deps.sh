#!/usr/bin/env bash
# Installs the operating-system packages the project needs, only when they are missing.
#   venv     - Python's venv module (Debian splits it out)
#   runtime  - the shared libraries Qt needs even on the offscreen platform
#   display  - the X11 (xcb) libraries Qt needs to open real windows on a display
#   test     - poppler-utils (pdftoppm, pdftotext) to render and read back our PDFs, espeak-ng
#              (the kiosk's read-aloud), and
#              Chromium for the public results page (driven by Playwright, no browser download),
#              libfuse3 for the power-cut filesystem (tests/powercut), Xvfb and xwininfo for the
#              demo's windows on a screen of their own (tests/test_demo_display.py), with the
#              xcb libraries of "display"
#   dist     - binutils (objdump: PyInstaller reads the libraries' dependencies), and for the
#              check of the Linux kiosk session: cage (with Xwayland, which Debian's cage needs)
#              and grim (its screenshot)
set -euo pipefail
what=${1:-runtime}

need=()
# The X11 (xcb) libraries Qt needs to open real windows
XCB_LIBS=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libegl1
          libgl1 libfontconfig1 libdbus-1-3)
case "$what" in
  venv)
    python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv) ;;
  runtime)
    # Ask Qt itself: if an application starts on the offscreen platform, nothing is missing.
    if ! QT_QPA_PLATFORM=offscreen .venv/bin/python -c \
        'from PySide6.QtWidgets import QApplication; QApplication([])' >/dev/null 2>&1; then
      if ! .venv/bin/python -c 'import PySide6' 2>/dev/null; then exit 0; fi  # not installed yet
      need+=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
    fi ;;
  display)
    if ! .venv/bin/python -c \
        'from PySide6.QtWidgets import QApplication; QApplication(["-platform", "xcb"])' >/dev/null 2>&1; then
      need+=("${XCB_LIBS[@]}")
    fi ;;
  test)
    command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
    # espeak-ng: the kiosk's offline read-aloud (Kazakh, Russian, English voices)
    command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    # libfuse3 for the power-cut filesystem of tests/powercut (skipped with a reason without it)
    ldconfig -p 2>/dev/null | grep libfuse3.so.3 >/dev/null || need+=(libfuse3-3 fuse3)
    command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
    # nftables: the LAN rehearsal's random loss where the kernel has no netem (make rehearsal)
    command -v nft >/dev/null 2>&1 || need+=(nftables)
    # Qt's xcb plugin names what it links against: any library not found, install the set (a
    # machine may have libxcb-cursor but not libxcb-icccm or libxcb-keysyms)
    qxcb=$(.venv/bin/python -c 'import os, PySide6; print(os.path.join(os.path.dirname(PySide6.__file__), "Qt/plugins/platforms/libqxcb.so"))' 2>/dev/null || true)
    if [ -n "$qxcb" ] && [ -f "$qxcb" ]; then
      ldd "$qxcb" 2>/dev/null | grep -q "not found" && need+=("${XCB_LIBS[@]}")
    else
      ldconfig -p 2>/dev/null | grep libxcb-cursor.so.0 >/dev/null || need+=("${XCB_LIBS[@]}")
    fi
    command -v xwininfo >/dev/null 2>&1 || need+=(x11-utils) ;;
  dist)
    command -v objdump >/dev/null 2>&1 || need+=(binutils)
    command -v cage >/dev/null 2>&1 || need+=(cage)
    command -v Xwayland >/dev/null 2>&1 || need+=(xwayland)
    command -v grim >/dev/null 2>&1 || need+=(grim) ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install: ${need[*]} (no apt-get on this machine)" >&2; exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing OS packages: ${need[*]}"
# Another apt (unattended upgrades on a fresh desktop) may hold the dpkg lock: wait for it.
LOCK_WAIT=(-o DPkg::Lock::Timeout=600)
$SUDO apt-get "${LOCK_WAIT[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${LOCK_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
