import matplotlib.colors
import pytest

from deploydl.governance.lineage import Lineage, content_hash


def test_hash_changes_when_any_cell_changes(applicants):
    table = applicants.head(200)
    before = content_hash(table)
    for column in ("income", "email", "application_date", "default"):
        changed = table.copy()
        changed.loc[changed.index[57], column] = changed[column].iloc[3]
        assert content_hash(changed) != before, column


def test_hash_ignores_row_order_unless_the_data_is_ordered(applicants):
    table = applicants.head(200)
    shuffled = table.sample(frac=1.0, random_state=1)
    assert content_hash(shuffled) == content_hash(table)
    assert content_hash(shuffled.reset_index(drop=True)) == content_hash(table)
    assert content_hash(shuffled, ordered=True) != content_hash(table, ordered=True)
    assert content_hash(table, ordered=True) == content_hash(table.copy(), ordered=True)


def test_hash_counts_duplicated_rows(applicants):
    table = applicants.head(50)
    assert content_hash(table) != content_hash(table.iloc[[*range(50), 0]])


def test_steps_record_hashes_params_and_code_version(applicants):
    lineage = Lineage(code_version="git:abc123")
    raw = lineage.register("raw", applicants)
    small = applicants.head(10)
    node = lineage.derive("sample", small, inputs=["raw"], step="head", params={"n": 10})
    step = lineage.steps[0]
    assert step.inputs == (("raw", raw.version),)
    assert step.output == ("sample", content_hash(small)) and node.rows == 10
    assert step.params == {"n": 10} and step.code_version == "git:abc123"
    assert lineage.table().loc[0, "output"] == f"sample@{node.version[:12]}"


def test_descendants_follow_the_graph(applicants):
    lineage = Lineage()
    lineage.register("a", applicants.head(5))
    lineage.derive("b", applicants.head(4), inputs=["a"], step="s")
    lineage.derive("c", applicants.head(3), inputs=["b"], step="s")
    lineage.register("x", applicants.head(2))
    lineage.register_model("m", version="1", inputs=["c", "x"])
    assert lineage.descendants("a") == ["b", "c", "m"]
    assert lineage.descendants("x") == ["m"] and lineage.descendants("m") == []
    assert lineage.kind("m") == "model" and lineage.depth()["m"] == 3
    with pytest.raises(KeyError, match="'nope' is not in the lineage"):
        lineage.descendants("nope")
    with pytest.raises(KeyError, match=r"inputs \['ghost'\] are not registered"):
        lineage.derive("d", applicants, inputs=["ghost"], step="s")


def test_draw_returns_a_figure_with_every_node(applicants):
    import matplotlib.pyplot as plt

    lineage = Lineage()
    lineage.register("a", applicants.head(5))
    lineage.derive("b", applicants.head(4), inputs=["a"], step="s")
    fig = lineage.draw(title="Two datasets", highlight="a")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("a\n#") for t in texts) and any(t.startswith("b\n") for t in texts)
    plt.close(fig)


def test_draw_is_tight_around_the_boxes_and_labels_them_readably(applicants):
    """A slide shows the diagram at 0.8 of its own size or more: its labels need 15 pt, and the
    figure no empty band (2.6 inches a column, 1.2 a row)."""
    import matplotlib.pyplot as plt

    lineage = Lineage()
    lineage.register("a", applicants.head(5))
    for name, parent in (("b", "a"), ("c", "b"), ("d", "b"), ("e", "c")):
        lineage.derive(name, applicants.head(3), inputs=[parent], step="s")
    fig = lineage.draw(title="Four columns, two rows", highlight="a")
    labels = [t for t in fig.axes[0].texts if t.get_text()]  # the arrows are empty texts
    assert len(labels) == 5 and all(t.get_fontsize() >= 15 for t in labels)
    assert tuple(fig.get_size_inches()) == pytest.approx((2.6 * 4 + 0.4, 1.2 * 2 + 1.4))
    plt.close(fig)


def test_registry_and_lineage_give_one_hash_for_one_table():
    from deploydl.data import make_applicants
    from deploydl.governance.lineage import content_hash
    from deploydl.registry import data_hash

    table = make_applicants(50, seed=3)
    assert data_hash(table) == content_hash(table)


def test_draw_colours_each_box_by_what_the_erasure_did(applicants):
    import matplotlib.pyplot as plt

    from deploydl.governance.lineage import ERASURE_FATES
    from deploydl.governance.privacy import ErasureReport

    lineage = Lineage()
    lineage.register("raw_rows", applicants.head(5))
    lineage.derive("clean_rows", applicants.head(4), inputs=["raw_rows"], step="s")
    lineage.derive("features", applicants.head(3), inputs=["clean_rows"], step="s")
    lineage.derive("other", applicants.head(2), inputs=["raw_rows"], step="s")
    erasure = ErasureReport(rows_removed={"clean_rows": 1}, datasets_to_rebuild=["features"],
                            models_to_retrain=[], rows_kept={"raw_rows": 1})
    fig = lineage.draw(title="One erasure", erasure=erasure)
    ax = fig.axes[0]
    fills = {t.get_text(): matplotlib.colors.to_hex(t.get_bbox_patch().get_facecolor())
             for t in ax.texts if t.get_text()}
    assert fills == {"raw rows\nkept by law": ERASURE_FATES["kept"][0].lower(),
                     "clean rows\nrow deleted": ERASURE_FATES["deleted"][0].lower(),
                     "features\nrebuild": ERASURE_FATES["rebuild"][0].lower(),
                     "other\nuntouched": ERASURE_FATES["untouched"][0].lower()}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "kept by law", "row deleted", "to rebuild", "untouched"]
    plt.close(fig)


