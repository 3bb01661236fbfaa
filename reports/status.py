"""The status of a claim's verdict, as every page and ``hoverify check`` name it (their words:
``hoverify.reports.words``). Apart from the report's data, so that ``check`` reads the words
without loading the renderers' records."""

HOLDS = "holds"
BROKEN = "FAILS (promised)"
FAILS = "fails (not promised)"
NA = "n/a"
VACUOUS = "vacuous"  # promised, but its situation never arose: the "holds" would say nothing
# A variant hook (or the model) raised during the run: the run stopped there, no claim has a
# verdict; the cell links to the entry that names the hook, the exception and the step.
VARIANT_ERROR = "variant-error"
# What a command says of the finding variant-error, in place of a verdict: a crash is no
# claim's failure, promised or not (review22: explore and verify said "FAILS (promised)").
STOPPED = "the run stopped"
# ... and a variant error only the dry run of a variant file met, the command's own run
# having completed (review46: "the run stopped" followed a run that had not)
DRY_RUN_STOPPED = "the dry run stopped"


def judged(status: str) -> str:
    """The verdict a status gives, compared with another's: a vacuous cell has none either
    (the matrix says which)."""
    return NA if status == VACUOUS else status
