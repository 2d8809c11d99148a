"""zujuan — exam paper assembler for 全媒体运营师 (4-13-01-05).

The pipeline: standard → blueprint → bank → assemble → render → review.
"""
from .errors import AssemblerError, DataError, InfeasibleError, InputError, OutputError, Problem
from .standard import Kind, Standard, load_standard
from .blueprint import Blueprint, build_blueprint

__all__ = [
    "AssemblerError", "DataError", "InfeasibleError", "InputError", "OutputError", "Problem",
    "Kind", "Standard", "load_standard", "Blueprint", "build_blueprint",
]
