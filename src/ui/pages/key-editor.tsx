import { useSignal } from '@preact/signals';
import { ApiError, api } from '../api.js';
import { draftOf, FormField, fieldOf, mergePatchFrom, type Policy, PolicyFields, policyOf } from './key-policy-form.js';

export interface Key {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  status: string;
  policy: Policy;
  /** Until when the token a rotation replaced still works. */
  previousTokenValidUntil: string | null;
}

/** The API's refusal split into messages per form field, and what belongs to no field. */
function problemsOf(failure: unknown): { fields: Record<string, string>; general: string } {
  if (failure instanceof ApiError && failure.problems.length) {
    const fields: Record<string, string> = {};
    for (const problem of failure.problems) fields[fieldOf(problem.path)] = problem.message;
    return { fields, general: '' };
  }
  return { fields: {}, general: (failure as Error).message };
}

/**
 * Creates a key (name, expiry, policy) or edits an existing key's policy through PATCH, which keeps its token.
 * `onSaved` receives the key, with its token when one was created.
 */
export function KeyEditor(props: {
  editing?: Key | undefined;
  onSaved(key: Key & { token?: string }): void;
  onCancel(): void;
}) {
  const { editing } = props;
  const name = useSignal('');
  const expires = useSignal('');
  const draft = useSignal(draftOf(editing?.policy));
  const errors = useSignal<Record<string, string>>({});
  const general = useSignal('');
  const busy = useSignal(false);

  const save = async (event: Event) => {
    event.preventDefault();
    busy.value = true;
    errors.value = {};
    general.value = '';
    try {
      const policy = policyOf(draft.value);
      const saved = editing
        ? await api<Key>(`/keys/${encodeURIComponent(editing.id)}`, {
            method: 'PATCH',
            body: mergePatchFrom(editing.policy, policy),
          })
        : await api<Key & { token: string }>('/keys', {
            method: 'POST',
            body: {
              name: name.value.trim(),
              ...(expires.value.trim() === '' ? {} : { expires_in_days: Number(expires.value) }),
              ...policy,
            },
          });
      props.onSaved(saved);
    } catch (failure) {
      const problems = problemsOf(failure);
      errors.value = problems.fields;
      general.value = problems.general;
    } finally {
      busy.value = false;
    }
  };

  const title = editing ? `Edit the policy of ${editing.name}` : 'Create a client key';
  return (
    <form class="key-editor" onSubmit={save} aria-label={title} noValidate>
      <h2>{title}</h2>
      {editing ? (
        <p class="hint">
          The token ({editing.prefix}…) stays as it is; the change applies to the next request. Clear a field to remove
          that limit.
        </p>
      ) : (
        <fieldset>
          <legend>Key</legend>
          <FormField label="New client name" error={errors.value.name}>
            <input
              name="client-name"
              required
              aria-invalid={errors.value.name ? 'true' : undefined}
              value={name.value}
              onInput={(e) => (name.value = e.currentTarget.value)}
            />
          </FormField>
          <FormField label="Expires in days (empty: never)" error={errors.value.expires_in_days}>
            <input
              name="expires-in-days"
              inputMode="decimal"
              aria-invalid={errors.value.expires_in_days ? 'true' : undefined}
              value={expires.value}
              onInput={(e) => (expires.value = e.currentTarget.value)}
            />
          </FormField>
        </fieldset>
      )}
      <PolicyFields draft={draft} errors={errors.value} />
      {general.value && (
        <p class="state error" role="alert">
          {general.value}
        </p>
      )}
      {Object.keys(errors.value).length > 0 && (
        <p class="state error" role="alert">
          Not saved: correct the field{Object.keys(errors.value).length > 1 ? 's' : ''} marked above.
        </p>
      )}
      <div class="toolbar">
        <button type="submit" disabled={busy.value}>
          {editing ? 'Save policy' : 'Create token'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
