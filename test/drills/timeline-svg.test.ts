// The failover plot: well-formed SVG (parsed by Python's XML parser), one point per bucket at the right
// rate, the outage band where the probe saw it, and text escaped.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { escapeXml, niceMax, renderTimelineSvg } from '../../lab/drills/timeline-svg';

const parseWithPython = (svg: string) =>
  execFileSync(
    'python3',
    ['-c', 'import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.buffer.read()); print(r.tag)'],
    {
      input: svg,
    },
  )
    .toString()
    .trim();

describe('renderTimelineSvg', () => {
  const plot = {
    title: 'VIP failover <dev> & co',
    bucketMs: 100,
    confirmed: [20, 20, 20, 0, 0, 0, 0, 20, 40, 20],
    outages: [{ startMs: 300, endMs: 700, label: 'outage 0.4 s' }],
    marks: [{ t: 250, label: 'HAProxy killed' }],
    caption: 'measured "here"',
  };
  const svg = renderTimelineSvg(plot);

  it('is well-formed SVG', () => {
    expect(parseWithPython(svg)).toBe('{http://www.w3.org/2000/svg}svg');
  });

  it('plots one point per bucket, at rate = count per bucket scaled to a second', () => {
    const points = /class="rate"[^>]*points="([^"]+)"/.exec(svg)![1]!.split(' ');
    expect(points).toHaveLength(plot.confirmed.length);
    const ys = points.map((pt) => Number(pt.split(',')[1]));
    // 20 per 100 ms = 200/s, 40 per 100 ms = 400/s: the 400/s point sits twice as high above the axis.
    const axis = ys[3]!;
    expect(axis - ys[8]!).toBeCloseTo(2 * (axis - ys[0]!), 0);
    expect(ys[4]).toBe(axis);
  });

  it('shades the outage window between its start and end', () => {
    const rect = /<rect class="outage" x="([\d.]+)"[^>]*width="([\d.]+)"/.exec(svg)!;
    const points = /class="rate"[^>]*points="([^"]+)"/
      .exec(svg)![1]!
      .split(' ')
      .map((pt) => Number(pt.split(',')[0]));
    // Bucket i's point sits at (i + 0.5) * 100 ms; the band spans 300..700 ms.
    const msPerPx = 100 / (points[1]! - points[0]!);
    expect(Number(rect[1])).toBeCloseTo(points[3]! - 50 / msPerPx, 0);
    expect(Number(rect[2]) * msPerPx).toBeCloseTo(400, -1);
  });

  it('escapes text', () => {
    expect(svg).toContain('VIP failover &lt;dev&gt; &amp; co');
    expect(svg).toContain('measured &quot;here&quot;');
    expect(escapeXml(`a'b`)).toBe('a&apos;b');
  });

  it('picks round axis maxima', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(440)).toBe(500);
    expect(niceMax(1000)).toBe(1000);
    expect(niceMax(1001)).toBe(2000);
  });
});
