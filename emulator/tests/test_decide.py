"""The pure alarm decision: TreatMissingData, M out of N, comparison operators, statistics."""

import pytest
from annex_moto.alarms import ALARM, INSUFFICIENT_DATA, OK, decide, percentile, statistic_of


@pytest.mark.parametrize(
    ("values", "treat", "m", "expected"),
    [
        ([None, None, None], "missing", 3, INSUFFICIENT_DATA),
        ([None, None, None], "ignore", 3, None),
        ([None, None, None], "breaching", 3, ALARM),
        ([None, None, None], "notBreaching", 3, OK),
        ([None, 0.0, None], "breaching", 3, ALARM),
        ([None, 1.0, None], "breaching", 3, OK),
        ([0.0, None, 0.0], "notBreaching", 3, OK),
        ([0.0, None, 0.0], "notBreaching", 2, ALARM),
        ([0.0, 1.0, 0.0], "missing", 2, ALARM),
        ([0.0, 1.0, 1.0], "missing", 2, OK),
        ([None, 0.0, None], "missing", 1, ALARM),
        ([None, 1.0, None], "ignore", 3, OK),
    ],
)
def test_missing_data_and_m_out_of_n(values, treat, m, expected):
    assert decide(values, "LessThanThreshold", 1.0, m, treat).state == expected


@pytest.mark.parametrize(
    ("operator", "value", "breaches"),
    [
        ("GreaterThanOrEqualToThreshold", 5.0, True),
        ("GreaterThanOrEqualToThreshold", 4.9, False),
        ("GreaterThanThreshold", 5.0, False),
        ("GreaterThanThreshold", 5.1, True),
        ("LessThanThreshold", 5.0, False),
        ("LessThanThreshold", 4.9, True),
        ("LessThanOrEqualToThreshold", 5.0, True),
        ("LessThanOrEqualToThreshold", 5.1, False),
    ],
)
def test_comparison_operators(operator, value, breaches):
    decision = decide([value], operator, 5.0, 1, "missing")
    assert decision.state == (ALARM if breaches else OK)


def test_unknown_operator_is_an_error_not_a_state():
    with pytest.raises(ValueError, match="LessThanLowerOrGreaterThanUpperThreshold"):
        decide([1.0], "LessThanLowerOrGreaterThanUpperThreshold", 1.0, 1, "missing")


def test_datapoints_to_alarm_is_clamped_to_the_window():
    assert decide([0.0, 0.0], "LessThanThreshold", 1.0, 5, "missing").state == ALARM
    assert decide([0.0, 0.0], "LessThanThreshold", 1.0, 0, "missing").state == ALARM


def test_reasons_read_like_cloudwatch():
    assert decide([None, None, None], "LessThanThreshold", 1.0, 3, "breaching").reason == (
        "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints "
        "were treated as [Breaching]."
    )
    reason = decide([0.0, 0.0, 0.0], "LessThanThreshold", 1.0, 3, "missing").reason
    assert reason.startswith("Threshold Crossed: 3 out of the last 3 datapoints [0.0, 0.0, 0.0] were less than")


class Datum:
    def __init__(self, value):
        self.value = value


def test_statistics_over_single_values():
    data = [Datum(v) for v in (1.0, 3.0, 8.0)]
    assert statistic_of(data, "Maximum", None) == 8.0
    assert statistic_of(data, "Minimum", None) == 1.0
    assert statistic_of(data, "Sum", None) == 12.0
    assert statistic_of(data, "SampleCount", None) == 3.0
    assert statistic_of(data, "Average", None) == 4.0
    assert statistic_of([], "Maximum", None) is None


def test_percentiles_use_the_nearest_rank():
    assert percentile([float(v) for v in range(1, 101)], 90) == 90.0
    assert percentile([5.0], 99.9) == 5.0
    assert percentile([], 50) is None
    assert statistic_of([Datum(v) for v in (1.0, 2.0, 3.0, 4.0)], None, "p50") == 2.0
