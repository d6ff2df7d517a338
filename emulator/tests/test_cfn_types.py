"""CloudFormation types added by annex_moto: create with Ref/GetAtt, update, delete."""

import json

import pytest


def template(suffix: str, threshold: float = 1, description: str = "lease") -> str:
    return json.dumps(
        {
            "Resources": {
                "Topic": {"Type": "AWS::SNS::Topic"},
                "Queue": {"Type": "AWS::SQS::Queue"},
                "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": f"cfn-types-{suffix}"}},
                "Alarm": {
                    "Type": "AWS::CloudWatch::Alarm",
                    "Properties": {
                        "AlarmDescription": description,
                        "Namespace": "HTCondor/Annex",
                        "MetricName": "Heartbeat",
                        "Dimensions": [{"Name": "AnnexName", "Value": suffix}],
                        "Statistic": "Maximum",
                        "Period": "10",
                        "EvaluationPeriods": "3",
                        "Threshold": str(threshold),
                        "ComparisonOperator": "LessThanThreshold",
                        "TreatMissingData": "breaching",
                        "ActionsEnabled": "true",
                        "AlarmActions": [{"Ref": "Topic"}],
                    },
                },
                "Subscription": {
                    "Type": "AWS::SNS::Subscription",
                    "Properties": {
                        "TopicArn": {"Ref": "Topic"},
                        "Protocol": "sqs",
                        "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]},
                        "RawMessageDelivery": True,
                    },
                },
                "TopicPolicy": {
                    "Type": "AWS::SNS::TopicPolicy",
                    "Properties": {
                        "Topics": [{"Ref": "Topic"}],
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                    "Action": "sns:Publish",
                                    "Resource": {"Ref": "Topic"},
                                }
                            ],
                        },
                    },
                },
                "BucketPolicy": {
                    "Type": "AWS::S3::BucketPolicy",
                    "Properties": {
                        "Bucket": {"Ref": "Bucket"},
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Sid": "TlsOnly",
                                    "Effect": "Deny",
                                    "Principal": "*",
                                    "Action": "s3:*",
                                    "Resource": [f"arn:aws:s3:::cfn-types-{suffix}/*"],
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                }
                            ],
                        },
                    },
                },
            },
            "Outputs": {
                "AlarmName": {"Value": {"Ref": "Alarm"}},
                "AlarmArn": {"Value": {"Fn::GetAtt": ["Alarm", "Arn"]}},
                "SubscriptionArn": {"Value": {"Ref": "Subscription"}},
                "TopicArn": {"Value": {"Ref": "Topic"}},
            },
        }
    )


@pytest.fixture
def stack(client, unique):
    cloudformation = client("cloudformation")
    name = f"cfn-types-{unique}"
    cloudformation.create_stack(StackName=name, TemplateBody=template(unique))
    described = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    return {"name": name, "suffix": unique, "outputs": outputs, "status": described["StackStatus"]}


def test_every_resource_is_created_and_listed(client, stack):
    assert stack["status"] == "CREATE_COMPLETE"
    resources = client("cloudformation").list_stack_resources(StackName=stack["name"])["StackResourceSummaries"]
    assert sorted(r["LogicalResourceId"] for r in resources) == [
        "Alarm",
        "Bucket",
        "BucketPolicy",
        "Queue",
        "Subscription",
        "Topic",
        "TopicPolicy",
    ]
    assert all(r["PhysicalResourceId"] for r in resources)


def test_alarm_ref_getatt_and_properties(client, stack):
    outputs = stack["outputs"]
    alarm = client("cloudwatch").describe_alarms(AlarmNames=[outputs["AlarmName"]])["MetricAlarms"][0]
    assert outputs["AlarmArn"] == alarm["AlarmArn"]
    assert alarm["AlarmArn"] == f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{outputs['AlarmName']}"
    assert alarm["Period"] == 10 and alarm["EvaluationPeriods"] == 3 and alarm["Threshold"] == 1.0
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["AlarmActions"] == [outputs["TopicArn"]]
    assert alarm["Dimensions"] == [{"Name": "AnnexName", "Value": stack["suffix"]}]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"


