"""CloudWatch metric-alarm evaluation for moto, with SNS actions and state history.

moto stores alarms but never evaluates them, starts them in OK, and publishes nothing on
SetAlarmState. This module:

- starts new alarms in INSUFFICIENT_DATA and keeps state and history when PutMetricAlarm
  updates an existing alarm (as CloudWatch does);
- records a StateUpdate history item on every transition, and on each transition publishes
  CloudWatch's notification JSON to the SNS topics among the state's actions (also for
  SetAlarmState), recording Action history items; DescribeAlarmHistory serves the history;
- evaluates single-metric alarms (`evaluate_all`) with Statistic/ExtendedStatistic, Period
  (any multiple of 10 s, including high-resolution 10 s and 30 s), EvaluationPeriods,
  DatapointsToAlarm, Threshold, ComparisonOperator and TreatMissingData;
- moves time forward for tests by ageing every stored datapoint (`age_metric_data`), so that
  everyone (alarms, Lambda handlers calling GetMetricStatistics) keeps using the real clock.

Evaluation windows: the N most recent periods ending at the evaluation instant `now`,
[now - (k+1)·Period, now - k·Period) for k = 0..N-1, not aligned to minute boundaries.
Missing periods are marked breaching/not breaching per TreatMissingData (or left unknown for
`missing`/`ignore`). ALARM when at least DatapointsToAlarm periods breach; otherwise, when
every period is unknown, INSUFFICIENT_DATA (`missing`) or the current state (`ignore`);
otherwise OK. CloudWatch's look-back beyond N periods for partially missing data is not
modelled.
"""

import json
import logging
import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.cloudwatch.models import Alarm, CloudWatchBackend, MetricAggregatedDatum, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

logger = logging.getLogger("annex_moto.alarms")

OK = "OK"
ALARM = "ALARM"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"

_HISTORY = "_annex_history"

REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-central-1": "EU (Frankfurt)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
}

COMPARISONS = {
    "GreaterThanOrEqualToThreshold": (lambda v, t: v >= t, "greater than or equal to"),
    "GreaterThanThreshold": (lambda v, t: v > t, "greater than"),
    "LessThanThreshold": (lambda v, t: v < t, "less than"),
    "LessThanOrEqualToThreshold": (lambda v, t: v <= t, "less than or equal to"),
}

MISSING_MARK = {"breaching": "B", "notBreaching": "G", "ignore": "-", "missing": "-"}


