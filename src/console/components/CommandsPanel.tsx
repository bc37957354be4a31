import { useEffect, useState } from 'preact/hooks';
import { api, explain, type Me, may } from '../api.js';

interface Field {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'select';
  options?: string[];
  optional?: boolean;
}

interface CommandForm {
  action: string;
  label: string;
  /** sent to this route under the charger instead of commands/{action} (firmware, diagnostics) */
  route?: string;
  /** soft: support may; send: operators; Reset Hard: admins (the server checks it too) */
  permission: 'commands:soft' | 'commands:send';
  fields: Field[];
  payload(values: Record<string, string>): Record<string, unknown>;
  /** asks before sending */
  confirm?(values: Record<string, string>): string | undefined;
}

const number = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : Number(value);
const defined = (object: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== ''));

const RESET_CONFIRM = (values: Record<string, string>) =>
  values.type === 'Hard' || values.type === 'Immediate'
    ? `A ${values.type} reset ends every session on the charger at once. Send it?`
    : undefined;

/** TriggerMessage: the messages a version's charger may be asked for (1.6 also names a connector). */
const triggerForm = (messages: string[], withConnector: boolean): CommandForm => ({
  action: 'TriggerMessage',
  label: 'Trigger message',
  permission: 'commands:soft',
  fields: [
    { name: 'requestedMessage', label: 'Message', kind: 'select', options: messages },
    ...(withConnector
      ? [{ name: 'connectorId', label: 'Connector', kind: 'number' as const, optional: true }]
      : []),
  ],
  payload: (v) =>
    defined({
      requestedMessage: v.requestedMessage ?? messages[0],
      ...(withConnector ? { connectorId: number(v.connectorId) } : {}),
    }),
});

/** Firmware and diagnostics go through their own routes, which sign the URL the charger uses. */
const FILE_FORMS = (logs: string[]): CommandForm[] => [
  {
    action: 'UpdateFirmware',
    label: 'Update firmware',
    route: 'firmware-update',
    permission: 'commands:send',
    fields: [{ name: 'firmwareId', label: 'Firmware image', kind: 'select', options: [] }],
    payload: (v) => ({ firmwareId: v.firmwareId }),
  },
  {
    action: 'GetDiagnostics',
    label: 'Get diagnostics',
    route: 'diagnostics-request',
    permission: 'commands:soft',
    fields: [{ name: 'log', label: 'Log', kind: 'select', options: logs }],
    payload: (v) => ({ log: v.log ?? logs[0] }),
  },
];

