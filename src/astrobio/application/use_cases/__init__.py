"""Use cases: one class per verb, ports in ``__init__``, one public ``execute`` method."""
