"""Groups with a mixed-instances policy launch its first instance type (annex_moto.mixed_instances)."""

from annex_moto.mixed_instances import first_override_type


def test_first_override_type_reads_the_policy():
    assert first_override_type({"LaunchTemplate": {"Overrides": [{"InstanceType": "c6i.2xlarge"}, {"InstanceType": "c5.2xlarge"}]}}) == "c6i.2xlarge"
    assert first_override_type({"LaunchTemplate": {}}) is None
    assert first_override_type(None) is None


def test_a_mixed_group_launches_its_first_override(client, unique):
    ec2 = client("ec2")
    autoscaling = client("autoscaling")
    template = ec2.create_launch_template(
        LaunchTemplateName=f"lt-{unique}", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=f"g-{unique}",
        MinSize=0,
        MaxSize=3,
        DesiredCapacity=2,
        VPCZoneIdentifier=subnet,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
                "Overrides": [{"InstanceType": "c6i.2xlarge"}, {"InstanceType": "c5.2xlarge"}],
            },
            "InstancesDistribution": {"OnDemandPercentageAboveBaseCapacity": 100},
        },
    )
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[f"g-{unique}"])["AutoScalingGroups"][0]
    ids = [i["InstanceId"] for i in group["Instances"]]
    assert len(ids) == 2
    types = {
        i["InstanceType"]
        for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
        for i in r["Instances"]
    }
    assert types == {"c6i.2xlarge"}


def test_a_resize_keeps_the_policy_and_launches_the_same_type(client, unique):
    ec2 = client("ec2")
    autoscaling = client("autoscaling")
    template = ec2.create_launch_template(
        LaunchTemplateName=f"lt2-{unique}", LaunchTemplateData={"ImageId": "ami-12c6146b"}
    )["LaunchTemplate"]["LaunchTemplateId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    name = f"g2-{unique}"
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        MinSize=0,
        MaxSize=3,
        DesiredCapacity=1,
        VPCZoneIdentifier=subnet,
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Latest"},
                "Overrides": [{"InstanceType": "c5.large"}],
            },
        },
    )
    first = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    first_id = first["Instances"][0]["InstanceId"]
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=name, DesiredCapacity=3)
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]
    assert group["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"] == [{"InstanceType": "c5.large"}]
    ids = [i["InstanceId"] for i in group["Instances"]]
    assert len(ids) == 3 and first_id in ids
    types = {i["InstanceType"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"] for i in r["Instances"]}
    assert types == {"c5.large"}
