#!/bin/sh
# Build our items.json into QTI 3.0 item files with incept-qti-sdk (PyPI, MIT). By hand:
#   python3 -m venv /tmp/qtitools && /tmp/qtitools/bin/pip install incept-qti-sdk==0.6.2
#   sh tests/data/qti/tools/incept_qti_sdk/make.sh
# `build` writes only item files (no manifest); `upload` would send them to a service, never used.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${QTI_PYTHON:-/tmp/qtitools/bin/python}
"$py" -c 'from importlib.metadata import version as v; assert v("incept-qti-sdk") == "0.6.2", v("incept-qti-sdk")'
rm -rf "$here/out"
"$py" -m qti_sdk build -q -i "$here/items.json" -o "$here/out" >/dev/null
