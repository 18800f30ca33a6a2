"""Transfers: swan.downloadFile / swan.uploadFile vs raw httpx streaming, same server, same run.

The demo server (HTTPS, trustme) runs in this process; each client runs in a child process
of its own so its peak RSS is its own. Prints throughput, the ratio, and the children's
peak RSS. Both sides make one request first and are timed from an open connection and a
loaded trust store (the swan side used to pay its TLS context inside its time, raw httpx
outside). Both write the download to disk. Usage:
python benchmarks/bench_transfer.py [DOWNLOAD_MIB] [UPLOAD_MIB]
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import ssl
import sys
import tempfile
import time
from pathlib import Path

DOMAIN = "api.demo.test"


def peak_rss_mb() -> float:
    """This process's peak RSS since exec (VmHWM; ru_maxrss would include the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def child_raw(kind: str, port: int, ca_file: str, size: int, work: Path) -> dict:
    import httpx

    ctx = ssl.create_default_context(cafile=ca_file)
    async with httpx.AsyncClient(verify=ctx, timeout=None) as client:
        await client.get(f"https://127.0.0.1:{port}/json")  # warm, as the swan side is
        t0 = time.perf_counter()
        if kind == "download":
            with (work / "raw.bin").open("wb") as f:
                async with client.stream("GET", f"https://127.0.0.1:{port}/download/{size}") as r:
                    async for chunk in r.aiter_bytes():
                        f.write(chunk)
        else:
            src = work / "upload.bin"
            boundary = "rawbenchboundary"
            head = (f'--{boundary}\r\nContent-Disposition: form-data; name="f"; '
                    f'filename="upload.bin"\r\n\r\n').encode()
            tail = f"\r\n--{boundary}--\r\n".encode()

            async def body():  # multipart streamed from disk, like the emulator
                yield head
                with src.open("rb") as f:
                    while chunk := f.read(64 * 1024):
                        yield chunk
                yield tail

            r = await client.post(
                f"https://127.0.0.1:{port}/upload", content=body(),
                headers={"Content-Length": str(len(head) + size + len(tail)),
                         "Content-Type": f"multipart/form-data; boundary={boundary}"})
            r.raise_for_status()
        elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "rss": peak_rss_mb()}


async def child_swan(kind: str, port: int, ca_file: str, size: int, work: Path) -> dict:
    from emulator.app.host import AppHost
    from emulator.app.package import load_package
    from emulator.config import Limits, Settings
    from emulator.flows.bus import EventBus
    from emulator.flows.events import ConsoleMessage

    app = work / "app"
    (app / "pages" / "index").mkdir(parents=True, exist_ok=True)
    (app / "app.json").write_text(json.dumps({"pages": ["pages/index/index"]}))
    (app / "app.js").write_text("App({});")
    # A first request loads the trust store and opens the connection, as raw httpx's
    # client is made and warmed before its clock starts.
    if kind == "download":
        js = ("swan.downloadFile({url: 'https://%s/download/%d', success: function (r) {"
              " console.log('ok ' + r.statusCode); }, fail: function (e) {"
              " console.log('fail ' + e.errMsg); }}); Page({});" % (DOMAIN, size))
    else:
        js = ("swan.chooseImage({success: function (c) { swan.uploadFile({url: 'https://%s/upload',"
              " filePath: c.tempFilePaths[0], name: 'f', success: function (r) {"
              " console.log('ok ' + r.statusCode); }, fail: function (e) {"
              " console.log('fail ' + e.errMsg); }}); }}); Page({});" % DOMAIN)
    js = ("swan.request({url: 'https://%s/json', complete: function () { %s }}); Page({});"
          % (DOMAIN, js.replace(" Page({});", "")))
    (app / "pages" / "index" / "index.js").write_text(js)
    bus = EventBus()
    lines: list[str] = []
    bus.subscribe(lambda e: lines.append(e.text), ConsoleMessage)
    url = f"https://{DOMAIN}"
    settings = Settings(
        domains={"request": [url], "uploadFile": [url], "downloadFile": [url]},
        hosts={DOMAIN: f"127.0.0.1:{port}"}, ca_file=Path(ca_file), data_dir=work / "data",
        limits=Limits(upload_bytes=size, download_bytes=size),
        choose_files=[work / "upload.bin"],
    )
    host = AppHost(load_package(app), settings, bus)
    await host.start()
    await host.wait_idle()
    # Timed from the API call to the end of the transfer.
    [flow] = [f for f in host.flows if f.api != "request"]
    await host.close()
    if lines != ["ok 200"]:
        raise SystemExit(f"swan {kind} failed: {lines}")
    return {"seconds": flow.timings.total_s, "rss": peak_rss_mb()}


async def run_child(kind: str, who: str, port: int, ca_file: Path, size: int,
                    work: Path) -> dict:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", who, kind, str(port), str(ca_file), str(size),
        str(work), stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    if proc.returncode:
        raise SystemExit(f"child {who} {kind} failed")
    return json.loads(out.decode().strip().splitlines()[-1])


async def main(download_mib: int, upload_mib: int) -> None:
    import trustme

    from emulator.devserver.certs import ServerCertificates
    from emulator.devserver.http import HttpServer
    from emulator.devserver.routes import handle

    ca = trustme.CA()
    certs = ServerCertificates(ca, default_names=(DOMAIN, "127.0.0.1"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ca_file = work / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        upload_size = upload_mib * 1024 * 1024
        with (work / "upload.bin").open("wb") as f:
            f.write(os.urandom(upload_size))
        async with HttpServer(handle, ssl_context=certs.server_context) as server:
            for kind, size in (("download", download_mib * 1024 * 1024),
                               ("upload", upload_size)):
                results = {}
                for who in ("raw", "swan", "raw", "swan"):  # interleaved; best of two each
                    r = await run_child(kind, who, server.port, ca_file, size, work)
                    best = results.get(who)
                    if best is None or r["seconds"] < best["seconds"]:
                        results[who] = r
                    # Each side's downloaded file goes, so neither writes while the
                    # other's gigabyte is still being flushed to disk.
                    (work / "raw.bin").unlink(missing_ok=True)
                    shutil.rmtree(work / "data", ignore_errors=True)
                mib = size / (1024 * 1024)
                raw, swan = results["raw"], results["swan"]
                print(f"{kind} {mib:.0f} MiB: swan {mib / swan['seconds']:7.1f} MiB/s "
                      f"(peak RSS {swan['rss']:.0f} MB), raw httpx "
                      f"{mib / raw['seconds']:7.1f} MiB/s (peak RSS {raw['rss']:.0f} MB), "
                      f"ratio {raw['seconds'] / swan['seconds']:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        who, kind, port, ca, size, work = sys.argv[2:8]
        fn = child_raw if who == "raw" else child_swan
        print(json.dumps(asyncio.run(fn(kind, int(port), ca, int(size), Path(work)))))
    else:
        down = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
        up = int(sys.argv[2]) if len(sys.argv) > 2 else 25
        asyncio.run(main(down, up))
