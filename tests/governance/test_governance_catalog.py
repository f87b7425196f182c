import json

import pytest

from deploydl.data import PII_COLUMNS
from deploydl.governance.catalog import CardError, Catalog, card_from_table, load_card
from deploydl.governance.northbridge import applicant_card


@pytest.fixture
def catalog(tmp_path, applicants):
    catalog = Catalog(tmp_path / "cards")
    catalog.add(applicant_card(applicants))
    catalog.add(card_from_table(
        applicants[["region", "income"]], name="region_summary", owner="Finance",
        purpose="Monthly board pack", source="derived from clean_applicants",
        lawful_basis="legitimate_interests", retention_days=365, sensitivity={}))
    return catalog


def test_cards_round_trip_list_and_search(catalog, applicants):
    cards = catalog.cards()
    assert [c.name for c in cards] == ["raw_applicants", "region_summary"]
    assert catalog.get("raw_applicants") == applicant_card(applicants)
    assert [c.name for c in catalog.search("board")] == ["region_summary"]
    assert [c.name for c in catalog.search("NATIONAL_ID")] == ["raw_applicants"]
    assert catalog.search("nothing like this") == []


def test_table_and_schema_render(catalog):
    table = catalog.table()
    assert list(table["dataset"]) == ["raw_applicants", "region_summary"]
    card = catalog.get("raw_applicants")
    personal, protected = card.columns_with("personal"), card.columns_with("protected")
    assert len(personal) >= len(PII_COLUMNS) and protected  # both classes in the count
    assert table.loc[0, "personal_data_columns"] == len(personal) + len(protected)
    schema = card.schema_table()
    assert schema.set_index("column").loc["email", "sensitivity"] == "personal"
    assert schema.set_index("column").loc["age_band", "sensitivity"] == "protected"
    assert "special" not in set(schema["sensitivity"])  # age is not GDPR Art. 9 data


def test_the_applicant_card_says_what_every_column_means(catalog, applicants):
    schema = catalog.get("raw_applicants").schema_table().set_index("column")
    assert list(schema.index) == list(applicants.columns)
    assert (schema["description"].str.len() > 0).all()
    assert "USD" in schema.loc["income", "description"]
    assert catalog.get("region_summary").schema_table()["description"].eq("").all()


def test_a_description_of_a_column_the_table_lacks_is_refused(applicants):
    with pytest.raises(CardError, match=r"descriptions name \['incme'\].*Check the spelling"):
        card_from_table(applicants[["income"]], name="x", owner="o", purpose="p", source="s",
                        lawful_basis="contract", retention_days=1, sensitivity={},
                        descriptions={"incme": "Annual income"})


def test_the_applicant_card_keeps_rows_as_long_as_the_law_makes_the_bank_keep_them(applicants):
    card = applicant_card(applicants)
    assert card.retention_days >= 5 * 365 + 1  # AMLD's 5 years, longer than Reg B's 25 months
    # ... counted from the end of the relationship (Art. 40(1)), not from the application
    assert card.retention_starts == "end of the customer relationship"
    assert list(Catalog(".").table([card])["retention_starts"]) == [card.retention_starts]


def test_assessing_and_training_are_separate_purposes_with_their_own_lawful_basis(applicants):
    from deploydl.governance.northbridge import training_card

    assessing, training = applicant_card(applicants), training_card(applicants)
    assert (assessing.lawful_basis, training.lawful_basis) == ("contract", "legitimate_interests")
    assert "train" not in assessing.purpose.lower() and "train" in training.purpose.lower()
    assert training.name == "model_features"
    assert training.columns_with("personal") == ["applicant_id"]  # the pseudonym only
    assert training.retention_starts == assessing.retention_starts


def test_a_card_without_a_retention_event_counts_from_collection(applicants):
    card = card_from_table(applicants[["income"]], name="x", owner="o", purpose="p",
                           source="s", lawful_basis="consent", retention_days=1,
                           sensitivity={})
    assert card.retention_starts == "collection"


