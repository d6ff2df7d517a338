"""Alarm evaluation against the server: notifications, history, actions, the clock."""

import json
import time
from datetime import datetime, timedelta, timezone

from annex_moto.alarms import BackgroundEvaluator


def make_alarm(client, name, topic_arn=None, **overrides):
    params = {
        "AlarmName": name,
        "Namespace": "Test/Alarms",
        "MetricName": "Beat",
        "Dimensions": [{"Name": "Alarm", "Value": name}],
        "Statistic": "Maximum",
        "Period": 10,
        "EvaluationPeriods": 2,
        "Threshold": 1.0,
        "ComparisonOperator": "LessThanThreshold",
        "TreatMissingData": "breaching",
    }
    if topic_arn:
        params.update(AlarmActions=[topic_arn], OKActions=[topic_arn], InsufficientDataActions=[topic_arn])
    params.update(overrides)
    client("cloudwatch").put_metric_alarm(**params)


def beat(client, name, value=1.0, at=None):
    datum = {"MetricName": "Beat", "Dimensions": [{"Name": "Alarm", "Value": name}], "Value": value}
    if at is not None:
        datum["Timestamp"] = at
    client("cloudwatch").put_metric_data(Namespace="Test/Alarms", MetricData=[datum])


def state(client, name):
    return client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]


def topic_with_queue(client, name):
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, queue


def messages(client, queue):
    received = client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(json.loads(m["Body"])["Message"]) for m in received]


def test_transitions_publish_the_cloudwatch_notification(client, unique, evaluate):
    name = f"notify-{unique}"
    topic, queue = topic_with_queue(client, name)
    make_alarm(client, name, topic)
    beat(client, name)
    evaluate(0)
    assert state(client, name) == "OK"
    evaluate(25)  # both 10 s periods now empty → breaching
    assert state(client, name) == "ALARM"
    published = messages(client, queue)
    assert [m["NewStateValue"] for m in published] == ["OK", "ALARM"]
    alarm_message = published[1]
    assert alarm_message["OldStateValue"] == "OK"
    assert alarm_message["Region"] == "US East (N. Virginia)"
    assert alarm_message["AWSAccountId"] == "123456789012"
    assert alarm_message["Trigger"] == {
        "MetricName": "Beat",
        "Namespace": "Test/Alarms",
        "StatisticType": "Statistic",
        "Statistic": "MAXIMUM",
        "Unit": None,
        "Dimensions": [{"value": name, "name": "Alarm"}],
        "Period": 10,
        "EvaluationPeriods": 2,
        "DatapointsToAlarm": 2,
        "ComparisonOperator": "LessThanThreshold",
        "Threshold": 1.0,
        "TreatMissingData": "breaching",
        "EvaluateLowSampleCountPercentile": "",
    }
    assert "missing datapoints were treated as [Breaching]" in alarm_message["NewStateReason"]


def test_history_records_state_updates_and_actions(client, unique, evaluate):
    name = f"history-{unique}"
    topic, _queue = topic_with_queue(client, name)
    make_alarm(client, name, topic)
    evaluate(0)
    history = client("cloudwatch").describe_alarm_history(AlarmName=name)["AlarmHistoryItems"]
    kinds = [(h["HistoryItemType"], h["HistorySummary"]) for h in history]
    assert ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to ALARM") in kinds
    assert ("Action", f"Successfully executed action {topic}") in kinds
    assert ("ConfigurationUpdate", f'Alarm "{name}" created') in kinds
    update = next(h for h in history if h["HistoryItemType"] == "StateUpdate")
    data = json.loads(update["HistoryData"])
    assert data["oldState"]["stateValue"] == "INSUFFICIENT_DATA"
    assert data["newState"]["stateValue"] == "ALARM"
    only_updates = client("cloudwatch").describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate")
    assert len(only_updates["AlarmHistoryItems"]) == 1


