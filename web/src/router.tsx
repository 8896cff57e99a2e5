import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A few routes, so a tiny history-API router instead of a library: deep links like
 * /alerts/<id> (the target of notification links) are served index.html by the API.
 */
export type Route =
  | { view: 'live' }
  | { view: 'alert'; id: string }
  | { view: 'transactions' }
  | { view: 'rules' }
  | { view: 'rule'; namespace: string; name: string }
  | { view: 'new-rule' };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'alerts' && parts[1]) return { view: 'alert', id: parts.slice(1).join('/') };
  if (parts[0] === 'transactions') return { view: 'transactions' };
  if (parts[0] === 'rules' && parts[1] === 'new') return { view: 'new-rule' };
  if (parts[0] === 'rules' && parts[1] && parts[2]) return { view: 'rule', namespace: parts[1], name: parts[2] };
  if (parts[0] === 'rules') return { view: 'rules' };
  return { view: 'live' };
}

export function alertPath(id: string): string {
  return `/alerts/${encodeURIComponent(id)}`;
}

export function rulePath(namespace: string, name: string): string {
  return `/rules/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

const listeners = new Set<() => void>();

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, '', to);
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return parseRoute(path);
}

export function Link({ to, children, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
    window.scrollTo(0, 0);
  };
  return <a href={to} onClick={onClick} {...rest}>{children}</a>;
}
