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
