"""Groups with a mixed-instances policy launch the policy's instance types, and keep the policy.

- moto launches every instance of a group with the launch template's own InstanceType, which an
  annex's template does not set (its types are the policy's overrides), so EC2 reported a default
  type no one asked for. With a "prioritized" allocation — the one moto already assumes when it
  counts capacity — AWS launches the first override it can; the group's instances are now of
  that type, so what the emulator launches is what the request asked for.
- UpdateAutoScalingGroup with only a DesiredCapacity (how condor-annex resizes an annex) made
  moto drop the group's MixedInstancesPolicy: on AWS an omitted parameter is left as it is.
"""

from typing import Any

from moto.autoscaling.models import FakeAutoScalingGroup

_original_instance_type: Any = None
_original_update: Any = None


def first_override_type(policy: Any) -> str | None:
    """The InstanceType of the first override of a mixed-instances policy, if any."""
    if not isinstance(policy, dict):
        return None
    overrides = policy.get("LaunchTemplate", {}).get("Overrides") or []
    for override in overrides:
        if isinstance(override, dict) and override.get("InstanceType"):
            return str(override["InstanceType"])
    return None


def install() -> None:
    global _original_instance_type, _original_update
    if _original_instance_type is not None:
        return
    _original_instance_type = FakeAutoScalingGroup.instance_type
    _original_update = FakeAutoScalingGroup.update

    def instance_type(self: FakeAutoScalingGroup) -> str:
        chosen = first_override_type(getattr(self, "mixed_instances_policy", None))
        return chosen if chosen is not None else _original_instance_type.fget(self)

    def update(self: FakeAutoScalingGroup, **kwargs: Any) -> None:
        keep = self.mixed_instances_policy
        omitted = not (
            kwargs.get("mixed_instances_policy") or kwargs.get("launch_template") or kwargs.get("launch_config_name")
        )
        if not keep or not omitted:
            _original_update(self, **kwargs)
            return
        # Update everything else, put the policy back, then size the group with it in place.
        desired = kwargs.get("desired_capacity")
        _original_update(self, **{**kwargs, "desired_capacity": None})
        self.mixed_instances_policy = keep
        if desired is not None:
            self.set_desired_capacity(desired)

    FakeAutoScalingGroup.instance_type = property(instance_type)  # type: ignore[method-assign,assignment]
    FakeAutoScalingGroup.update = update  # type: ignore[method-assign]
