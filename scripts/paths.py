"""Where the project lives: the dbt project folder the tools read and write.

A checkout (or an editable install, `make install`) finds it next to this
package; an installed copy (`pip install .`) takes $DBT_PROJECT_DIR, else the
nearest folder from the current directory upwards that holds dbt_project.yml.
"""

from __future__ import annotations

import os
from pathlib import Path


def find_root() -> Path:
    """The project folder: the one holding dbt_project.yml."""
    here = Path(__file__).resolve().parent.parent
    if (here / "dbt_project.yml").is_file():
        return here
    configured = os.environ.get("DBT_PROJECT_DIR")
    if configured:
        return Path(configured).resolve()
    cwd = Path.cwd().resolve()
    return next((d for d in (cwd, *cwd.parents) if (d / "dbt_project.yml").is_file()), cwd)


ROOT = find_root()