/** The commands a support engineer or operator sends most, as forms, per protocol. */
const FORMS: Record<'1.6' | '2.x', CommandForm[]> = {
  '1.6': [
    {
      action: 'RemoteStartTransaction',
      label: 'Remote start',
      permission: 'commands:send',
      fields: [
        { name: 'idTag', label: 'Token (idTag)', kind: 'text' },
        { name: 'connectorId', label: 'Connector', kind: 'number', optional: true },
      ],
      payload: (v) => defined({ idTag: v.idTag, connectorId: number(v.connectorId) }),
    },
    {
      action: 'RemoteStopTransaction',
      label: 'Remote stop',
      permission: 'commands:send',
      fields: [{ name: 'transactionId', label: 'Transaction id', kind: 'number' }],
      payload: (v) => ({ transactionId: number(v.transactionId) }),
    },
    {
      action: 'Reset',
      label: 'Reset',
      permission: 'commands:soft',
      fields: [{ name: 'type', label: 'Type', kind: 'select', options: ['Soft', 'Hard'] }],
      payload: (v) => ({ type: v.type ?? 'Soft' }),
      confirm: RESET_CONFIRM,
    },
    {
      action: 'UnlockConnector',
      label: 'Unlock connector',
      permission: 'commands:send',
      fields: [{ name: 'connectorId', label: 'Connector', kind: 'number' }],
      payload: (v) => ({ connectorId: number(v.connectorId) }),
    },
    {
      action: 'ChangeAvailability',
      label: 'Change availability',
      permission: 'commands:send',
      fields: [
        { name: 'connectorId', label: 'Connector (0: all)', kind: 'number' },
        { name: 'type', label: 'Type', kind: 'select', options: ['Operative', 'Inoperative'] },
      ],
      payload: (v) => ({ connectorId: number(v.connectorId) ?? 0, type: v.type ?? 'Operative' }),
    },
    {
      action: 'GetConfiguration',
      label: 'Get configuration',
      permission: 'commands:soft',
      fields: [{ name: 'key', label: 'Keys (comma-separated; empty: all)', kind: 'text', optional: true }],
      payload: (v) =>
        v.key
          ? {
              key: v.key
                .split(',')
                .map((key) => key.trim())
                .filter(Boolean),
            }
          : {},
    },
    {
      action: 'ChangeConfiguration',
      label: 'Change configuration',
      permission: 'commands:send',
      fields: [
        { name: 'key', label: 'Key', kind: 'text' },
        { name: 'value', label: 'Value', kind: 'text' },
      ],
      payload: (v) => ({ key: v.key, value: v.value ?? '' }),
    },
    triggerForm(
      [
        'StatusNotification',
        'Heartbeat',
        'BootNotification',
        'MeterValues',
        'DiagnosticsStatusNotification',
        'FirmwareStatusNotification',
      ],
      true,
    ),
  ],
  '2.x': [
    {
      action: 'RequestStartTransaction',
      label: 'Request start',
      permission: 'commands:send',
      fields: [
        { name: 'idToken', label: 'Token', kind: 'text' },
        { name: 'evseId', label: 'EVSE', kind: 'number', optional: true },
        { name: 'remoteStartId', label: 'Remote start id', kind: 'number' },
      ],
      payload: (v) =>
        defined({
          idToken: { idToken: v.idToken, type: 'ISO14443' },
          evseId: number(v.evseId),
          remoteStartId: number(v.remoteStartId) ?? Math.floor(Math.random() * 1e6),
        }),
    },
    {
      action: 'RequestStopTransaction',
      label: 'Request stop',
      permission: 'commands:send',
      fields: [{ name: 'transactionId', label: 'Transaction id', kind: 'text' }],
      payload: (v) => ({ transactionId: v.transactionId }),
    },
    {
      action: 'Reset',
      label: 'Reset',
      permission: 'commands:soft',
      fields: [{ name: 'type', label: 'Type', kind: 'select', options: ['OnIdle', 'Immediate'] }],
      payload: (v) => ({ type: v.type ?? 'OnIdle' }),
      confirm: RESET_CONFIRM,
    },
    {
      action: 'UnlockConnector',
      label: 'Unlock connector',
      permission: 'commands:send',
      fields: [
        { name: 'evseId', label: 'EVSE', kind: 'number' },
        { name: 'connectorId', label: 'Connector', kind: 'number' },
      ],
      payload: (v) => ({ evseId: number(v.evseId), connectorId: number(v.connectorId) }),
    },
    {
      action: 'ChangeAvailability',
      label: 'Change availability',
      permission: 'commands:send',
      fields: [
        { name: 'evseId', label: 'EVSE (empty: all)', kind: 'number', optional: true },
        { name: 'operationalStatus', label: 'Status', kind: 'select', options: ['Operative', 'Inoperative'] },
      ],
      payload: (v) =>
        defined({
          operationalStatus: v.operationalStatus ?? 'Operative',
          evse: v.evseId ? { id: number(v.evseId) } : undefined,
        }),
    },
    {
      action: 'GetVariables',
      label: 'Get variables',
      permission: 'commands:soft',
      fields: [
        { name: 'component', label: 'Component', kind: 'text' },
        { name: 'variable', label: 'Variable', kind: 'text' },
      ],
      payload: (v) => ({
        getVariableData: [{ component: { name: v.component }, variable: { name: v.variable } }],
      }),
    },
    {
      action: 'SetVariables',
      label: 'Set variables',
      permission: 'commands:send',
      fields: [
        { name: 'component', label: 'Component', kind: 'text' },
        { name: 'variable', label: 'Variable', kind: 'text' },
        { name: 'value', label: 'Value', kind: 'text' },
      ],
      payload: (v) => ({
        setVariableData: [
          { component: { name: v.component }, variable: { name: v.variable }, attributeValue: v.value ?? '' },
        ],
      }),
    },
    triggerForm(
      [
        'StatusNotification',
        'Heartbeat',
        'BootNotification',
        'MeterValues',
        'FirmwareStatusNotification',
        'LogStatusNotification',
      ],
      false,
    ),
  ],
};

type Outcome =
  | { kind: 'answered'; response: unknown }
  | { kind: 'callerror'; errorCode: string; description: string }
  | { kind: 'failed'; message: string };

