"""The README: its answer is the committed report's, its links resolve, its commands are CI's;
and the examples of the README and docs/ print what they show.

The answer (between the ``answer:begin`` and ``answer:end`` comments) is copied from
``reports/default/index.md``: some points of its Conclusion section (its first, the answer,
always) with a link to the rest, then the verdict matrix's legend and some of its rows, links
made relative to the repository root. After regenerating the report, refresh the copy with
``python tests/test_readme.py`` (it keeps the points and rows the README has chosen: a point
by its first words, a row by its scenario and claim).
"""

import re
import shlex
from pathlib import Path

import pytest

from hoverify.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
REPORT = ROOT / "reports" / "default" / "index.md"
REPORT_LINK = REPORT.relative_to(ROOT).as_posix()
BEGIN = re.compile(r"^<!-- answer:begin.*-->$", re.M)
END = "<!-- answer:end -->"
LINK = re.compile(r"\]\(([^)\s]+)\)")


def section(markdown: str, title: str) -> str:
    """The body of the ``## title`` section, without its heading."""
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    assert found, f"no section '## {title}'"
    return found.group(1).strip("\n")


def from_root(markdown: str) -> str:
    """Links of the report's index, rewritten relative to the repository root."""
    def rewrite(link: re.Match[str]) -> str:
        target = link.group(1)
        if re.match(r"[a-z]+:", target):
            return link.group(0)
        folder = REPORT.parent.relative_to(ROOT).as_posix()
        return f"]({folder}/{'index.md' if target.startswith('#') else ''}{target})"
    return LINK.sub(rewrite, markdown)


def table(markdown: str) -> tuple[str, dict[tuple[str, str], str]]:
    """The header lines of a verdict matrix, and each row by (scenario, claim); a row with an
    empty scenario cell continues the scenario above it."""
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    rows: dict[tuple[str, str], str] = {}
    scenario = ""
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        scenario = cells[0] or scenario
        rows[scenario, cells[1]] = " | ".join(cells[2:])
    return "\n".join(lines[:2]), rows


POINT_WORDS = 6  # a point of the conclusion is chosen by its first words


def points(markdown: str) -> dict[str, list[str]]:
    """The points (``- `` lines) of a conclusion, by their first ``POINT_WORDS`` words."""
    found: dict[str, list[str]] = {}
    for line in markdown.splitlines():
        if line.startswith("- "):
            found.setdefault(" ".join(line[2:].split()[:POINT_WORDS]), []).append(line)
    return found


def conclusion(report: str, chosen: list[str]) -> str:
    """The report's conclusion as the README gives it: its introduction, its first point (the
    answer) and the points ``chosen`` (by their first words, each of one point: helper-219,
    a key chose the two points of one broken promise), in the report's order, then a link to
    the others."""
    whole = section(report, "Conclusion")
    found = points(whole)
    first = next(iter(found))
    wanted = [first, *(key for key in chosen if key != first)]
    unknown = [key for key in wanted if key not in found]
    assert not unknown, f"README points not in the report: {unknown}"
    shared = {key: found[key] for key in wanted if len(found[key]) > 1}
    assert not shared, f"README keys that choose more than one point: {shared}"
    kept = [line for key in found if key in wanted for line in found[key]]
    rest = sum(map(len, found.values())) - len(kept)
    intro = [line for line in whole.splitlines() if line and not line.startswith("- ")]
    more = f"{rest} more points: [the report's conclusion]({REPORT_LINK}#conclusion)."
    return "\n".join([*intro, "", *kept, *(["", more] if rest else [])])


def readme_answer() -> str:
    text = README.read_text()
    begin = BEGIN.search(text)
    assert begin and END in text, f"README.md has no {BEGIN.pattern} ... {END} block"
    return text[begin.end():text.index(END)].strip("\n")


def expected_answer(answer: str) -> str:
    """The answer block as the committed report gives it, for the rows ``answer`` chose."""
    report = from_root(REPORT.read_text())
    matrix = section(report, "Verdict matrix")
    legend = "\n".join(line for line in matrix.splitlines() if not line.startswith("|")).strip()
    header, rows = table(matrix)
    _, chosen = table(answer)
    missing = [key for key in chosen if key not in rows]
    assert not missing, f"README matrix rows not in the report: {missing}"
    lines = [f"| {scenario} | {claim} | {rows[scenario, claim]} |" for scenario, claim in chosen]
    return "\n".join([conclusion(report, list(points(answer))), "", legend, "", header, *lines])