def test_json_cards_are_read_too(catalog, applicants):
    path = catalog.folder / "copy.json"
    data = applicant_card(applicants).model_dump() | {"name": "copy_of_raw"}
    path.write_text(json.dumps(data))
    assert catalog.get("copy_of_raw").owner == "Credit Risk Data Team"


@pytest.mark.parametrize(("text", "message"), [
    ("name: x\nowner: [unclosed", "could not be read"),
    ("- just\n- a list", "holds a YAML list, not a mapping"),
    ("name: raw\nowner: me\npurpose: p\nsource: s\nlawful_basis: because\n"
     "retention_days: forever\ncolumns: {}", r"lawful_basis: .*'because'.*retention_days"),
    ("name: raw\nowner: me\npurpose: p\nsource: s\nlawful_basis: contract\n"
     "retention_days: 30\ncolumns: {email: {dtype: str, sensitivity: secret}}",
     r"columns.email.sensitivity.*'secret'"),
])
def test_malformed_card_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CardError, match=message) as info:
        load_card(path)
    assert "bad.yaml" in str(info.value)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("deep.json", "[" * 100_000, "nested too deeply"),
    ("deep.yaml", "[" * 100_000, "nested too deeply"),
    ("long.json", "1" * 5000, r"is not valid JSON \(a number in it has more than"),
    ("latin.json", b"\xe9t\xe9".decode("latin-1"), r"is not valid JSON \(it is not UTF-8"),
    ("list.json", "[1]", "holds a JSON list, not an object. A card is a flat mapping"),
])
def test_an_unparseable_card_is_a_clear_error(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text, encoding="latin-1")
    with pytest.raises(CardError, match=message) as info:
        load_card(path)
    assert name in str(info.value)


@pytest.mark.parametrize(("name", "kind"), [("list.json", "JSON"), ("list.yaml", "YAML")])
def test_a_card_of_the_wrong_type_gets_the_same_advice_not_a_syntax_hint(tmp_path, name,
                                                                         kind):
    """[1] is valid JSON and YAML: the file holds the wrong thing, its syntax is fine."""
    (tmp_path / name).write_text("[1]")
    with pytest.raises(CardError) as info:
        load_card(tmp_path / name)
    assert str(info.value) == (f"Dataset card {name} holds a {kind} list, not "
                               f"{'an object' if kind == 'JSON' else 'a mapping'}. A card is a "
                               "flat mapping of fields (name, owner, ...): fix the file.")


def test_missing_field_and_missing_card(tmp_path, catalog):
    (tmp_path / "c.yaml").write_text("name: raw\nowner: me\n")
    with pytest.raises(CardError, match=r"purpose: Field required"):
        load_card(tmp_path / "c.yaml")
    with pytest.raises(KeyError, match="No dataset card named 'ghost'"):
        catalog.get("ghost")


@pytest.mark.parametrize(("days", "words"), [
    (365, "1 year (365 days)"), (366, "1 year (366 days)"), (1826, "5 years (1,826 days)"),
    (1827, "5 years (1,827 days)"), (1461, "4 years (1,461 days)"),
    (1825, "1,825 days"),  # five calendar years always hold a leap day
    (1460, "1,460 days"), (400, "400 days"), (1, "1 day")])
def test_a_retention_period_reads_in_years_only_where_it_is_whole_calendar_years(days, words):
    from deploydl.governance.catalog import retention_in_words

    assert retention_in_words(days) == words


def test_the_catalog_in_words_shows_plain_words_but_the_cards_keep_their_codes(catalog):
    shown = catalog.table_in_words().set_index("dataset")
    assert shown.loc["raw_applicants", "lawful_basis"] == "contract"
    assert shown.loc["region_summary", "lawful_basis"] == "legitimate interests"
    assert list(shown["retention"]) == ["5 years (1,826 days)", "1 year (365 days)"]
    assert "retention_days" not in shown.columns
    assert catalog.get("region_summary").lawful_basis == "legitimate_interests"
    assert list(catalog.table()["retention_days"]) == [1826, 365]
