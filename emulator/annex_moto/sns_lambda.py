"""SNS → Lambda delivery with the event SNS really sends.

moto builds the Lambda event from placeholders (TopicArn "arn:aws:sns:EXAMPLE", a fixed
MessageId, a 1970 Timestamp, fake MessageAttributes). For protocol `lambda` this module
builds the record from the real topic, subscription, message id, subject and attributes, and
invokes the function (run by lambda_node). Delivery is synchronous: Publish (and an alarm
transition) returns after the handler has run. Handler errors are logged, not raised, as SNS
delivery is asynchronous on AWS.
"""

import json
import logging
from typing import Any

from moto.sns.models import Subscription

from .alarms import iso_aws, now_utc

logger = logging.getLogger("annex_moto.sns_lambda")


def sns_event(
    subscription: Subscription,
    message: str,
    message_id: str,
    subject: str | None,
    message_attributes: dict[str, Any] | None,
) -> dict[str, Any]:
    region = subscription.topic.arn.split(":")[3]
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": subscription.topic.arn,
                    "Subject": subject,
                    "Message": message,
                    "Timestamp": iso_aws(now_utc()).replace("+0000", "Z"),
                    "SignatureVersion": "1",
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": f"https://sns.{region}.amazonaws.com/SimpleNotificationService-annex.pem",
                    "UnsubscribeUrl": (
                        f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription.arn}"
                    ),
                    "MessageAttributes": {
                        key: {"Type": value.get("Type"), "Value": value.get("Value")}
                        for key, value in (message_attributes or {}).items()
                    },
                },
            }
        ]
    }


def install() -> None:
    original = Subscription.publish

    def publish(self: Subscription, message: str, message_id: str, subject: str | None = None,
                message_attributes: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if self.protocol != "lambda":
            return original(self, message, message_id, subject=subject,
                            message_attributes=message_attributes, **kwargs)
        matcher = getattr(self, "_filter_policy_matcher", None)
        if matcher is not None and not matcher.matches(message_attributes, message):
            return None
        if kwargs.get("message_structure") == "json":
            message = self._parse_message_structure(message, self.protocol)
        parts = self.endpoint.split(":")
        if len(parts) not in (7, 8) or parts[5] != "function":
            logger.warning("SNS subscription %s: bad lambda endpoint %s", self.arn, self.endpoint)
            return None
        region = parts[3]
        qualifier = parts[7] if len(parts) == 8 else None
        from moto.awslambda.utils import get_backend

        event = sns_event(self, message, message_id, subject, message_attributes)
        try:
            function = get_backend(self.account_id, region)._lambdas.get_function_by_name_or_arn_with_qualifier(
                parts[6], qualifier
            )
            function.invoke(json.dumps(event), {"x-amz-invocation-type": "Event"}, {})
        except Exception:
            logger.exception("SNS delivery to %s failed", self.endpoint)
        return None

    Subscription.publish = publish  # type: ignore[method-assign]
