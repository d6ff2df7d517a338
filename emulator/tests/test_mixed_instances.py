"""Groups with a mixed-instances policy launch its first instance type (annex_moto.mixed_instances)."""

from annex_moto.mixed_instances import first_override_type


def test_first_override_type_reads_the_policy():
    assert first_override_type({"LaunchTemplate": {"Overrides": [{"InstanceType": "c6i.2xlarge"}, {"InstanceType": "c5.2xlarge"}]}}) == "c6i.2xlarge"
    assert first_override_type({"LaunchTemplate": {}}) is None
    assert first_override_type(None) is None


def create_mixed_group(client, name, desired, overrides, distribution=None):
    """A group with a mixed-instances policy over a fresh launch template; returns its description."""
    ec2 = client("ec2")
    autoscaling = client("autoscaling")
    template = ec2.create_launch_template(
        LaunchTemplateName=f"lt-{name}", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    policy = {
        "LaunchTemplate": {
            "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
            "Overrides": [{"InstanceType": t} for t in overrides],
        },
    }
    if distribution is not None:
        policy["InstancesDistribution"] = distribution
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MinSize=0,
        MaxSize=3,
        DesiredCapacity=desired,
        VPCZoneIdentifier=ec2.describe_subnets()["Subnets"][0]["SubnetId"],
        MixedInstancesPolicy=policy,
    )
    return describe_group(client, name)


def describe_group(client, name):
    return client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def instance_types(client, ids):
    reservations = client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceType"] for r in reservations for i in r["Instances"]}


def test_a_mixed_group_launches_its_first_override(client, unique):
    group = create_mixed_group(
        client,
        f"g-{unique}",
        2,
        ["c6i.2xlarge", "c5.2xlarge"],
        {"OnDemandPercentageAboveBaseCapacity": 100},
    )
    ids = [i["InstanceId"] for i in group["Instances"]]
    assert len(ids) == 2
    assert instance_types(client, ids) == {"c6i.2xlarge"}


def test_a_resize_keeps_the_policy_and_launches_the_same_type(client, unique):
    name = f"g2-{unique}"
    first = create_mixed_group(client, name, 1, ["c5.large"])
    first_id = first["Instances"][0]["InstanceId"]
    client("autoscaling").update_auto_scaling_group(AutoScalingGroupName=name, DesiredCapacity=3)
    group = describe_group(client, name)
    assert group["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] == [{"InstanceType": "c5.large"}]
    ids = [i["InstanceId"] for i in group["Instances"]]
    assert len(ids) == 3 and first_id in ids
    assert instance_types(client, ids) == {"c5.large"}
