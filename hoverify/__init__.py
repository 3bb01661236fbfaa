"""hoverify: a verification harness for the key hierarchy of LTE handovers."""

__version__ = "0.1.0"
