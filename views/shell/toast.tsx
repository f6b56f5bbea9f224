/**
 * A toast appended to #toasts out of band; the page script fades it out after a few seconds. data-event
 * lets a notification's own toast (views/notifications.tsx) take the place of its cause's.
 */
export function ToastOob(p: { text: string; seq: number; kind?: string; actor?: string | null }) {
  return (
    <div hx-swap-oob="beforeend:#toasts" data-seq={String(p.seq)}>
      <div class={`toast ${p.kind ?? ''}`} role="status" data-actor={p.actor ?? ''} data-event={String(p.seq)}>{p.text}</div>
    </div>
  );
}
