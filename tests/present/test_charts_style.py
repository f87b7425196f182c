import matplotlib


def test_course_style_keeps_interactive_mode_switched_on_inside_it():
    """Jupyter's inline backend switches interactive mode on while the first figure is made;
    leaving the style block must not switch it off, or later figures are never shown."""
    from deploydl.present.charts import course_style

    before = matplotlib.is_interactive()
    try:
        matplotlib.interactive(False)
        with course_style():
            matplotlib.interactive(True)
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(before)
