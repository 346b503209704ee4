#!/bin/sh
# Upgrade the qti-package-maker QTI 2.1 export to QTI 3.0 with citolab-qti-convert (PyPI,
# GPL-3.0-only; the tool's licence does not cover its output, which is our items). By hand:
#   python3 -m venv /tmp/qtitools && /tmp/qtitools/bin/pip install citolab-qti-convert==0.2.0
#   sh tests/data/qti/tools/citolab_qti_convert/make.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool=${QTI_CONVERT:-/tmp/qtitools/bin/qti-convert}
test "$("$tool" --version)" = "qti-convert 0.2.0"
rm -f "$here/package30.zip"
"$tool" upgrade "$here/../qti_package_maker/package.zip" "$here/package30.zip"
