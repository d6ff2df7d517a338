/**
 * AnnexRequests that the access point's submit requirement must reject: one per attribute and
 * kind of mistake, each with the start of the reason the schedd gives. Shared by the unit test
 * (our evaluator playing the schedd) and the real-schedd test.
 */
export const MALFORMED_REQUESTS: readonly (readonly [request: string, reasonStart: string])[] = [
  ['"chem-burst"', "+AnnexRequest must be a nested ad"],
  ["{ 1, 2 }", "+AnnexRequest must be a nested ad"],
  ['[ Name = "Chem_Burst" ]', "+AnnexRequest is malformed: Name must be a DNS-safe name"],
  ['[ Name = "-burst" ]', "+AnnexRequest is malformed: Name must be a DNS-safe name"],
  ["[ Name = 5 ]", "+AnnexRequest is malformed: Name must be a DNS-safe name"],
  ["[ MaxInstances = 4 ]", "+AnnexRequest is malformed: Name must be a DNS-safe name"],
  [`[ Name = "${"a".repeat(64)}" ]`, "+AnnexRequest is malformed: Name must be a DNS-safe name"],
  ['[ Name = "chem-burst"; MaxInstance = 4 ]', "+AnnexRequest is malformed: its attributes must be among"],
  ['[ Name = "chem-burst"; Spotty = true ]', "+AnnexRequest is malformed: its attributes must be among"],
  [
    '[ Name = "chem-burst"; InstanceTypes = "c5.large" ]',
    "+AnnexRequest is malformed: InstanceTypes must be",
  ],
  ['[ Name = "chem-burst"; InstanceTypes = {} ]', "+AnnexRequest is malformed: InstanceTypes must be"],
  [
    '[ Name = "chem-burst"; InstanceTypes = { "c5.large", 3 } ]',
    "+AnnexRequest is malformed: InstanceTypes must be",
  ],
  [
    '[ Name = "chem-burst"; InstanceTypes = { "c5 large" } ]',
    "+AnnexRequest is malformed: InstanceTypes must be",
  ],
  [
    '[ Name = "chem-burst"; MaxInstances = "ten" ]',
    "+AnnexRequest is malformed: MaxInstances must be an integer from 1 to 10000",
  ],
  [
    '[ Name = "chem-burst"; MaxInstances = 0 ]',
    "+AnnexRequest is malformed: MaxInstances must be an integer from 1 to 10000",
  ],
  ['[ Name = "chem-burst"; MaxInstances = 10001 ]', "+AnnexRequest is malformed: MaxInstances must be"],
  [
    '[ Name = "chem-burst"; Count = -1 ]',
    "+AnnexRequest is malformed: Count must be an integer from 0 to 10000",
  ],
  ['[ Name = "chem-burst"; Count = 2.5 ]', "+AnnexRequest is malformed: Count must be"],
  ['[ Name = "chem-burst"; Spot = "yes" ]', "+AnnexRequest is malformed: Spot must be true or false"],
  ['[ Name = "chem-burst"; OnDemandBase = true ]', "+AnnexRequest is malformed: OnDemandBase must be"],
  [
    '[ Name = "chem-burst"; LeaseMinutes = 1.5 ]',
    "+AnnexRequest is malformed: LeaseMinutes must be an integer from 2 to 1440",
  ],
  ['[ Name = "chem-burst"; LeaseMinutes = 1 ]', "+AnnexRequest is malformed: LeaseMinutes must be"],
  ['[ Name = "chem-burst"; LeaseMinutes = 1441 ]', "+AnnexRequest is malformed: LeaseMinutes must be"],
  [
    '[ Name = "chem-burst"; MaxHours = -1 ]',
    "+AnnexRequest is malformed: MaxHours must be a number of hours",
  ],
  ['[ Name = "chem-burst"; MaxHours = 169 ]', "+AnnexRequest is malformed: MaxHours must be"],
  ['[ Name = "chem-burst"; MaxHours = "8" ]', "+AnnexRequest is malformed: MaxHours must be"],
  [
    '[ Name = "chem-burst"; IdleMinutes = 0 ]',
    "+AnnexRequest is malformed: IdleMinutes must be an integer from 1 to 1440",
  ],
  ['[ Name = "chem-burst"; ImageId = "ubuntu" ]', "+AnnexRequest is malformed: ImageId must be an AMI id"],
  ['[ Name = "chem-burst"; ImageId = 42 ]', "+AnnexRequest is malformed: ImageId must be"],
  ['[ Name = "chem-burst"; Subnets = { "sub-1" } ]', "+AnnexRequest is malformed: Subnets must be a list"],
  [
    '[ Name = "chem-burst"; Subnets = "subnet-0123456789abcdef0" ]',
    "+AnnexRequest is malformed: Subnets must be",
  ],
  [
    '[ Name = "chem-burst"; Region = "US East" ]',
    "+AnnexRequest is malformed: Region must be an AWS region name",
  ],
  [
    '[ Name = "chem-burst"; Owner = { "alice" } ]',
    "+AnnexRequest is malformed: Owner must be an HTCondor user name",
  ],
  ['[ Name = "chem-burst"; Tags = "project=x" ]', "+AnnexRequest is malformed: Tags must be a nested ad"],
  [
    '[ Name = "chem-burst"; CollectorHost = "cm example" ]',
    "+AnnexRequest is malformed: CollectorHost must be",
  ],
];
