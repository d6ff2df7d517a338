"""CloudFormation resource types that moto 5.2.1 silently skips or models without an identity.

Each class subclasses moto's CloudFormationModel, so moto's template parser finds it through
`CloudFormationModel.__subclasses__()` once `install()` has cleared the parser's caches. The
classes live in this submodule (not a top-level module) because moto files every model under
the second component of its module name, and their names differ from moto's own models.

Types: AWS::CloudWatch::Alarm, AWS::SNS::Subscription, AWS::SNS::TopicPolicy,
AWS::S3::BucketPolicy (skipped by moto), and AWS::Lambda::Permission (moto's model has no
physical id, puts FunctionName into the statement and never removes it). Each supports Ref,
create, update and delete.
"""

import json
from typing import Any

from moto.awslambda.exceptions import UnknownFunctionException, UnknownPolicyException
from moto.awslambda.models import lambda_backends
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends
from moto.utilities.utils import get_partition


def _bool(value: Any, default: bool) -> bool:
    """CloudFormation passes booleans as booleans or as the strings "true"/"false"."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


def _int(value: Any) -> int | None:
    return None if value is None else int(float(value))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _list(value: Any) -> list[Any]:
    return list(value) if value else []


class CfnAlarm(CloudFormationModel):
    """AWS::CloudWatch::Alarm backed by moto's CloudWatch backend. Ref → name; GetAtt Arn."""

    def __init__(self, account_id: str, region_name: str, name: str):
        self.account_id = account_id
        self.region_name = region_name
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "Arn":
            alarm = cloudwatch_backends[self.account_id][self.region_name].alarms.get(self.name)
            if alarm is not None:
                return alarm.alarm_arn
        raise UnformattedGetAttTemplateException()

    @staticmethod
    def _put(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> None:
        backend = cloudwatch_backends[account_id][region_name]
        if properties.get("Metrics"):
            raise NotImplementedError(
                "annex_moto: AWS::CloudWatch::Alarm with Metrics (metric math) is not supported"
            )
        backend.put_metric_alarm(
            name=name,
            namespace=properties.get("Namespace"),
            metric_name=properties.get("MetricName"),
            comparison_operator=properties["ComparisonOperator"],
            evaluation_periods=_int(properties["EvaluationPeriods"]),
            period=_int(properties.get("Period")),
            threshold=_float(properties.get("Threshold")),
            statistic=properties.get("Statistic"),
            description=properties.get("AlarmDescription"),
            dimensions=[
                {"Name": d["Name"], "Value": d["Value"]} for d in _list(properties.get("Dimensions"))
            ],
            alarm_actions=_list(properties.get("AlarmActions")),
            metric_data_queries=None,
            datapoints_to_alarm=_int(properties.get("DatapointsToAlarm")),
            extended_statistic=properties.get("ExtendedStatistic"),
            ok_actions=_list(properties.get("OKActions")),
            insufficient_data_actions=_list(properties.get("InsufficientDataActions")),
            unit=properties.get("Unit"),
            actions_enabled=_bool(properties.get("ActionsEnabled"), True),
            treat_missing_data=properties.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=properties.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=properties.get("ThresholdMetricId"),
            rule=None,
            tags=_list(properties.get("Tags")),
        )

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CfnAlarm":
        properties = cloudformation_json.get("Properties", {})
        name = properties.get("AlarmName") or resource_name
        cls._put(name, properties, account_id, region_name)
        return cls(account_id, region_name, name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "CfnAlarm",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "CfnAlarm":
        properties = cloudformation_json.get("Properties", {})
        # Without an explicit AlarmName the physical name is kept, as CloudFormation does.
        name = properties.get("AlarmName") or original_resource.name
        if name != original_resource.name:
            original_resource.delete(account_id, region_name)
        cls._put(name, properties, account_id, region_name)
        return cls(account_id, region_name, name)

    def delete(self, account_id: str, region_name: str) -> None:
        cloudwatch_backends[self.account_id][self.region_name].delete_alarms([self.name])

    def is_created(self) -> bool:
        return True


_SUBSCRIPTION_ATTRIBUTES = (
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
)


class CfnSnsSubscription(CloudFormationModel):
    """AWS::SNS::Subscription. Ref → the subscription ARN."""

    def __init__(self, account_id: str, region_name: str, arn: str):
        self.account_id = account_id
        self.region_name = region_name
        self.arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::Subscription"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "Arn":
            return self.arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CfnSnsSubscription":
        properties = cloudformation_json.get("Properties", {})
        topic_arn = properties["TopicArn"]
        # The topic decides the region (cross-region subscriptions name the topic's region).
        topic_region = properties.get("Region") or topic_arn.split(":")[3] or region_name
        backend = sns_backends[account_id][topic_region]
        subscription = backend.subscribe(topic_arn, properties.get("Endpoint", ""), properties["Protocol"])
        for attribute in _SUBSCRIPTION_ATTRIBUTES:
            if attribute in properties and properties[attribute] is not None:
                value = properties[attribute]
                if isinstance(value, (dict, list)):
                    value = json.dumps(value)
                elif isinstance(value, bool):
                    value = "true" if value else "false"
                backend.set_subscription_attributes(subscription.arn, attribute, value)
        return cls(account_id, topic_region, subscription.arn)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "CfnSnsSubscription",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "CfnSnsSubscription":
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        sns_backends[self.account_id][self.region_name].unsubscribe(self.arn)

    def is_created(self) -> bool:
        return True


class CfnTopicPolicy(CloudFormationModel):
    """AWS::SNS::TopicPolicy: sets the Policy attribute of each topic in Topics."""

    def __init__(self, account_id: str, region_name: str, logical_id: str, topics: list[str]):
        self.account_id = account_id
        self.region_name = region_name
        self.logical_id = logical_id
        self.topics = topics

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::TopicPolicy"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.logical_id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "Id":
            return self.logical_id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CfnTopicPolicy":
        properties = cloudformation_json.get("Properties", {})
        document = json.dumps(properties["PolicyDocument"])
        topics = _list(properties.get("Topics"))
        for topic_arn in topics:
            sns_backends[account_id][topic_arn.split(":")[3]].set_topic_attribute(topic_arn, "policy", document)
        return cls(account_id, region_name, kwargs.get("LogicalId", resource_name), topics)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "CfnTopicPolicy",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "CfnTopicPolicy":
        original_resource.delete(account_id, region_name)
        created = cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
        created.logical_id = original_resource.logical_id
        return created

    def delete(self, account_id: str, region_name: str) -> None:
        for topic_arn in self.topics:
            backend = sns_backends[self.account_id][topic_arn.split(":")[3]]
            topic = backend.topics.get(topic_arn)
            if topic is not None:
                # Back to the default policy a new topic gets.
                topic._policy_json = topic._create_default_topic_policy(
                    topic.sns_backend.region_name, topic.account_id, topic.name
                )

    def is_created(self) -> bool:
        return True


class CfnBucketPolicy(CloudFormationModel):
    """AWS::S3::BucketPolicy. See s3_policy for how conditional statements are enforced."""

    def __init__(self, account_id: str, region_name: str, bucket: str):
        self.account_id = account_id
        self.region_name = region_name
        self.bucket = bucket

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.bucket

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CfnBucketPolicy":
        properties = cloudformation_json.get("Properties", {})
        bucket = properties["Bucket"]
        document = properties["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        s3_backends[account_id][get_partition(region_name)].put_bucket_policy(bucket, text.encode("utf-8"))
        return cls(account_id, region_name, bucket)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "CfnBucketPolicy",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "CfnBucketPolicy":
        new_bucket = cloudformation_json.get("Properties", {}).get("Bucket")
        if new_bucket != original_resource.bucket:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backend = s3_backends[self.account_id][get_partition(self.region_name)]
        if self.bucket in backend.buckets:
            backend.delete_bucket_policy(self.bucket)

    def is_created(self) -> bool:
        return True


# The properties of AWS::Lambda::Permission that are also AddPermission parameters (same names).
_PERMISSION_PROPERTIES = (
    "Action",
    "Principal",
    "SourceArn",
    "SourceAccount",
    "PrincipalOrgID",
    "EventSourceToken",
    "FunctionUrlAuthType",
)

# Lambda's limit on a statement id.
_STATEMENT_ID_MAX = 100


def _function_and_qualifier(function_name: str) -> tuple[str, str | None]:
    """`name`, `name:qualifier`, a full or partial ARN (with or without qualifier) → (name, qualifier)."""
    tail = function_name.split(":function:")[-1]
    name, _, qualifier = tail.partition(":")
    return name, qualifier or None


def _statement_id(generated_name: str) -> str:
    """CloudFormation's generated `<stack>-<logicalId>-<SUFFIX>`, its head shortened to fit Lambda."""
    if len(generated_name) <= _STATEMENT_ID_MAX:
        return generated_name
    head, _, suffix = generated_name.rpartition("-")
    return f"{head[: _STATEMENT_ID_MAX - len(suffix) - 1]}-{suffix}"


class CfnLambdaPermission(CloudFormationModel):
    """AWS::Lambda::Permission: one statement of the function's resource policy.

    As on AWS, the statement id is generated by CloudFormation (`<stack>-<logicalId>-<SUFFIX>`),
    and it is the physical id, Ref and GetAtt Id. The statement is added as Lambda's
    AddPermission adds it and removed on delete. Every property requires replacement.
    """

    def __init__(
        self,
        account_id: str,
        region_name: str,
        function_name: str,
        statement_id: str,
        properties: dict[str, Any],
    ):
        self.account_id = account_id
        self.region_name = region_name
        self.function_name = function_name
        self.statement_id = statement_id
        self.properties = properties

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::Permission"

    @staticmethod
    def cloudformation_name_type() -> str:
        # No name property: the statement id is always generated.
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.statement_id

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "Id":
            return self.statement_id
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CfnLambdaPermission":
        properties = cloudformation_json.get("Properties", {})
        function_name = str(properties["FunctionName"])
        name, qualifier = _function_and_qualifier(function_name)
        statement_id = _statement_id(resource_name)
        request: dict[str, Any] = {"StatementId": statement_id}
        for key in _PERMISSION_PROPERTIES:
            if properties.get(key) is not None:
                request[key] = str(properties[key])
        # The same path as the AddPermission API (unknown function → ResourceNotFoundException).
        backend = lambda_backends[account_id][region_name]
        backend.add_permission(name, qualifier, json.dumps(request))  # type: ignore[arg-type]
        return cls(account_id, region_name, function_name, statement_id, dict(properties))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "CfnLambdaPermission",
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> "CfnLambdaPermission":
        if cloudformation_json.get("Properties", {}) == original_resource.properties:
            return original_resource
        # Replacement, in CloudFormation's order: the new statement first, then the old one goes.
        replacement = cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )
        original_resource.delete(account_id, region_name)
        return replacement

    def delete(self, account_id: str, region_name: str) -> None:
        name, qualifier = _function_and_qualifier(self.function_name)
        try:
            function = lambda_backends[self.account_id][self.region_name].get_function(name, qualifier)
            function.policy.del_statement(self.statement_id)
        except (UnknownFunctionException, UnknownPolicyException):
            # Function or statement already gone (the function may be deleted first): done, as on AWS.
            pass

    def is_created(self) -> bool:
        return True


def install() -> None:
    """Make moto's template parser see the classes above (its model maps are lru_cached)."""
    from moto.cloudformation import parsing

    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    # Two models claim AWS::Lambda::Permission; the map keeps the later one, which must be ours
    # (moto's module is imported above, before our class is defined).
    if parsing.get_model_map().get("AWS::Lambda::Permission") is not CfnLambdaPermission:
        raise RuntimeError("annex_moto: moto's AWS::Lambda::Permission model shadows CfnLambdaPermission")