def test_actions_disabled_publish_nothing(client, unique, evaluate):
    name = f"disabled-{unique}"
    topic, queue = topic_with_queue(client, name)
    make_alarm(client, name, topic, ActionsEnabled=False)
    evaluate(0)
    assert state(client, name) == "ALARM"
    assert messages(client, queue) == []


def test_set_alarm_state_publishes_once_per_transition(client, unique):
    name = f"set-{unique}"
    topic, queue = topic_with_queue(client, name)
    make_alarm(client, name, topic)
    cloudwatch = client("cloudwatch")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test again")
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="back")
    assert [(m["OldStateValue"], m["NewStateValue"]) for m in messages(client, queue)] == [
        ("INSUFFICIENT_DATA", "ALARM"),
        ("ALARM", "OK"),
    ]


def test_put_metric_alarm_on_an_existing_alarm_keeps_state(client, unique):
    name = f"update-{unique}"
    make_alarm(client, name)
    client("cloudwatch").set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")
    make_alarm(client, name, Threshold=5.0)
    alarm = client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert alarm["StateValue"] == "ALARM" and alarm["Threshold"] == 5.0


def test_only_the_exact_dimension_set_counts(client, unique, evaluate):
    name = f"dims-{unique}"
    make_alarm(client, name)
    client("cloudwatch").put_metric_data(
        Namespace="Test/Alarms",
        MetricData=[
            {
                "MetricName": "Beat",
                "Dimensions": [{"Name": "Alarm", "Value": name}, {"Name": "Extra", "Value": "x"}],
                "Value": 1.0,
            }
        ],
    )
    evaluate(0)
    assert state(client, name) == "ALARM"


def test_statistic_values_count_like_single_values(client, unique, evaluate):
    name = f"stats-{unique}"
    make_alarm(client, name, Statistic="Average", ComparisonOperator="GreaterThanThreshold", Threshold=2.0,
               TreatMissingData="notBreaching", EvaluationPeriods=1)
    client("cloudwatch").put_metric_data(
        Namespace="Test/Alarms",
        MetricData=[
            {
                "MetricName": "Beat",
                "Dimensions": [{"Name": "Alarm", "Value": name}],
                "StatisticValues": {"SampleCount": 2, "Sum": 6, "Minimum": 2, "Maximum": 4},
            }
        ],
    )
    evaluate(0)
    assert state(client, name) == "ALARM"  # average 3 > 2


def test_advancing_ages_stored_datapoints(client, unique, evaluate):
    name = f"age-{unique}"
    beat(client, name, 7.0)
    evaluate(3600)
    now = datetime.now(timezone.utc)
    stats = client("cloudwatch").get_metric_statistics(
        Namespace="Test/Alarms",
        MetricName="Beat",
        Dimensions=[{"Name": "Alarm", "Value": name}],
        StartTime=now - timedelta(hours=2),
        EndTime=now,
        Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert len(stats) == 1
    assert stats[0]["Timestamp"] < now - timedelta(minutes=59)


def test_the_background_evaluator_uses_the_real_clock(client, unique):
    name = f"realtime-{unique}"
    make_alarm(client, name, Period=10, EvaluationPeriods=1)
    assert state(client, name) == "INSUFFICIENT_DATA"
    evaluator = BackgroundEvaluator(0.05)
    evaluator.start()
    try:
        deadline = time.monotonic() + 5
        while state(client, name) != "ALARM" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        evaluator.stop()
    assert state(client, name) == "ALARM"


def test_evaluate_route_rejects_bad_input(endpoint):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{endpoint}/moto-api/ext/alarms/evaluate", data=b'{"advanceSeconds": "soon"}', method="POST"
    )
    try:
        urllib.request.urlopen(request)
        raise AssertionError("expected HTTP 400")
    except urllib.error.HTTPError as error:
        assert error.code == 400
        assert "advanceSeconds must be a number" in error.read().decode()
