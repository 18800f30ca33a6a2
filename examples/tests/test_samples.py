"""End-to-end tests of the sample apps, written with emulator.automation as a user would
write theirs (run with the project's tests: `pytest`)."""

from __future__ import annotations

from pathlib import Path

from emulator.automation import launch
from emulator.flows.flow import SocketFlow, TransferFlow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_apps"


async def test_netdemo_shows_every_case_and_runs_again(tmp_path: Path) -> None:
    """The tour renders 11 good cases; "run all" makes the requests again, a case's own
    button runs just that case."""
    async with launch(SAMPLES / "netdemo", data_dir=tmp_path) as app:
        page = app.current_page()
        assert page.query(".summary").text() == "11/11 cases as the platform behaves"
        assert len(page.query_all(".case.good")) == 11
        before = len(app.network.flows)
        await page.query(".run-all").tap()
        await app.network.wait_for_flow(url="https://api.demo.test/status/500", status=500)
        await app.wait_for_console(r"^netdemo: 11/11")
        assert len(app.network.flows) >= before + 11
        # Each case's own button runs just that case: one more request (a redirect: two),
        # and its card shows the outcome the platform gives.
        for i, case in enumerate(page.query_all(".case")):
            before = len(app.network.flows)
            await case.query(".run").tap()
            await app.network.wait_idle()
            await page.wait_for(lambda: page.data("running") is False)
            assert len(app.network.flows) > before, case.query(".name").text()
            assert page.query_all(".case")[i].query(".detail").text().split(" · ")[0] in (
                "success", "fail")
        assert len(page.query_all(".case.good")) == 11


async def test_hello_greets_through_its_component_and_opens_detail(tmp_path: Path) -> None:
    """The greeting component renders inside its tag; the button opens the detail page."""
    async with launch(SAMPLES / "hello", data_dir=tmp_path) as app:
        page = app.current_page()
        assert page.query("greeting").text() == "hello swan"
        await page.query("button").tap()
        assert "pages on stack: 2" in await app.wait_for_console(r"^detail onLoad .*")


async def test_chat_room_round_trip(tmp_path: Path) -> None:
    """Me and the bot join the room; my message and the bot's echo show in the list and
    travel as frames."""
    async with launch(SAMPLES / "chat", data_dir=tmp_path) as app:
        page = app.current_page()
        await page.wait_for(".msg.theirs")
        await page.wait_for(lambda: "botecho: 你好，大家好!" in
                            [e.text() for e in page.query_all(".messages .msg")])
        socket = next(f for f in app.network.flows if isinstance(f, SocketFlow))
        assert any("你好，大家好!" in fr.data.decode("utf-8", "replace") for fr in socket.frames)
        texts = [e.text() for e in page.query_all(".messages .msg")]
        assert "me你好，大家好!" in texts and "botecho: 你好，大家好!" in texts
        assert page.query(".msg.mine .text").text() == "你好，大家好!"
        assert page.query("input").value() == "你好，大家好!"
        assert any(isinstance(f, SocketFlow) for f in app.network.flows)


async def test_transfer_uploads_downloads_and_saves(tmp_path: Path) -> None:
    """The tour picks a picture, uploads and downloads it to 100% and saves a file."""
    async with launch(SAMPLES / "transfer", data_dir=tmp_path) as app:
        page = app.current_page()
        assert page.query(".step").text() == "done"
        assert [p.attribute("percent") for p in page.query_all("progress")] == [100, 100]
        assert page.query(".file").text().endswith("(1048576 bytes)")
        assert {f.api for f in app.network.flows if isinstance(f, TransferFlow)} == {
            "uploadFile", "downloadFile"}


async def test_chat_type_send_and_see_the_echo(tmp_path: Path) -> None:
    """Typed into the composer and sent: the frame goes out, the bot's echo comes back
    as a frame and shows in the list (the sample leaves the room after the first echo:
    closeSocket is mocked away so the room stays open)."""
    async with launch(SAMPLES / "chat", data_dir=tmp_path,
                      mocks={"closeSocket": {"errMsg": "closeSocket:ok"}}) as app:
        page = app.current_page()
        await page.wait_for(lambda: "botecho: 你好，大家好!" in
                            [e.text() for e in page.query_all(".messages .msg")])
        await page.query(".draft").input("second message")
        await page.query(".send").tap()
        await page.wait_for(lambda: "botecho: second message" in
                            [e.text() for e in page.query_all(".messages .msg")])
        me = next(f for f in app.network.flows if isinstance(f, SocketFlow))
        sent = [fr.data.decode("utf-8", "replace") for fr in me.frames]
        assert any("second message" in text for text in sent)
