/** A toast appended to #toasts out of band; the page script fades it out after a few seconds. */
export function ToastOob(p: { text: string; seq: number; kind?: string; actor?: string | null }) {
  return (
    <div hx-swap-oob="beforeend:#toasts" data-seq={String(p.seq)}>
      <div class={`toast ${p.kind ?? ''}`} role="status" data-actor={p.actor ?? ''}>{p.text}</div>
    </div>
  );
}
