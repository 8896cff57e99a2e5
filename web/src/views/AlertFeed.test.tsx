import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { toErrorSchema } from '../rules/errors';
import { AlertFeed } from './AlertFeed';

const alert = {
  id: 'file:default/r:sku-1:1000', state: 'firing' as const, ruleUid: 'file:default/r', rule: 'default/r', detector: 'surge', severity: 'warning',
  key: 'sku-1', onset: 1_000, at: 61_000, value: 40, baseline: 10, lift: 4, score: 5, reason: 'sku-1: 40 weighted events in 5m',
};

describe('AlertFeed', () => {
  it('lists each alert with its key linking to the drill-down, its lift and why', () => {
    render(<AlertFeed alerts={[alert]} now={121_000} />);
    const link = screen.getByRole('link', { name: 'sku-1' });
    expect(link.getAttribute('href')).toBe(`/alerts/${encodeURIComponent(alert.id)}`);
    expect(screen.getByText('×4')).toBeTruthy();
    expect(screen.getByText('sku-1: 40 weighted events in 5m')).toBeTruthy();
  });

  it('says so when there is nothing yet', () => {
    render(<AlertFeed alerts={[]} now={0} />);
    expect(screen.getByText('No alerts yet.')).toBeTruthy();
  });
});

describe('server errors beside their fields', () => {
  it('maps JSON pointers and Kubernetes paths onto the form fields', () => {
    expect(toErrorSchema([{ field: '/spec/detector/minLift', message: 'too small' }, { field: 'spec.channels[0].email', message: 'bad' }]))
      .toEqual({ detector: { minLift: { __errors: ['too small'] } }, channels: { 0: { email: { __errors: ['bad'] } } } });
  });
});
