"""The README's course map states each module's minutes; they must match the lessons' metadata."""

import re

from deploydl.curriculum import MODULES, course_map


def test_readme_course_map_minutes_match_the_lessons(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    stated = {m: int(t) for m, t in re.findall(r"^\| (\d\d) [^|]+\|[^|]+\| (\d+) min \|$",
                                               readme, flags=re.MULTILINE)}
    assert set(stated) == {m.number for m in MODULES}
    assert stated == course_map(root)["minutes"].to_dict()
