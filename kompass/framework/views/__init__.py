"""Pages of the Kommune's Orientierungsrahmen, by area: the tree and its fields (`tree.py`), changing
fields and criteria (`edit.py`), the catalogue update (`updates.py`), the measure templates
(`measures.py`)."""
