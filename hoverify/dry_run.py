"""The variant error the dry run of a variant file met (``hoverify.variant_file``), kept with
the variant it loaded: no bad input, but the finding ``variant-error`` of every command run on
that variant, whatever its own hops (``hoverify.runs.dry_run_finding``). A module of its own so
that a command on a built-in variant reads it without loading the variant-file loader."""

from __future__ import annotations

from dataclasses import dataclass

from hoverify.statemachines.entity import VariantError
from hoverify.statemachines.variant import KeySchedule


@dataclass(frozen=True)
class DryRunError:
    """The first variant error (a hook that raised) of the dry run of the file ``path``,
    loaded at ``bit_placement``, and each distinct one its other dry runs met (``more``)."""

    error: VariantError
    hops: str  # the dry run's, as ``--hops`` takes them (``hoverify.variant_file.DRY_RUNS``)
    path: str
    bit_placement: str | None
    more: tuple[tuple[VariantError, str], ...] = ()  # (error, hops), after the first


# where a loaded variant keeps it: on the instance, as the loader's stdout wrappers (``_quiet``)
_KEPT = "_hoverify_dry_run_error"


def keep_dry_run_error(variant: KeySchedule, found: DryRunError) -> None:
    object.__setattr__(variant, _KEPT, found)  # the variant is frozen


def dry_run_error(variant: KeySchedule) -> DryRunError | None:
    """The variant error the dry run of ``variant``'s file met (None: none, or a built-in)."""
    found = getattr(variant, _KEPT, None)
    return found if isinstance(found, DryRunError) else None