def utc(moment: datetime) -> datetime:
    """moto mixes naive (UTC) and aware datetimes; compare them all as aware UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def iso_aws(moment: datetime) -> str:
    """CloudWatch notification timestamps: 2026-11-26T07:05:00.123+0000."""
    moment = utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def short_time(moment: datetime) -> str:
    return utc(moment).strftime("%d/%m/%y %H:%M:%S")


# ---------------------------------------------------------------------------------------------
# Pure evaluation


@dataclass
class Decision:
    """Outcome of one evaluation: the state to be in and why (None state = keep current)."""

    state: str | None
    reason: str
    marks: list[str]


def decide(
    values: list[float | None],
    comparison: str,
    threshold: float,
    datapoints_to_alarm: int,
    treat_missing_data: str,
    stamps: list[datetime] | None = None,
) -> Decision:
    """Decide the state from per-period values, oldest first (None = no data in that period)."""
    if comparison not in COMPARISONS:
        raise ValueError(f"unsupported ComparisonOperator {comparison!r}")
    breaches, words = COMPARISONS[comparison]
    treat = treat_missing_data if treat_missing_data in MISSING_MARK else "missing"
    marks = [MISSING_MARK[treat] if v is None else ("B" if breaches(v, threshold) else "G") for v in values]
    n = len(values)
    m = max(1, min(datapoints_to_alarm, n))
    breaching = marks.count("B")
    missing = sum(1 for v in values if v is None)
    present = [
        f"{v} ({short_time(stamps[i])})" if stamps else str(v) for i, v in enumerate(values) if v is not None
    ]
    shown = f"[{', '.join(reversed(present))}]"
    if breaching >= m:
        if missing and treat == "breaching" and not present:
            reason = (
                f"Threshold Crossed: no datapoints were received for {n} periods and {missing} missing "
                "datapoints were treated as [Breaching]."
            )
        else:
            reason = (
                f"Threshold Crossed: {breaching} out of the last {n} datapoints {shown} "
                f"{'was' if breaching == 1 else 'were'} {words} the threshold ({threshold}) "
                f"(minimum {m} datapoint{'s' if m != 1 else ''} for OK -> ALARM transition)."
            )
        return Decision(ALARM, reason, marks)
    if missing == n and treat in ("missing", "ignore"):
        if treat == "ignore":
            return Decision(None, f"Missing data ignored: {n} datapoints were unknown.", marks)
        return Decision(INSUFFICIENT_DATA, f"Insufficient Data: {n} datapoints were unknown.", marks)
    if present:
        fine = sum(1 for v in values if v is not None and not breaches(v, threshold))
        reason = (
            f"Threshold Crossed: {fine} out of the last {n} datapoints {shown} "
            f"{'was' if fine == 1 else 'were'} "
            f"not {words} the threshold ({threshold}) "
            f"(minimum {m} datapoint{'s' if m != 1 else ''} for ALARM -> OK transition)."
        )
    else:
        reason = (
            f"Threshold Crossed: no datapoints were received for {n} periods and {missing} missing "
            "datapoints were treated as [NonBreaching]."
        )
    return Decision(OK, reason, marks)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(p / 100.0 * len(ordered)) - 1))
    return ordered[rank]


def statistic_of(data: list[Any], statistic: str | None, extended: str | None) -> float | None:
    """Aggregate moto MetricDatum / MetricAggregatedDatum objects of one period."""
    if not data:
        return None
    if extended:
        raw = [float(d.value) for d in data if not isinstance(d, MetricAggregatedDatum)]
        try:
            return percentile(raw, float(extended.lstrip("pP")))
        except ValueError:
            return None
    count = total = 0.0
    low = math.inf
    high = -math.inf
    for datum in data:
        if isinstance(datum, MetricAggregatedDatum):
            count += float(datum.sample_count)
            total += float(datum.sum)
            low = min(low, float(datum.min))
            high = max(high, float(datum.max))
        else:
            value = float(datum.value)
            count += 1
            total += value
            low = min(low, value)
            high = max(high, value)
    if statistic == "SampleCount":
        return count
    if statistic == "Sum":
        return total
    if statistic == "Minimum":
        return low
    if statistic == "Maximum":
        return high
    if statistic == "Average":
        return total / count if count else None
    return None


def _same_dimensions(datum: Any, alarm: Alarm) -> bool:
    wanted = sorted((d.name, d.value) for d in alarm.dimensions)
    have = sorted((d.name, d.value) for d in datum.dimensions)
    return wanted == have


def period_values(
    backend: CloudWatchBackend, alarm: Alarm, now: datetime
) -> tuple[list[float | None], list[datetime]]:
    """Per-period statistic of the alarm's metric for its last N periods, oldest first."""
    period = timedelta(seconds=int(alarm.period))
    n = int(alarm.evaluation_periods)
    start = now - n * period
    matching = [
        d
        for d in list(backend.metric_data)
        if d.namespace == alarm.namespace
        and d.name == alarm.metric_name
        and _same_dimensions(d, alarm)
        and (not alarm.unit or d.unit == alarm.unit)
        and start <= utc(d.timestamp) < now
    ]
    values: list[float | None] = []
    stamps: list[datetime] = []
    for k in range(n - 1, -1, -1):
        low = now - (k + 1) * period
        high = now - k * period
        in_period = [d for d in matching if low <= utc(d.timestamp) < high]
        values.append(statistic_of(in_period, alarm.statistic, alarm.extended_statistic))
        stamps.append(low)
    return values, stamps


# ---------------------------------------------------------------------------------------------
# History, notifications, actions


def history_of(alarm: Alarm) -> list[dict[str, Any]]:
    history = getattr(alarm, _HISTORY, None)
    if history is None:
        history = []
        setattr(alarm, _HISTORY, history)
    return history


def _account_of(alarm: Alarm) -> str:
    return alarm.alarm_arn.split(":")[4]


def notification(alarm: Alarm, old_state: str) -> dict[str, Any]:
    """The JSON CloudWatch publishes to SNS on a state change."""
    region = alarm.region_name
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description or None,
        "AWSAccountId": _account_of(alarm),
        "AlarmConfigurationUpdatedTimestamp": iso_aws(alarm.configuration_updated_timestamp),
        "NewStateValue": alarm.state_value,
        "NewStateReason": alarm.state_reason,
        "StateChangeTime": iso_aws(alarm.state_updated_timestamp),
        "Region": REGION_NAMES.get(region, region),
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old_state,
        "OKActions": list(alarm.ok_actions),
        "AlarmActions": list(alarm.alarm_actions),
        "InsufficientDataActions": list(alarm.insufficient_data_actions),
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "StatisticType": "ExtendedStatistic" if alarm.extended_statistic else "Statistic",
            "Statistic": (alarm.extended_statistic or (alarm.statistic or "")).upper(),
            "Unit": alarm.unit,
            "Dimensions": [{"value": d.value, "name": d.name} for d in alarm.dimensions],
            "Period": int(alarm.period),
            "EvaluationPeriods": int(alarm.evaluation_periods),
            "DatapointsToAlarm": int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": float(alarm.threshold) if alarm.threshold is not None else None,
            "TreatMissingData": alarm.treat_missing_data or "missing",
            "EvaluateLowSampleCountPercentile": alarm.evaluate_low_sample_count_percentile or "",
        },
    }


