"""Simulated DELETE_FAILED: an armed stack's next deletion fails with every resource kept; the
following deletion succeeds; unarmed stacks and bad requests behave as before."""

import json
import urllib.error
import urllib.request

import pytest

TEMPLATE = json.dumps(
    {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "PLACEHOLDER"}},
        }
    }
)


def arm(endpoint, body):
    request = urllib.request.Request(
        f"{endpoint}/moto-api/ext/cloudformation/fail-next-delete",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def make_stack(client, name):
    cfn = client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE.replace("PLACEHOLDER", f"{name}-topic"))
    return cfn


def topics(client):
    return [t["TopicArn"] for t in client("sns").list_topics()["Topics"]]


def test_armed_deletion_fails_and_keeps_resources_then_the_retry_deletes(endpoint, client, unique):
    name = f"stuck-{unique}"
    cfn = make_stack(client, name)
    assert arm(endpoint, {"stackName": name, "reason": "bucket not empty"})["armed"] == name

    cfn.delete_stack(StackName=name)
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert any(arn.endswith(f":{name}-topic") for arn in topics(client))
    events = [e["ResourceStatus"] for e in cfn.describe_stack_events(StackName=name)["StackEvents"]]
    assert "DELETE_FAILED" in events
    summaries = {s["StackName"]: s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]}
    assert summaries[name] == "DELETE_FAILED"

    cfn.delete_stack(StackName=stack["StackId"])
    assert not any(arn.endswith(f":{name}-topic") for arn in topics(client))
    with pytest.raises(cfn.exceptions.ClientError, match="does not exist"):
        cfn.describe_stacks(StackName=name)


def test_unarmed_stacks_delete_as_before(endpoint, client, unique):
    arm(endpoint, {"stackName": f"other-{unique}"})
    name = f"plain-{unique}"
    cfn = make_stack(client, name)
    cfn.delete_stack(StackName=name)
    with pytest.raises(cfn.exceptions.ClientError, match="does not exist"):
        cfn.describe_stacks(StackName=name)


def test_a_request_without_a_stack_name_is_refused(endpoint):
    with pytest.raises(urllib.error.HTTPError) as failure:
        arm(endpoint, {"reason": "x"})
    assert failure.value.code == 400
