import { BareLayout } from './layout.tsx';

export function LoginPage(p: { slug: string; tenantName: string; csrf: string; email?: string; error?: string }) {
  return (
    <BareLayout title={`Sign in · ${p.tenantName}`}>
      <h1>{p.tenantName}</h1>
      <form method="post" action={`/${p.slug}/admin/login`} class="card stack">
        <h2>Sign in</h2>
        {p.error ? <p class="field-error" role="alert" id="login-error">{p.error}</p> : null}
        <input type="hidden" name="_csrf" value={p.csrf} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={p.email ?? ''}
          autofocus aria-describedby={p.error ? 'login-error' : undefined} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" class="btn">Sign in</button>
      </form>
    </BareLayout>
  );
}

export function MessagePage(p: { title: string; message: string; href?: string; linkText?: string }) {
  return (
    <BareLayout title={p.title}>
      <h1>{p.title}</h1>
      <p>{p.message}</p>
      {p.href ? <p><a href={p.href}>{p.linkText ?? 'Back'}</a></p> : null}
    </BareLayout>
  );
}
