/**
 * Parses the events the lease Lambda receives, from `unknown` into a typed form: SNS deliveries
 * of CloudWatch alarm notifications, and the sweeper's schedule (EventBridge or a direct call).
 */

/** One alarm notification taken from an SNS record. */
export interface AlarmNotification {
  readonly alarmName: string;
  /** The state the notification announces (the Lambda checks the real state itself). */
  readonly newState: string | undefined;
}

/** What an invocation asks for. */
export type LeaseEvent =
  | { readonly kind: "alarms"; readonly notifications: AlarmNotification[]; readonly ignored: string[] }
  | { readonly kind: "sweep" }
  | { readonly kind: "invalid"; readonly reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function parseNotification(message: unknown, index: number): AlarmNotification | string {
  if (typeof message !== "string") return `Records[${index}].Sns.Message: expected a string`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return `Records[${index}].Sns.Message: not JSON`;
  }
  if (!isRecord(parsed)) return `Records[${index}].Sns.Message: expected a JSON object`;
  const alarmName = parsed.AlarmName;
  if (typeof alarmName !== "string" || alarmName.length === 0) {
    return `Records[${index}].Sns.Message: no AlarmName (not a CloudWatch alarm notification)`;
  }
  const newState = typeof parsed.NewStateValue === "string" ? parsed.NewStateValue : undefined;
  return { alarmName, newState };
}

/** Classifies an invocation event. Never throws. */
export function parseLeaseEvent(event: unknown): LeaseEvent {
  if (!isRecord(event)) return { kind: "invalid", reason: "expected an event object" };
  if (Array.isArray(event.Records)) {
    const notifications: AlarmNotification[] = [];
    const ignored: string[] = [];
    event.Records.forEach((record: unknown, i) => {
      const sns = isRecord(record) ? record.Sns : undefined;
      if (!isRecord(sns)) {
        ignored.push(`Records[${i}]: not an SNS record`);
        return;
      }
      const n = parseNotification(sns.Message, i);
      if (typeof n === "string") ignored.push(n);
      else notifications.push(n);
    });
    return { kind: "alarms", notifications, ignored };
  }
  if (
    event.action === "sweep" ||
    event.source === "aws.events" ||
    event["detail-type"] === "Scheduled Event"
  ) {
    return { kind: "sweep" };
  }
  return {
    kind: "invalid",
    reason:
      'expected SNS Records with CloudWatch alarm notifications, a scheduled event, or {"action":"sweep"}',
  };
}
