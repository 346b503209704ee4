#!/usr/bin/env bash
# Turns a Linux lab PC (Debian 12 / Ubuntu 22.04 or newer, systemd) into an exam kiosk:
#   - the frozen exam-client copied to /opt/bbzhm-cbt/exam-client and checked against its build hash;
#   - this PC's configuration written from the room card (JSON file, or the QR code's text);
#   - a dedicated user (cbt-kiosk) with its journal folder, nothing else writable;
#   - a systemd unit that logs that user in on tty1 into a cage (Wayland) session running only the
#     client (no display manager, no other terminals, no VT switching), restarted if it exits;
#   - logind: no spare terminals, power/sleep keys ignored; no Magic SysRq; Ctrl+Alt+Del masked.
# Running it again changes nothing that is already right. remove-kiosk.sh undoes all of it.
#
#   sudo packaging/linux/install-kiosk.sh --bundle dist/exam-client --card room-kiosk.json --workstation 05 \
#        --workstation-key KEY   # the credential `proctor-console enrol` printed for seat 05
#   sudo packaging/linux/install-kiosk.sh --bundle ... --scan --workstation 05   # a USB QR scanner
#   packaging/linux/install-kiosk.sh --dry-run ...            # print what would be done, change nothing
#   packaging/linux/install-kiosk.sh --root /tmp/stage ...    # write the files under a staging root
#                                                             # (no users, packages or systemctl)
set -euo pipefail

USER_NAME=cbt-kiosk
PREFIX=/opt/bbzhm-cbt
CONF_DIR=/etc/cbt-kiosk
HOME_DIR=/var/lib/cbt-kiosk
STATE_DIR=/var/lib/cbt-kiosk-install
BUNDLE="" CARD="" SCAN=0 WORKSTATION="" WORKSTATION_KEY="" ROOT="" DRY=0 START=0 PACKAGES=1
HERE=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "install-kiosk: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE=$2; shift 2 ;;
    --card) CARD=$2; shift 2 ;;
    --scan) SCAN=1; shift ;;
    --workstation) WORKSTATION=$2; shift 2 ;;
    --workstation-key) WORKSTATION_KEY=$2; shift 2 ;;
    --workstation-key=*) WORKSTATION_KEY=${1#--workstation-key=}; shift ;;
    --user) USER_NAME=$2; shift 2 ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --root) ROOT=$(realpath -m "$2"); shift 2 ;;
    --dry-run) DRY=1; shift ;;
    --start) START=1; shift ;;
    --no-packages) PACKAGES=0; shift ;;
    -h|--help) usage 0 ;;
    *) echo "install-kiosk: unknown option $1" >&2; usage 2 ;;
  esac
done

