"""The uplink NAS COUNT of TS 33.401 A.3 at values other than 0 (helper-217's mutation run).

Every other test runs with COUNT 0, whose 4 octets read the same in either byte order: an A.3
derivation record written little-endian survived them all, and gave the key graph an input
the KeNB was never derived from.
"""

from __future__ import annotations

import pytest
from hoverify.statemachines.scenario import parse_hops, run_scenario
from hoverify.statemachines.variants import BUILT_IN, load
from spec_kdf import kdf

NAS_COUNTS = [0x000001, 0x0A0B0C, 0xFFFFFF]  # TS 24.301 4.4.3.1: 24 bits


@pytest.mark.parametrize("ul_nas_count", NAS_COUNTS)
@pytest.mark.parametrize("name", BUILT_IN)
def test_a3_takes_and_records_the_nas_count_big_endian(name: str, ul_nas_count: int) -> None:
    """TS 33.401 A.3: "FC = 0x11, P0 = Uplink NAS COUNT, L0 = length of uplink NAS COUNT
    (i.e. 0x00 0x04)", an integer written big-endian (handover-keys.md section 1). Both the
    KeNB the run starts on and every A.3 record the key graph is built from."""
    run = run_scenario(load(name), parse_hops("x2,s1"), ul_nas_count=ul_nas_count)
    count = ul_nas_count.to_bytes(4, "big")
    assert run.initial_kenb == kdf(run.kasme, 0x11, count)
    records = [r for step in run.system.steps for r in step.outcome.derivations
               if r.clause == "TS 33.401 A.3"]
    assert records, "no A.3 derivation recorded"
    for record in records:
        _kasme, fc, parameter = record.inputs
        assert (fc.value, parameter.name, parameter.value) == (
            b"\x11", "uplink NAS COUNT", count), record
        assert record.output == kdf(run.kasme, 0x11, count), record
