def test_path_to_production_diagram_names_every_step():
    import matplotlib

    matplotlib.use("Agg")
    from deploydl.deploy.diagram import STEPS, path_to_production

    fig = path_to_production()
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {name for name, _ in STEPS} <= texts
    assert "two automated gates" in fig.axes[0].get_title(loc="left")
    # The gates step names what the two gates measure (run_gates: AUC and fairness).
    assert "AUC" in dict(STEPS)["Gates"] and "fairness" in dict(STEPS)["Gates"]


def test_path_to_production_shows_the_fairness_review_between_gates_and_image():
    """The lesson's workflow runs test, gates, fairness_review, build, promote, and the
    production model shipped through the review: the diagram shows it, and the title counts
    the steps with and without it."""
    import matplotlib

    matplotlib.use("Agg")
    from deploydl.deploy.diagram import CONDITIONAL, STEPS, path_to_production

    names = [name for name, _ in STEPS]
    review = names.index("Fairness\nreview")
    assert names[review - 1] == "Gates" and names[review + 1] == "Image"
    assert "too close to call" in dict(STEPS)["Fairness\nreview"]
    assert {"Fairness\nreview"} == CONDITIONAL
    fig = path_to_production()
    title = fig.axes[0].get_title(loc="left")
    assert title.startswith("Six steps from a notebook to production, seven when fairness")
    boxed = {t.get_text(): t.get_bbox_patch() for t in fig.axes[0].texts
             if t.get_bbox_patch() is not None}
    assert boxed["Fairness\nreview"].get_linestyle() == "--", "drawn as a step that may run"
