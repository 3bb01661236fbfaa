"""What ``pip install`` puts into site-packages: everything under the ``hoverify`` namespace.

The layers keep their top-level folders (``statemachines/``, ``properties/``, ``reports/``, as the
design card asks) but install as ``hoverify.statemachines``, ``hoverify.properties`` and
``hoverify.reports`` (``[tool.setuptools.package-dir]`` in pyproject.toml), so no generic name such
as ``properties`` (also a PyPI package) can clash with another distribution's.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_only_the_hoverify_namespace(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("hoverify-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    distribution, version = wheel.name.split("-")[:2]
    assert {name.split("/")[0] for name in names} == {"hoverify",
                                                      f"{distribution}-{version}.dist-info"}
    for layer in ("statemachines", "statemachines/variants", "properties", "reports"):
        assert f"hoverify/{layer}/__init__.py" in names
    # the shipped topologies are package data; the committed report is not code
    assert "hoverify/statemachines/topologies/default.toml" in names
    assert not [name for name in names if "/default/" in name]


def test_the_layers_import_only_under_hoverify(tmp_path: Path) -> None:
    """From outside the repository (no top-level folders on sys.path) the installed namespace
    resolves to the repository's folders, and the bare names do not import from it."""
    probe = ("import importlib.util, sys\n"
             "import hoverify.properties.claims, hoverify.reports.words, "
             "hoverify.statemachines.variants\n"
             "print(hoverify.properties.claims.__file__)\n"
             "for bare in ('statemachines', 'properties', 'reports'):\n"
             "    spec = importlib.util.find_spec(bare)\n"
             f"    origin = spec.origin if spec else ''\n"
             f"    assert not (origin or '').startswith({str(ROOT)!r}), bare\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, check=True)
    assert Path(done.stdout.strip()) == ROOT / "properties" / "claims.py"
