"""Topics: who is passionate about what, how far their content on it moves, and matching.

The stage after the graphs for topic questions: :mod:`.assign` (which topics each
event is about), :mod:`.passion` (empirical-Bayes share of a user's posts),
:mod:`.topical` (observed engagement and expected spread under topic-specific
probabilities), :mod:`.profile` (the (user, topic) table), :mod:`.match` (the
users to approach about a topic, and the engagement baseline) and :mod:`.campaign`
(the best set of k together).
"""

from __future__ import annotations

from .campaign import Campaign, select_campaign
from .match import MATCH_METHODS, match_topic
from .profile import PROFILE_COLUMNS, topic_profile

__all__ = ["topic_profile", "match_topic", "select_campaign", "Campaign", "PROFILE_COLUMNS",
           "MATCH_METHODS"]
