"""An example for each `central-scorer` sub-command's --help (the areas' modules keep their
arguments; their examples live here, one line each, so `--help` always shows one)."""

from __future__ import annotations

EXAMPLES: dict[str, list[str]] = {
    "ingest": ["central-scorer ingest /media/usb/*.cbtbundle --jobs 2"],
    "rescore": ["central-scorer rescore --package PKG-190745-1a2b3c4d --content corrected.json "
                "--reason 'item r7: key corrected after appeal'"],
    "report": ["central-scorer report --organisation 190745 --year 2026 --grade 4 --lang kk --sign "
               "--out report-190745-kk.pdf"],
    "reports": ["central-scorer reports --due --jobs 4"],
    "export": ["central-scorer export --year 2026 --grade 9 --form long --out grade9-2026.sav"],
    "verify": ["central-scorer verify report-190745-kk.pdf"],
    "reports-due": ["central-scorer reports-due --today 2026-05-20"],
    "due-date": ["central-scorer due-date 2026-05-15"],
    "survey": ["central-scorer survey"],
    "sample": ["central-scorer sample working-list.xlsx --year 2026 --grade 4 --seed 20260115 --pdf selection.pdf"],
    "campaign open": ["central-scorer campaign open working-list.xlsx --year 2026 --grade 4 --seed 20260115"],
    "campaign show": ["central-scorer campaign show --year 2026 --grade 4"],
    "campaign set-day": ["central-scorer campaign set-day --year 2026 --grade 4 --organisation 190745 "
                         "--day 2026-04-14"],
    "campaign participation": ["central-scorer campaign participation --year 2026 --grade 4"],
    "notices": ["central-scorer notices --year 2026 --grade 4 --out notices/ --lang kk ru"],
    "cancel": ["central-scorer cancel --year 2026 --grade 4 --region 'Абай облысы' --grounds emergency "
               "--authority emergencies_ministry --reference '№ 12, 2026-04-01' --basis 'flood' "
               "--decided-on 2026-04-01 --out revocation.json"],
    "items import": ["central-scorer items import qti-package.zip --bank-out bank.json --language kk"],
    "items score": ["central-scorer items score item.xml --item Q1 --response '\"A\"'"],
    "spec check": ["central-scorer spec check grade4 my-spec.json"],
    "spec schema": ["central-scorer spec schema > specification.schema.json"],
    "bank check": ["central-scorer bank check grade4 my-bank.json"],
    "variants build": ["central-scorer variants build --spec grade4 --bank grade4 --language kk --seed 7 "
                       "--out variants.json"],
    "package build": ["central-scorer package build --spec grade4 --bank grade4 --language kk --seed 7 "
                      "--organisation 190745 --out 190745.cbtpkg"],
    "calibrate": ["central-scorer calibrate responses.csv --model 2pl --json > calibration.json"],
    "link": ["central-scorer link calibration-2025.json calibration-2026.json"],
    "ingest-journal": ["central-scorer ingest-journal /media/usb/journal-05.json"],
    "national": ["central-scorer national --year 2026 --grade 4 --lang kk --lang ru"],
    "analyse": ["central-scorer analyse --year 2026 --grade 4 --lang kk --out analysis-2026-4.pdf"],
}
