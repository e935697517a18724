"""The raw-data contract: vocabularies with a label each, column lists, id and file-name patterns."""

from analysis.data import contract


def test_every_vocabulary_value_has_its_label():
    assert set(contract.KIND_LABELS) == set(contract.RELATIONSHIP_KINDS)
    assert set(contract.TOPIC_LABELS) == set(contract.TOPICS)
    assert set(contract.REGIONS) < set(contract.REGION_LABELS)
    assert set(contract.EVENT_KIND_LABELS) == set(contract.EVENT_KINDS)
    assert set(contract.LEADER_RANK_LABELS) == set(contract.LEADER_RANKS)
    assert set(contract.STATUS_LABELS) == set(contract.STATUSES)
    assert set(contract.COOPERATION_KINDS) < set(contract.EVENT_KINDS)


def test_column_lists_follow_the_rules():
    assert contract.EVENT_COLUMNS == [rule.name for rule in contract.TABLES["events"]]
    assert contract.RELATIONSHIP_COLUMNS[:3] == ["relationship_id", "city_a", "city_b"]
    assert "source" not in contract.CITY_COLUMNS and contract.CITY_COLUMNS[0] == "city_id"
    # the loaded events keep every raw column, with the date parsed into parts and the row's origin
    assert set(contract.EVENT_COLUMNS) < set(contract.LOADED_EVENT_COLUMNS)
    assert set(contract.LOADED_EVENT_COLUMNS) - set(contract.EVENT_COLUMNS) == {"date_precision", "year", "month", "file", "line"}


def test_id_and_file_patterns():
    assert all(contract.CITY_ID.match(i) for i in ("CN-511900", "DE-2938991", "CN-X-TIANFU", "cn-511900"))
    assert not any(contract.CITY_ID.match(i) for i in ("511900", "巴中市", "CN-"))
    assert contract.EVENT_FILE.match("2023") and not contract.EVENT_FILE.match("2023-extra")
    assert contract.LIST_SEPARATOR.split("a;b；c") == ["a", "b", "c"]
