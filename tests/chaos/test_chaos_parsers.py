"""Property-based attacks (hypothesis) on every parser of outside input: the roster, QTI items, test
specifications, exam packages and result bundles. Arbitrary bytes and mutations of real files give
a result or the parser's documented error, never another exception, and never a hang (each example
has a deadline)."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import bundle
from common.content.qti.importer import import_path
from common.content.spec import SpecError, load_spec, parse_spec
from common.demo.roster import demo_content_json, demo_roster_csv
from common.domain.exam import content_from_dict, content_to_dict
from common.domain.roster import RosterInvalid, parse_bytes
from common.package import PackageError, read_package

AREA = "Attacks: hostile input"
DATA = Path(__file__).resolve().parents[1] / "data"
QTI_SAMPLES = sorted((DATA / "qti").rglob("*.xml"))[:12]
SPEC = (Path(__file__).resolve().parents[2] / "common" / "specs" / "grade4.json").read_bytes()
FULL_EXAMPLES, QUICK_EXAMPLES = 1500, 60


def examples(chaos) -> int:
    return chaos.times(QUICK_EXAMPLES, FULL_EXAMPLES)


def fuzz_settings(n: int):
    # The quick run is the same every time (derandomized); the full run draws new examples.
    return settings(max_examples=n, deadline=dt.timedelta(seconds=5), database=None,
                    derandomize=n == QUICK_EXAMPLES,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """A real file with bytes flipped, cut, inserted or repeated (or arbitrary bytes)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2048))
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        op = draw(st.sampled_from(("flip", "cut", "insert", "repeat")))
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 32))] * draw(st.integers(1, 8))
    return bytes(data)


