"""``--format junit``: JUnit XML for GitLab and other CI test report viewers.

One ``<testsuite>`` per file with findings and one failing ``<testcase>`` per finding;
a clean run is a single passing test case, so CI shows a green check.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET


def render(report, **_options) -> str:
    from novelforge.report import finding_line

    by_path: dict[str, list] = {}
    for d in report.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    root = ET.Element("testsuites", name="novelforge", tests=str(max(1, len(report.diagnostics))),
                      failures=str(len(report.diagnostics)), errors="0")
    if not by_path:
        suite = ET.SubElement(root, "testsuite", name="novelforge", tests="1", failures="0", errors="0", skipped="0")
        ET.SubElement(suite, "testcase", name="check", classname="novelforge")
    for path in sorted(by_path):
        diags = by_path[path]
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(diags)), failures=str(len(diags)),
                              errors="0", skipped="0")
        for d in diags:
            case = ET.SubElement(suite, "testcase", name=f"{d.code} {d.name}", classname=path,
                                 file=path, line=str(d.line))
            fail = ET.SubElement(case, "failure", message=d.message, type=d.severity.value)
            text = finding_line(d)
            if d.help:
                text += f"\nhelp: {d.help}"
            fail.text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
