"""arrears: an open-source collections platform (催收管理系统).

The package is layered (see ARCHITECTURE.md): ``kit`` and ``errors`` at the
bottom, the pure ``core`` above them, policy, then ``store`` (the only user of
SQL), the application modules, and the entry points ``cli``, ``web`` and ``sim``.
"""

__version__ = "0.1.0"