/** The forms this token may use; a Hard reset only for those who may send one. */
function formsFor(
  me: Me,
  protocol: string | null,
  firmware: Array<{ id: string; label: string }>,
): CommandForm[] {
  const v16 = protocol === 'ocpp1.6';
  const files = FILE_FORMS(
    v16 ? ['Diagnostics', 'DiagnosticsLog', 'SecurityLog'] : ['DiagnosticsLog', 'SecurityLog'],
  )
    .map((form) =>
      form.action === 'UpdateFirmware'
        ? { ...form, fields: [{ ...form.fields[0]!, options: firmware.map((image) => image.id) }] }
        : form,
    )
    .filter((form) => form.action !== 'UpdateFirmware' || firmware.length > 0);
  const forms = [...FORMS[v16 ? '1.6' : '2.x'], ...files];
  return forms
    .filter((form) => may(me, form.permission))
    .map((form) =>
      form.action === 'Reset' && !may(me, 'commands:hard')
        ? { ...form, fields: [{ ...form.fields[0]!, options: [form.fields[0]!.options![0]!] }] }
        : form,
    );
}

/** Sends commands to a connected charger and shows its answer, a CALLERROR, offline or timeout plainly. */
export function CommandsPanel({
  me,
  chargerId,
  protocol,
}: {
  me: Me;
  chargerId: string;
  protocol: string | null;
}) {
  const [firmware, setFirmware] = useState<Array<{ id: string; label: string }>>([]);
  useEffect(() => {
    api<Array<{ id: string; fileName: string; labels?: Record<string, string> }>>('/api/firmware').then(
      (images) =>
        setFirmware(
          images.map((image) => ({ id: image.id, label: image.labels?.version ?? image.fileName })),
        ),
      () => undefined,
    );
  }, []);
  const forms = formsFor(me, protocol, firmware);
  const [chosen, setChosen] = useState(forms[0]?.action ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);
  const form = forms.find((candidate) => candidate.action === chosen);
  if (!form) return null;
  const send = async (event: Event) => {
    event.preventDefault();
    const question = form.confirm?.(values);
    if (question && !window.confirm(question)) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      const answer = await api<{
        status: string;
        response?: unknown;
        errorCode?: string;
        description?: string;
      }>(`/api/chargers/${encodeURIComponent(chargerId)}/${form.route ?? `commands/${form.action}`}`, {
        method: 'POST',
        body: form.payload(values),
      });
      setOutcome(
        answer.status === 'answered'
          ? { kind: 'answered', response: answer.response }
          : { kind: 'callerror', errorCode: answer.errorCode ?? '', description: answer.description ?? '' },
      );
    } catch (failure) {
      setOutcome({ kind: 'failed', message: explain(failure) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="commands-panel" aria-labelledby="commands-heading">
      <h2 id="commands-heading">Commands</h2>
      <form onSubmit={send}>
        <span class="field">
          <label for="command-action">Command</label>{' '}
          <select
            id="command-action"
            value={chosen}
            onChange={(e) => {
              setChosen((e.target as HTMLSelectElement).value);
              setValues({});
              setOutcome(undefined);
            }}
          >
            {forms.map((candidate) => (
              <option key={candidate.action} value={candidate.action}>
                {candidate.label}
              </option>
            ))}
          </select>
        </span>
        {form.fields.map((field) => (
          <span key={`${form.action}-${field.name}`} class="field">
            <label for={`command-${field.name}`}>{field.label}</label>{' '}
            {field.kind === 'select' ? (
              <select
                id={`command-${field.name}`}
                name={field.name}
                value={values[field.name] ?? field.options![0]}
                onChange={(e) =>
                  setValues({ ...values, [field.name]: (e.target as HTMLSelectElement).value })
                }
              >
                {field.options!.map((option) => (
                  <option key={option} value={option}>
                    {firmware.find((image) => image.id === option)?.label ?? option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`command-${field.name}`}
                name={field.name}
                type={field.kind === 'number' ? 'number' : 'text'}
                required={!field.optional}
                value={values[field.name] ?? ''}
                onInput={(e) => setValues({ ...values, [field.name]: (e.target as HTMLInputElement).value })}
              />
            )}
          </span>
        ))}
        <button type="submit" disabled={busy}>
          {busy ? 'Waiting for the charger…' : `Send ${form.action}`}
        </button>
      </form>
      <div aria-live="polite" class="outcome">
        {outcome?.kind === 'answered' && (
          <p class="ok">
            The charger answered: <code>{JSON.stringify(outcome.response)}</code>
          </p>
        )}
        {outcome?.kind === 'callerror' && (
          <p class="error">
            The charger answered with a CALLERROR: <code>{outcome.errorCode}</code> {outcome.description}
          </p>
        )}
        {outcome?.kind === 'failed' && <p class="error">{outcome.message}</p>}
      </div>
    </section>
  );
}
