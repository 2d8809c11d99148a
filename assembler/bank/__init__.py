"""The tagged question bank: models, YAML and Excel formats, validation, stats."""
from .loader import DEFAULT_BANK, load_bank, read_bank
from .models import Bank, Item, Material, Origin, RubricRow, Status, Task

__all__ = ["DEFAULT_BANK", "load_bank", "read_bank", "Bank", "Item", "Material", "Origin", "RubricRow",
           "Status", "Task"]
