"""Peer-feedback exercises, pure: an intervision method's phases run by a group, as decisions.

Storage reads a snapshot (a :class:`validation.Round`), asks one function, and writes what it
returns; a :class:`outcomes.Refused` means nothing is saved. No I/O, no clock (``now`` is a
parameter), no framework. Everything about a method comes from its catalogue data
(``MethodSpec``), possibly adapted by the course (``adaptation``); nothing is written twice.

- ``outcomes``: :class:`Allowed` / :class:`Refused` (reason enum + message), :class:`Actor`.
- ``settings``: mode, group source, anonymity, instructor case access, retention, grading;
  ``check_settings``.
- ``adaptation``: a course's versioned copy of a method (minutes, prompts, skipped phases).
- ``roles``: case-bringer, moderator, consultants, optional duties, checked against the method.
- ``phases``: ``may_post`` (who posts which type in which phase, from the data), the live
  ``RunState`` and ``advance``, async ``Schedule`` and ``current_phase``, time left.
- ``validation``: ``check_post``: round, phase rules, text limits, checklist, reaction targets.
- ``visibility``: ``sight`` of each post for each viewer; pseudonyms and display names.
- ``moderation``: flag, hide, restore, withdraw the case (logged actions).
- ``retention``: the purge date and what a purge blanks.
- ``completion``: who completed, for the AGS completion grade.
- ``process``: the instructor's dashboard counts (participation, questions before advice,
  helpfulness received, reflections, groups at risk).
- ``ground_rules``: the versioned pledge, accepted before first access, re-asked on change.

Invariants (each has a test): the case-bringer never posts in a silent phase (research
invariant 4); a refusal is a value, and storage saves nothing then; completion and retention
read posts' metadata (:class:`validation.Posted`), which carries no text, so no grade can
contain case content.
"""
