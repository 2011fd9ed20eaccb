"""Manipulation: seeded attack injectors A1–A12 and the labels of what they add.

:func:`inject` adds one attack (:data:`ATTACKS`) to a data set and returns an
:class:`Injection`: the attacked data set, validated like any input, and labels of every
account, follow link and event the attack added. See :mod:`influence_graph.attacks.inject`
for the catalogue, the first-order effect of each attack and the link-farm formula.

Examples
--------
>>> from influence_graph.attacks import ATTACKS
>>> len(ATTACKS), ATTACKS[0], ATTACKS[-1]
(12, 'fake_followers', 'backdated_events')
"""

from __future__ import annotations

from .inject import ATTACK_IDS, ATTACKS, Injection, inject

__all__ = ["inject", "Injection", "ATTACKS", "ATTACK_IDS"]
