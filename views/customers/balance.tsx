import { count } from '../shell/format.ts';

// A customer's live numbers. Each is one element with a stable id, so a loyalty_updated event can
// replace it wherever it is on screen (list row, detail header, POS card). data-seq is the event id
// the value reflects: the page script refuses to swap in an older value over a newer one.

export type CustomerNumbers = {
  customerId: string;
  pointsBalance: number;
  totalPointsEarned: number;
  totalPointsRedeemed: number;
};

type StatProps = { id: string; value: number; seq: number; flash?: boolean; oob?: boolean; cls: string; label?: string };

function Stat(p: StatProps) {
  return (
    <span id={p.id} class={`${p.cls}${p.flash ? ' flash' : ''}`} data-seq={String(p.seq)}
      hx-swap-oob={p.oob ? 'true' : undefined} aria-label={p.label}>
      {count(p.value)}
    </span>
  );
}

export const balanceId = (customerId: string) => `pts-${customerId}`;

export function Balance(p: { customerId: string; points: number; seq: number; flash?: boolean; oob?: boolean }) {
  return <Stat id={balanceId(p.customerId)} cls="pts" value={p.points} seq={p.seq} flash={p.flash} oob={p.oob} />;
}

export function Earned(p: { customerId: string; points: number; seq: number; flash?: boolean; oob?: boolean }) {
  return <Stat id={`earned-${p.customerId}`} cls="num" value={p.points} seq={p.seq} flash={p.flash} oob={p.oob} />;
}

export function Redeemed(p: { customerId: string; points: number; seq: number; flash?: boolean; oob?: boolean }) {
  return <Stat id={`redeemed-${p.customerId}`} cls="num" value={p.points} seq={p.seq} flash={p.flash} oob={p.oob} />;
}

/** All three numbers as out-of-band swaps (what a loyalty_updated event or a page action sends). */
export function NumbersOob(p: { n: CustomerNumbers; seq: number }) {
  const { n, seq } = p;
  return (
    <>
      <Balance customerId={n.customerId} points={n.pointsBalance} seq={seq} flash oob />
      <Earned customerId={n.customerId} points={n.totalPointsEarned} seq={seq} flash oob />
      <Redeemed customerId={n.customerId} points={n.totalPointsRedeemed} seq={seq} flash oob />
    </>
  );
}
