"""The fuzz target of a campaign (``hoverify.campaign``): explore's search as a test, for
``hypothesis fuzz`` (docs/exploration.md):

    HOVERIFY_FUZZ='--variant-file tests/broken_variants/bit_unprotected.py' \\
    HOVERIFY_DATABASE=/shared/hoverify-db HYPOTHESIS_PROFILE=fuzz \\
    hypothesis fuzz -n 2 -- tests/test_fuzz.py

It fails where ``hoverify explore`` with the same options exits 1. In the suite (profile
``ci``) it is a short derandomized search of ``HOVERIFY_FUZZ``'s campaign, by default
ts33401, which keeps its promises.
"""

from hoverify.campaign import campaign, fuzz_target

TestFuzz = fuzz_target(campaign())
