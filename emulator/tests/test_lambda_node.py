"""The Node.js executor: inline CloudFormation code, SNS events, custom resources, errors."""

import io
import json
import shutil
import zipfile

import pytest

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs a node binary on PATH")

ROLE = "arn:aws:iam::123456789012:role/annex-test"

ECHO_CJS = """
exports.handler = async (event, context) => ({ event, name: context.functionName, env: process.env.ANNEX_X });
"""

CUSTOM_RESOURCE = """
exports.handler = async (event) => {
  const body = JSON.stringify({
    Status: "SUCCESS", PhysicalResourceId: "thing-1", StackId: event.StackId,
    RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: { Answer: "42" },
  });
  const response = await fetch(event.ResponseURL, { method: "PUT", body });
  return { status: response.status };
};
"""


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def create_iam_role(client):
    iam = client("iam")
    try:
        iam.create_role(
            RoleName="annex-test",
            AssumeRolePolicyDocument=json.dumps(
                {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
            ),
        )
    except iam.exceptions.EntityAlreadyExistsException:
        pass


def invoke(client, name, payload):
    result = client("lambda").invoke(FunctionName=name, Payload=json.dumps(payload).encode())
    return result.get("FunctionError"), json.loads(result["Payload"].read())


def test_inline_cloudformation_code_runs_as_index_js(client, unique):
    cloudformation = client("cloudformation")
    name = f"inline-{unique}"
    create_iam_role(client)
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps(
            {
                "Resources": {
                    "Fn": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "FunctionName": name,
                            "Runtime": "nodejs24.x",
                            "Handler": "index.handler",
                            "Role": ROLE,
                            "Environment": {"Variables": {"ANNEX_X": "from-template"}},
                            "Code": {"ZipFile": ECHO_CJS},
                        },
                    }
                }
            }
        ),
    )
    error, payload = invoke(client, name, {"hello": "world"})
    assert error is None
    assert payload == {"event": {"hello": "world"}, "name": name, "env": "from-template"}


def test_sns_delivery_sends_a_realistic_event(client, unique):
    create_iam_role(client)
    name = f"sns-{unique}"
    handler = """
const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
exports.handler = async (event) => {
  await new S3Client({}).send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: "event.json", Body: JSON.stringify(event) }));
};
"""
    client("s3").create_bucket(Bucket=name)
    function_arn = client("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs22.x",
        Handler="index.handler",
        Role=ROLE,
        Environment={"Variables": {"BUCKET": name}},
        Code={"ZipFile": zipped({"index.js": handler})},
    )["FunctionArn"]
    sns = client("sns")
    topic = sns.create_topic(Name=name)["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)["SubscriptionArn"]
    message_id = sns.publish(
        TopicArn=topic,
        Message="hello",
        Subject="greeting",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}},
    )["MessageId"]
    event = json.loads(client("s3").get_object(Bucket=name, Key="event.json")["Body"].read())
    record = event["Records"][0]
    assert record["EventSource"] == "aws:sns"
    assert record["EventSubscriptionArn"] == subscription
    assert record["Sns"]["TopicArn"] == topic
    assert record["Sns"]["MessageId"] == message_id
    assert record["Sns"]["Message"] == "hello"
    assert record["Sns"]["Subject"] == "greeting"
    assert record["Sns"]["MessageAttributes"] == {"kind": {"Type": "String", "Value": "test"}}


def test_custom_resource_handler_answers_through_the_rewritten_response_url(client, unique):
    create_iam_role(client)
    name = f"custom-{unique}"
    function_arn = client("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs24.x",
        Handler="index.handler",
        Role=ROLE,
        Code={"ZipFile": zipped({"index.js": CUSTOM_RESOURCE})},
    )["FunctionArn"]
    cloudformation = client("cloudformation")
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps(
            {
                "Resources": {"Thing": {"Type": "Custom::Thing", "Properties": {"ServiceToken": function_arn}}},
                "Outputs": {"Answer": {"Value": {"Fn::GetAtt": ["Thing", "Answer"]}}},
            }
        ),
    )
    import time

    deadline = time.monotonic() + 15
    status = None
    while time.monotonic() < deadline:
        status = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        if status["StackStatus"] == "CREATE_COMPLETE":
            break
        time.sleep(0.1)
    assert status is not None and status["StackStatus"] == "CREATE_COMPLETE"
    assert status["Outputs"] == [{"OutputKey": "Answer", "OutputValue": "42"}]


def test_other_runtimes_get_a_clear_error(client, unique):
    create_iam_role(client)
    name = f"py-{unique}"
    client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Handler="index.handler",
        Role=ROLE,
        Code={"ZipFile": zipped({"index.py": "def handler(e, c): return 1"})},
    )
    error, payload = invoke(client, name, {})
    assert error == "Handled"
    assert payload["errorType"] == "Runtime.Unsupported"
    assert "nodejs" in payload["errorMessage"]


def test_missing_export_is_reported_like_the_runtime(client, unique):
    create_iam_role(client)
    name = f"noexport-{unique}"
    client("lambda").create_function(
        FunctionName=name,
        Runtime="nodejs24.x",
        Handler="index.missing",
        Role=ROLE,
        Code={"ZipFile": zipped({"index.mjs": "export const handler = async () => 1;"})},
    )
    error, payload = invoke(client, name, {})
    assert error == "Handled"
    assert payload["errorType"] == "Runtime.HandlerNotFound"
