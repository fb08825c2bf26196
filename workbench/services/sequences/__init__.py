"""Sequences: named plans of touches, the people enrolled in them, their due steps and
what they achieve.

``templates`` (create, edit, copy, retire, delete), ``merge`` (email merge fields),
``enrol`` (enrol, pause, resume, skip, stop, complete a step), ``stops`` (the outcomes,
triage, conversion and won/lost that end enrolments — called by those services),
``due`` (the steps due now, for Today), ``status`` (an enrolment as a detail shows it).
This package imports no other capability: outreach, leads and pipeline call into it.
"""
