"""zujuan — exam paper assembler for 全媒体运营师 (4-13-01-05).

The pipeline: standard → blueprint → bank → assemble → render → review; everything the CLI does
is one of these calls:

    from assembler import load_standard, build_blueprint, load_bank, assemble_forms
    std = load_standard()
    bp = build_blueprint(std, "四级", "创意策划", "理论")
    forms = assemble_forms(load_bank(), bp, n_forms=2, seed=42)

Names are imported on first use, so the command line starts quickly. The main job (forms plus
Word files written to a folder, recorded in the ledger) is `assembler.generate.generate(
GenerateRequest(...))` (the function is not re-exported: its name is its module's, which Python
binds on the package once the module is imported); `assemble_request` builds the same in memory
without writing anything.
"""
from importlib import import_module

_EXPORTS = {
    "AssemblerError": "errors", "DataError": "errors", "InfeasibleError": "errors", "InputError": "errors",
    "OutputError": "errors", "Problem": "errors",
    "Kind": "standard", "Standard": "standard", "load_standard": "standard",
    "Blueprint": "blueprint", "build_blueprint": "blueprint",
    "Bank": "bank", "Item": "bank", "Task": "bank", "load_bank": "bank", "read_bank": "bank",
    "Form": "form", "load_manifest": "form",
    "AssemblyOptions": "assemble", "assemble_forms": "assemble",
    "render_form_documents": "render",
    "load_forms": "review", "review_forms": "review", "Verdict": "review",
    "GenerateRequest": "generate", "GenerateResult": "generate", "assemble_request": "generate",
    "load_session": "batch", "run_batch": "batch",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'assembler' has no attribute {name!r}")
