"""model35: the UE identities an eNB allocates (TS 36.413 9.2.3.4, TS 36.423 9.2.24)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hoverify.statemachines.enb import ENB_UE_S1AP_IDS, X2AP_IDS, EnbContext


@pytest.mark.parametrize(("allocate", "ids"), [
    # TS 36.413 9.2.3.4: eNB UE S1AP ID, INTEGER (0..2^24-1)
    (lambda next_id: (lambda c: (c.enb_ue_s1ap_id, c.next_enb_ue_s1ap_id))(
        EnbContext(1, next_enb_ue_s1ap_id=next_id).new_s1_association()), ENB_UE_S1AP_IDS),
    # TS 36.423 9.2.24: eNB UE X2AP ID, INTEGER (0..4095)
    (lambda next_id: (lambda c, x2ap_id: (x2ap_id, c.next_x2ap_id))(
        *EnbContext(1, next_x2ap_id=next_id).allocated_x2ap_id()), X2AP_IDS),
], ids=["eNB UE S1AP ID", "eNB UE X2AP ID"])
def test_an_enb_allocates_its_ue_ids_in_turn_within_the_ie_range(
        allocate: Callable[[int], tuple[int, int]], ids: int) -> None:
    assert ids in (1 << 24, 4096)
    assert allocate(7) == (7, 8)
    assert allocate(ids - 1) == (ids - 1, 0)  # the largest value, then the range wraps