def _actions_for(alarm: Alarm, state: str) -> list[str]:
    if state == ALARM:
        return list(alarm.alarm_actions or [])
    if state == OK:
        return list(alarm.ok_actions or [])
    return list(alarm.insufficient_data_actions or [])


def _actions_enabled(alarm: Alarm) -> bool:
    enabled = alarm.actions_enabled
    if isinstance(enabled, str):
        return enabled.strip().lower() != "false"
    return bool(enabled)


def fire_actions(alarm: Alarm, old_state: str) -> None:
    """Publish the notification to every SNS action of the new state; record Action history."""
    if not _actions_enabled(alarm):
        return
    from moto.sns.models import sns_backends

    message = json.dumps(notification(alarm, old_state))
    region_label = REGION_NAMES.get(alarm.region_name, alarm.region_name)
    subject = f'{alarm.state_value}: "{alarm.name}" in {region_label}'[:100]
    for action in _actions_for(alarm, alarm.state_value):
        parts = action.split(":")
        if len(parts) < 6 or parts[2] != "sns":
            _record(alarm, "Action", f"Unsupported action {action} (only SNS topics are emulated)", {})
            continue
        try:
            sns_backends[parts[4]][parts[3]].publish(message, action, subject=subject)
            _record(alarm, "Action", f"Successfully executed action {action}", {"actionState": "Succeeded"})
        except Exception as error:  # the topic may be gone (stack deleted by the handler)
            logger.warning("alarm %s: publishing to %s failed: %s", alarm.name, action, error)
            _record(
                alarm,
                "Action",
                f"Failed to execute action {action}",
                {"actionState": "Failed", "error": str(error)},
            )


def _record(alarm: Alarm, item_type: str, summary: str, data: dict[str, Any]) -> None:
    history_of(alarm).append(
        {
            "AlarmName": alarm.name,
            "AlarmType": "MetricAlarm",
            "Timestamp": now_utc(),
            "HistoryItemType": item_type,
            "HistorySummary": summary,
            "HistoryData": json.dumps({"version": "1.0", **data}),
        }
    )


# ---------------------------------------------------------------------------------------------
# Evaluation passes and the clock


_pass_lock = threading.Lock()


def _instantiated_backends() -> list[CloudWatchBackend]:
    """The CloudWatch backends that exist, without creating new ones."""
    found = []
    for account in list(dict.keys(cloudwatch_backends)):
        regions = dict.__getitem__(cloudwatch_backends, account)
        for region in list(dict.keys(regions)):
            found.append(dict.__getitem__(regions, region))
    return found


def evaluate_alarm(backend: CloudWatchBackend, alarm: Alarm, now: datetime) -> dict[str, Any]:
    """Evaluate one alarm at `now`; transitions fire actions. Returns a summary."""
    summary: dict[str, Any] = {"alarmName": alarm.name, "previousState": alarm.state_value}
    if alarm.rule is not None or alarm.metric_data_queries:
        summary.update(state=alarm.state_value, skipped="composite and metric-math alarms are not evaluated")
        return summary
    values, stamps = period_values(backend, alarm, now)
    try:
        decision = decide(
            values,
            alarm.comparison_operator,
            float(alarm.threshold),
            int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            alarm.treat_missing_data or "missing",
            stamps,
        )
    except ValueError as error:
        summary.update(state=alarm.state_value, skipped=str(error))
        return summary
    summary["values"] = values
    if decision.state is not None and decision.state != alarm.state_value:
        reason_data = {
            "version": "1.0",
            "queryDate": iso_aws(now),
            "startDate": iso_aws(stamps[0]) if stamps else iso_aws(now),
            "statistic": alarm.extended_statistic or alarm.statistic,
            "period": int(alarm.period),
            "recentDatapoints": [v for v in values if v is not None],
            "threshold": float(alarm.threshold),
            "evaluatedDatapoints": [
                {"timestamp": iso_aws(stamp), **({} if value is None else {"value": value})}
                for stamp, value in zip(reversed(stamps), reversed(values))
            ],
        }
        # update_state is wrapped (see install) to record history and fire the actions.
        alarm.update_state(decision.reason, json.dumps(reason_data), decision.state)
    summary["state"] = alarm.state_value
    summary["changed"] = summary["state"] != summary["previousState"]
    return summary