[ -n "$BUNDLE" ] || die "--bundle DIR is needed (the frozen exam-client folder, dist/exam-client)"
[ -x "$BUNDLE/exam-client" ] || die "$BUNDLE/exam-client is not there: is --bundle the onedir folder?"
[ -n "$CARD" ] || [ "$SCAN" = 1 ] || die "--card FILE or --scan is needed (the room card)"
[ -n "$WORKSTATION" ] || die "--workstation ID is needed (this PC's seat, as on the seating sheet)"
[ -n "$WORKSTATION_KEY" ] || die "--workstation-key KEY is needed (printed once by \`proctor-console enrol\` for this seat)"
case "$WORKSTATION" in *[!A-Za-z0-9._-]*|"") die "--workstation: letters, digits, '.', '_', '-' only" ;; esac
if [ -z "$ROOT" ] && [ "$DRY" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (sudo), or use --dry-run / --root DIR"
fi

# Everything that changes the system goes through these, so --dry-run and --root stay honest.
say() { echo "install-kiosk: $*"; }
run() {  # a command that changes the system (skipped under --root: it would act on this machine)
  if [ "$DRY" = 1 ]; then say "would run: $*"; return 0; fi
  if [ -n "$ROOT" ]; then say "skipped under --root: $*"; return 0; fi
  "$@"
}
put() {  # put MODE PATH < content: write a file only if its content changed
  local mode=$1 path=$ROOT$2 tmp
  tmp=$(mktemp)
  cat > "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    say "unchanged $2"; rm -f "$tmp"; return 0
  fi
  if [ "$DRY" = 1 ]; then say "would write $2 ($(wc -l < "$tmp") lines)"; rm -f "$tmp"; return 0; fi
  mkdir -p "$(dirname "$path")"
  install -m "$mode" "$tmp" "$path"
  rm -f "$tmp"
  say "wrote $2"
}
fill() {  # the templates in files/ with this installation's names
  sed -e "s|@USER@|$USER_NAME|g" -e "s|@PREFIX@|$PREFIX|g" -e "s|@CONFIG@|$CONF_DIR/kiosk.json|g" \
      -e "s|@DATA@|$HOME_DIR|g" "$HERE/files/$1"
}

# Before changing anything: this PC's configuration from the room card (checked field by field by
# cbt-kiosk-setup), and the build against its own manifest.
card_file=$CARD
if [ "$SCAN" = 1 ]; then
  scanned=$(mktemp)
  card_file=$scanned
  echo "Scan the room's QR code now (the scanner types it and presses Enter):" >&2
  IFS= read -r line || die "nothing was scanned"
  printf '%s\n' "$line" > "$card_file"
fi
conf_tmp=$(mktemp -d)
trap 'rm -rf "$conf_tmp" "${scanned:-}"' EXIT
"$BUNDLE/cbt-kiosk-setup" install --from "$card_file" --workstation "$WORKSTATION" \
  "--workstation-key=$WORKSTATION_KEY" \
  --data-dir "$HOME_DIR/data" --out "$conf_tmp/kiosk.json" --no-create-data-dir >/dev/null \
  || die "the room card was refused (see the message above)"
expected=$(sed -n 's/.*"build_hash": *"\([0-9a-f]\{64\}\)".*/\1/p' "$BUNDLE/build-info.json")
actual=$(sha256sum < "$BUNDLE/build-manifest.sha256" | cut -d' ' -f1)
[ -n "$expected" ] && [ "$expected" = "$actual" ] || die "$BUNDLE: build-manifest.sha256 does not match build-info.json"
(cd "$BUNDLE" && grep -v '^link:' build-manifest.sha256 | sha256sum --check --quiet --strict) \
  || die "$BUNDLE: files differ from the build's manifest (a damaged copy?)"
say "build $expected checked"

# 1. The packages the session needs (cage pulls in wlroots; Xwayland is needed by Debian's cage).
if [ "$PACKAGES" = 1 ]; then
  missing=()
  command -v cage >/dev/null 2>&1 || missing+=(cage)
  command -v Xwayland >/dev/null 2>&1 || missing+=(xwayland)
  if [ ${#missing[@]} -gt 0 ]; then
    run apt-get update -qq
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    say "cage and Xwayland are installed"
  fi
fi

# 2. The build, checked above, copied into place.
target=$ROOT$PREFIX/exam-client
installed=$(sed -n 's/.*"build_hash": *"\([0-9a-f]\{64\}\)".*/\1/p' "$target/build-info.json" 2>/dev/null || true)
if [ "$installed" = "$expected" ] && (cd "$target" && grep -v '^link:' build-manifest.sha256 \
    | sha256sum --check --quiet --strict) >/dev/null 2>&1; then
  say "unchanged $PREFIX/exam-client (build $expected, files checked)"
elif [ "$DRY" = 1 ]; then
  say "would copy $BUNDLE to $PREFIX/exam-client"
else
  mkdir -p "$ROOT$PREFIX"
  rm -rf "$target.new"
  cp -a "$BUNDLE" "$target.new"
  chmod -R go-w "$target.new"
  rm -rf "$target.old"
  [ -e "$target" ] && mv "$target" "$target.old"
  mv "$target.new" "$target"
  rm -rf "$target.old"
  say "copied build $expected to $PREFIX/exam-client"
fi

# 3. The user: a system account with a home for its journals and no login shell.
if [ -n "$ROOT" ] || [ "$DRY" = 1 ]; then
  run useradd --system --user-group --home-dir "$HOME_DIR" --create-home --shell /usr/sbin/nologin "$USER_NAME"
elif id "$USER_NAME" >/dev/null 2>&1; then
  say "user $USER_NAME exists"
else
  useradd --system --user-group --home-dir "$HOME_DIR" --create-home --shell /usr/sbin/nologin \
    --comment "BBZhM CBT exam kiosk" "$USER_NAME"
  say "created user $USER_NAME"
fi
if [ "$DRY" = 1 ]; then
  say "would make $HOME_DIR/data (owner $USER_NAME, mode 0700)"
else
  mkdir -p "$ROOT$HOME_DIR/data"
  chmod 0700 "$ROOT$HOME_DIR" "$ROOT$HOME_DIR/data"
  [ -z "$ROOT" ] && chown -R "$USER_NAME:$USER_NAME" "$HOME_DIR"
fi

# 4. This PC's configuration (checked before anything was changed, above).
put 0644 "$CONF_DIR/kiosk.json" < "$conf_tmp/kiosk.json"

# 5. The session and the locks around it.
fill cbt-kiosk.service | put 0644 /etc/systemd/system/cbt-kiosk.service
put 0644 /etc/pam.d/cbt-kiosk < "$HERE/files/pam-cbt-kiosk"
put 0644 /etc/systemd/logind.conf.d/90-cbt-kiosk.conf < "$HERE/files/logind-90-cbt-kiosk.conf"
put 0644 /etc/sysctl.d/90-cbt-kiosk.conf < "$HERE/files/sysctl-90-cbt-kiosk.conf"

# 6. What was there before, recorded once (a second run must not overwrite the original state),
#    so that remove-kiosk.sh puts the PC back as it was.
if [ ! -f "$ROOT$STATE_DIR/state" ]; then
  default_target=graphical.target dm="" sysrq=""
  if [ -z "$ROOT" ] && [ "$DRY" = 0 ]; then
    default_target=$(systemctl get-default 2>/dev/null || echo graphical.target)
    dm=$(basename "$(readlink -f /etc/systemd/system/display-manager.service 2>/dev/null)" 2>/dev/null || true)
    [ "$dm" = display-manager.service ] && dm=""
    sysrq=$(cat /proc/sys/kernel/sysrq 2>/dev/null || true)
  fi
  printf 'default_target=%s\ndisplay_manager=%s\nsysrq=%s\nuser=%s\nprefix=%s\n' \
    "$default_target" "$dm" "$sysrq" "$USER_NAME" "$PREFIX" | put 0644 "$STATE_DIR/state"
else
  say "unchanged $STATE_DIR/state (the state before the first installation)"
fi
dm=$(sed -n 's/^display_manager=//p' "$ROOT$STATE_DIR/state" 2>/dev/null || true)

run systemctl daemon-reload
[ -n "$dm" ] && run systemctl disable "$dm"
run systemctl mask ctrl-alt-del.target
run systemctl enable cbt-kiosk.service
run systemctl set-default graphical.target
run sysctl --quiet --load /etc/sysctl.d/90-cbt-kiosk.conf
if [ "$START" = 1 ]; then
  run systemctl restart systemd-logind.service
  run systemctl restart cbt-kiosk.service
  say "the kiosk is starting on tty1"
else
  say "installed: restart the PC (or run: systemctl start cbt-kiosk) to start the kiosk"
fi
