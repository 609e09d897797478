import { useSignal } from '@preact/signals';
import { parseDuration } from '../../config/duration.js';
import { api } from '../api.js';
import { Field } from '../components.js';
import { Modal } from '../dialog.js';
import { time } from '../format.js';
import type { Key } from './key-editor.js';

/** How long the old token keeps working: the choices an operator makes in an incident, or a duration of their own. */
const CHOICES = [
  ['none', 'None: it stops at once'],
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['custom', 'Custom'],
] as const;

/** The API's own ceiling (MAX_GRACE_MS): told before sending rather than after. */
const MAX_GRACE_MS = 30 * 86_400_000;

/** What is wrong with a custom grace period, in the API's words, or '' when it can be sent. */
function customProblem(text: string): string {
  const ms = parseDuration(text);
  if (ms === undefined) return 'grace must be a duration such as "24h" or "30m"';
  if (ms > MAX_GRACE_MS) return 'grace must be between 0 and 30 days';
  return '';
}

type Rotated = Key & { token: string };

/**
 * Rotates a key (POST /keys/{id}/rotate with an optional grace): asks the grace period, then shows the new token
 * once with a copy button and when the old one stops working.
 */
export function RotateDialog(props: { target: Key; onRotated(rotated: Rotated): void; onClose(): void }) {
  const choice = useSignal<(typeof CHOICES)[number][0]>('none');
  const custom = useSignal('');
  const problem = useSignal('');
  const busy = useSignal(false);
  const rotated = useSignal<Rotated | null>(null);
  const copied = useSignal('');

  const submit = async (event: Event) => {
    event.preventDefault();
    const grace = choice.value === 'custom' ? custom.value.trim() : choice.value;
    if (choice.value === 'custom') {
      problem.value = customProblem(grace);
      if (problem.value) return;
    }
    busy.value = true;
    try {
      const body = grace === 'none' ? {} : { grace };
      const result = await api<Rotated>(`/keys/${encodeURIComponent(props.target.id)}/rotate`, {
        method: 'POST',
        body,
      });
      problem.value = '';
      rotated.value = result;
      props.onRotated(result);
    } catch (failure) {
      problem.value = (failure as Error).message;
    } finally {
      busy.value = false;
    }
  };
  const copy = async (token: string) => {
    try {
      await navigator.clipboard.writeText(token);
      copied.value = 'Copied to the clipboard.';
    } catch {
      copied.value = 'The browser did not allow copying: select the token and copy it by hand.';
    }
  };

  const done = rotated.value;
  if (done) {
    return (
      <Modal title={`New token for ${props.target.name}`} onClose={props.onClose}>
        <p class="warning">
          <strong>Copy it now: it is shown only once.</strong> Only its hash is stored.
        </p>
        <pre data-token>{done.token}</pre>
        <p data-old-token-ends>
          {done.previousTokenValidUntil
            ? `The old token works until ${time(done.previousTokenValidUntil)}.`
            : 'The old token stopped working at once.'}
        </p>
        <div class="toolbar">
          <button type="button" onClick={() => copy(done.token)}>
            Copy token
          </button>
          <span role="status">{copied.value}</span>
        </div>
        <button type="button" onClick={props.onClose}>
          Done, hide it
        </button>
      </Modal>
    );
  }
  return (
    <Modal title={`Rotate ${props.target.name}`} onClose={props.onClose}>
      <form onSubmit={submit}>
        <p>A new token is shown once. Applications move to it while the old one keeps working for:</p>
        <fieldset>
          <legend>Grace period for the old token</legend>
          {CHOICES.map(([value, label]) => (
            <label key={value} class="choice">
              <input
                type="radio"
                name="grace"
                value={value}
                checked={choice.value === value}
                onChange={() => {
                  choice.value = value;
                  problem.value = '';
                }}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>
        {choice.value === 'custom' && (
          <Field label="Custom grace period (e.g. 30m, 12h, 3d; at most 30d)">
            <input
              name="grace-custom"
              value={custom.value}
              aria-invalid={problem.value ? 'true' : undefined}
              aria-describedby={problem.value ? 'grace-problem' : undefined}
              onInput={(e) => (custom.value = e.currentTarget.value)}
            />
          </Field>
        )}
        {problem.value && (
          <p id="grace-problem" class="field-error" role="alert">
            {problem.value}
          </p>
        )}
        <div class="toolbar">
          <button type="submit" disabled={busy.value}>
            Rotate token
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
