#!/usr/bin/env bash
# Checks the Linux kiosk session here, without a screen: starts cage on wlroots' headless backend
# with the frozen exam-client (its window, not --headless) inside it on the Wayland platform, as
# the cbt-kiosk unit does; checks that the client comes up, stays up and that its window fills the
# screen (the size the client reports on stdout), takes a screenshot with grim, then stops it. Run
# by `make dist` (through packaging/smoke.py), never by `make test`. The screenshot can be stale:
# wlroots 0.15's headless backend scans a full-screen client's buffer out directly, and screencopy
# then returns the last frame it composed itself (docs/deployment.md, section 4).
#
#   packaging/linux/check-cage.sh --bundle dist/exam-client [--config kiosk.json]
#                                 [--screenshot out.png] [--seconds 12] [--user nobody]
#
# Without --config the client is pointed at a room server that is not there and shows its
# "connecting" screen. cage refuses to run as root, so as root the session runs as --user (nobody
# by default, as the unit runs it as cbt-kiosk). The client's stderr must stay empty.
set -euo pipefail

BUNDLE="" CONFIG="" SHOT="" SECONDS_UP=12 RUN_AS=nobody
while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE=$(realpath "$2"); shift 2 ;;
    --config) CONFIG=$(realpath "$2"); shift 2 ;;
    --screenshot) SHOT=$(realpath -m "$2"); shift 2 ;;
    --seconds) SECONDS_UP=$2; shift 2 ;;
    --user) RUN_AS=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-cage: unknown option $1" >&2; exit 2 ;;
  esac
done
die() { echo "check-cage: $*" >&2; exit 1; }
[ -x "$BUNDLE/exam-client" ] || die "--bundle must be the frozen exam-client folder (dist/exam-client)"
command -v cage >/dev/null || die "cage is not installed (packaging/install-os-deps.sh dist)"
command -v Xwayland >/dev/null || die "Xwayland is not installed (Debian's cage needs it)"

work=$(mktemp -d /tmp/check-cage.XXXXXX)
chmod 0755 "$work"
cleanup() {
  [ -n "${cage_pid:-}" ] && kill "$cage_pid" 2>/dev/null && wait "$cage_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# This PC's configuration, with a journal folder the session's user may write.
if [ -n "$CONFIG" ]; then
  "$BUNDLE/cbt-kiosk-setup" install --from "$CONFIG" --data-dir "$work/data" \
    --out "$work/kiosk.json" >/dev/null
else
  printf '{"host": "127.0.0.1", "port": 9, "fingerprint": "%s", "workstation_id": "CAGE"}\n' \
    "$(printf '0%.0s' $(seq 64))" > "$work/card.json"
  "$BUNDLE/cbt-kiosk-setup" install --from "$work/card.json" --data-dir "$work/data" \
    --out "$work/kiosk.json" >/dev/null
fi
mkdir -p -m 0700 "$work/xdg" "$work/home"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R "$RUN_AS:" "$work"
  as_user=(setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups)
  if ! "${as_user[@]}" test -x "$BUNDLE/exam-client"; then
    # The checkout sits in a folder only its owner may enter (mktemp -d, a CI workspace): run a
    # copy from this check's own, world-readable folder instead.
    cp -a "$BUNDLE" "$work/bundle"
    chmod -R a+rX "$work/bundle"
    BUNDLE="$work/bundle"
    "${as_user[@]}" test -x "$BUNDLE/exam-client" || die "$RUN_AS cannot run $BUNDLE/exam-client"
  fi
fi

# The same environment as the unit (files/cbt-kiosk.service), plus wlroots' headless backend.
session_env=(env -i PATH=/usr/bin:/bin HOME="$work/home" XDG_RUNTIME_DIR="$work/xdg"
  WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
  QT_QPA_PLATFORM=wayland XDG_SESSION_TYPE=wayland CBT_KIOSK_LOCKED=1 LANG=C.UTF-8)
# The client's stdout (its window's size, see below) and stderr go to files; cage's (wlroots' log)
# to another.
"${as_user[@]}" "${session_env[@]}" cage -d -- /bin/sh -c \
  'echo $$ > "$0/client.pid"; exec "$1" --config "$0/kiosk.json" > "$0/client.stdout" 2> "$0/client.stderr"' \
  "$work" "$BUNDLE/exam-client" > "$work/cage.log" 2>&1 &
cage_pid=$!

# Up: the client process exists and cage has made its Wayland socket.
for _ in $(seq 100); do
  [ -s "$work/client.pid" ] && [ -S "$work/xdg/wayland-0" ] && break
  kill -0 "$cage_pid" 2>/dev/null || { cat "$work/cage.log" >&2; die "cage exited at start"; }
  sleep 0.1
done
client_pid=$(cat "$work/client.pid" 2>/dev/null || true)
[ -n "$client_pid" ] || { cat "$work/cage.log" >&2; die "the client did not start inside cage"; }

# Stays up: both still running after SECONDS_UP seconds.
sleep "$SECONDS_UP"
kill -0 "$client_pid" 2>/dev/null || { cat "$work/client.stderr" "$work/cage.log" >&2; die "the client exited within ${SECONDS_UP}s"; }
kill -0 "$cage_pid" 2>/dev/null || die "cage exited within ${SECONDS_UP}s"

# Fills the screen: the client writes its window's size and its screen's (exam_client/ui/app.py
# window_report) once the compositor has sized it; the last such line must show the two equal.
window=$(grep '"event": "window"' "$work/client.stdout" | tail -n 1 || true)
[ -n "$window" ] || die "the client never reported its window (client.stdout: $(head -c 500 "$work/client.stdout"))"
num() { printf '%s' "$window" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
win_w=$(num width) win_h=$(num height) scr_w=$(num screen_width) scr_h=$(num screen_height)
[ -n "$scr_w" ] && [ "${scr_w:-0}" -gt 0 ] && [ "$win_w" = "$scr_w" ] && [ "$win_h" = "$scr_h" ] \
  || die "the kiosk's window does not fill the screen: $window"
grep -q '"platform": "wayland"' <<<"$window" || die "the client did not run on Wayland: $window"
window_note="window ${win_w}x${win_h} on a ${scr_w}x${scr_h} screen"

shot_note="no screenshot asked"
if [ -n "$SHOT" ]; then
  if command -v grim >/dev/null; then
    "${as_user[@]}" env XDG_RUNTIME_DIR="$work/xdg" WAYLAND_DISPLAY=wayland-0 grim "$work/shot.png"
    mkdir -p "$(dirname "$SHOT")"
    cp "$work/shot.png" "$SHOT"
    shot_note="screenshot $SHOT ($(stat -c %s "$SHOT") bytes)"
  else
    shot_note="grim is not installed: no screenshot"
  fi
fi

# Stop as the PC does at shut-down: the client first; cage ends when its only client has gone.
kill "$client_pid"
for _ in $(seq 100); do kill -0 "$cage_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$cage_pid" 2>/dev/null && die "cage did not end after its client"
wait "$cage_pid" 2>/dev/null || true
cage_pid=""
if [ -s "$work/client.stderr" ]; then
  cat "$work/client.stderr" >&2
  die "the client wrote to stderr inside cage (above)"
fi
echo "check-cage: exam-client ran ${SECONDS_UP}s in cage (headless, Wayland) as $RUN_AS; $window_note; $shot_note"
