import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

/** The dialog's Tab stops in order: a radio group is one stop (its checked radio, or its first). */
function tabStops(dialog: HTMLElement): HTMLElement[] {
  return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => {
    if (!(el instanceof HTMLInputElement) || el.type !== 'radio') return true;
    const group = [...dialog.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${el.name}"]`)];
    return el.checked || (!group.some((r) => r.checked) && group[0] === el);
  });
}

/** Keeps Tab inside the dialog: from the last stop to the first and back (the browser would leave for its own UI). */
function trapTab(event: KeyboardEvent) {
  if (event.key !== 'Tab') return;
  const stops = tabStops(event.currentTarget as HTMLElement);
  const first = stops[0];
  const last = stops[stops.length - 1];
  if (!first || !last) return;
  const at = document.activeElement;
  if (event.shiftKey && at === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && at === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A modal dialog on the browser's own <dialog>: showModal() makes the rest of the page inert (screen readers read
 * only the dialog) and Escape closes it; Tab cycles within it. Focus goes back to what had it before, even when
 * the dialog leaves the page by being unmounted rather than closed.
 */
export function Modal(props: { title: string; onClose(): void; children: ComponentChildren }) {
  const box = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = box.current;
    const before = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      if (dialog?.open) dialog.close();
      before?.focus();
    };
  }, []);
  return (
    <dialog
      ref={box}
      class="modal"
      aria-label={props.title}
      onKeyDown={trapTab}
      onCancel={(event) => {
        // Escape: the owner decides (it unmounts the dialog), so the browser does not close it behind its back.
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** An in-page question before an action that cannot be undone (window.confirm blocks the page and cannot be styled). */
export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirm: string;
  onConfirm(): void;
  onCancel(): void;
}) {
  return (
    <Modal title={props.title} onClose={props.onCancel}>
      <p>{props.message}</p>
      <div class="toolbar">
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
        {/* Focus starts on Cancel: Enter pressed out of habit must not do what cannot be undone. */}
        <button type="button" autofocus onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
