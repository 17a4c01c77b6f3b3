"""Moderation: what the host may never say, and what a viewer comment contains or attempts.

Pure rules (regular expressions over normalised text), English and Chinese, no model needed.
"""

from dialogue.moderation.comments import FLAGS, CommentSignals, scan_comment
from dialogue.moderation.output import RULES, Violation, check_output
from dialogue.moderation.pii import redact

__all__ = ["FLAGS", "RULES", "CommentSignals", "Violation", "check_output", "redact", "scan_comment"]