def test_a_highlighted_change_is_coloured_apart_from_what_it_affects(applicants):
    import matplotlib.pyplot as plt

    from deploydl.governance.lineage import AFFECTED, CHANGED

    lineage = Lineage()
    lineage.register("a", applicants.head(5))
    lineage.derive("b", applicants.head(4), inputs=["a"], step="s")
    lineage.derive("c", applicants.head(3), inputs=["b"], step="s")
    fig = lineage.draw(title="A change to b reaches 1 downstream item", highlight="b")
    ax = fig.axes[0]
    fills = {t.get_text().split("\n")[0]: matplotlib.colors.to_hex(t.get_bbox_patch()
                                                                   .get_facecolor())
             for t in ax.texts if t.get_text()}
    assert len(set(fills.values())) == 3, "source, changed and affected each have a colour"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "unchanged dataset (#content hash)", CHANGED, AFFECTED]
    plt.close(fig)


def test_an_erasure_colours_a_dataset_deleted_from_and_rebuilt_in_both_counts(applicants):
    """The title counts datasets the row was deleted from and datasets to rebuild: the colour
    key must give both counts, with a long title broken rather than cut off."""
    import matplotlib.pyplot as plt
    import matplotlib.text

    from deploydl.governance.lineage import ERASURE_FATES
    from deploydl.governance.privacy import ErasureReport

    lineage = Lineage()
    lineage.register("raw_rows", applicants.head(5))
    lineage.derive("clean_rows", applicants.head(4), inputs=["raw_rows"], step="s")
    lineage.derive("features", applicants.head(3), inputs=["clean_rows"], step="s")
    lineage.derive("summary", applicants.head(2), inputs=["clean_rows"], step="s")
    erasure = ErasureReport(rows_removed={"clean_rows": 1, "features": 1},
                            datasets_to_rebuild=["features", "summary"], models_to_retrain=[],
                            rows_kept={"raw_rows": 1})
    title = ("One erasure: deleted from 2 datasets, kept in 1 by law, 2 to rebuild, and a title "
             "long enough to run past the edge")
    fig = lineage.draw(title=title, erasure=erasure)
    ax = fig.axes[0]
    to_hex = matplotlib.colors.to_hex
    entry = {to_hex(fill): name for fill, name in ERASURE_FATES.values()}
    boxes = [entry[to_hex(t.get_bbox_patch().get_facecolor())] for t in ax.texts if t.get_text()]
    assert sum("row deleted" in name for name in boxes) == 2
    assert sum("to rebuild" in name for name in boxes) == 2
    assert "row deleted and to rebuild" in [t.get_text() for t in ax.get_legend().get_texts()]
    fig.canvas.draw()
    title_box = next(t for t in ax.get_children() if isinstance(t, matplotlib.text.Text)
                     and t.get_text().replace("\n", " ") == title).get_window_extent()
    assert title_box.x0 >= 0 and title_box.x1 <= fig.bbox.width, "the title is not cut off"
    plt.close(fig)


def test_the_lineage_in_words_says_each_steps_parameters_in_plain_words(applicants):
    from deploydl.data import FEATURES
    from deploydl.governance.northbridge import build_platform

    platform = build_platform(applicants, suppress=["NB-000042"])
    shown = platform.lineage.table_in_words().set_index("step")
    assert shown.loc["clean", "parameters"] == (
        "drop duplicate applicant_id; drop rows without income; "
        "leave out 1 erased person (suppression list)")
    assert shown.loc["pseudonymise", "parameters"] == "pseudonymise applicant_id (HMAC-SHA256)"
    assert shown.loc["extract", "parameters"] == "columns applicant_id, name, email, region"
    assert shown.loc["aggregate", "parameters"] == "by region"
    assert shown.loc["train", "parameters"] == f"{len(FEATURES)} features"
    plain = platform.lineage.table().set_index("step")
    assert list(shown["output"]) == list(plain["output"])  # the hashes stay
    assert plain.loc["aggregate", "params"] == {"by": "region"}  # the record is unchanged


def test_a_parameter_without_a_phrase_reads_name_and_value(applicants):
    from deploydl.governance.lineage import params_in_words

    lineage = Lineage(code_version="test")
    lineage.register("raw", applicants)
    lineage.derive("sample", applicants.head(10), inputs=["raw"], step="head", params={"n": 10})
    lineage.derive("all", applicants, inputs=["raw"], step="copy")
    assert [params_in_words(s) for s in lineage.steps] == ["n: 10", "none"]
