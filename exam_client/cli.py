"""`exam-client`: the kiosk. Without `--headless` it opens the kiosk's window (full screen);
`--headless` runs a scripted sitting with the same engine; `--screenshots DIR` draws every screen
in kk, ru and en into DIR."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export-journal"]:
        return export_journal(argv[1:])
    parser = argparse.ArgumentParser(prog="exam-client", description=__doc__)
    from common.build_info import VersionAction  # version and build hash (packaging/)

    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--config", type=Path,
                        help="kiosk configuration: room server address, certificate pin, workstation")
    parser.add_argument("--headless", action="store_true", help="no screen: a scripted student")
    parser.add_argument("--login")
    parser.add_argument("--password")
    parser.add_argument("--seed", type=int, default=0, help="the scripted student's choices")
    parser.add_argument("--think-ms", type=int, default=50, help="pause before each answer")
    parser.add_argument("--windowed", action="store_true",
                        help="an ordinary window that may be closed (for trying the kiosk out)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="draw every screen in kk, ru and en into DIR and exit")
    args = parser.parse_args(argv)

    if args.screenshots is not None:
        from exam_client.ui.screenshots import render_screenshots

        for path in render_screenshots(args.screenshots):
            print(path)
        return 0
    if args.config is None:
        parser.error("--config is needed (or --screenshots DIR)")

    from exam_client.engine.config import KioskConfig
    from exam_client.engine.kiosk import KioskEngine

    try:
        config = KioskConfig.load(args.config)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    if args.headless:
        if not (args.login and args.password):
            parser.error("--headless needs --login and --password")
        from exam_client.engine.headless import sit

        return sit(KioskEngine(config), args.login, args.password, args.seed, args.think_ms / 1000)
    from exam_client.ui.app import run_kiosk

    return run_kiosk(config, kiosk_mode=not args.windowed)


def export_journal(argv: list[str]) -> int:
    """`exam-client export-journal --config kiosk.json --out DIR`: the journals for the centre.
    Exit 0 written, 1 nothing to write, 2 the folder cannot take them; one line in the kiosk's
    language (or --lang)."""
    from common.i18n import t
    from exam_client.engine.config import KioskConfig
    from exam_client.engine.export import export_journals

    parser = argparse.ArgumentParser(prog="exam-client export-journal",
                                     description=export_journal.__doc__)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="the USB stick's folder")
    parser.add_argument("--lang", choices=("kk", "ru", "en"))
    args = parser.parse_args(argv)
    try:
        config = KioskConfig.load(args.config)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    lang = args.lang or config.language
    try:
        result = export_journals(config, args.out)
    except OSError as exc:
        print(t("recovery.export.failed", lang, out=args.out, reason=exc.strerror or exc),
              file=sys.stderr)
        return 2
    for name in result.without_grant:
        print(t("recovery.export.no_grant", lang, name=name), file=sys.stderr)
    if not result.written:
        print(t("recovery.export.none", lang, data_dir=config.data_dir), file=sys.stderr)
        return 1
    print(t("recovery.export.done", lang, count=len(result.written), out=args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