def test_the_answer_is_the_committed_report() -> None:
    answer = readme_answer()
    assert table(answer)[1], "the README's answer shows no row of the verdict matrix"
    assert answer == expected_answer(answer), (
        "README.md's answer differs from reports/default/index.md: run python tests/test_readme.py")


def test_the_readme_links_resolve() -> None:
    for target in LINK.findall(README.read_text()):
        if not re.match(r"[a-z]+:", target):
            path = target.split("#")[0]
            assert (ROOT / path).exists(), f"README.md links to {path}, which does not exist"




def test_the_readme_commands_are_what_ci_runs() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", section(README.read_text(), "Two commands"))
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert len(commands) == 2, "the README's 'Two commands' section has two sh blocks"
    install, tests = commands
    assert install.startswith("./install && ") and "./install test,docs,cluster" in ci
    assert tests.removeprefix(". .venv/bin/activate && ") in ci


PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]


IN_REPOSITORY = "# in the repository's folder\n"  # a block whose command reads its files


def examples() -> list[tuple[str, str, list[str]]]:
    """Each block of the README and docs/ that shows one ``$ hoverify ...`` command and what it
    prints: the page, the command (with the comment that it runs in the repository's folder,
    where it does) and the lines shown."""
    found = []
    pattern = rf"^```\n((?:{IN_REPOSITORY})?)\$ (hoverify .*?)\n```$"
    for page in PAGES:
        for where, block in re.findall(pattern, page.read_text(), re.S | re.M):
            command, *shown = block.split("\n")
            if not any(line.startswith("$ ") for line in shown) and ">" not in command:
                found.append((page.relative_to(ROOT).as_posix(), where + command, shown))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_points_at_the_projects_shared_folder(page: Path) -> None:
    assert "shared/" not in page.read_text(), "name the source; users have no shared/ folder"


def without_timing(line: str) -> str:
    # the workers' start is said from 0.5 s on: a busy machine's process pool may take it
    return re.sub(r"in [0-9.]+ s \([0-9]+ states/s(; [0-9.]+ s of it starting the workers)?\)",
                  "in T s (N states/s)", line)


@pytest.mark.parametrize(("page", "command", "shown"), examples(),
                         ids=[f"{page}: {command.removeprefix(IN_REPOSITORY)}"
                              for page, command, _ in examples()])
def test_the_examples_print_what_they_show(page: str, command: str, shown: list[str],
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The lines shown are printed, in that order and one after the other; only ``...``
    stands for lines left out (review22: the README's verify example dropped two lines
    unmarked). A command that reads the repository's files (helper-181: docs/claims.md's
    witness had drifted) runs there."""
    in_repository = command.startswith(IN_REPOSITORY)
    monkeypatch.chdir(ROOT if in_repository else tmp_path)
    main(shlex.split(command.removeprefix(IN_REPOSITORY))[1:])
    printed = [without_timing(line) for line in capsys.readouterr().out.splitlines()]
    at = 0
    for run in "\n".join(without_timing(line) for line in shown).split("\n...\n"):
        lines = run.removeprefix("...\n").removesuffix("\n...").split("\n")
        if lines == [""]:  # nothing shown
            continue
        found = next((i for i in range(at, len(printed) - len(lines) + 1)
                      if printed[i:i + len(lines)] == lines), None)
        assert found is not None, (f"{page}: `{command}` no longer prints, one after the "
                                   f"other (or `...` marks no line left out):\n{run}")
        at = found + len(lines)


def test_the_readme_has_three_examples() -> None:
    assert sum(page == "README.md" for page, _, _ in examples()) == 3


if __name__ == "__main__":
    text = README.read_text()
    begin = BEGIN.search(text)
    assert begin, "README.md has no answer block"
    end = text.index(END)
    answer = expected_answer(text[begin.end():end])
    README.write_text(f"{text[:begin.end()]}\n{answer}\n{text[end:]}")
