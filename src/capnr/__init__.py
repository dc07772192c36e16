"""Cap NR: run a Numérique Responsable programme, alone or in a coached cohort."""

__version__ = "0.1.0"
