"""The centre's service logs JSON lines on stderr: each request (method, path, status, time; never
the query string, which may carry a portal code), read by a raw HTTP client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx


def test_serve_logs_each_request_as_a_json_line(tmp_path: Path) -> None:
    env = {**os.environ, "CBT_CENTRE_DIR": str(tmp_path / "centre"), "CBT_LANG": "en"}
    env.pop("CBT_CENTRE_DATABASE_URL", None)
    cli = [sys.executable, "-m", "central_scorer.cli.main"]
    subprocess.run([*cli, "init", "--centre-id", "KZ"], env=env, check=True, capture_output=True, timeout=120)
    server = subprocess.Popen([*cli, "serve", "--port", "0", "--workers", "0"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = json.loads(server.stdout.readline())["port"]
        base = f"http://127.0.0.1:{port}"
        status = httpx.get(f"{base}/api/v1/uploads/{'0' * 64}?code=SECRET123", timeout=30).status_code
        time.sleep(0.5)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    rows = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [r for r in rows if r["logger"] == "centre.access"]
    assert access and access[-1]["path"] == f"/api/v1/uploads/{'0' * 64}" and access[-1]["status"] == status
    assert {"time", "level", "method", "ms", "client"} <= set(access[-1])
    assert "SECRET123" not in err
    assert (tmp_path / "centre" / "logs" / "centre.log").is_file()
