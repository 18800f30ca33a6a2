"""JUnit XML of a step script's run: what CI systems (GitLab, Jenkins, GitHub test
reporters) read. One ``<testsuite>``, one ``<testcase>`` per step; a failed step has a
``<failure>`` (message: the summary; text: expected and seen), a skipped or not-run one a
``<skipped>``; the app's console is the suite's ``<system-out>``. The schema is the one
those tools share (Ant's junit task, as documented by the junit-xml readers)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from emulator.automation.steps import FAILED, NOT_RUN, SKIPPED, StepResult

# What XML 1.0 cannot hold (control characters, lone surrogates an app may print).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def junit_xml(suite: str, results: list[StepResult], seconds: float,
              console: list[str] | None = None) -> ET.ElementTree:
    """The XML tree; ``suite`` names the suite (the script's file name)."""
    root = ET.Element("testsuites")
    failures = sum(r.status == FAILED for r in results)
    skipped = sum(r.status in (SKIPPED, NOT_RUN) for r in results)
    node = ET.SubElement(root, "testsuite", {
        "name": suite, "tests": str(len(results)), "failures": str(failures),
        "errors": "0", "skipped": str(skipped), "time": f"{seconds:.3f}"})
    for r in results:
        case = ET.SubElement(node, "testcase", {
            "classname": suite, "name": _x(f"step {r.step.index}: {r.step.label}"),
            "time": f"{r.seconds:.3f}"})
        if r.status == FAILED:
            failure = ET.SubElement(case, "failure", {"message": _x(r.message),
                                                      "type": "StepFailed"})
            failure.text = _x(f"expected: {r.expected}\nseen: {r.seen}")
        elif r.status in (SKIPPED, NOT_RUN):
            ET.SubElement(case, "skipped", {"message": _x(r.message)})
    if console:
        ET.SubElement(node, "system-out").text = _x("\n".join(console))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path: Path, suite: str, results: list[StepResult], seconds: float,
                console: list[str] | None = None) -> Path:
    """Write the XML (UTF-8, with a declaration); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    junit_xml(suite, results, seconds, console).write(path, encoding="utf-8",
                                                       xml_declaration=True)
    return path
