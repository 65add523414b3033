"""reportgen: department progress workbooks → livelihood-project bulletins.

The pipeline, one module per stage: `read` → `merge` (with validation rules)
→ `render`; `build` runs them all. `history` puts every period in one
pandas table. Scripts import from here.
"""

__version__ = "0.1.0"

from .build import BuildResult, build  # noqa: E402
from .history import History, history  # noqa: E402  (pandas is imported when history() runs, not here)
from .merge import merge  # noqa: E402
from .read import read_workspace  # noqa: E402

__all__ = ["build", "BuildResult", "history", "History", "merge", "read_workspace", "__version__"]
