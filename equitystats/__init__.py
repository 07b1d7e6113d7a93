"""equitystats: equity measurement for health care improvement.

A pure analytics library (numpy, scipy, DuckDB) with no dependency on the web application.
One module per idea: ``spc`` and ``runs`` (control and run charts), ``disparity``, ``gaps``,
``stratify``, ``standards``, ``quality``, ``suppress``, ``ageadjust`` and ``synth``.
Every function returns frozen dataclasses and never mutates its input.
"""

from equitystats.errors import InputError

__all__ = ["InputError"]
__version__ = "0.1.0"
