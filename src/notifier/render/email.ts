import type { AlertFacts } from './facts.js';

/** Multipart e-mail: a readable subject, plain text, and simple inline-styled HTML (mail clients ignore <style>). */
export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function rows(f: AlertFacts): [string, string][] {
  return [
    [f.keyLabel, f.subject], ['How big', f.size], ['Since', `${f.since} (for ${f.duration})`],
    ...(f.people ? [['People', f.people] as [string, string]] : []), ['Rule', f.rule], ['Severity', f.severity], ['Why', f.reason],
  ];
}

const COLOR: Record<string, string> = { firing: '#d9480f', escalated: '#c92a2a', resolved: '#2b8a3e' };

export function emailAlert(f: AlertFacts): EmailMessage {
  const subject = f.state === 'resolved'
    ? `[HerdWatch] Resolved: ${f.subject} after ${f.duration}`
    : `[HerdWatch ${f.severity}] ${f.title.replace(/^\w+: /, '')}: ${f.size.replace(/ \(.*\)$/, '')} since ${f.since}`;
  const text = [f.title, '', ...rows(f).map(([k, v]) => `${k}: ${v}`), '', `Open in HerdWatch: ${f.url}`, ''].join('\n');
  const tr = rows(f).map(([k, v]) => `<tr><td style="padding:4px 12px 4px 0;color:#555;white-space:nowrap;vertical-align:top"><b>${esc(k)}</b></td><td style="padding:4px 0">${esc(v)}</td></tr>`).join('');
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;margin:0;padding:24px;background:#f6f7f9">
<div style="max-width:560px;margin:auto;background:#fff;border-radius:8px;border-top:6px solid ${COLOR[f.state] ?? '#444'};padding:20px 24px">
<h2 style="margin:0 0 12px;font-size:20px">${esc(f.title)}</h2>
<table style="border-collapse:collapse;font-size:14px">${tr}</table>
<p style="margin:20px 0 0"><a href="${esc(f.url)}" style="background:#1c7ed6;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">Open in HerdWatch</a></p>
</div><p style="text-align:center;color:#888;font-size:12px">Sent by HerdWatch for rule ${esc(f.rule)}</p></body></html>`;
  return { subject, text, html };
}

export function emailDigest(lines: readonly string[], rule: string): EmailMessage {
  const subject = `[HerdWatch] ${lines.length} alerts in one minute (${rule})`;
  const text = [`${lines.length} alerts in one minute:`, '', ...lines.map((l) => `- ${l}`), ''].join('\n');
  const html = `<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;padding:24px"><h2 style="font-size:18px">${esc(subject)}</h2><ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></body></html>`;
  return { subject, text, html };
}