def evaluate_all(now: datetime | None = None) -> list[dict[str, Any]]:
    """One pass over every single-metric alarm of every account and region."""
    moment = now or now_utc()
    results = []
    with _pass_lock:
        for backend in _instantiated_backends():
            for alarm in list(backend.alarms.values()):
                # A Lambda run by an earlier transition may have deleted this alarm.
                if backend.alarms.get(alarm.name) is not alarm:
                    continue
                try:
                    results.append(evaluate_alarm(backend, alarm, moment))
                except Exception as error:
                    logger.exception("evaluating alarm %s failed", alarm.name)
                    results.append({"alarmName": alarm.name, "error": str(error)})
    return results


def age_metric_data(seconds: float) -> None:
    """Move every stored datapoint `seconds` into the past: the same as the clock moving forward."""
    if seconds <= 0:
        return
    shift = timedelta(seconds=seconds)
    with _pass_lock:
        for backend in _instantiated_backends():
            for datum in list(backend.metric_data):
                datum.timestamp = datum.timestamp - shift


class BackgroundEvaluator:
    """Evaluates every alarm each `interval` seconds on the real clock, like CloudWatch."""

    def __init__(self, interval: float):
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="annex-alarm-evaluator", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                evaluate_all()
            except Exception:
                logger.exception("background alarm evaluation failed")


# ---------------------------------------------------------------------------------------------
# Patches


def describe_alarm_history(self: CloudWatchResponse) -> ActionResult:
    name = self._get_param("AlarmName")
    item_type = self._get_param("HistoryItemType")
    start = self._get_param("StartDate")
    end = self._get_param("EndDate")
    scan_by = self._get_param("ScanBy") or "TimestampDescending"
    max_records = int(self._get_param("MaxRecords") or 100)
    items: list[dict[str, Any]] = []
    for alarm in self.cloudwatch_backend.alarms.values():
        if name and alarm.name != name:
            continue
        items.extend(history_of(alarm))
    if item_type:
        items = [i for i in items if i["HistoryItemType"] == item_type]
    if start:
        items = [i for i in items if i["Timestamp"] >= utc(start)]
    if end:
        items = [i for i in items if i["Timestamp"] <= utc(end)]
    items.sort(key=lambda i: i["Timestamp"], reverse=scan_by != "TimestampAscending")
    return ActionResult({"AlarmHistoryItems": items[:max_records]})


def install() -> None:
    original_put = CloudWatchBackend.put_metric_alarm
    original_update = Alarm.update_state

    def put_metric_alarm(self: CloudWatchBackend, *args: Any, **kwargs: Any) -> Alarm:
        name = kwargs.get("name", args[0] if args else None)
        previous = self.alarms.get(name) if name is not None else None
        alarm = original_put(self, *args, **kwargs)
        if previous is not None:
            # An update overwrites the configuration but keeps the state and its history.
            alarm.state_value = previous.state_value
            alarm.state_reason = previous.state_reason
            alarm.state_reason_data = previous.state_reason_data
            alarm.state_updated_timestamp = previous.state_updated_timestamp
            alarm.history = previous.history
            setattr(alarm, _HISTORY, history_of(previous))
            _record(alarm, "ConfigurationUpdate", f'Alarm "{alarm.name}" updated', {"type": "Update"})
        else:
            alarm.state_value = INSUFFICIENT_DATA
            alarm.state_reason = "Unchecked: Initial alarm creation"
            _record(alarm, "ConfigurationUpdate", f'Alarm "{alarm.name}" created', {"type": "Create"})
        return alarm

    def update_state(self: Alarm, reason: str, reason_data: str, state_value: str) -> None:
        old_state = self.state_value
        if state_value == old_state:
            return  # no transition: no history, no actions (as CloudWatch)
        old_reason = self.state_reason
        original_update(self, reason, reason_data, state_value)
        try:
            new_reason_data = json.loads(reason_data) if reason_data else None
        except ValueError:
            new_reason_data = None
        _record(
            self,
            "StateUpdate",
            f"Alarm updated from {old_state} to {state_value}",
            {
                "oldState": {"stateValue": old_state, "stateReason": old_reason},
                "newState": {
                    "stateValue": state_value,
                    "stateReason": reason,
                    **({"stateReasonData": new_reason_data} if new_reason_data else {}),
                },
            },
        )
        fire_actions(self, old_state)

    CloudWatchBackend.put_metric_alarm = put_metric_alarm  # type: ignore[method-assign]
    Alarm.update_state = update_state  # type: ignore[method-assign]
    CloudWatchResponse.describe_alarm_history = describe_alarm_history  # type: ignore[attr-defined]