def test_subscription_and_its_attributes(client, stack):
    arn = stack["outputs"]["SubscriptionArn"]
    attributes = client("sns").get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["Protocol"] == "sqs"
    assert attributes["TopicArn"] == stack["outputs"]["TopicArn"]
    assert attributes["RawMessageDelivery"] == "true"


def test_topic_policy_is_set(client, stack):
    attributes = client("sns").get_topic_attributes(TopicArn=stack["outputs"]["TopicArn"])["Attributes"]
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}


def test_bucket_policy_keeps_its_condition_but_does_not_lock_out_plain_http(client, stack):
    s3 = client("s3")
    bucket = f"cfn-types-{stack['suffix']}"
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_update_changes_the_alarm_and_keeps_its_state(client, stack, evaluate):
    cloudwatch = client("cloudwatch")
    name = stack["outputs"]["AlarmName"]
    evaluate(0)  # no data, missing = breaching → ALARM
    assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] == "ALARM"
    client("cloudformation").update_stack(
        StackName=stack["name"], TemplateBody=template(stack["suffix"], threshold=2, description="renewed")
    )
    alarm = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert alarm["Threshold"] == 2.0 and alarm["AlarmDescription"] == "renewed"
    assert alarm["StateValue"] == "ALARM"


def test_delete_removes_alarm_subscription_topic_and_policy(client, stack):
    s3 = client("s3")
    bucket = f"cfn-types-{stack['suffix']}"
    client("cloudformation").delete_stack(StackName=stack["name"])
    outputs = stack["outputs"]
    assert client("cloudwatch").describe_alarms(AlarmNames=[outputs["AlarmName"]])["MetricAlarms"] == []
    subscriptions = client("sns").list_subscriptions()["Subscriptions"]
    assert outputs["SubscriptionArn"] not in [s["SubscriptionArn"] for s in subscriptions]
    topics = client("sns").list_topics()["Topics"]
    assert outputs["TopicArn"] not in [t["TopicArn"] for t in topics]
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_same_client_request_token_returns_the_same_stack(client, unique):
    cloudformation = client("cloudformation")
    body = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
    first = cloudformation.create_stack(StackName=f"tok-{unique}", TemplateBody=body, ClientRequestToken="t1")
    again = cloudformation.create_stack(StackName=f"tok-{unique}", TemplateBody=body, ClientRequestToken="t1")
    assert again["StackId"] == first["StackId"]
    with pytest.raises(cloudformation.exceptions.AlreadyExistsException):
        cloudformation.create_stack(StackName=f"tok-{unique}", TemplateBody=body, ClientRequestToken="t2")
    cloudformation.delete_stack(StackName=f"tok-{unique}")
    # A token is bound to the stack it created: after deletion the name can be created again.
    recreated = cloudformation.create_stack(StackName=f"tok-{unique}", TemplateBody=body, ClientRequestToken="t1")
    assert recreated["StackId"] != first["StackId"]


def permission_template(source_topic: str) -> str:
    """A permission for a function outside the stack (as the annex stack's), invoked by one of two topics."""
    return json.dumps(
        {
            "Parameters": {"FunctionArn": {"Type": "String"}},
            "Resources": {
                # With Properties: moto replaces a resource without any on every stack update.
                "TopicA": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "a"}},
                "TopicB": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "b"}},
                "InvokePermission": {
                    "Type": "AWS::Lambda::Permission",
                    "Properties": {
                        "Action": "lambda:InvokeFunction",
                        "FunctionName": {"Ref": "FunctionArn"},
                        "Principal": "sns.amazonaws.com",
                        "SourceArn": {"Ref": source_topic},
                    },
                },
            },
            "Outputs": {
                "Ref": {"Value": {"Ref": "InvokePermission"}},
                "Id": {"Value": {"Fn::GetAtt": ["InvokePermission", "Id"]}},
                "TopicA": {"Value": {"Ref": "TopicA"}},
                "TopicB": {"Value": {"Ref": "TopicB"}},
            },
        }
    )