def xlsx_of(csv_text: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in csv_text.splitlines():
        sheet.append(line.split(";") if ";" in line else line.split(","))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


ROSTER_CSV = demo_roster_csv(5).encode("utf-8")


def test_roster_parser(chaos):
    seeds = {"list.csv": ROSTER_CSV, "list.xlsx": xlsx_of(ROSTER_CSV.decode())}
    seen = {"ok": 0, "refused": 0}

    @fuzz_settings(examples(chaos))
    @given(name=st.sampled_from(sorted(seeds) + ["list", "list.ods", "list.txt"]), data=st.data())
    def attack(name, data):
        seed = seeds.get(name, ROSTER_CSV)
        raw = data.draw(mutated(seed))
        try:
            rows = parse_bytes(raw, name)
        except RosterInvalid as exc:
            assert exc.problems  # every refusal names at least one problem
            seen["refused"] += 1
        else:
            assert isinstance(rows, list)
            seen["ok"] += 1

    attack()
    total = sum(seen.values())
    chaos.record(AREA, "roster parser (CSV/XLSX, mutated and arbitrary bytes)", total, total, 0,
                 f"{seen['refused']} refused with RosterInvalid, {seen['ok']} parsed; no other error")


def test_qti_importer(chaos, tmp_path):
    seeds = [p.read_bytes() for p in QTI_SAMPLES]
    assert seeds
    counter = [0]

    @fuzz_settings(examples(chaos))
    @given(which=st.integers(0, len(seeds) - 1), as_zip=st.booleans(), data=st.data())
    def attack(which, as_zip, data):
        raw = data.draw(mutated(seeds[which]))
        counter[0] += 1
        path = tmp_path / f"item-{counter[0]}.{'zip' if as_zip else 'xml'}"
        if as_zip:
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("item.xml", raw)
        else:
            path.write_bytes(raw)
        items = import_path(path)  # the importer reports problems per item; it never raises
        for item in items:
            assert item.ok or item.errors, item
        path.unlink()

    attack()
    chaos.record(AREA, "QTI importer (XML files and zip packages, mutated)", counter[0], counter[0], 0,
                 "every item imported or refused with its errors; no exception")


def test_specification_loader(chaos, tmp_path):
    spec_json = json.loads(SPEC)
    counter = [0]
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    values = st.recursive(scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(
        st.text(max_size=8), c, max_size=4), max_leaves=20)

    def set_path(doc, path, value):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    def paths(node, prefix=()):
        yield prefix
        if isinstance(node, dict):
            for k, v in node.items():
                yield from paths(v, (*prefix, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from paths(v, (*prefix, i))

    all_paths = [p for p in paths(spec_json) if p]

    @fuzz_settings(examples(chaos))
    @given(mode=st.sampled_from(("bytes", "field")), data=st.data())
    def attack(mode, data):
        counter[0] += 1
        if mode == "bytes":  # the file as it comes: any bytes, any encoding
            path = tmp_path / f"spec-{counter[0]}.json"
            path.write_bytes(data.draw(mutated(SPEC)))
            try:
                load_spec(path)
            except SpecError as exc:
                assert exc.problems
            path.unlink()
        else:  # well-formed JSON with any field replaced by any value
            doc = json.loads(SPEC)
            set_path(doc, data.draw(st.sampled_from(all_paths)), data.draw(values))
            try:
                parse_spec(doc)
            except SpecError as exc:
                assert exc.problems

    attack()
    chaos.record(AREA, "specification loader (bytes and fields mutated)", counter[0], counter[0], 0,
                 "loaded or refused with SpecError naming the problems; no other error")


@pytest.fixture(scope="module")
def package_and_keys(tmp_path_factory):
    from central_scorer.centre import Centre

    root = tmp_path_factory.mktemp("fuzz-centre")
    centre = Centre(root / "central")
    info = centre.init("KZ-NTC-FUZZ")
    content = content_from_dict(json.loads(demo_content_json()))
    made = centre.make_package(content, "100200", root / "pkg.cbtpkg", kdf_memory_kib=1024)
    from common.crypto.signing import VerifyKey

    keys = {kid: VerifyKey.from_b64(b64) for kid, b64 in info["centre_sign_keys"].items()}
    raw = (root / "pkg.cbtpkg").read_bytes()
    read_package(raw, keys)  # the honest package opens
    centre.engine.dispose()
    return raw, keys, made["start_code"]


def test_package_reader(chaos, package_and_keys):
    raw, keys, start_code = package_and_keys
    honest_package = read_package(raw, keys)
    honest = content_to_dict(honest_package.open(start_code)[0], with_keys=True)
    seen = {"refused": 0, "opened": 0}

    @fuzz_settings(examples(chaos))
    @given(data=st.data())
    def attack(data):
        try:
            package = read_package(data.draw(mutated(raw)), keys)
            content, _ = package.open(start_code)  # what reads must also open or refuse cleanly
        except PackageError:
            seen["refused"] += 1
        else:  # only the very same signed package may open
            assert package.manifest == honest_package.manifest
            assert content_to_dict(content, with_keys=True) == honest
            seen["opened"] += 1

    attack()
    total = sum(seen.values())
    chaos.record(AREA, "exam package reader (mutated packages)", total, total, 0,
                 f"{seen['refused']} refused with PackageError, {seen['opened']} opened unchanged "
                 "(a change in base64's unused bits); no other error")


def test_bundle_reader(chaos):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bundle_vectors_fuzz", DATA / "vectors" / "bundle" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    golden = (DATA / "vectors" / "bundle" / "golden.bundle").read_bytes()
    rooms, key = gen.rooms(), gen.centre_key()
    honest = bundle.open_bundle(golden, rooms=rooms, centre_key=key, centre_id=gen.CENTRE_ID)
    seen = {"refused": 0, "same": 0}

    @fuzz_settings(examples(chaos))
    @given(data=st.data())
    def attack(data):
        try:
            opened = bundle.open_bundle(data.draw(mutated(golden)), rooms=rooms, centre_key=key,
                                        centre_id=gen.CENTRE_ID)
        except bundle.BundleError:
            seen["refused"] += 1
        else:  # only the very same signed content may open
            assert (opened.manifest, opened.parts) == (honest.manifest, honest.parts)
            seen["same"] += 1

    attack()
    total = sum(seen.values())
    chaos.record(AREA, "bundle reader (mutated bundles)", total, total, 0,
                 f"{seen['refused']} refused with BundleError, {seen['same']} opened to the same "
                 "signed content; no other error")
