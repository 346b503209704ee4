#!/usr/bin/env bash
# Undoes install-kiosk.sh: stops and removes the kiosk session, its locks and the installed build,
# and puts back what was there before (display manager, default target, Magic SysRq, Ctrl+Alt+Del).
# The kiosk's journals (the students' answers, encrypted) stay in /var/lib/cbt-kiosk/data unless
# --purge is given: remove them only once the room's results have reached the centre.
# Running it again (or on a PC without the kiosk) does nothing and succeeds.
#
#   sudo packaging/linux/remove-kiosk.sh            # keep the user and the journals
#   sudo packaging/linux/remove-kiosk.sh --purge    # also delete the user and the journals
#   packaging/linux/remove-kiosk.sh --dry-run | --root /tmp/stage
set -euo pipefail

STATE_DIR=/var/lib/cbt-kiosk-install
CONF_DIR=/etc/cbt-kiosk
HOME_DIR=/var/lib/cbt-kiosk
ROOT="" DRY=0 PURGE=0

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=$(realpath -m "$2"); shift 2 ;;
    --dry-run) DRY=1; shift ;;
    --purge) PURGE=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "remove-kiosk: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -z "$ROOT" ] && [ "$DRY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "remove-kiosk: run as root (sudo), or use --dry-run / --root DIR" >&2; exit 1
fi

say() { echo "remove-kiosk: $*"; }
run() {
  if [ "$DRY" = 1 ]; then say "would run: $*"; return 0; fi
  if [ -n "$ROOT" ]; then say "skipped under --root: $*"; return 0; fi
  "$@" || say "(ignored: '$*' failed)"
}
gone() {  # delete a file or folder if it is there
  local path=$ROOT$1
  if [ ! -e "$path" ] && [ ! -L "$path" ]; then return 0; fi
  if [ "$DRY" = 1 ]; then say "would remove $1"; return 0; fi
  rm -rf "$path"
  say "removed $1"
}

state=$ROOT$STATE_DIR/state
value() { sed -n "s/^$1=//p" "$state" 2>/dev/null || true; }
user=$(value user); user=${user:-cbt-kiosk}
prefix=$(value prefix); prefix=${prefix:-/opt/bbzhm-cbt}
dm=$(value display_manager)
default_target=$(value default_target)
sysrq=$(value sysrq)

if [ -e "$ROOT/etc/systemd/system/cbt-kiosk.service" ]; then
  run systemctl disable --now cbt-kiosk.service
fi
gone /etc/systemd/system/cbt-kiosk.service
gone /etc/pam.d/cbt-kiosk
gone /etc/systemd/logind.conf.d/90-cbt-kiosk.conf
gone /etc/sysctl.d/90-cbt-kiosk.conf
gone "$CONF_DIR"
gone "$prefix/exam-client"
[ -d "$ROOT$prefix" ] && [ -z "$(ls -A "$ROOT$prefix")" ] && gone "$prefix"

if [ -f "$state" ]; then
  run systemctl daemon-reload
  run systemctl unmask ctrl-alt-del.target
  [ -n "$dm" ] && run systemctl enable "$dm"
  [ -n "$default_target" ] && run systemctl set-default "$default_target"
  [ -n "$sysrq" ] && run sysctl --quiet -w "kernel.sysrq=$sysrq"
  run systemctl try-restart systemd-logind.service
  gone "$STATE_DIR"
else
  say "no installation state in $STATE_DIR: nothing else to restore"
fi

if [ "$PURGE" = 1 ]; then
  if [ -z "$ROOT" ] && [ "$DRY" = 0 ] && id "$user" >/dev/null 2>&1; then
    userdel "$user" && say "removed user $user"
  elif [ "$DRY" = 1 ] || [ -n "$ROOT" ]; then
    run userdel "$user"
  fi
  gone "$HOME_DIR"
else
  [ -d "$ROOT$HOME_DIR/data" ] && say "kept the journals in $HOME_DIR/data (remove with --purge once the results are at the centre)"
fi
say "done"