def policy_statements(client, function_name):
    try:
        policy = client("lambda").get_policy(FunctionName=function_name)["Policy"]
    except client("lambda").exceptions.ResourceNotFoundException:
        return []
    return json.loads(policy)["Statement"]


def test_lambda_permission_has_an_identity_and_lives_with_its_stack(client, unique):
    import io
    import zipfile

    iam = client("iam")
    role = iam.create_role(
        RoleName=f"perm-{unique}",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ]
            }
        ),
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.js", "exports.handler = async () => 1;")
    function_name = f"perm-{unique}"
    function_arn = client("lambda").create_function(
        FunctionName=function_name,
        Runtime="nodejs20.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]

    cloudformation = client("cloudformation")
    name = f"perm-{unique}"
    parameters = [{"ParameterKey": "FunctionArn", "ParameterValue": function_arn}]
    cloudformation.create_stack(StackName=name, TemplateBody=permission_template("TopicA"), Parameters=parameters)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in cloudformation.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    resources = cloudformation.describe_stack_resources(StackName=name)["StackResources"]
    assert all(r.get("PhysicalResourceId") for r in resources)
    physical = next(r for r in resources if r["LogicalResourceId"] == "InvokePermission")["PhysicalResourceId"]
    assert physical.startswith(f"{name}-InvokePermission-") and len(physical) == len(name) + 30
    assert outputs["Ref"] == physical and outputs["Id"] == physical
    # The statement as AddPermission writes it: the statement id, no CloudFormation-only keys.
    assert policy_statements(client, function_name) == [
        {
            "Sid": physical,
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": function_arn,
            "Condition": {"ArnLike": {"AWS:SourceArn": outputs["TopicA"]}},
        }
    ]

    # Every property requires replacement: a new statement id, and the old statement is gone.
    cloudformation.update_stack(StackName=name, TemplateBody=permission_template("TopicB"), Parameters=parameters)
    replaced = cloudformation.describe_stack_resource(StackName=name, LogicalResourceId="InvokePermission")
    new_id = replaced["StackResourceDetail"]["PhysicalResourceId"]
    assert new_id != physical and new_id.startswith(f"{name}-InvokePermission-")
    statements = policy_statements(client, function_name)
    assert [(s["Sid"], s["Condition"]["ArnLike"]["AWS:SourceArn"]) for s in statements] == [(new_id, outputs["TopicB"])]

    cloudformation.delete_stack(StackName=name)
    assert policy_statements(client, function_name) == []
    client("lambda").get_function(FunctionName=function_name)  # the function outside the stack stays


def test_permission_statement_ids_fit_lambda_and_function_names_are_parsed():
    from annex_moto.cfn_types import _function_and_qualifier, _statement_id

    long_name = f"{'S' * 120}-Permission-ABCDEFGHIJKL"
    assert _statement_id(long_name) == f"{'S' * 87}-ABCDEFGHIJKL"
    assert len(_statement_id(long_name)) == 100
    assert _statement_id("stack-Perm-ABCDEFGHIJKL") == "stack-Perm-ABCDEFGHIJKL"
    assert _function_and_qualifier("fn") == ("fn", None)
    assert _function_and_qualifier("fn:live") == ("fn", "live")
    assert _function_and_qualifier("arn:aws:lambda:us-east-1:123456789012:function:fn") == ("fn", None)
    assert _function_and_qualifier("arn:aws:lambda:us-east-1:123456789012:function:fn:7") == ("fn", "7")
    assert _function_and_qualifier("123456789012:function:fn") == ("fn", None)
