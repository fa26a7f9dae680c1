"""Rule functions that raise fail these tests instead of being skipped."""

import os

os.environ.setdefault("REWRAX_STRICT_RULES", "1")
