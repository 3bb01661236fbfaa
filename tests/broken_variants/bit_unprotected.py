"""The seed's proposal with the notification bit in the RRC algorithm identifier, which the
source eNB writes under its own keys: a compromised source eNB downgrades the UE."""

from dataclasses import dataclass, field

from statemachines.variants.seed_fs import SeedFs


@dataclass(frozen=True)
class BitUnprotected(SeedFs):
    name: str = "broken-bit-unprotected"
    parameters: dict[str, str] = field(default_factory=lambda: {"bit_placement": "alg-id"})


VARIANT = BitUnprotected()
